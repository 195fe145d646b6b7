/* tests/unit/test_error.c — status texts, the error object, and errors built from server answers.
 */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "call.h"
#include "error_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const int all_statuses[] = {
    LTX_OK,         LTX_EINVAL,     LTX_EREQUEST,    LTX_ENOMEM,       LTX_EIO,
    LTX_ENETWORK,   LTX_ETIMEDOUT,  LTX_ECANCELLED,  LTX_EPROTOCOL,    LTX_EJOBFAILED,
    LTX_ESINKFULL,  LTX_EINIT,      LTX_EHTTP,       LTX_EHEADER,      LTX_ETLS,
    LTX_EURL,       LTX_EBADREQUEST, LTX_EAUTH,
    LTX_EFUNDS,     LTX_EFORBIDDEN, LTX_ENOTFOUND,   LTX_ETOOLARGE,    LTX_ECONTENT,
    LTX_ERATELIMIT, LTX_ESERVER,    LTX_EBADGATEWAY, LTX_EUNAVAILABLE, LTX_EGATEWAYTIMEOUT,
};
#define N_STATUSES (sizeof(all_statuses) / sizeof(all_statuses[0]))

/* The HTTP statuses DESIGN §3 gives a class of their own, equal to the status. */
static const int http_classes[] = {400, 401, 402, 403, 404, 413, 422, 429, 500, 502, 503, 504};

/* ---------------------------------------------------------------- ltx_strerror */

START_TEST(strerror_describes_every_status_distinctly)
{
    for (size_t i = 0; i < N_STATUSES; i++) {
        const char *text = ltx_strerror(all_statuses[i]);

        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strcmp(text, "unknown error") != 0, "status %d has no description",
                      all_statuses[i]);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcmp(text, ltx_strerror(all_statuses[j])) != 0,
                          "statuses %d and %d share \"%s\"", all_statuses[i], all_statuses[j],
                          text);
    }
}
END_TEST

START_TEST(strerror_of_an_unknown_code_is_unknown_error)
{
    static const int unknown[] = {1, -16, -100, 200, 418, 600, INT_MIN, INT_MAX};

    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        ck_assert_str_eq(ltx_strerror(unknown[i]), "unknown error");
}
END_TEST

START_TEST(status_numbers_are_the_documented_abi)
{
    /* negative client-side classes, HTTP classes equal to their status */
    ck_assert_int_eq(LTX_OK, 0);
    for (size_t i = 1; i < N_STATUSES; i++)
        ck_assert(all_statuses[i] < 0 || (all_statuses[i] >= 400 && all_statuses[i] < 600));
    ck_assert_int_eq(LTX_EBADREQUEST, 400);
    ck_assert_int_eq(LTX_ERATELIMIT, 429);
    ck_assert_int_eq(LTX_EGATEWAYTIMEOUT, 504);
}
END_TEST

/* ---------------------------------------------------------------- getters */

START_TEST(error_getters_accept_null)
{
    size_t len = 1234;

    ltx_error_free(NULL);
    ck_assert_int_ne(ltx_error_code(NULL), LTX_OK);
    ck_assert_ptr_nonnull(ltx_error_message(NULL));
    ck_assert_int_eq(ltx_error_http_status(NULL), 0);
    ck_assert_ptr_null(ltx_error_type(NULL));
    ck_assert_ptr_null(ltx_error_api_message(NULL));
    ck_assert_ptr_null(ltx_error_request_id(NULL));
    ck_assert_ptr_null(ltx_error_field(NULL));
    ck_assert_ptr_null(ltx_error_job_id(NULL));
    ck_assert_int_eq(ltx_error_retry_after_ms(NULL), -1);
    ck_assert_uint_eq(ltx_error_attempts(NULL), 0);
    ck_assert_int_eq(ltx_error_possibly_executed(NULL), 0);
    ck_assert_ptr_null(ltx_error_transport_message(NULL));
    ck_assert_ptr_null(ltx_error_body(NULL, &len));
    ck_assert_uint_eq(len, 0);
    ck_assert_ptr_null(ltx_error_body(NULL, NULL));
}
END_TEST

START_TEST(new_error_has_no_details_and_no_retry_after)
{
    ltx_error *e = ltx__error_new(LTX_EIO, "cannot write %s", "out.mp4");

    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(ltx_error_code(e), LTX_EIO);
    ck_assert_str_eq(ltx_error_message(e), "cannot write out.mp4");
    ck_assert_int_eq(ltx_error_http_status(e), 0);
    ck_assert_int_eq(ltx_error_retry_after_ms(e), -1);
    ck_assert_ptr_null(ltx_error_request_id(e));
    ck_assert_ptr_null(ltx_error_body(e, NULL));
    ltx_error_free(e);
}
END_TEST

