/* tests/integration/itest.h — shared fixture: a fresh in-process ltx-mock and a client per test. */
#ifndef LTX_ITEST_H
#define LTX_ITEST_H

#include <check.h>
#include <ltx/ltx.h>

#include "mock.h"

#define ITEST_KEY "test-key"

extern lmock *mock;
extern ltx_client *client;
extern char tmpdir[];

void itest_setup(void);
void itest_teardown(void);

/* Debug log lines the fixture's client produced in this test (each checked for the key). */
extern unsigned itest_log_lines;

/* A path inside this test's temporary directory (static buffer, one at a time). */
const char *itest_path(const char *name);

/* Read a whole file; NULL when absent. Caller frees. */
unsigned char *itest_read(const char *path, size_t *len);

/* Does the file hold exactly the mock's video? */
int itest_is_mock_video(const char *path);

/* Does the file hold exactly the mock's HDR archive (a ZIP)? */
int itest_is_mock_zip(const char *path);

/* Entries in the temporary directory (to prove no stray temporary file was left). */
int itest_dir_entries(void);

/* A valid text-to-video request (ltx-2-3-fast, 1920x1080, 6 s). Caller frees. */
ltx_request *itest_t2v(int sync);

/* Script a fault on method+path answering status, times times. */
void itest_fault(const char *method, const char *path, int status, unsigned times);

Suite *suite_t2v(void);
Suite *suite_errors(void);
Suite *suite_download(void);
Suite *suite_mock(void);
Suite *suite_retry(void);
Suite *suite_upload(void);
Suite *suite_endpoints(void);
Suite *suite_faults(void);
Suite *suite_batch(void);
Suite *suite_batch_files(void);
Suite *suite_threads(void);
Suite *suite_money(void);
Suite *suite_forward(void);
Suite *suite_fidelity(void);
Suite *suite_cancel(void);
Suite *suite_eventloop(void);
Suite *suite_hostile(void);
Suite *suite_tls(void);
Suite *suite_poll(void);
Suite *suite_generate(void);

#endif
