/* tests/integration/test_download.c — result downloads: no key sent, resume, and no partial files. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_fault(lmock_fault_kind kind, const char *method, const char *path, unsigned times)
{
    lmock_fault f = {0};

    f.kind = kind;
    f.method = method;
    f.path_prefix = path;
    f.times = times;
    f.delay_ms = 3000;
    lmock_fault_add(mock, &f);
}

START_TEST(the_download_never_carries_the_api_key)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    char *auth;

    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 1);
    ck_assert_uint_eq(lmock_downloads_with_auth(mock), 0);
    auth = lmock_last_header(mock, "/results/", "Authorization");
    ck_assert_ptr_null(auth);
    /* while the poll, on the API host, did carry it */
    auth = lmock_last_header(mock, "/v2/text-to-video/", "Authorization");
    ck_assert_str_eq(auth, "Bearer " ITEST_KEY);
    free(auth);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_dropped_download_resumes_with_range_and_ends_identical)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    char *range;

    add_fault(LMOCK_FAULT_TRUNCATE, "GET", "/results/", 1);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 2);
    range = lmock_last_header(mock, "/results/", "Range");
    ck_assert_ptr_nonnull(range);
    ck_assert_msg(strncmp(range, "bytes=", 6) == 0 && strcmp(range, "bytes=0-") != 0,
                  "Range %s", range);
    ck_assert_int_eq(itest_dir_entries(), 1);
    free(range);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_download_that_keeps_failing_leaves_no_file)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    FILE *f;
    size_t len;
    unsigned char *kept;

    /* an older file at the path must survive a failed replacement untouched */
    f = fopen(itest_path("out.mp4"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("previous", f);
    fclose(f);
    add_fault(LMOCK_FAULT_RESET, "GET", "/results/", 100);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ENETWORK);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    kept = itest_read(itest_path("out.mp4"), &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_int_eq(memcmp(kept, "previous", 8), 0);
    ck_assert_int_eq(itest_dir_entries(), 1);
    free(kept);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_truncated_v1_body_is_an_error_and_no_file)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    int rc;

    add_fault(LMOCK_FAULT_TRUNCATE, "POST", "/v1/text-to-video", 100);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    rc = ltx_generate(client, req, sink, NULL, NULL, &err);
    ck_assert_msg(rc == LTX_ENETWORK, "got %d: %s", rc, ltx_error_message(err));
    /* the server rendered (and billed) this: the error must say so, and not try again */
    ck_assert(ltx_error_possibly_executed(err));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/text-to-video"), 1);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_stalled_download_times_out_and_leaves_no_file)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_set_stall_timeout_ms(client, 300), LTX_OK);
    ck_assert_int_eq(ltx_client_set_retry(client, 0, 1, 1), LTX_OK);
    add_fault(LMOCK_FAULT_STALL, "GET", "/results/", 100);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ETIMEDOUT);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "no data"));
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_json_document_instead_of_the_video_is_refused_and_leaves_no_file)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};

    /* a result host that answers 200 with a JSON document (an error page in disguise) */
    f.kind = LMOCK_FAULT_BODY;
    f.method = "GET";
    f.path_prefix = "/results/";
    f.status = 200;
    f.body = "{\"error\": {\"type\": \"not_found_error\", \"message\": \"gone\"}}";
    f.content_type = "application/json";
    f.times = 100;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EPROTOCOL);
    ck_assert_msg(strstr(ltx_error_message(err), "answered a JSON document, not the video"), "%s",
                  ltx_error_message(err));
    ck_assert_ptr_nonnull(ltx_error_job_id(err)); /* the job ran: its id lets it be fetched */
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 1); /* not repeated */
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_job_without_a_result_is_not_downloaded)
{
    ltx_job *job = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_job_download(NULL, sink, NULL, NULL, &err), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_message(err), "ltx_job_download: job and sink are required");
    ltx_error_free(err);
    err = NULL;
    /* opened from an id and never polled: nothing to fetch yet, and nothing is sent */
    ck_assert_int_eq(ltx_job_open(&job, client, LTX_ENDPOINT_TEXT_TO_VIDEO,
                                  "0b9a4c52-6a1e-4f0e-9d4e-3c1f0a2b7e11", NULL),
                     LTX_OK);
    ck_assert_int_eq(ltx_job_download(job, sink, NULL, NULL, &err), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_message(err), "job 0b9a4c52-6a1e-4f0e-9d4e-3c1f0a2b7e11 has no "
                                             "result yet (status not polled)");
    ck_assert_str_eq(ltx_error_job_id(err), "0b9a4c52-6a1e-4f0e-9d4e-3c1f0a2b7e11");
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_sink_free(sink);
}
END_TEST

Suite *suite_download(void)
{
    Suite *s = suite_create("download");
    TCase *tc = tcase_create("results");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_download_never_carries_the_api_key);
    tcase_add_test(tc, a_dropped_download_resumes_with_range_and_ends_identical);
    tcase_add_test(tc, a_download_that_keeps_failing_leaves_no_file);
    tcase_add_test(tc, a_truncated_v1_body_is_an_error_and_no_file);
    tcase_add_test(tc, a_stalled_download_times_out_and_leaves_no_file);
    tcase_add_test(tc, a_json_document_instead_of_the_video_is_refused_and_leaves_no_file);
    tcase_add_test(tc, a_job_without_a_result_is_not_downloaded);
    suite_add_tcase(s, tc);
    return s;
}
