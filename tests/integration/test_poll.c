/* tests/integration/test_poll.c — ltx_job_wait() and ltx_generate() against the mock on an
 * injected clock: the exact times of the polls and of the progress ticks between them, the
 * fixed schedule, a Retry-After on a status answer, the run time learned from a job. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"
#include "private.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define NOON_26_NOV_2026 1795694400 /* Wed, 26 Nov 2026 12:00:00 GMT */
#define MAX_EVENTS 64

typedef struct {
    uint64_t now_ms;
    uint64_t polls[MAX_EVENTS];  /* GET attempts on the API host, ms after the submit */
    unsigned n_polls;
    uint64_t ticks[MAX_EVENTS];  /* WAITING reports, ms after the call started        */
    unsigned n_ticks;
    uint64_t start;
} fake_clock;

static fake_clock fake;

typedef struct {
    char data[64 * 1024];
    size_t len;
} ltx_buf_test;

static uint64_t fake_now(void *ud)
{
    return ((fake_clock *)ud)->now_ms;
}

static int64_t fake_wall(void *ud)
{
    return NOON_26_NOV_2026 + (int64_t)(((fake_clock *)ud)->now_ms / 1000);
}

static void fake_sleep(uint64_t ms, void *ud)
{
    ((fake_clock *)ud)->now_ms += ms;
}

static uint32_t fake_random(void *ud)
{
    (void)ud;
    return 0;
}

static const ltx_clock fake_ops = {fake_now, fake_wall, fake_sleep, fake_random, &fake};

static void on_attempt(const ltx_attempt *a, void *ud)
{
    fake_clock *f = ud;

    if (strcmp(ltx_attempt_method(a), "GET") == 0 && f->n_polls < MAX_EVENTS)
        f->polls[f->n_polls++] = f->now_ms - f->start;
}

static unsigned stop_at_report; /* 0: never stop; n: stop at the n-th WAITING report */

static int on_progress(const ltx_progress *p, void *ud)
{
    fake_clock *f = ud;

    if (ltx_progress_stage(p) == LTX_STAGE_WAITING && f->n_ticks < MAX_EVENTS)
        f->ticks[f->n_ticks++] = ltx_progress_elapsed_ms(p);
    return stop_at_report && f->n_ticks >= stop_at_report ? LTX_PROGRESS_STOP
                                                           : LTX_PROGRESS_CONTINUE;
}

static void poll_setup(void)
{
    itest_setup();
    memset(&fake, 0, sizeof(fake));
    stop_at_report = 0;
    fake.now_ms = 1000000;
    ltx__client_set_clock(client, &fake_ops);
    /* the documented default interval: the schedule below is the one users get */
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, LTX_DEFAULT_POLL_INTERVAL_MS),
                     LTX_OK);
    ck_assert_int_eq(ltx_client_set_attempt_hook(client, on_attempt, &fake), LTX_OK);
}

static void assert_times(const uint64_t *got, unsigned n_got, const uint64_t *want, unsigned n,
                         const char *what)
{
    char text[512] = "";

    for (unsigned i = 0; i < n_got; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), " %llu",
                 (unsigned long long)got[i]);
    ck_assert_msg(n_got == n, "%s: %u times:%s", what, n_got, text);
    for (unsigned i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "%s: %llu, not %llu, at %u:%s", what,
                      (unsigned long long)got[i], (unsigned long long)want[i], i, text);
}

/* Submit a job (the mock answers pending, processing, then completed), then wait for it. */
static int submit_and_wait(uint32_t interval, ltx_error **err)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    int rc = ltx_submit(&job, client, req, err);

    fake.n_polls = fake.n_ticks = 0;
    fake.start = fake.now_ms;
    if (rc == LTX_OK)
        rc = ltx_job_wait(job, interval, on_progress, &fake, err);
    ltx_job_free(job);
    ltx_request_free(req);
    return rc;
}

