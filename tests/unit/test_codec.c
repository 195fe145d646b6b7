/* tests/unit/test_codec.c — reading what the API answers: error envelopes (with fallbacks for
 * bodies that are not the envelope) and v2 job documents (API-NOTES §5, §9). */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "codec.h"
#include "private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void envelope(const char *body, char **type, char **message)
{
    ltx__envelope_parse(body, body ? strlen(body) : 0, type, message);
}

/* ---------------------------------------------------------------- error envelopes */

START_TEST(documented_envelope_gives_type_and_message)
{
    char *type = NULL, *message = NULL;

    envelope("{\"type\":\"error\",\"error\":{\"type\":\"insufficient_funds_error\","
             "\"message\":\"Insufficient funds. Required: 120 credits\"}}",
             &type, &message);
    ck_assert_str_eq(type, "insufficient_funds_error");
    ck_assert_str_eq(message, "Insufficient funds. Required: 120 credits");
    free(type);
    free(message);
}
END_TEST

START_TEST(unknown_error_type_is_kept_verbatim)
{
    char *type = NULL, *message = NULL;

    envelope("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}",
             &type, &message);
    ck_assert_str_eq(type, "overloaded_error");
    ck_assert_str_eq(message, "busy");
    free(type);
    free(message);
}
END_TEST