START_TEST(fail_hands_the_error_to_the_caller_or_drops_it)
{
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx__fail(&err, LTX_ETIMEDOUT, "after %d ms", 1500), LTX_ETIMEDOUT);
    ck_assert_int_eq(ltx_error_code(err), LTX_ETIMEDOUT);
    ck_assert_str_eq(ltx_error_message(err), "after 1500 ms");
    ltx_error_free(err);
    ck_assert_int_eq(ltx__fail(NULL, LTX_EIO, "nobody reads this"), LTX_EIO);
}
END_TEST

/* ---------------------------------------------------------------- classes and messages */

START_TEST(status_class_maps_documented_statuses_to_themselves)
{
    for (size_t i = 0; i < sizeof(http_classes) / sizeof(http_classes[0]); i++)
        ck_assert_int_eq(ltx__status_class(http_classes[i]), http_classes[i]);
}
END_TEST

START_TEST(status_class_of_any_other_status_is_ehttp)
{
    static const int others[] = {418, 405, 409, 410, 451, 501, 505, 529, 302, 599};

    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        ck_assert_int_eq(ltx__status_class(others[i]), LTX_EHTTP);
}
END_TEST

START_TEST(composed_message_includes_request_id_and_http_status)
{
    ltx_error *e = ltx__error_new(LTX_ERATELIMIT, "placeholder");
    const char *msg;

    e->http_status = 429;
    e->type = strdup("concurrency_limit_error");
    e->request_id = strdup("0123456789abcdef0123456789abcdef");
    ck_assert_int_eq(ltx__error_compose(e, "submit text-to-video: too many jobs"), LTX_OK);
    msg = ltx_error_message(e);
    ck_assert_ptr_nonnull(strstr(msg, "submit text-to-video: too many jobs"));
    ck_assert_ptr_nonnull(strstr(msg, "429"));
    ck_assert_ptr_nonnull(strstr(msg, "0123456789abcdef0123456789abcdef"));
    ck_assert_ptr_nonnull(strstr(msg, "concurrency_limit_error"));
    ltx_error_free(e);
}
END_TEST

START_TEST(composed_message_includes_request_id_without_a_status)
{
    ltx_error *e = ltx__error_new(LTX_ENETWORK, "placeholder");

    e->request_id = strdup("req-77");
    ck_assert_int_eq(ltx__error_compose(e, "download: connection reset"), LTX_OK);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "download: connection reset"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "req-77"));
    ltx_error_free(e);
}
END_TEST

START_TEST(composed_message_without_text_uses_the_status_description)
{
    ltx_error *e = ltx__error_new(LTX_EUNAVAILABLE, "placeholder");

    e->http_status = 503;
    ck_assert_int_eq(ltx__error_compose(e, NULL), LTX_OK);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), ltx_strerror(LTX_EUNAVAILABLE)));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "503"));
    ltx_error_free(e);
}
END_TEST

START_TEST(composed_message_without_details_is_the_text)
{
    ltx_error *e = ltx__error_new(LTX_EIO, "placeholder");

    ck_assert_int_eq(ltx__error_compose(e, "disk full"), LTX_OK);
    ck_assert_str_eq(ltx_error_message(e), "disk full");
    ltx_error_free(e);
}
END_TEST

/* ---------------------------------------------------------------- errors from answers */

static ltx_client *client;

static void client_setup(void)
{
    ck_assert_int_eq(ltx_global_init(LTX_GLOBAL_DEFAULT), LTX_OK);
    ck_assert_int_eq(ltx_client_new(&client, "test-key", NULL), LTX_OK);
}

static void client_teardown(void)
{
    ltx_client_free(client);
    client = NULL;
    ltx_global_cleanup();
}

/* An answer as the transport would leave it. */
static void answer(ltx_http_resp *rs, int status, const char *body, const char *request_id,
                   const char *retry_after)
{
    memset(rs, 0, sizeof(*rs));
    rs->http_status = status;
    rs->transport_status = LTX_OK;
    rs->request_sent = 1;
    rs->content_length = -1;
    rs->body.limit = LTX_ERROR_BODY_MAX;
    if (body)
        ck_assert_int_eq(ltx__buf_append(&rs->body, body, strlen(body)), LTX_OK);
    rs->request_id = request_id ? strdup(request_id) : NULL;
    rs->retry_after = retry_after ? strdup(retry_after) : NULL;
}

