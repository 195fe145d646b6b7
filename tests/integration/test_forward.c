/* tests/integration/test_forward.c — forward compatibility over the wire: fields the live API
 * added after the July 2026 document (API-NOTES §1) and endpoints called by name reach the
 * server, each with one WARN log line, instead of being refused. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIDEO "https://media.example.com/clip.mp4"
#define AUDIO "https://media.example.com/voice.mp3"
#define IMAGE "https://media.example.com/first.png"

/* The WARN lines the client logged since the test began. */
static unsigned warn_lines;
static char last_warn[1024];

static void capture(int level, const char *line, void *ud)
{
    (void)ud;
    ck_assert_msg(strstr(line, ITEST_KEY) == NULL, "the API key is in a log line: %s", line);
    if (level != LTX_LOG_WARN)
        return;
    warn_lines++;
    snprintf(last_warn, sizeof(last_warn), "%s", line);
}

static void capture_warnings(void)
{
    warn_lines = 0;
    last_warn[0] = '\0';
    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_DEBUG, capture, NULL), LTX_OK);
}

/* Submit req; the body the server saw at path (caller frees). */
static char *submitted_body(ltx_request *req, const char *path)
{
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    int rc = ltx_submit(&job, client, req, &err);
    char *body;

    ck_assert_msg(rc == LTX_OK, "%s: %s", path, err ? ltx_error_message(err) : "");
    body = lmock_last_body(mock, path);
    ck_assert_ptr_nonnull(body);
    ltx_job_free(job);
    return body;
}

START_TEST(audio_to_video_fields_added_in_august_are_sent_through_typed_setters)
{
    ltx_request *req = NULL;
    char *body;

    capture_warnings();
    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_AUDIO_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_audio_uri(req, AUDIO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_image_uri(req, IMAGE), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(req, "A drummer on a rooftop"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_fps(req, 48), LTX_OK);
    ck_assert_ptr_null(ltx_request_last_error(req));
    ck_assert_int_eq(ltx_request_set_camera_motion(req, "jib_up"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_last_frame_uri(req, "https://media.example.com/last.png"),
                     LTX_OK);
    body = submitted_body(req, "/v2/audio-to-video");
    ck_assert_msg(strstr(body, "\"fps\":48") && strstr(body, "\"camera_motion\":\"jib_up\"") &&
                      strstr(body, "\"last_frame_uri\":"),
                  "body %s", body);
    ck_assert_uint_eq(warn_lines, 1);
    ck_assert_msg(strstr(last_warn, "fps") && strstr(last_warn, "camera_motion") &&
                      strstr(last_warn, "last_frame_uri") && strstr(last_warn, "audio-to-video"),
                  "warning: %s", last_warn);
    free(body);
    ltx_request_free(req);
}
END_TEST

START_TEST(hdr_output_colorspace_and_reframe_placement_are_sent_through_set_json)
{
    ltx_request *hdr = NULL, *reframe = NULL;
    char *body;

    capture_warnings();
    ck_assert_int_eq(ltx_request_new(&hdr, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(hdr, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_json(hdr, "output_colorspace", "\"acescct\""), LTX_OK);
    body = submitted_body(hdr, "/v2/video-to-video-hdr");
    ck_assert_msg(strstr(body, "\"output_colorspace\":\"acescct\""), "body %s", body);
    ck_assert_uint_eq(warn_lines, 1);
    ck_assert_msg(strstr(last_warn, "output_colorspace"), "warning: %s", last_warn);
    free(body);

    ck_assert_int_eq(ltx_request_new(&reframe, LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(reframe, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(reframe, "1080x1350"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_json(reframe, "placement",
                                          "{\"x\":0.25,\"y\":0,\"width\":0.5,\"height\":1}"),
                     LTX_OK);
    body = submitted_body(reframe, "/v2/video-to-video-reframe");
    ck_assert_msg(strstr(body, "\"placement\":{\"x\":0.25,\"y\":0,\"width\":0.5,\"height\":1}"),
                  "body %s", body);
    ck_assert_uint_eq(warn_lines, 2);
    ck_assert_msg(strstr(last_warn, "placement"), "warning: %s", last_warn);
    free(body);
    ltx_request_free(hdr);
    ltx_request_free(reframe);
}
END_TEST

START_TEST(a_request_of_documented_fields_logs_no_warning)
{
    ltx_request *req = itest_t2v(0);
    char *body;

    capture_warnings();
    body = submitted_body(req, "/v2/text-to-video");
    ck_assert_uint_eq(warn_lines, 0);
    free(body);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_known_endpoint_by_name_is_that_endpoint)
{
    ltx_request *req = NULL;
    char *body;

    capture_warnings();
    ck_assert_int_eq(ltx_request_new_by_name(&req, "extend"), LTX_OK);
    ck_assert_int_eq(ltx_request_endpoint(req), LTX_ENDPOINT_EXTEND);
    ck_assert_str_eq(ltx_request_endpoint_name(req), "extend");
    ck_assert_int_eq(ltx_request_set_video_uri(req, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(req, 4), LTX_OK);
    /* below 1 s: the document allows it */
    ck_assert_int_eq(ltx_request_set_context(req, 0.5), LTX_OK);
    body = submitted_body(req, "/v2/extend");
    ck_assert_msg(strstr(body, "\"context\":0.5"), "body %s", body);
    ck_assert_uint_eq(warn_lines, 0);
    free(body);
    ltx_request_free(req);
}
END_TEST

/* API-NOTES §1 row 14: an operation whose endpoint name this release does not know. */
START_TEST(an_endpoint_this_release_does_not_know_is_called_by_name)
{
    ltx_request *req = NULL;
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    char *body;

    capture_warnings();
    ck_assert_int_eq(ltx_request_new_by_name(&req, "video-compositing"), LTX_OK);
    ck_assert_int_eq(ltx_request_endpoint(req), LTX_ENDPOINT_OTHER);
    ck_assert_int_eq(ltx_request_set_prompt(req, "Composite the two clips"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(req, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_fps(req, 30), LTX_OK);
    /* the mock has no such endpoint: what matters is what reached it */
    ck_assert_int_ne(ltx_submit(&job, client, req, &err), LTX_OK);
    ck_assert_int_eq(ltx_error_http_status(err), 404);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/video-compositing"), 1);
    body = lmock_last_body(mock, "/v2/video-compositing");
    ck_assert_ptr_nonnull(body);
    ck_assert_str_eq(body, "{\"prompt\":\"Composite the two clips\",\"fps\":30,"
                           "\"video_uri\":\"" VIDEO "\"}");
    ck_assert_uint_eq(warn_lines, 1);
    ck_assert_msg(strstr(last_warn, "video-compositing"), "warning: %s", last_warn);
    free(body);
    ltx_error_free(err);
    ltx_request_free(req);
}
END_TEST

Suite *suite_forward(void)
{
    Suite *s = suite_create("forward");
    TCase *tc = tcase_create("undocumented fields and endpoints");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, audio_to_video_fields_added_in_august_are_sent_through_typed_setters);
    tcase_add_test(tc, hdr_output_colorspace_and_reframe_placement_are_sent_through_set_json);
    tcase_add_test(tc, a_request_of_documented_fields_logs_no_warning);
    tcase_add_test(tc, a_known_endpoint_by_name_is_that_endpoint);
    tcase_add_test(tc, an_endpoint_this_release_does_not_know_is_called_by_name);
    suite_add_tcase(s, tc);
    return s;
}