START_TEST(top_level_message_is_the_fallback)
{
    char *type = NULL, *message = NULL;

    envelope("{\"message\":\"Missing authorization header\"}", &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_str_eq(message, "Missing authorization header");
    free(message);
}
END_TEST

START_TEST(detail_is_the_next_fallback)
{
    char *type = NULL, *message = NULL;

    envelope("{\"detail\":\"Not Found\"}", &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_str_eq(message, "Not Found");
    free(message);
}
END_TEST

START_TEST(html_error_page_gives_its_text_without_tags)
{
    static const char page[] =
        "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
        "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n";
    char *type = NULL, *message = NULL;

    envelope(page, &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_ptr_nonnull(message);
    ck_assert_ptr_nonnull(strstr(message, "413 Request Entity Too Large"));
    ck_assert_ptr_null(strchr(message, '<'));
    ck_assert_ptr_null(strchr(message, '>'));
    ck_assert_ptr_null(strchr(message, '\n'));
    ck_assert_ptr_null(strchr(message, '\r'));
    free(message);
}
END_TEST

START_TEST(huge_text_body_gives_a_bounded_message)
{
    enum { SIZE = 100 * 1024 };
    char *body = malloc(SIZE + 1);
    char *message = NULL;

    ck_assert_ptr_nonnull(body);
    for (size_t i = 0; i < SIZE; i++)
        body[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 7);
    body[SIZE] = '\0';
    ltx__envelope_parse(body, SIZE, NULL, &message);
    ck_assert_ptr_nonnull(message);
    ck_assert_uint_gt(strlen(message), 0);
    ck_assert_uint_le(strlen(message), 1024);
    ck_assert_int_eq(strncmp(message, body, strlen(message)), 0); /* the start of the text */
    free(message);
    free(body);
}
END_TEST

/* Strings the library hands out are UTF-8 (DESIGN §2): cutting a long text body short must not
 * split a character. 'a' then 'é' x 400: a cut at any byte count lands inside an 'é' half the
 * time. */
START_TEST(bounded_fallback_message_is_valid_utf8)
{
    for (size_t lead = 0; lead < 2; lead++) {
        char body[1 + 2 * 400 + 1];
        char *message = NULL;
        size_t n = 0;

        if (lead)
            body[n++] = 'a';
        for (int i = 0; i < 400; i++) {
            body[n++] = '\xC3';
            body[n++] = '\xA9';
        }
        body[n] = '\0';
        long chars;
        size_t bytes;

        ltx__envelope_parse(body, n, NULL, &message);
        ck_assert_ptr_nonnull(message);
        chars = ltx__utf8_length(message);
        bytes = strlen(message);
        free(message);
        ck_assert_msg(chars >= 0, "message of %zu bytes (lead %zu) ends inside a character", bytes,
                      lead);
    }
}
END_TEST

/* A proxy page in Latin-1 is not UTF-8; the message made of it must still be. */
START_TEST(fallback_message_of_a_latin1_page_is_valid_utf8)
{
    static const char page[] =
        "<html><body>Zugriff verweigert f\xFCr diesen Benutzer</body></html>";
    char *message = NULL;
    long chars;

    ltx__envelope_parse(page, strlen(page), NULL, &message);
    ck_assert_ptr_nonnull(message);
    chars = ltx__utf8_length(message);
    free(message);
    ck_assert_msg(chars >= 0, "the message is not UTF-8");
}
END_TEST

START_TEST(empty_body_gives_nothing)
{
    char *type = (char *)"x", *message = (char *)"x";

    ltx__envelope_parse("", 0, &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_ptr_null(message);
    type = message = (char *)"x";
    ltx__envelope_parse(NULL, 0, &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_ptr_null(message);
}
END_TEST

START_TEST(control_bytes_only_give_no_message)
{
    char *type = NULL, *message = (char *)"x";

    ltx__envelope_parse("\x01\x02\r\n\t ", 6, &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_ptr_null(message);
}
END_TEST

START_TEST(garbage_text_becomes_the_message)
{
    char *type = NULL, *message = NULL;

    envelope("upstream connect error or disconnect/reset before headers\n", &type, &message);
    ck_assert_ptr_null(type);
    ck_assert_str_eq(message, "upstream connect error or disconnect/reset before headers");
    free(message);
}
END_TEST

START_TEST(envelope_outputs_may_be_null)
{
    static const char body[] = "{\"type\":\"error\",\"error\":{\"type\":\"t\",\"message\":\"m\"}}";
    char *message = NULL;

    ltx__envelope_parse(body, strlen(body), NULL, NULL);
    ltx__envelope_parse(body, strlen(body), NULL, &message);
    ck_assert_str_eq(message, "m");
    free(message);
}
END_TEST

/* ---------------------------------------------------------------- job documents */

static int job_status(const char *body, ltx_job_doc *doc)
{
    return ltx__job_status_parse(body, strlen(body), doc);
}

START_TEST(pending_and_processing_jobs_have_no_result)
{
    static const char *const states[] = {"pending", "processing"};

    for (size_t i = 0; i < 2; i++) {
        ltx_job_doc doc;
        char body[200];

        snprintf(body, sizeof(body),
                 "{\"status\":\"%s\",\"id\":\"3f1c\",\"created_at\":\"2026-11-26T12:00:00Z\"}",
                 states[i]);
        ck_assert_int_eq(job_status(body, &doc), LTX_OK);
        ck_assert_str_eq(doc.status, states[i]);
        ck_assert_str_eq(doc.created_at, "2026-11-26T12:00:00Z");
        ck_assert_ptr_null(doc.completed_at);
        ck_assert_uint_eq(doc.n_results, 0);
        ck_assert_ptr_null(doc.error_type);
        ck_assert_ptr_null(doc.error_message);
        ltx__job_doc_free(&doc);
    }
}
END_TEST

START_TEST(completed_job_gives_the_video_url)
{
    ltx_job_doc doc;

    ck_assert_int_eq(job_status("{\"status\":\"completed\",\"id\":\"3f1c\",\"created_at\":\"x\","
                                "\"completed_at\":\"y\",\"result\":{\"video_url\":"
                                "\"https://storage.googleapis.com/b/v.mp4?X-Goog-Signature=s\"}}",
                                &doc),
                     LTX_OK);
    ck_assert_str_eq(doc.status, "completed");
    ck_assert_str_eq(doc.created_at, "x");
    ck_assert_str_eq(doc.completed_at, "y");
    ck_assert_uint_eq(doc.n_results, 1);
    ck_assert_str_eq(doc.result_keys[0], "video_url");
    ck_assert_str_eq(doc.result_urls[0],
                     "https://storage.googleapis.com/b/v.mp4?X-Goog-Signature=s");
    ltx__job_doc_free(&doc);
    ck_assert_ptr_null(doc.status);
}
END_TEST

START_TEST(completed_hdr_job_gives_every_result_in_order)
{
    ltx_job_doc doc;

    /* the live API's HDR answer: the MP4 preview first, then the EXR frames; both are kept */
    ck_assert_int_eq(job_status("{\"status\":\"completed\",\"id\":\"h1\",\"result\":"
                                "{\"video_url\":\"https://example.com/preview.mp4\","
                                "\"exr_frames_url\":\"https://example.com/frames.zip\","
                                "\"size\":12}}",
                                &doc),
                     LTX_OK);
    ck_assert_uint_eq(doc.n_results, 2); /* string members only */
    ck_assert_str_eq(doc.result_keys[0], "video_url");
    ck_assert_str_eq(doc.result_urls[0], "https://example.com/preview.mp4");
    ck_assert_str_eq(doc.result_keys[1], "exr_frames_url");
    ck_assert_str_eq(doc.result_urls[1], "https://example.com/frames.zip");
    ltx__job_doc_free(&doc);
}
END_TEST

START_TEST(failed_job_gives_error_type_and_message)
{
    ltx_job_doc doc;

    ck_assert_int_eq(job_status("{\"status\":\"failed\",\"id\":\"f1\",\"error\":{\"type\":"
                                "\"content_filtered_error\",\"message\":\"Rejected by the safety "
                                "filter\"}}",
                                &doc),
                     LTX_OK);
    ck_assert_str_eq(doc.status, "failed");
    ck_assert_uint_eq(doc.n_results, 0);
    ck_assert_str_eq(doc.error_type, "content_filtered_error");
    ck_assert_str_eq(doc.error_message, "Rejected by the safety filter");
    ltx__job_doc_free(&doc);
}
END_TEST

START_TEST(unknown_status_is_kept_verbatim)
{
    ltx_job_doc doc;

    ck_assert_int_eq(job_status("{\"status\":\"Queued-For-GPU\",\"id\":\"q1\"}", &doc), LTX_OK);
    ck_assert_str_eq(doc.status, "Queued-For-GPU");
    ltx__job_doc_free(&doc);
}
END_TEST

START_TEST(job_document_that_is_not_json_is_a_protocol_error)
{
    static const char *const bad[] = {"<html>502 Bad Gateway</html>",
                                      "",
                                      "{\"status\":",
                                      "{\"id\":\"no-status\"}",
                                      "{\"status\":3}",
                                      "[\"completed\"]",
                                      "\"completed\""};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ltx_job_doc doc;

        ck_assert_msg(job_status(bad[i], &doc) == LTX_EPROTOCOL, "accepted <%s>", bad[i]);
        ck_assert_ptr_null(doc.status);
        ck_assert_uint_eq(doc.n_results, 0);
        ltx__job_doc_free(&doc);
    }
}
END_TEST

START_TEST(job_created_gives_the_id)
{
    static const char body[] =
        "{\"id\":\"3f1c2b7e-9a4d-4c1e-8b7a-2d5e6f708192\",\"created_at\":\"2026-11-26T12:00:00Z\"}";
    char *id = NULL, *created_at = NULL;

    ck_assert_int_eq(ltx__job_created_parse(body, strlen(body), &id, &created_at), LTX_OK);
    ck_assert_str_eq(id, "3f1c2b7e-9a4d-4c1e-8b7a-2d5e6f708192");
    ck_assert_str_eq(created_at, "2026-11-26T12:00:00Z");
    free(id);
    free(created_at);
}
END_TEST

START_TEST(job_created_without_an_id_is_a_protocol_error)
{
    static const char *const bad[] = {"{\"created_at\":\"x\"}", "{\"id\":42}", "{\"id\":\"\"}",
                                      "{\"id\":null}",          "not json",    ""};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *id = NULL, *created_at = NULL;

        ck_assert_msg(ltx__job_created_parse(bad[i], strlen(bad[i]), &id, &created_at) ==
                          LTX_EPROTOCOL,
                      "accepted <%s>", bad[i]);
        ck_assert_ptr_null(id);
        ck_assert_ptr_null(created_at);
    }
}
END_TEST

/* ---------------------------------------------------------------- JSON values */

START_TEST(json_value_check_accepts_exactly_one_value)
{
    static const char *const good[] = {"true", "12", "-1.5e3", "\"x\"",
                                       "null", "{}", "[1,{}]", " 7 "};
    static const char *const bad[] = {"", "{", "tru", "1 2", "'x'", "{\"a\":}", "nan"};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(ltx__json_value_valid(good[i]), "refused <%s>", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!ltx__json_value_valid(bad[i]), "accepted <%s>", bad[i]);
}
END_TEST

/* ---------------------------------------------------------------- the fast reader */

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *const answers[] = {
    "{\"status\":\"pending\",\"id\":\"j1\",\"created_at\":\"2026-12-06T06:37:16.592Z\"}",
    "{\"status\":\"completed\",\"id\":\"j1\",\"completed_at\":\"x\",\"result\":"
    "{\"video_url\":\"https://a/b.mp4?sig=1\",\"preview\":null,\"exr_frames_url\":\"https://e\"}}",
    "{\"status\":\"failed\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\",\"code\":7}}",
    " {\"status\" : \"processing\" , \"progress\" : 0.25 , \"tags\" : [1, -2, true, null, {}] }\n",
    "{\"status\":\"pending\",\"status\":\"completed\"}",       /* duplicate: jansson's */
    "{\"status\":\"pend\\u0069ng\"}",                          /* escape: jansson's */
    "{\"status\":\"pending\",\"n\":1e999}",                    /* overflow: refused */
    "{\"status\":\"pending\",\"n\":123456789012345678901234}", /* too big: refused */
    "{\"status\":\"pending\",\"n\":01}",                       /* leading zero: refused */
    "{\"status\":\"pending\"} x",                              /* trailing text */
    "{\"status\":\"pending\",}",                               /* trailing comma */
    "{\"status\":\"caf\xc3\xa9\"}",                            /* UTF-8 */
    "{\"status\":\"caf\xe9\"}",                                /* Latin-1: refused */
    "{\"status\":7,\"id\":\"\"}",                              /* no status, empty id */
    "{\"status\":\"x\",\"result\":\"not an object\",\"error\":[]}",
    "{\"status\":\"x\",\"result\":{\"a\":\"1\",\"a\":\"2\"}}", /* duplicate result */
    "[\"status\"]",
    "{\"status\":\"x\",\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    "]]]]}",
    "{\"status\":\"x\",\"t\":tru}",
    "",
};