START_TEST(rate_limit_answer_keeps_every_detail)
{
    static const char body[] = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                               "\"message\":\"Too many requests\"}}";
    ltx_http_resp rs;
    ltx_error *e;
    const void *copy;
    size_t len;

    answer(&rs, 429, body, "abc123", "3");
    e = ltx__error_of_exchange(client, &rs, 0, "submit text-to-video", NULL, 4, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(ltx_error_code(e), LTX_ERATELIMIT);
    ck_assert_int_eq(ltx_error_http_status(e), 429);
    ck_assert_str_eq(ltx_error_type(e), "rate_limit_error");
    ck_assert_str_eq(ltx_error_api_message(e), "Too many requests");
    ck_assert_str_eq(ltx_error_request_id(e), "abc123");
    ck_assert_int_eq(ltx_error_retry_after_ms(e), 3000);
    ck_assert_uint_eq(ltx_error_attempts(e), 4);
    ck_assert_int_eq(ltx_error_possibly_executed(e), 0);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "abc123"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "Too many requests"));
    copy = ltx_error_body(e, &len);
    ck_assert_uint_eq(len, strlen(body));
    ck_assert_mem_eq(copy, body, len);
    ltx_error_free(e);
    ltx__http_resp_free(&rs);
}
END_TEST

START_TEST(server_error_on_submit_says_possibly_executed)
{
    ltx_http_resp rs;
    ltx_error *e;

    answer(&rs, 500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}",
           "r-500", NULL);
    e = ltx__error_of_exchange(client, &rs, 0, "submit text-to-video", NULL, 1, 1);
    ck_assert_int_eq(ltx_error_code(e), LTX_ESERVER);
    ck_assert_int_eq(ltx_error_possibly_executed(e), 1);
    ck_assert_int_eq(ltx_error_retry_after_ms(e), -1);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "r-500"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "500"));
    ltx_error_free(e);
    ltx__http_resp_free(&rs);
}
END_TEST

START_TEST(html_413_from_a_proxy_gives_its_text)
{
    ltx_http_resp rs;
    ltx_error *e;

    answer(&rs, 413,
           "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
           "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>"
           "\r\n</body>\r\n</html>\r\n",
           NULL, NULL);
    e = ltx__error_of_exchange(client, &rs, 0, "submit image-to-video", NULL, 1, 0);
    ck_assert_int_eq(ltx_error_code(e), LTX_ETOOLARGE);
    ck_assert_ptr_null(ltx_error_type(e));
    ck_assert_ptr_nonnull(strstr(ltx_error_api_message(e), "Request Entity Too Large"));
    ck_assert_ptr_null(strchr(ltx_error_message(e), '<'));
    ltx_error_free(e);
    ltx__http_resp_free(&rs);
}
END_TEST

START_TEST(transport_failure_keeps_the_transport_text)
{
    ltx_http_resp rs;
    ltx_error *e;

    answer(&rs, 0, NULL, NULL, NULL);
    rs.transport_status = LTX_ENETWORK;
    rs.request_sent = 0;
    strcpy(rs.transport_message, "Could not resolve host: api.invalid");
    e = ltx__error_of_exchange(client, &rs, 0, "poll", NULL, 4, 0);
    ck_assert_int_eq(ltx_error_code(e), LTX_ENETWORK);
    ck_assert_int_eq(ltx_error_http_status(e), 0);
    ck_assert_str_eq(ltx_error_transport_message(e), "Could not resolve host: api.invalid");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "Could not resolve host"));
    ck_assert_ptr_null(ltx_error_body(e, NULL));
    ltx_error_free(e);
    ltx__http_resp_free(&rs);
}
END_TEST

Suite *suite_error(void)
{
    Suite *s = suite_create("error");
    TCase *texts = tcase_create("strerror");
    TCase *object = tcase_create("object");
    TCase *classes = tcase_create("classes");
    TCase *answers = tcase_create("answers");

    tcase_add_test(texts, strerror_describes_every_status_distinctly);
    tcase_add_test(texts, strerror_of_an_unknown_code_is_unknown_error);
    tcase_add_test(texts, status_numbers_are_the_documented_abi);
    suite_add_tcase(s, texts);

    tcase_add_test(object, error_getters_accept_null);
    tcase_add_test(object, new_error_has_no_details_and_no_retry_after);
    tcase_add_test(object, fail_hands_the_error_to_the_caller_or_drops_it);
    suite_add_tcase(s, object);

    tcase_add_test(classes, status_class_maps_documented_statuses_to_themselves);
    tcase_add_test(classes, status_class_of_any_other_status_is_ehttp);
    tcase_add_test(classes, composed_message_includes_request_id_and_http_status);
    tcase_add_test(classes, composed_message_includes_request_id_without_a_status);
    tcase_add_test(classes, composed_message_without_text_uses_the_status_description);
    tcase_add_test(classes, composed_message_without_details_is_the_text);
    suite_add_tcase(s, classes);

    tcase_add_checked_fixture(answers, client_setup, client_teardown);
    tcase_add_test(answers, rate_limit_answer_keeps_every_detail);
    tcase_add_test(answers, server_error_on_submit_says_possibly_executed);
    tcase_add_test(answers, html_413_from_a_proxy_gives_its_text);
    tcase_add_test(answers, transport_failure_keeps_the_transport_text);
    suite_add_tcase(s, answers);
    return s;
}
