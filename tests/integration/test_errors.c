/* tests/integration/test_errors.c — every documented status, on both surfaces, as the user sees it. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The documented statuses, their class and error.type (API-NOTES §9), and how often a call
 * with max_retries 2 must reach the server: 3 when the policy retries, 1 when it must not. */
static const struct {
    int status;
    int code;
    const char *type;
    unsigned v2_submits; /* POST /v2 attempts */
    unsigned v1_posts;   /* POST /v1 attempts */
    int possibly_executed;
} statuses[] = {
    {400, LTX_EBADREQUEST, "invalid_request_error", 1, 1, 0},
    {401, LTX_EAUTH, "authentication_error", 1, 1, 0},
    {402, LTX_EFUNDS, "insufficient_funds_error", 1, 1, 0},
    {422, LTX_ECONTENT, "content_filtered_error", 1, 1, 0},
    {429, LTX_ERATELIMIT, "rate_limit_error", 3, 3, 0},
    {500, LTX_ESERVER, "api_error", 1, 1, 1},
    {503, LTX_EUNAVAILABLE, "service_unavailable", 3, 3, 0},
    {504, LTX_EGATEWAYTIMEOUT, NULL, 1, 3, 1},
};
#define N_STATUSES (sizeof(statuses) / sizeof(statuses[0]))

static int is_hex32(const char *s)
{
    size_t n = 0;

    for (; s && s[n]; n++)
        if (!isxdigit((unsigned char)s[n]))
            return 0;
    return n == 32;
}

static void check_status(int i, int sync)
{
    ltx_request *req = itest_t2v(sync);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    const char *path = sync ? "/v1/text-to-video" : "/v2/text-to-video";
    unsigned expected = sync ? statuses[i].v1_posts : statuses[i].v2_submits;
    int rc;

    itest_fault("POST", path, statuses[i].status, 10);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    rc = ltx_generate(client, req, sink, NULL, NULL, &err);
    ck_assert_msg(rc == statuses[i].code, "HTTP %d on %s gave %d", statuses[i].status, path, rc);
    ck_assert_int_eq(ltx_error_code(err), statuses[i].code);
    ck_assert_int_eq(ltx_error_http_status(err), statuses[i].status);
    if (statuses[i].type)
        ck_assert_str_eq(ltx_error_type(err), statuses[i].type);
    ck_assert_ptr_nonnull(ltx_error_api_message(err));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), ltx_error_api_message(err)));
    ck_assert_msg(is_hex32(ltx_error_request_id(err)), "request id %s",
                  ltx_error_request_id(err) ? ltx_error_request_id(err) : "(none)");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), ltx_error_request_id(err)));
    ck_assert_uint_eq(lmock_count(mock, "POST", path), expected);
    ck_assert_uint_eq(ltx_error_attempts(err), expected);
    ck_assert_int_eq(ltx_error_possibly_executed(err), statuses[i].possibly_executed);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 0);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}

START_TEST(v2_submit_status_maps_to_its_class)
{
    check_status(_i, 0);
}
END_TEST

START_TEST(v1_status_maps_to_its_class)
{
    check_status(_i, 1);
}
END_TEST

START_TEST(v1_504_is_not_retried_when_unknown_outcomes_are_off)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_set_retry_unknown_outcome(client, 0), LTX_OK);
    itest_fault("POST", "/v1/text-to-video", 504, 10);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EGATEWAYTIMEOUT);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/text-to-video"), 1);
    ck_assert(ltx_error_possibly_executed(err));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_wrong_key_is_an_authentication_error_from_the_server)
{
    ltx_client *bad = NULL;
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_new(&bad, "not-the-key", NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(bad, lmock_base_url(mock)), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1 << 20), LTX_OK);
    ck_assert_int_eq(ltx_generate(bad, req, sink, NULL, NULL, &err), LTX_EAUTH);
    ck_assert_str_eq(ltx_error_type(err), "authentication_error");
    ck_assert_str_eq(ltx_error_api_message(err), "Invalid API key");
    ck_assert_ptr_null(strstr(ltx_error_message(err), "not-the-key"));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    ltx_client_free(bad);
}
END_TEST

START_TEST(a_rate_limit_that_clears_succeeds_after_retries)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;

    itest_fault("POST", "/v2/text-to-video", 429, 2);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 3);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_failed_job_surfaces_its_type_and_message)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};

    f.kind = LMOCK_FAULT_BODY;
    f.method = "GET";
    f.path_prefix = "/v2/text-to-video/";
    f.status = 200;
    f.body = "{\"status\":\"failed\",\"id\":\"x\",\"created_at\":\"2026-11-26T12:00:00Z\","
             "\"completed_at\":\"2026-11-26T12:01:00Z\",\"error\":{\"type\":"
             "\"content_filtered_error\",\"message\":\"The prompt was flagged\"}}";
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EJOBFAILED);
    ck_assert_str_eq(ltx_error_type(err), "content_filtered_error");
    ck_assert_str_eq(ltx_error_api_message(err), "The prompt was flagged");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "The prompt was flagged"));
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(an_undocumented_job_status_is_a_failure_that_keeps_the_status)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};

    f.kind = LMOCK_FAULT_BODY;
    f.method = "GET";
    f.path_prefix = "/v2/text-to-video/";
    f.status = 200;
    f.body = "{\"status\":\"exploded\",\"id\":\"x\",\"created_at\":\"2026-11-26T12:00:00Z\"}";
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EPROTOCOL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "exploded"));
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(an_expired_job_is_not_found_with_its_id)
{
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_job_open_by_name(&job, client, "text-to-video", "0b7c4e8e-dead-beef-0000-000000000000", NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_refresh(job, &err), LTX_ENOTFOUND);
    ck_assert_int_eq(ltx_error_http_status(err), 404);
    ck_assert_str_eq(ltx_error_job_id(err), "0b7c4e8e-dead-beef-0000-000000000000");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "expired"));
    ltx_error_free(err);
    ltx_job_free(job);
}
END_TEST

START_TEST(an_html_413_from_a_proxy_reads_as_too_large)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};
    size_t len = 0;

    f.kind = LMOCK_FAULT_HTML;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.status = 413;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1 << 20), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ETOOLARGE);
    ck_assert_ptr_null(ltx_error_type(err));
    ck_assert_ptr_nonnull(strstr(ltx_error_api_message(err), "Request Entity Too Large"));
    ck_assert_ptr_null(strchr(ltx_error_api_message(err), '<'));
    ck_assert_ptr_nonnull(ltx_error_body(err, &len));
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

Suite *suite_errors(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("statuses");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, v2_submit_status_maps_to_its_class, 0, (int)N_STATUSES);
    tcase_add_loop_test(tc, v1_status_maps_to_its_class, 0, (int)N_STATUSES);
    tcase_add_test(tc, v1_504_is_not_retried_when_unknown_outcomes_are_off);
    tcase_add_test(tc, a_wrong_key_is_an_authentication_error_from_the_server);
    tcase_add_test(tc, a_rate_limit_that_clears_succeeds_after_retries);
    tcase_add_test(tc, a_failed_job_surfaces_its_type_and_message);
    tcase_add_test(tc, an_undocumented_job_status_is_a_failure_that_keeps_the_status);
    tcase_add_test(tc, an_expired_job_is_not_found_with_its_id);
    tcase_add_test(tc, an_html_413_from_a_proxy_reads_as_too_large);
    suite_add_tcase(s, tc);
    return s;
}
