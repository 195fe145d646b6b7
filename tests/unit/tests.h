/* tests/unit/tests.h — the unit suites (one per concern) that main.c runs together. */
#ifndef LTX_UNIT_TESTS_H
#define LTX_UNIT_TESTS_H

#include <check.h>

Suite *suite_request(void); /* request builder, validation, model matrix, JSON body */
Suite *suite_error(void);   /* status texts, the error object, errors built from answers */
Suite *suite_util(void);    /* UTF-8, bounded buffers, the client handle, the version */
Suite *suite_retry(void);   /* outcomes, the retry decision, backoff and Retry-After */
Suite *suite_sink(void);    /* path, fd, callback and memory sinks */
Suite *suite_codec(void);   /* error envelopes and job documents */
Suite *suite_fields(void);  /* the field table against spec/ltx-openapi.json */
Suite *suite_poll(void);    /* the poll schedule and the run times it learns */

#endif
