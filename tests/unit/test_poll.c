/* tests/unit/test_poll.c — the poll schedule (lib/poll.c): exact poll times for a job that ends
 * at a given time, fixed and adaptive, with and without history; Retry-After; the memory of
 * run times per kind. */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "schedule.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_POLLS 64

typedef struct {
    uint64_t at[MAX_POLLS]; /* ms after acceptance */
    unsigned n;
} polls;

/* Follow a job that completes `ends` ms after acceptance, each answer arriving at once: the
 * times of the polls, up to the first that sees it completed. */
static polls follow(int mode, uint32_t interval, const uint32_t *history, size_t n_history,
                    uint64_t ends)
{
    ltx_poll_in in = {mode, interval, 0, 0, -1, LTX_DEFAULT_RETRY_AFTER_CAP_MS, history, n_history};
    polls p = {{0}, 0};

    while (p.n < MAX_POLLS) {
        in.elapsed_ms += ltx__poll_delay(&in);
        in.polls++;
        p.at[p.n++] = in.elapsed_ms;
        if (in.elapsed_ms >= ends)
            break;
    }
    return p;
}

static void assert_polls(polls got, const uint64_t *want, unsigned n, const char *what)
{
    char text[512] = "";

    for (unsigned i = 0; i < got.n; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), " %llu",
                 (unsigned long long)got.at[i]);
    ck_assert_msg(got.n == n, "%s: %u polls:%s", what, got.n, text);
    for (unsigned i = 0; i < n; i++)
        ck_assert_msg(got.at[i] == want[i], "%s: poll %u at %llu, not %llu:%s", what, i,
                      (unsigned long long)got.at[i], (unsigned long long)want[i], text);
}

START_TEST(fixed_schedule_is_unchanged)
{
    static const uint64_t want[] = {0, 5000, 10000, 15000, 20000, 25000};

    /* the schedule of libltx 0.1: the first poll at once, then every interval */
    assert_polls(follow(LTX_POLL_FIXED, 5000, NULL, 0, 20500), want, 6, "fixed 5 s, job of 20.5 s");
}
END_TEST

START_TEST(fixed_schedule_ignores_history)
{
    static const uint32_t history[] = {20000, 21000, 22000};
    static const uint64_t want[] = {0, 2000, 4000};

    assert_polls(follow(LTX_POLL_FIXED, 2000, history, 3, 3000), want, 3, "fixed 2 s");
}
END_TEST

START_TEST(adaptive_without_history)
{
    static const uint64_t long_job[] = {1000, 3000, 8000, 13000, 18000, 23000};
    static const uint64_t short_job[] = {1000};
    static const uint64_t fast_interval[] = {5, 10, 15, 20};

    /* as many polls as the fixed schedule (six for 20.5 s), found 2.5 s after it ended
     * rather than 4.5 s, the first poll not wasted right after the submit */
    assert_polls(follow(LTX_POLL_ADAPTIVE, 5000, NULL, 0, 20500), long_job, 6, "20.5 s job");
    /* a job the server finishes in 0.5 s is found at 1 s, not 5 s */
    assert_polls(follow(LTX_POLL_ADAPTIVE, 5000, NULL, 0, 500), short_job, 1, "0.5 s job");
    /* an interval shorter than a second is a cap on every step */
    assert_polls(follow(LTX_POLL_ADAPTIVE, 5, NULL, 0, 20), fast_interval, 4, "5 ms interval");
}
END_TEST

