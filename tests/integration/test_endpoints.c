/* tests/integration/test_endpoints.c — every endpoint, on every surface the API has, end to end. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdlib.h>
#include <string.h>

#define IMAGE "https://media.example.com/first.png"
#define VIDEO "https://media.example.com/clip.mp4"
#define AUDIO "https://media.example.com/voice.mp3"

static void fill_i2v(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_prompt(r, "The beam sweeps the sea"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_image_uri(r, IMAGE), LTX_OK);
    ck_assert_int_eq(ltx_request_set_last_frame_uri(r, "https://media.example.com/last.png"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 8), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1920"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_fps(r, 50), LTX_OK);
}

static void fill_a2v(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_audio_uri(r, AUDIO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_image_uri(r, IMAGE), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, ""), LTX_OK); /* allowed with an image */
    ck_assert_int_eq(ltx_request_set_guidance_scale(r, 9), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
}

static void fill_retake(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_video_uri(r, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_start_time(r, 1.5), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 2.5), LTX_OK);
    ck_assert_int_eq(ltx_request_set_mode(r, "replace_audio_and_video"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "A cat walks in"), LTX_OK);
}

static void fill_extend(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_video_uri(r, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 4), LTX_OK);
    ck_assert_int_eq(ltx_request_set_mode(r, "start"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_context(r, 2), LTX_OK);
}

static void fill_hdr(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_video_uri(r, VIDEO), LTX_OK);
}

static void fill_reframe(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_video_uri(r, VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1350"), LTX_OK);
}

static void fill_t2v_auto(ltx_request *r)
{
    ck_assert_int_eq(ltx_request_set_prompt(r, "A fox runs through snow"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_5_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "3840x2160"), LTX_OK);
}

static const struct {
    int endpoint;
    void (*fill)(ltx_request *);
    int sync;           /* 1: v1, 0: v2 */
    const char *path;   /* what the server must see */
    const char *field;  /* a field the body must carry */
} cases[] = {
    {LTX_ENDPOINT_IMAGE_TO_VIDEO, fill_i2v, 0, "/v2/image-to-video", "\"last_frame_uri\""},
    {LTX_ENDPOINT_IMAGE_TO_VIDEO, fill_i2v, 1, "/v1/image-to-video", "\"fps\":50"},
    {LTX_ENDPOINT_AUDIO_TO_VIDEO, fill_a2v, 0, "/v2/audio-to-video", "\"guidance_scale\":9"},
    {LTX_ENDPOINT_AUDIO_TO_VIDEO, fill_a2v, 1, "/v1/audio-to-video", "\"audio_uri\""},
    {LTX_ENDPOINT_RETAKE, fill_retake, 0, "/v2/retake", "\"start_time\":1.5"},
    {LTX_ENDPOINT_RETAKE, fill_retake, 1, "/v1/retake", "\"duration\":2.5"},
    {LTX_ENDPOINT_EXTEND, fill_extend, 0, "/v2/extend", "\"mode\":\"start\""},
    {LTX_ENDPOINT_EXTEND, fill_extend, 1, "/v1/extend", "\"context\":2"},
    {LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR, fill_hdr, 0, "/v2/video-to-video-hdr", "\"video_uri\""},
    {LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME, fill_reframe, 0, "/v2/video-to-video-reframe", "\"1080x1350\""},
    {LTX_ENDPOINT_TEXT_TO_VIDEO, fill_t2v_auto, 0, "/v2/text-to-video", "\"duration\":null"},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(endpoint_produces_the_output_file)
{
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    char *body;
    int rc;

    ck_assert_int_eq(ltx_request_new(&req, cases[_i].endpoint), LTX_OK);
    cases[_i].fill(req);
    ck_assert_int_eq(ltx_request_set_sync(req, cases[_i].sync), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.bin")), LTX_OK);
    rc = ltx_generate(client, req, sink, NULL, NULL, &err);
    ck_assert_msg(rc == LTX_OK, "%s: %s", cases[_i].path, err ? ltx_error_message(err) : "");
    /* HDR's result is the EXR archive, a ZIP (OAS); the others the MP4 */
    if (cases[_i].endpoint == LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR)
        ck_assert(itest_is_mock_zip(itest_path("out.bin")));
    else
        ck_assert(itest_is_mock_video(itest_path("out.bin")));
    ck_assert_uint_eq(lmock_count(mock, "POST", cases[_i].path), 1);
    ck_assert_uint_eq(lmock_downloads_with_auth(mock), 0);
    if (cases[_i].sync) { /* v1 has no polls after the POST: its body is the last one seen */
        body = lmock_last_body(mock, cases[_i].path);
        ck_assert_msg(body && strstr(body, cases[_i].field), "%s body %s", cases[_i].path,
                      body ? body : "(none)");
        free(body);
    }
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(endpoint_body_carries_its_fields)
{
    ltx_request *req = NULL;
    ltx_job *job = NULL;
    char *body;

    if (cases[_i].sync)
        return; /* the v1 case reads its body above */
    ck_assert_int_eq(ltx_request_new(&req, cases[_i].endpoint), LTX_OK);
    cases[_i].fill(req);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    body = lmock_last_body(mock, cases[_i].path);
    ck_assert_msg(body && strstr(body, cases[_i].field), "%s body %s", cases[_i].path,
                  body ? body : "(none)");
    free(body);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(hdr_and_reframe_have_no_synchronous_surface)
{
    ltx_request *req = NULL;

    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR), LTX_OK);
    ck_assert_int_eq(ltx_request_set_sync(req, 1), LTX_EINVAL);
    ltx_request_free(req);
    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME), LTX_OK);
    ck_assert_int_eq(ltx_request_set_sync(req, 1), LTX_EINVAL);
    ltx_request_free(req);
}
END_TEST

START_TEST(the_hdr_result_is_the_exr_archive)
{
    ltx_request *req = NULL;
    ltx_job *job = NULL;

    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR), LTX_OK);
    fill_hdr(req);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_wait(job, 0, NULL, NULL, NULL), LTX_OK);
    ck_assert_ptr_nonnull(strstr(ltx_job_result_url(job, NULL), ".zip"));
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

Suite *suite_endpoints(void)
{
    Suite *s = suite_create("endpoints");
    TCase *tc = tcase_create("every endpoint");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, endpoint_produces_the_output_file, 0, (int)N_CASES);
    tcase_add_loop_test(tc, endpoint_body_carries_its_fields, 0, (int)N_CASES);
    tcase_add_test(tc, hdr_and_reframe_have_no_synchronous_surface);
    tcase_add_test(tc, the_hdr_result_is_the_exr_archive);
    suite_add_tcase(s, tc);
    return s;
}