START_TEST(fast_reader_agrees_with_jansson)
{
    const char *body = answers[_i];
    size_t len = strlen(body);
    ltx_job_doc fast, slow;
    char *id[2] = {NULL, NULL}, *created[2] = {NULL, NULL};
    int rf = ltx__job_status_parse(body, len, &fast),
        rs = ltx__job_status_parse_slow(body, len, &slow);

    ck_assert_msg(rf == rs, "%s: %d vs jansson's %d", body, rf, rs);
    if (rf == LTX_OK) {
        ck_assert_msg(same_text(fast.status, slow.status), "%s: status", body);
        ck_assert(same_text(fast.created_at, slow.created_at));
        ck_assert(same_text(fast.completed_at, slow.completed_at));
        ck_assert(same_text(fast.error_type, slow.error_type));
        ck_assert(same_text(fast.error_message, slow.error_message));
        ck_assert_uint_eq(fast.n_results, slow.n_results);
        for (size_t i = 0; i < fast.n_results; i++) {
            ck_assert_str_eq(fast.result_keys[i], slow.result_keys[i]);
            ck_assert_str_eq(fast.result_urls[i], slow.result_urls[i]);
        }
        ltx__job_doc_free(&fast);
        ltx__job_doc_free(&slow);
    }
    ck_assert_int_eq(ltx__job_created_parse(body, len, &id[0], &created[0]),
                     ltx__job_created_parse_slow(body, len, &id[1], &created[1]));
    ck_assert(same_text(id[0], id[1]) && same_text(created[0], created[1]));
    for (int i = 0; i < 2; i++) {
        free(id[i]);
        free(created[i]);
    }
}
END_TEST