START_TEST(adaptive_with_history_polls_the_expected_end)
{
    /* five jobs of the kind ended between 20 and 23 s: a margin of 150 ms + 3000 / 4 around
     * them is the window [19.1 s, 23.9 s], polled every 800 ms after one poll at its start */
    static const uint32_t history[] = {20000, 20800, 21500, 22200, 23000};
    static const uint64_t ends_at_21_5[] = {19100, 19900, 20700, 21500};
    static const uint64_t ends_at_23[] = {19100, 19900, 20700, 21500, 22300, 23100};
    static const uint64_t ends_late[] = {19100, 19900, 20700, 21500, 22300, 23100,
                                         23900, 24700, 25500, 27100, 30300};

    assert_polls(follow(LTX_POLL_ADAPTIVE, 5000, history, 5, 21500), ends_at_21_5, 4, "21.5 s");
    assert_polls(follow(LTX_POLL_ADAPTIVE, 5000, history, 5, 23000), ends_at_23, 6, "23 s");
    /* a job that runs past every one of its kind: steps growing back to the interval */
    assert_polls(follow(LTX_POLL_ADAPTIVE, 5000, history, 5, 30000), ends_late, 11, "30 s");
}
END_TEST

/* The fixed schedule's polls for a job ending at `ends`: at 0, interval, ... up to the first
 * at or past it. */
static unsigned fixed_count(uint64_t ends, uint32_t interval)
{
    return (unsigned)((ends + interval - 1) / interval) + 1;
}

START_TEST(adaptive_budget_and_wait)
{
    /* jobs of 20-120 s with a few seconds of spread: once five are known, every end inside
     * their range is found within a second, with at most one request more than fixed 5 s */
    static const uint32_t bases[] = {20000, 45000, 60000, 90000, 120000};

    for (size_t k = 0; k < sizeof(bases) / sizeof(bases[0]); k++) {
        uint32_t h[5];

        for (unsigned i = 0; i < 5; i++)
            h[i] = bases[k] + i * 750; /* a spread of 3 s */
        for (uint64_t ends = h[0]; ends <= h[4]; ends += 97) {
            polls p = follow(LTX_POLL_ADAPTIVE, 5000, h, 5, ends);
            uint64_t found = p.at[p.n - 1];

            ck_assert_msg(p.n <= fixed_count(ends, 5000) + 1,
                          "a job of %llu ms: %u polls, fixed 5 s makes %u",
                          (unsigned long long)ends, p.n, fixed_count(ends, 5000));
            ck_assert_msg(found >= ends && found - ends <= 1000, "a job of %llu ms found at %llu",
                          (unsigned long long)ends, (unsigned long long)found);
        }
    }
}
END_TEST

START_TEST(adaptive_budget_of_short_jobs)
{
    /* jobs of 2-9 s with up to 3 s of spread: too short for dense polls within the budget;
     * the budget still holds on average over the ends (a window across a multiple of the
     * interval cannot give every end its own fixed count + 1) */
    static const uint32_t bases[] = {2000, 4000, 6000};

    for (size_t k = 0; k < sizeof(bases) / sizeof(bases[0]); k++) {
        uint32_t h[5];
        unsigned adaptive = 0, fixed = 0, n = 0;

        for (unsigned i = 0; i < 5; i++)
            h[i] = bases[k] + i * 750;
        for (uint64_t ends = h[0]; ends <= h[4]; ends += 53, n++) {
            adaptive += follow(LTX_POLL_ADAPTIVE, 5000, h, 5, ends).n;
            fixed += fixed_count(ends, 5000);
        }
        ck_assert_msg(adaptive <= fixed + n,
                      "jobs of %u-%u ms: %u polls for %u ends, fixed 5 s "
                      "makes %u",
                      h[0], h[4], adaptive, n, fixed);
    }
}
END_TEST

START_TEST(retry_after_is_a_floor)
{
    ltx_poll_in in = {LTX_POLL_ADAPTIVE, 5000, 3000, 2, 7000, 60000, NULL, 0};

    /* the schedule says 5 s; the server says not before 7 s */
    ck_assert_uint_eq(ltx__poll_delay(&in), 7000);
    /* a shorter Retry-After changes nothing */
    in.retry_after_ms = 1000;
    ck_assert_uint_eq(ltx__poll_delay(&in), 5000);
    /* nor does none */
    in.retry_after_ms = -1;
    ck_assert_uint_eq(ltx__poll_delay(&in), 5000);
    /* the cap of Retry-After applies here too */
    in.retry_after_ms = 3600000;
    ck_assert_uint_eq(ltx__poll_delay(&in), 60000);
    /* and the fixed schedule honours it as well */
    in.mode = LTX_POLL_FIXED;
    in.retry_after_ms = 9000;
    ck_assert_uint_eq(ltx__poll_delay(&in), 9000);
}
END_TEST

