/* tests/integration/test_retry.c — the exact retry schedule, with an injected clock and dice. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"
#include "private.h"

#include <string.h>

#define NOON_26_NOV_2026 1795694400 /* Wed, 26 Nov 2026 12:00:00 GMT */
#define MAX_SLEEPS 16

typedef struct {
    uint64_t now_ms;
    uint64_t sleeps[MAX_SLEEPS];
    unsigned n_sleeps;
    uint32_t dice[MAX_SLEEPS];
    unsigned n_dice, next_die;
} fake_clock;

static fake_clock fake;

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
    fake_clock *f = ud;

    if (f->n_sleeps < MAX_SLEEPS)
        f->sleeps[f->n_sleeps++] = ms;
    f->now_ms += ms;
}

static uint32_t fake_random(void *ud)
{
    fake_clock *f = ud;

    return f->n_dice ? f->dice[f->next_die++ % f->n_dice] : 0;
}

static const ltx_clock fake_ops = {fake_now, fake_wall, fake_sleep, fake_random, &fake};

static void retry_setup(void)
{
    itest_setup();
    memset(&fake, 0, sizeof(fake));
    fake.now_ms = 1000000;
    ltx__client_set_clock(client, &fake_ops);
    /* the documented defaults, so that the schedule below is the one users get */
    ck_assert_int_eq(ltx_client_set_retry(client, LTX_DEFAULT_MAX_RETRIES, LTX_DEFAULT_RETRY_BASE_MS,
                                          LTX_DEFAULT_RETRY_CAP_MS), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, LTX_DEFAULT_DEADLINE_MS), LTX_OK);
}

static void script(int status, const char *retry_after, unsigned times)
{
    lmock_fault f = {0};

    f.kind = LMOCK_FAULT_STATUS;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.status = status;
    f.retry_after = retry_after;
    f.times = times;
    lmock_fault_add(mock, &f);
}

/* Submit once; return the status and leave the schedule in `fake`. */
static int submit(ltx_error **err)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    int rc = ltx_submit(&job, client, req, err);

    ltx_job_free(job);
    ltx_request_free(req);
    return rc;
}

static const struct {
    const char *name;
    int status;
    const char *retry_after;
    unsigned faults;        /* answers with `status` before the server lets one through */
    uint32_t dice[4];
    int rc;                 /* what the caller gets                                     */
    unsigned submits;       /* what the server saw                                      */
    unsigned n_sleeps;
    uint64_t sleeps[4];     /* the exact waits between attempts                         */
} schedules[] = {
    /* Retry-After in seconds is honoured as given */
    {"429 with Retry-After 2, twice, then success", 429, "2", 2, {0}, LTX_OK, 3, 2, {2000, 2000}},
    /* no Retry-After: full jitter in [0, min(cap, 500 ms * 2^n)]; the die's top is the ceiling */
    {"503 until giving up", 503, NULL, 100, {UINT32_MAX, UINT32_MAX, UINT32_MAX}, LTX_EUNAVAILABLE, 4, 3, {500, 1000, 2000}},
    {"503 jitter at the bottom of the range", 503, NULL, 100, {0, 0, 0}, LTX_EUNAVAILABLE, 4, 3, {0, 0, 0}},
    {"503 jitter half way", 503, NULL, 100, {1u << 31, 1u << 31, 1u << 31}, LTX_EUNAVAILABLE, 4, 3, {250, 500, 1000}},
    {"Retry-After as an HTTP-date", 429, "Wed, 26 Nov 2026 12:16:47 GMT", 1, {0}, LTX_OK, 2, 1, {7000}},
    {"Retry-After above the cap is capped", 429, "3600", 1, {0}, LTX_OK, 2, 1, {LTX_DEFAULT_RETRY_AFTER_CAP_MS}},
    {"a garbage Retry-After falls back to backoff", 429, "soon", 1, {UINT32_MAX}, LTX_OK, 2, 1, {500}},
    {"a Retry-After date in the past means now", 503, "Wed, 26 Nov 2026 11:00:00 GMT", 1, {0}, LTX_OK, 2, 1, {0}},
};
#define N_SCHEDULES (sizeof(schedules) / sizeof(schedules[0]))

