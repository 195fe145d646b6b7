/* tests/integration/itest.c — the fixture: mock server, client and a scratch directory per test. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

lmock *mock;
ltx_client *client;
char tmpdir[256];
unsigned itest_log_lines;

/* Every test runs with debug logging on, and every line is checked for the key: a secret in a
 * log is a bug whichever test happens to expose it. */
static void check_log_line(int level, const char *line, void *ud)
{
    (void)level;
    (void)ud;
    itest_log_lines++;
    ck_assert_msg(strstr(line, ITEST_KEY) == NULL, "the API key is in a log line: %s", line);
    ck_assert_msg(strstr(line, "withheld") == NULL, "%s", line);
    ck_assert_msg(strstr(line, "Bearer") == NULL, "an Authorization header is in a log line: %s",
                  line);
}

void itest_setup(void)
{
    lmock_options opts;
    const char *base = getenv("TMPDIR");

    lmock_options_init(&opts);
    opts.quiet = 1;
    mock = lmock_start(&opts);
    ck_assert_ptr_nonnull(mock);
    ck_assert_int_eq(ltx_global_init(LTX_GLOBAL_DEFAULT), LTX_OK);
    ck_assert_int_eq(ltx_client_new(&client, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(client, lmock_base_url(mock)), LTX_OK);
    /* fast polls and backoff: the behaviour under test is the same at any speed */
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 5), LTX_OK);
    ck_assert_int_eq(ltx_client_set_retry(client, 2, 1, 5), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, 60000), LTX_OK);
    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_DEBUG, check_log_line, NULL), LTX_OK);
    itest_log_lines = 0;
    snprintf(tmpdir, 256, "%s/ltx-itest-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

void itest_teardown(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(itest_path(e->d_name));
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
    ltx_client_free(client);
    client = NULL;
    ltx_global_cleanup();
    lmock_stop(mock);
    mock = NULL;
}

const char *itest_path(const char *name)
{
    static char path[512];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

unsigned char *itest_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long n;

    *len = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) && fread(data, 1, (size_t)n, f) == (size_t)n)
        *len = (size_t)n;
    fclose(f);
    return data;
}

int itest_is_mock_video(const char *path)
{
    size_t len, want_len;
    unsigned char *got = itest_read(path, &len);
    const unsigned char *want = lmock_video(mock, &want_len);
    int same = got && len == want_len && memcmp(got, want, len) == 0;

    free(got);
    return same;
}

int itest_is_mock_zip(const char *path)
{
    size_t len, want_len;
    unsigned char *got = itest_read(path, &len);
    const unsigned char *want = lmock_exr_zip(mock, &want_len);
    int same = got && len == want_len && memcmp(got, want, len) == 0;

    free(got);
    return same;
}

int itest_dir_entries(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

ltx_request *itest_t2v(int sync)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_TEXT_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "A lighthouse at dusk, waves rolling in"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_FAST), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 6), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1920x1080"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_sync(r, sync), LTX_OK);
    return r;
}

void itest_fault(const char *method, const char *path, int status, unsigned times)
{
    lmock_fault f;

    memset(&f, 0, sizeof(f));
    f.kind = LMOCK_FAULT_STATUS;
    f.method = method;
    f.path_prefix = path;
    f.status = status;
    f.times = times;
    lmock_fault_add(mock, &f);
}