START_TEST(adaptive_poll_and_tick_times)
{
    /* polls at 1, 3 and 8 s (the third sees it completed); between them, a WAITING report
     * every second with no request: 2 s, then 4, 5, 6 and 7 s */
    static const uint64_t polls[] = {1000, 3000, 8000};
    static const uint64_t ticks[] = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000};
    ltx_error *err = NULL;

    ck_assert_int_eq(submit_and_wait(0, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, polls, 3, "polls");
    assert_times(fake.ticks, fake.n_ticks, ticks, 8, "WAITING reports");
}
END_TEST

START_TEST(a_tick_can_stop_the_wait)
{
    static const uint64_t polls[] = {1000};
    ltx_error *err = NULL;

    /* the second report is the tick at 2 s, between the polls at 1 and 3 s */
    stop_at_report = 2;
    ck_assert_int_eq(submit_and_wait(0, &err), LTX_ECANCELLED);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ltx_error_free(err);
    assert_times(fake.polls, fake.n_polls, polls, 1, "polls before the stop");
    ck_assert_uint_eq(fake.now_ms - fake.start, 2000);
}
END_TEST

START_TEST(a_job_opened_by_id)
{
    /* no start known: the first poll at once, then as a new kind from that answer: 1 s, 3 s */
    static const uint64_t polls[] = {0, 1000, 3000};
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL, *opened = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_OK);
    ck_assert_int_eq(ltx_job_open(&opened, client, LTX_ENDPOINT_TEXT_TO_VIDEO, ltx_job_id(job),
                                  &err), LTX_OK);
    fake.n_polls = fake.n_ticks = 0;
    fake.start = fake.now_ms;
    ck_assert_int_eq(ltx_job_wait(opened, 0, on_progress, &fake, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, polls, 3, "polls of a job opened by id");
    ltx_job_free(opened);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(fixed_interval_is_unchanged)
{
    static const uint64_t polls[] = {0, 2000, 4000};
    static const uint64_t ticks[] = {0, 1000, 2000, 3000, 4000};
    ltx_error *err = NULL;

    /* an interval given to ltx_job_wait() is a fixed schedule, the first poll at once */
    ck_assert_int_eq(submit_and_wait(2000, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, polls, 3, "polls, interval 2 s");
    assert_times(fake.ticks, fake.n_ticks, ticks, 5, "WAITING reports, interval 2 s");
    /* and so is the client's, in LTX_POLL_FIXED mode */
    ck_assert_int_eq(ltx_client_set_poll_mode(client, LTX_POLL_FIXED), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 2000), LTX_OK);
    ck_assert_int_eq(submit_and_wait(0, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, polls, 3, "polls, fixed mode");
    ck_assert_int_eq(ltx_client_set_poll_mode(client, 2), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_client_last_error(client)), "poll_mode"));
}
END_TEST