START_TEST(the_book_is_bounded)
{
    struct ltx_poll_book *book = ltx__poll_book_new();
    uint32_t runs[LTX_POLL_HISTORY];
    char kind[32];

    ck_assert_ptr_nonnull(book);
    /* the last LTX_POLL_HISTORY run times of a kind, the oldest forgotten */
    for (uint32_t i = 0; i < 20; i++)
        ltx__poll_book_add(book, "text-to-video|ltx-2-3-fast|1920x1080|6", 1000 + i);
    ck_assert_uint_eq(ltx__poll_book_get(book, "text-to-video|ltx-2-3-fast|1920x1080|6", runs),
                      LTX_POLL_HISTORY);
    for (unsigned i = 0; i < LTX_POLL_HISTORY; i++)
        ck_assert_uint_ge(runs[i], 1000 + 20 - LTX_POLL_HISTORY);
    ck_assert_uint_eq(ltx__poll_book_get(book, "text-to-video|ltx-2-3-fast|1920x1080|8", runs), 0);
    /* at most LTX_POLL_KINDS kinds: the one used least recently goes first */
    for (unsigned i = 0; i < LTX_POLL_KINDS; i++) {
        snprintf(kind, sizeof(kind), "kind-%u", i);
        ltx__poll_book_add(book, kind, i);
        /* keep the first kind in use */
        ck_assert_uint_eq(ltx__poll_book_get(book, "text-to-video|ltx-2-3-fast|1920x1080|6", runs),
                          LTX_POLL_HISTORY);
    }
    ck_assert_uint_eq(ltx__poll_book_get(book, "kind-0", runs), 0);
    ck_assert_uint_eq(ltx__poll_book_get(book, "kind-1", runs), 1);
    ck_assert_uint_eq(runs[0], 1);
    ltx__poll_book_free(book);
}
END_TEST

START_TEST(kind_of_a_request)
{
    ltx_request *req = NULL;
    char kind[160], small[8];

    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO), LTX_OK);
    ltx__poll_kind(req, kind, sizeof(kind));
    ck_assert_str_eq(kind, "text-to-video|||");
    ck_assert_int_eq(ltx_request_set_model(req, "ltx-2-3-fast"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(req, "1920x1080"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(req, 6), LTX_OK);
    ltx__poll_kind(req, kind, sizeof(kind));
    ck_assert_str_eq(kind, "text-to-video|ltx-2-3-fast|1920x1080|6");
    ltx__poll_kind(req, small, sizeof(small)); /* cut to the buffer, always terminated */
    ck_assert_str_eq(small, "text-to");
    ltx__poll_kind(req, kind, 24);
    ck_assert_str_eq(kind, "text-to-video|ltx-2-3-f");
    ltx_request_free(req);
}
END_TEST

Suite *suite_poll(void)
{
    Suite *s = suite_create("poll");
    TCase *tc = tcase_create("schedule");

    tcase_add_test(tc, fixed_schedule_is_unchanged);
    tcase_add_test(tc, fixed_schedule_ignores_history);
    tcase_add_test(tc, adaptive_without_history);
    tcase_add_test(tc, adaptive_with_history_polls_the_expected_end);
    tcase_add_test(tc, adaptive_budget_and_wait);
    tcase_add_test(tc, adaptive_budget_of_short_jobs);
    tcase_add_test(tc, retry_after_is_a_floor);
    tcase_add_test(tc, the_book_is_bounded);
    tcase_add_test(tc, kind_of_a_request);
    suite_add_tcase(s, tc);
    return s;
}