START_TEST(retry_schedule_is_exact)
{
    ltx_error *err = NULL;
    int rc;

    /* the fake clock starts at 1000 s past noon: the HTTP-date row is 7 s ahead of it */
    memcpy(fake.dice, schedules[_i].dice, sizeof(schedules[_i].dice));
    fake.n_dice = 4;
    script(schedules[_i].status, schedules[_i].retry_after, schedules[_i].faults);
    rc = submit(&err);
    ck_assert_msg(rc == schedules[_i].rc, "%s: rc %d (%s)", schedules[_i].name, rc,
                  err ? ltx_error_message(err) : "");
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), schedules[_i].submits);
    ck_assert_msg(fake.n_sleeps == schedules[_i].n_sleeps, "%s: %u sleeps", schedules[_i].name,
                  fake.n_sleeps);
    for (unsigned k = 0; k < fake.n_sleeps; k++)
        ck_assert_msg(fake.sleeps[k] == schedules[_i].sleeps[k], "%s: sleep %u was %llu, not %llu",
                      schedules[_i].name, k, (unsigned long long)fake.sleeps[k],
                      (unsigned long long)schedules[_i].sleeps[k]);
    if (rc != LTX_OK)
        ck_assert_uint_eq(ltx_error_attempts(err), schedules[_i].submits);
    ltx_error_free(err);
}
END_TEST

START_TEST(no_retry_starts_past_the_deadline)
{
    ltx_error *err = NULL;

    /* 2 s of deadline left cannot hold a 3 s Retry-After: give up at once, say why */
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, 2000), LTX_OK);
    script(429, "3", 5);
    ck_assert_int_eq(submit(&err), LTX_ERATELIMIT);
    ck_assert_uint_eq(fake.n_sleeps, 0);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_int_eq(ltx_error_retry_after_ms(err), 3000);
    ltx_error_free(err);
}
END_TEST

START_TEST(retries_can_be_turned_off)
{
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_set_retry(client, 0, 500, 30000), LTX_OK);
    script(503, "1", 5);
    ck_assert_int_eq(submit(&err), LTX_EUNAVAILABLE);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ltx_error_free(err);
}
END_TEST

typedef struct {
    unsigned calls;
    unsigned numbers[8];
    int will_retry[8];
    uint64_t delays[8];
    int statuses[8];
    int saw_request_id;
} attempt_log;

static void on_attempt(const ltx_attempt *a, void *ud)
{
    attempt_log *log = ud;

    if (strcmp(ltx_attempt_method(a), "POST") != 0 || log->calls >= 8)
        return;
    ck_assert_ptr_null(strchr(ltx_attempt_url(a), '?'));
    log->numbers[log->calls] = ltx_attempt_number(a);
    log->will_retry[log->calls] = ltx_attempt_will_retry(a);
    log->delays[log->calls] = ltx_attempt_delay_ms(a);
    log->statuses[log->calls] = ltx_attempt_http_status(a);
    log->saw_request_id += ltx_attempt_request_id(a) != NULL;
    log->calls++;
}

START_TEST(the_attempt_hook_sees_every_attempt_and_the_wait)
{
    attempt_log log = {0};

    ck_assert_int_eq(ltx_client_set_attempt_hook(client, on_attempt, &log), LTX_OK);
    script(429, "2", 2);
    ck_assert_int_eq(submit(NULL), LTX_OK);
    ck_assert_uint_eq(log.calls, 3);
    for (unsigned k = 0; k < 3; k++)
        ck_assert_uint_eq(log.numbers[k], k + 1);
    ck_assert_int_eq(log.statuses[0], 429);
    ck_assert_int_eq(log.statuses[2], 202);
    ck_assert(log.will_retry[0] && log.will_retry[1] && !log.will_retry[2]);
    ck_assert_uint_eq(log.delays[0], 2000);
    ck_assert_uint_eq(log.delays[2], 0);
    ck_assert_uint_eq(log.saw_request_id, 3);
    ck_assert_uint_gt(itest_log_lines, 0);
}
END_TEST

Suite *suite_retry(void)
{
    Suite *s = suite_create("retry");
    TCase *tc = tcase_create("schedule");

    tcase_add_checked_fixture(tc, retry_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, retry_schedule_is_exact, 0, (int)N_SCHEDULES);
    tcase_add_test(tc, no_retry_starts_past_the_deadline);
    tcase_add_test(tc, retries_can_be_turned_off);
    tcase_add_test(tc, the_attempt_hook_sees_every_attempt_and_the_wait);
    suite_add_tcase(s, tc);
    return s;
}
