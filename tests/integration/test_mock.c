/* tests/integration/test_mock.c — ltx-mock behaves like the documented API, not like the client. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdlib.h>
#include <string.h>

/* Send a body that libltx's own validation would have stopped, through the escape hatch. */
static int send_with(const char *name, const char *json, ltx_error **err)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    int rc;

    ck_assert_int_eq(ltx_request_set_json(req, name, json), LTX_OK);
    rc = ltx_submit(&job, client, req, err);
    ltx_job_free(job);
    ltx_request_free(req);
    return rc;
}

START_TEST(the_mock_rejects_a_wrongly_typed_field_with_the_envelope)
{
    ltx_error *err = NULL;

    ck_assert_int_eq(send_with("duration", "\"six\"", &err), LTX_EBADREQUEST);
    ck_assert_str_eq(ltx_error_type(err), "invalid_request_error");
    ck_assert_ptr_nonnull(strstr(ltx_error_api_message(err), "duration"));
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 0);
    ltx_error_free(err);
}
END_TEST

START_TEST(the_mock_rejects_an_unknown_field)
{
    ltx_error *err = NULL;

    ck_assert_int_eq(send_with("seed", "42", &err), LTX_EBADREQUEST);
    ck_assert_ptr_nonnull(strstr(ltx_error_api_message(err), "seed"));
    ltx_error_free(err);
}
END_TEST

START_TEST(the_mock_rejects_a_missing_required_field)
{
    ltx_error *err = NULL;

    /* JSON null for a required string is not a value */
    ck_assert_int_eq(send_with("prompt", "null", &err), LTX_EBADREQUEST);
    ck_assert_ptr_nonnull(strstr(ltx_error_api_message(err), "prompt"));
    ltx_error_free(err);
}
END_TEST

START_TEST(a_job_is_only_found_under_the_endpoint_it_was_submitted_to)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL, *wrong = NULL;

    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_open_by_name(&wrong, client, "image-to-video", ltx_job_id(job), NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_refresh(wrong, NULL), LTX_ENOTFOUND);
    ck_assert_int_eq(ltx_job_refresh(job, NULL), LTX_OK);
    ltx_job_free(wrong);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(job_open_refuses_ids_that_are_not_ids)
{
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_job_open(&job, client, LTX_ENDPOINT_TEXT_TO_VIDEO, "../upload", &err),
                     LTX_EINVAL);
    ck_assert_ptr_null(job);
    ltx_error_free(err);
    err = NULL;
    /* an endpoint this release does not know is fine by name; a name that is no path is not */
    ck_assert_int_eq(ltx_job_open_by_name(&job, client, "text/../music", "abc", &err), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "not an endpoint name"));
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_job_open(&job, client, LTX_ENDPOINT_OTHER, "abc", &err), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "ltx_job_open_by_name"));
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_job_open_by_name(&job, client, "text-to-music", "abc", &err), LTX_OK);
    ck_assert_int_eq(ltx_job_endpoint(job), LTX_ENDPOINT_OTHER);
    ck_assert_str_eq(ltx_job_endpoint_name(job), "text-to-music");
    ltx_job_free(job);
    ltx_error_free(err);
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
}
END_TEST

Suite *suite_mock(void)
{
    Suite *s = suite_create("mock");
    TCase *tc = tcase_create("behaves like the API");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_mock_rejects_a_wrongly_typed_field_with_the_envelope);
    tcase_add_test(tc, the_mock_rejects_an_unknown_field);
    tcase_add_test(tc, the_mock_rejects_a_missing_required_field);
    tcase_add_test(tc, a_job_is_only_found_under_the_endpoint_it_was_submitted_to);
    tcase_add_test(tc, job_open_refuses_ids_that_are_not_ids);
    suite_add_tcase(s, tc);
    return s;
}
