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

/* The same endpoint, served: submit, poll, download, resume and batch all work by name. */
START_TEST(an_endpoint_this_release_does_not_know_runs_end_to_end)
{
    lmock_options opts;
    lmock *m;
    ltx_request *req = NULL;
    ltx_job *job = NULL, *again = NULL;
    ltx_sink *sink = NULL, *second = NULL;
    ltx_batch *b = NULL;
    char out[1024];

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.extra_endpoint = "video-compositing";
    m = lmock_start(&opts);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(ltx_client_set_base_url(client, lmock_base_url(m)), LTX_OK);
    ck_assert_int_eq(ltx_request_new_by_name(&req, "video-compositing"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(req, "Composite the two clips"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(req, VIDEO), LTX_OK);

    /* one call */
    snprintf(out, sizeof(out), "%s", itest_path("composite.mp4"));
    ck_assert_int_eq(ltx_sink_new_path(&sink, out), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(out));

    /* step by step, and resumed by name on another handle */
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_endpoint(job), LTX_ENDPOINT_OTHER);
    ck_assert_str_eq(ltx_job_endpoint_name(job), "video-compositing");
    ck_assert_int_eq(ltx_job_open_by_name(&again, client, "video-compositing", ltx_job_id(job),
                                          NULL),
                     LTX_OK);
    ck_assert_int_eq(ltx_job_wait(again, 10, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_ge(lmock_count(m, "GET", "/v2/video-compositing/"), 1);
    snprintf(out, sizeof(out), "%s", itest_path("resumed.mp4"));
    ck_assert_int_eq(ltx_sink_new_path(&second, out), LTX_OK);
    ck_assert_int_eq(ltx_job_download(again, second, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(out));

    /* a batch of one new entry and one resumed job */
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_add(NULL, b, req, sink, NULL), LTX_OK);
    ck_assert_int_eq(ltx_batch_add_job(NULL, b, job, second, NULL), LTX_OK);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_OK);
    ck_assert_int_eq(ltx_batch_status(b, 1), LTX_OK);
    ck_assert_uint_eq(lmock_count(m, "POST", "/v2/video-compositing"), 3);
    ck_assert(itest_is_mock_video(itest_path("composite.mp4")));
    ltx_batch_free(b);
    ltx_sink_free(second);
    ltx_job_free(again);
    ltx_job_free(job);
    ltx_sink_free(sink);
    ltx_request_free(req);
    lmock_stop(m);
}
END_TEST

/* HDR's live answer names two results: the EXR frames are the primary one, the preview is
 * there by its key. */
START_TEST(an_hdr_job_with_two_results_gives_the_frames_and_the_preview_by_key)
{
    ltx_request *req = NULL;
    ltx_job *job = NULL;
    ltx_sink *frames = NULL, *preview = NULL;
    char zip[1024], mp4[1024];

    lmock_set_hdr_results(mock, LMOCK_HDR_RESULTS_BOTH);
    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(req, VIDEO), LTX_OK);
    snprintf(zip, sizeof(zip), "%s", itest_path("frames.zip"));
    snprintf(mp4, sizeof(mp4), "%s", itest_path("preview.mp4"));
    ck_assert_int_eq(ltx_sink_new_path(&frames, zip), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_path(&preview, mp4), LTX_OK);

    ck_assert_int_eq(ltx_generate(client, req, frames, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_zip(zip)); /* not the preview */

    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_wait(job, 10, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(ltx_job_result_count(job), 2);
    ck_assert_str_eq(ltx_job_result_url(job, NULL), ltx_job_result_url(job, "exr_frames_url"));
    ck_assert_ptr_nonnull(ltx_job_result_url(job, "video_url"));
    ck_assert_int_eq(ltx_job_download_result(job, "video_url", preview, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(mp4));
    ck_assert_int_eq(ltx_job_download_result(job, "no_such_url", preview, NULL, NULL, NULL),
                     LTX_EINVAL);
    ck_assert(itest_is_mock_video(mp4)); /* an unknown key leaves the older file alone */

    /* an answer with the preview only: that one is the primary result then */
    lmock_set_hdr_results(mock, LMOCK_HDR_RESULTS_VIDEO);
    ltx_job_free(job);
    job = NULL;
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_wait(job, 10, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(ltx_job_result_count(job), 1);
    ck_assert_str_eq(ltx_job_result_url(job, NULL), ltx_job_result_url(job, "video_url"));
    ltx_job_free(job);
    ltx_sink_free(preview);
    ltx_sink_free(frames);
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
    tcase_add_test(tc, an_endpoint_this_release_does_not_know_runs_end_to_end);
    tcase_add_test(tc, an_hdr_job_with_two_results_gives_the_frames_and_the_preview_by_key);
    suite_add_tcase(s, tc);
    return s;
}
