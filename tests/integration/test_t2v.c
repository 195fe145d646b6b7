/* tests/integration/test_t2v.c — text-to-video end to end on v2 and v1, and the lower-level job calls. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int submitted, waiting, downloading;
    char job_id[128];
    char statuses[256];
    uint64_t last_bytes, last_total;
    int cancel_at_stage;
} progress_log;

static int record_progress(const ltx_progress *p, void *ud)
{
    progress_log *log = ud;

    switch (ltx_progress_stage(p)) {
    case LTX_STAGE_SUBMITTED:
        log->submitted++;
        snprintf(log->job_id, sizeof(log->job_id), "%s", ltx_progress_job_id(p));
        break;
    case LTX_STAGE_WAITING:
        log->waiting++;
        strncat(log->statuses, ltx_progress_status(p), sizeof(log->statuses) - strlen(log->statuses) - 2);
        strcat(log->statuses, " ");
        break;
    case LTX_STAGE_DOWNLOADING:
        log->downloading++;
        log->last_bytes = ltx_progress_bytes(p);
        log->last_total = ltx_progress_total(p);
        break;
    }
    return log->cancel_at_stage == ltx_progress_stage(p);
}

START_TEST(v2_generate_writes_the_served_video)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    progress_log log = {0};
    size_t video_len;

    lmock_video(mock, &video_len);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, record_progress, &log, &err), LTX_OK);
    ck_assert_ptr_null(err);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_int_eq(itest_dir_entries(), 1); /* no temporary file left beside it */
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/"), 0);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 1);
    ck_assert_uint_eq(lmock_downloads_with_auth(mock), 0);
    /* progress saw the id first, then the documented states in order, then the bytes */
    ck_assert_int_eq(log.submitted, 1);
    ck_assert_int_gt((int)strlen(log.job_id), 0);
    ck_assert_str_eq(log.statuses, "pending processing completed ");
    ck_assert_uint_eq(log.last_bytes, video_len);
    ck_assert_uint_eq(log.last_total, video_len);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(v1_generate_writes_the_served_video)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("sync.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("sync.mp4")));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/text-to-video"), 1);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 0);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 0);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(the_body_sent_is_the_request_as_encoded)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    char *json = NULL, *seen, *auth, *ua, *ctype;

    ck_assert_int_eq(ltx_request_set_camera_motion(req, "dolly_in"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_generate_audio(req, 0), LTX_OK);
    ck_assert_int_eq(ltx_request_to_json(&json, req, NULL), LTX_OK);
    /* submit only: the polls that follow share the path prefix */
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    seen = lmock_last_body(mock, "/v2/text-to-video");
    auth = lmock_last_header(mock, "/v2/text-to-video", "Authorization");
    ua = lmock_last_header(mock, "/v2/text-to-video", "User-Agent");
    ctype = lmock_last_header(mock, "/v2/text-to-video", "Content-Type");
    ck_assert_str_eq(seen, json);
    ck_assert_str_eq(auth, "Bearer " ITEST_KEY);
    ck_assert_str_eq(ctype, "application/json");
    ck_assert_msg(strncmp(ua, "libltx/" LTX_VERSION " ", strlen("libltx/" LTX_VERSION " ")) == 0 &&
                      strstr(ua, "libcurl/"),
                  "User-Agent %s", ua);
    ck_assert_ptr_nonnull(strstr(json, "\"camera_motion\":\"dolly_in\""));
    ck_assert_ptr_nonnull(strstr(json, "\"generate_audio\":false"));
    ck_assert_ptr_nonnull(strstr(json, "\"duration\":6"));
    free(seen);
    free(auth);
    free(ua);
    free(ctype);
    ltx_free(json);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

typedef struct {
    unsigned char *data;
    size_t len;
} collected;

static int collect(const void *data, size_t len, void *ud)
{
    collected *c = ud;
    unsigned char *grown = realloc(c->data, c->len + len);

    if (!grown)
        return 1;
    memcpy(grown + c->len, data, len);
    c->data = grown;
    c->len += len;
    return 0;
}

START_TEST(memory_and_callback_sinks_receive_the_same_bytes)
{
    collected got = {0};
    ltx_request *req = itest_t2v(0);
    ltx_sink *mem = NULL;
    const void *data;
    size_t len, want_len;
    const unsigned char *want = lmock_video(mock, &want_len);

    ck_assert_int_eq(ltx_sink_new_memory(&mem, want_len), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, mem, NULL, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, mem), LTX_OK);
    ck_assert_uint_eq(len, want_len);
    ck_assert_int_eq(memcmp(data, want, len), 0);
    ltx_sink_free(mem);

    ck_assert_int_eq(ltx_sink_new_callback(&mem, collect, &got), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, mem, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(got.len, want_len);
    ck_assert_int_eq(memcmp(got.data, want, want_len), 0);
    free(got.data);
    ltx_sink_free(mem);

    /* one byte short of the video: the cap holds and the call says why */
    {
        ltx_error *err = NULL;

        ck_assert_int_eq(ltx_sink_new_memory(&mem, want_len - 1), LTX_OK);
        ck_assert_int_eq(ltx_generate(client, req, mem, NULL, NULL, &err), LTX_ESINKFULL);
        ck_assert_int_eq(ltx_error_code(err), LTX_ESINKFULL);
        ck_assert_ptr_nonnull(ltx_error_job_id(err));
        ltx_error_free(err);
        ltx_sink_free(mem);
    }
    ltx_request_free(req);
}
END_TEST

START_TEST(submit_wait_download_and_resume_by_id)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL, *again = NULL;
    ltx_client *other = NULL;
    ltx_sink *sink = NULL;
    char id[128];

    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_state(job), LTX_JOB_SUBMITTED);
    ck_assert_int_eq(ltx_job_endpoint(job), LTX_ENDPOINT_TEXT_TO_VIDEO);
    ck_assert_str_eq(ltx_job_endpoint_name(job), "text-to-video");
    snprintf(id, sizeof(id), "%s", ltx_job_id(job));
    ck_assert_int_eq(ltx_job_refresh(job, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_state(job), LTX_JOB_PENDING);
    ck_assert_str_eq(ltx_job_status(job), "pending");
    ck_assert_ptr_null(ltx_job_result_url(job, NULL));
    ltx_job_free(job);
    ltx_request_free(req);

    /* a new process would have only the id: a new client, the same job */
    ck_assert_int_eq(ltx_client_new(&other, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(other, lmock_base_url(mock)), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(other, 5), LTX_OK);
    ck_assert_int_eq(ltx_job_open_by_name(&again, other, "text-to-video", id, NULL), LTX_OK);
    ltx_client_free(other); /* the job keeps its client alive */
    ck_assert_int_eq(ltx_job_wait(again, 0, NULL, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_state(again), LTX_JOB_COMPLETED);
    ck_assert_ptr_nonnull(strstr(ltx_job_result_url(again, NULL), id));
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("resumed.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_job_download(again, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("resumed.mp4")));
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_sink_free(sink);
    ltx_job_free(again);
}
END_TEST

START_TEST(cancel_while_waiting_keeps_the_job_id_and_writes_nothing)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    progress_log log = {0};

    log.cancel_at_stage = LTX_STAGE_WAITING;
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("never.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, record_progress, &log, &err), LTX_ECANCELLED);
    ck_assert_str_eq(ltx_error_job_id(err), log.job_id);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), log.job_id));
    ck_assert_int_eq(itest_dir_entries(), 0);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* The last DOWNLOADING report comes once the paid video is whole and in place: a "stop" there
 * must not turn a finished generation into an error (the fixture is smaller than the interval
 * of reports during a transfer, so the last report is the only one). */
START_TEST(a_stop_at_the_last_report_keeps_the_finished_video)
{
    ltx_request *req = itest_t2v(_i);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    progress_log log = {0};

    log.cancel_at_stage = LTX_STAGE_DOWNLOADING;
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("kept.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, record_progress, &log, &err), LTX_OK);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(log.downloading, 1);
    ck_assert_uint_eq(log.last_bytes, log.last_total);
    ck_assert(itest_is_mock_video(itest_path("kept.mp4")));
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* The invalid requests the API documents, each built on a valid base, each refused with the
 * field named and the allowed values listed, before any byte reaches the server. */
static ltx_request *base(int endpoint)
{
    ltx_request *r = NULL;

    if (endpoint == LTX_ENDPOINT_TEXT_TO_VIDEO)
        return itest_t2v(0);
    ck_assert_int_eq(ltx_request_new(&r, endpoint), LTX_OK);
    switch (endpoint) {
    case LTX_ENDPOINT_RETAKE:
        ck_assert_int_eq(ltx_request_set_video_uri(r, "https://media.example.com/v.mp4"), LTX_OK);
        ck_assert_int_eq(ltx_request_set_start_time(r, 0), LTX_OK);
        ck_assert_int_eq(ltx_request_set_duration(r, 3), LTX_OK);
        break;
    case LTX_ENDPOINT_EXTEND:
        ck_assert_int_eq(ltx_request_set_video_uri(r, "https://media.example.com/v.mp4"), LTX_OK);
        ck_assert_int_eq(ltx_request_set_duration(r, 4), LTX_OK);
        break;
    case LTX_ENDPOINT_AUDIO_TO_VIDEO:
        ck_assert_int_eq(ltx_request_set_audio_uri(r, "https://media.example.com/a.mp3"), LTX_OK);
        ck_assert_int_eq(ltx_request_set_prompt(r, "A choir"), LTX_OK);
        break;
    }
    return r;
}

static void break_pro_at_20s(ltx_request *r)
{
    ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO);
    ltx_request_set_duration(r, 20);
}

static void break_retake_duration(ltx_request *r)
{
    ltx_request_set_duration(r, 1);
}

static void break_extend_mode(ltx_request *r)
{
    ltx_request_set_mode(r, "middle");
}

static void break_a2v_model(ltx_request *r)
{
    ltx_request_set_model(r, LTX_MODEL_LTX_2_3_FAST);
}

static void break_prompt_length(ltx_request *r)
{
    char *p = malloc(LTX_PROMPT_MAX_CHARS + 2);

    memset(p, 'a', LTX_PROMPT_MAX_CHARS + 1);
    p[LTX_PROMPT_MAX_CHARS + 1] = '\0';
    ltx_request_set_prompt(r, p);
    free(p);
}

static void break_utf8(ltx_request *r)
{
    ltx_request_set_prompt(r, "caf\xc3"); /* half a character */
}

static void break_missing_resolution(ltx_request *r)
{
    ltx_request_set_resolution(r, NULL);
}

static void break_camera_motion(ltx_request *r)
{
    ltx_request_set_camera_motion(r, "barrel_roll");
}

static const struct {
    const char *name;
    int endpoint;
    void (*breaks)(ltx_request *);
    const char *field;
    const char *allowed; /* text the message must carry */
} invalid_cases[] = {
    {"ltx-2-3-pro at 20 s", LTX_ENDPOINT_TEXT_TO_VIDEO, break_pro_at_20s, "duration", "6, 8, 10"},
    {"retake duration 1", LTX_ENDPOINT_RETAKE, break_retake_duration, "duration", "at least 2"},
    {"extend mode middle", LTX_ENDPOINT_EXTEND, break_extend_mode, "mode", "start, end"},
    {"audio-to-video on ltx-2-3-fast", LTX_ENDPOINT_AUDIO_TO_VIDEO, break_a2v_model, "model", "ltx-2-3-pro"},
    {"a 5001-character prompt", LTX_ENDPOINT_TEXT_TO_VIDEO, break_prompt_length, "prompt", "5000"},
    {"invalid UTF-8", LTX_ENDPOINT_TEXT_TO_VIDEO, break_utf8, "prompt", "UTF-8"},
    {"a missing required field", LTX_ENDPOINT_TEXT_TO_VIDEO, break_missing_resolution, "resolution", "required"},
    {"an unknown camera motion", LTX_ENDPOINT_TEXT_TO_VIDEO, break_camera_motion, "camera_motion", "dolly_in"},
};

START_TEST(invalid_requests_never_reach_the_server)
{
    for (int sync = 0; sync <= 1; sync++) {
        ltx_request *req = base(invalid_cases[_i].endpoint);
        ltx_sink *sink = NULL;
        ltx_error *err = NULL;
        ltx_job *job = NULL;

        invalid_cases[_i].breaks(req);
        ck_assert_int_eq(ltx_request_set_sync(req, sync), LTX_OK);
        ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("bad.mp4")), LTX_OK);
        ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EREQUEST);
        ck_assert_str_eq(ltx_error_field(err), invalid_cases[_i].field);
        ck_assert_msg(strstr(ltx_error_message(err), invalid_cases[_i].field) &&
                          strstr(ltx_error_message(err), invalid_cases[_i].allowed),
                      "%s: %s", invalid_cases[_i].name, ltx_error_message(err));
        if (!sync) /* the lower-level call validates as well */
            ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_EREQUEST);
        ck_assert_ptr_null(job);
        ltx_error_free(err);
        ltx_sink_free(sink);
        ltx_request_free(req);
    }
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
    ck_assert_int_eq(itest_dir_entries(), 0);
}
END_TEST

Suite *suite_t2v(void)
{
    Suite *s = suite_create("text-to-video");
    TCase *tc = tcase_create("end to end");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, v2_generate_writes_the_served_video);
    tcase_add_test(tc, v1_generate_writes_the_served_video);
    tcase_add_test(tc, the_body_sent_is_the_request_as_encoded);
    tcase_add_test(tc, memory_and_callback_sinks_receive_the_same_bytes);
    tcase_add_test(tc, submit_wait_download_and_resume_by_id);
    tcase_add_test(tc, cancel_while_waiting_keeps_the_job_id_and_writes_nothing);
    tcase_add_loop_test(tc, a_stop_at_the_last_report_keeps_the_finished_video, 0, 2); /* v2, v1 */
    tcase_add_loop_test(tc, invalid_requests_never_reach_the_server, 0,
                        (int)(sizeof(invalid_cases) / sizeof(invalid_cases[0])));
    suite_add_tcase(s, tc);
    return s;
}