START_TEST(retry_after_on_a_status_answer)
{
    /* the first status answer asks for 7 s: the next poll is at 8 s, not 3 s */
    static const uint64_t polls[] = {1000, 8000, 13000, 18000};
    lmock_fault f = {0};
    ltx_error *err = NULL;

    f.kind = LMOCK_FAULT_BODY;
    f.method = "GET";
    f.path_prefix = "/v2/text-to-video/";
    f.status = 200;
    f.body = "{\"status\":\"processing\",\"id\":\"x\",\"created_at\":\"2026-11-26T12:00:00Z\"}";
    f.retry_after = "7";
    f.times = 1;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(submit_and_wait(0, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, polls, 4, "polls");
}
END_TEST

START_TEST(learned_run_time_is_used)
{
    /* the first job is seen completed between 3 s and 8 s; the mock's own times say it ended
     * well before 3 s (it counts polls, not time), so its run time is taken as 3 s. The next
     * job of the kind is polled in [3 s - 1.15 s, 3 s + 1.15 s] (the margin while few are
     * known) with the fixed schedule's 2 polls + 1: 1.85, 3.0, 4.15 s, found 3.85 s sooner */
    static const uint64_t first[] = {1000, 3000, 8000};
    static const uint64_t second[] = {1850, 3000, 4150};
    ltx_error *err = NULL;

    ck_assert_int_eq(submit_and_wait(0, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, first, 3, "the first job");
    ck_assert_int_eq(submit_and_wait(0, &err), LTX_OK);
    assert_times(fake.polls, fake.n_polls, second, 3, "the second job");
}
END_TEST

/* ---------------------------------------------------------------- ltx-mock's timed jobs */

static size_t collect(char *data, size_t size, size_t n, void *ud)
{
    ltx_buf_test *b = ud;
    size_t len = size * n;

    if (b->len + len >= sizeof(b->data))
        return 0;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return len;
}

/* GET /_mock/jobs of m, parsed. */
static json_t *mock_jobs(lmock *m)
{
    static ltx_buf_test body;
    char url[128];
    CURL *h = curl_easy_init();
    json_t *v;

    ck_assert_ptr_nonnull(h);
    body.len = 0;
    snprintf(url, sizeof(url), "%s/_mock/jobs", lmock_base_url(m));
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    v = json_loads(body.data, 0, NULL);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* Three jobs on a mock whose jobs take 1 + 20 ms plus [0, 200] ms drawn from seed 7: their run
 * times, in submit order. Each waited for and downloaded, so each has its download wait. */
static void timed_jobs(long run_ms[3])
{
    lmock_options opts;
    lmock *m;
    ltx_client *c = NULL;
    json_t *v, *jobs;

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.pending_ms = 1;
    opts.processing_ms = 20;
    opts.duration_jitter_ms = 200;
    opts.seed = 7;
    ck_assert_ptr_nonnull(m = lmock_start(&opts));
    ck_assert_int_eq(ltx_client_new(&c, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(c, lmock_base_url(m)), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(c, 5), LTX_OK);
    for (int i = 0; i < 3; i++) {
        ltx_request *req = itest_t2v(0);
        ltx_sink *sink = NULL;
        ltx_error *err = NULL;

        ck_assert_int_eq(ltx_sink_new_memory(&sink, 1u << 20), LTX_OK);
        ck_assert_int_eq(ltx_generate(c, req, sink, NULL, NULL, &err), LTX_OK);
        ltx_sink_free(sink);
        ltx_request_free(req);
    }
    v = mock_jobs(m);
    jobs = json_object_get(v, "jobs");
    ck_assert_uint_eq(json_array_size(jobs), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *j = json_array_get(jobs, i);
        json_t *wait = json_object_get(j, "download_wait_ms");

        run_ms[i] = (long)json_integer_value(json_object_get(j, "run_ms"));
        ck_assert_int_ge(run_ms[i], 21);
        ck_assert_int_le(run_ms[i], 221);
        /* downloaded after it completed (the clocks are the mock's own) */
        ck_assert_msg(json_is_integer(wait) && json_integer_value(wait) >= 0,
                      "job %zu: no download wait", i);
        ck_assert_int_ge(json_integer_value(json_object_get(j, "polls")), 1);
    }
    json_decref(v);
    ltx_client_free(c);
    lmock_stop(m);
}

START_TEST(mock_jobs_last_a_seeded_time)
{
    long first[3], again[3];

    timed_jobs(first);
    /* jitter: not all the same */
    ck_assert_msg(first[0] != first[1] || first[1] != first[2], "no jitter: %ld %ld %ld",
                  first[0], first[1], first[2]);
    /* the same seed, the same durations */
    timed_jobs(again);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(first[i], again[i]);
}
END_TEST

Suite *suite_poll(void)
{
    Suite *s = suite_create("poll");
    TCase *tc = tcase_create("schedule");

    tcase_add_checked_fixture(tc, poll_setup, itest_teardown);
    tcase_add_test(tc, adaptive_poll_and_tick_times);
    tcase_add_test(tc, a_tick_can_stop_the_wait);
    tcase_add_test(tc, a_job_opened_by_id);
    tcase_add_test(tc, fixed_interval_is_unchanged);
    tcase_add_test(tc, retry_after_on_a_status_answer);
    tcase_add_test(tc, learned_run_time_is_used);
    suite_add_tcase(s, tc);
    tc = tcase_create("mock");
    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_add_test(tc, mock_jobs_last_a_seeded_time);
    suite_add_tcase(s, tc);
    return s;
}