/* The reader answers for the common documents itself, and leaves the unusual to jansson. */
START_TEST(fast_reader_answers_only_when_sure)
{
    ltx_scan sc;

    ck_assert_int_eq(ltx__scan_answer(answers[1], strlen(answers[1]), &sc), 1);
    ck_assert_uint_eq(sc.n_results, 3);
    ck_assert_int_eq(ltx__scan_answer(answers[3], strlen(answers[3]), &sc), 1);
    for (int i = 4; i <= 10; i++)
        ck_assert_msg(ltx__scan_answer(answers[i], strlen(answers[i]), &sc) == 0, "sure of %s",
                      answers[i]);
}
END_TEST

Suite *suite_codec(void)
{
    Suite *s = suite_create("codec");
    TCase *env = tcase_create("envelope");
    TCase *jobs = tcase_create("jobs");
    TCase *values = tcase_create("values");

    tcase_add_test(env, documented_envelope_gives_type_and_message);
    tcase_add_loop_test(env, fast_reader_agrees_with_jansson, 0,
                        (int)(sizeof(answers) / sizeof(answers[0])));
    tcase_add_test(env, fast_reader_answers_only_when_sure);
    tcase_add_test(env, unknown_error_type_is_kept_verbatim);
    tcase_add_test(env, top_level_message_is_the_fallback);
    tcase_add_test(env, detail_is_the_next_fallback);
    tcase_add_test(env, html_error_page_gives_its_text_without_tags);
    tcase_add_test(env, huge_text_body_gives_a_bounded_message);
    tcase_add_test(env, bounded_fallback_message_is_valid_utf8);
    tcase_add_test(env, fallback_message_of_a_latin1_page_is_valid_utf8);
    tcase_add_test(env, empty_body_gives_nothing);
    tcase_add_test(env, control_bytes_only_give_no_message);
    tcase_add_test(env, garbage_text_becomes_the_message);
    tcase_add_test(env, envelope_outputs_may_be_null);
    suite_add_tcase(s, env);

    tcase_add_test(jobs, pending_and_processing_jobs_have_no_result);
    tcase_add_test(jobs, completed_job_gives_the_video_url);
    tcase_add_test(jobs, completed_hdr_job_gives_every_result_in_order);
    tcase_add_test(jobs, failed_job_gives_error_type_and_message);
    tcase_add_test(jobs, unknown_status_is_kept_verbatim);
    tcase_add_test(jobs, job_document_that_is_not_json_is_a_protocol_error);
    tcase_add_test(jobs, job_created_gives_the_id);
    tcase_add_test(jobs, job_created_without_an_id_is_a_protocol_error);
    suite_add_tcase(s, jobs);

    tcase_add_test(values, json_value_check_accepts_exactly_one_value);
    suite_add_tcase(s, values);
    return s;
}
