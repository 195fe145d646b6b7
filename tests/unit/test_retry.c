/* tests/unit/test_retry.c — how an attempt ended, whether it is repeated, how long to wait
 * (DESIGN §5), on a scripted clock. */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "call.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LTX_MAN7_PATH
#define LTX_MAN7_PATH "man/man7/libltx.7"
#endif

/* ---------------------------------------------------------------- a scripted clock */

typedef struct {
    uint32_t random_value;
    unsigned random_calls;
} fake_clock_state;

static fake_clock_state fake;

static uint64_t fake_now_ms(void *ud)
{
    (void)ud;
    return 1000;
}

static int64_t fake_wall_s(void *ud)
{
    (void)ud;
    return 0;
}

static void fake_sleep_ms(uint64_t ms, void *ud)
{
    (void)ms;
    (void)ud;
}

static uint32_t fake_random(void *ud)
{
    fake_clock_state *f = ud;

    f->random_calls++;
    return f->random_value;
}

static const ltx_clock fake_clock = {fake_now_ms, fake_wall_s, fake_sleep_ms, fake_random, &fake};

/* The client's defaults (ltx/client.h). */
static const ltx_retry_policy defaults = {
    .max_retries = LTX_DEFAULT_MAX_RETRIES,
    .base_ms = LTX_DEFAULT_RETRY_BASE_MS,
    .cap_ms = LTX_DEFAULT_RETRY_CAP_MS,
    .retry_after_cap_ms = LTX_DEFAULT_RETRY_AFTER_CAP_MS,
    .retry_unknown_outcome = 1,
};

static uint64_t delay_with_random(const ltx_retry_policy *p, unsigned retry, uint32_t r)
{
    fake.random_value = r;
    return ltx__retry_delay_ms(p, retry, -1, &fake_clock);
}

/* min(cap, base * 2^retry), computed without overflow. */
static uint64_t ceiling_of(const ltx_retry_policy *p, unsigned retry)
{
    uint64_t c = p->base_ms;

    for (unsigned i = 0; i < retry && c < p->cap_ms; i++)
        c *= 2;
    return c < p->cap_ms ? c : p->cap_ms;
}

/* 2026-11-26 12:00:00 UTC, from `date -u -d '2026-11-26 12:00:00' +%s`. */
#define NOV_26_2026_NOON 1795694400
/* 2026-12-31 23:59:59 UTC */
#define DEC_31_2026_LAST_SECOND 1798761599
/* 2028-02-28 23:59:50 UTC (2028 is a leap year) */
#define FEB_28_2028_BEFORE_MIDNIGHT 1835395190

/* ---------------------------------------------------------------- Retry-After */

START_TEST(retry_after_seconds_are_milliseconds)
{
    ck_assert_int_eq(ltx__retry_after_parse_ms("2", NOV_26_2026_NOON), 2000);
    ck_assert_int_eq(ltx__retry_after_parse_ms(" 7 ", NOV_26_2026_NOON), 7000);
    ck_assert_int_eq(ltx__retry_after_parse_ms("0", NOV_26_2026_NOON), 0);
    ck_assert_int_eq(ltx__retry_after_parse_ms("120", NOV_26_2026_NOON), 120000);
}
END_TEST

START_TEST(retry_after_http_date_is_honoured)
{
    ck_assert_int_eq(ltx__retry_after_parse_ms("Thu, 26 Nov 2026 12:00:07 GMT", NOV_26_2026_NOON),
                     7000);
    /* across the end of a month and a year */
    ck_assert_int_eq(
        ltx__retry_after_parse_ms("Fri, 01 Jan 2027 00:00:01 GMT", DEC_31_2026_LAST_SECOND), 2000);
    /* onto a leap day */
    ck_assert_int_eq(
        ltx__retry_after_parse_ms("Tue, 29 Feb 2028 00:00:00 GMT", FEB_28_2028_BEFORE_MIDNIGHT),
        10000);
}
END_TEST

START_TEST(retry_after_date_in_the_past_means_now)
{
    ck_assert_int_eq(ltx__retry_after_parse_ms("Thu, 26 Nov 2026 11:59:00 GMT", NOV_26_2026_NOON),
                     0);
    ck_assert_int_eq(ltx__retry_after_parse_ms("Thu, 26 Nov 2026 12:00:00 GMT", NOV_26_2026_NOON),
                     0);
    ck_assert_int_eq(ltx__retry_after_parse_ms("Sun, 06 Nov 1994 08:49:37 GMT", NOV_26_2026_NOON),
                     0);
}
END_TEST

static const char *const garbage_retry_after[] = {
    "soon",
    "-1",
    "1.5",
    "",
    "   ",
    "+5",
    "2 s",
    "5a",
    "0x10",
    "Thu, 26 Nov 2026 12:00:07",     /* no zone */
    "Thu, 26 Nov 2026 12:00:07 PST", /* not GMT */
    "Thu, 32 Nov 2026 12:00:07 GMT", /* no such day */
    "Thu, 26 Noe 2026 12:00:07 GMT", /* no such month */
    "Thu, 26 Nov 2026 25:00:07 GMT", /* no such hour */
    "Thu, 26 Nov 2026 12:00:07 GMT trailing",
    /* found by fuzzing: a year this large overflowed the milliseconds (undefined behaviour) */
    "Sun, 06 Nov 999999999 08:49:37 GMT",
    "Sun, 06 Nov 99999 08:49:37 GMT",    /* five digits */
    "Mon, 31 Nov 2026 12:00:07 GMT",     /* November has 30 days */
    "Sun, 29 Feb 2027 12:00:07 GMT",     /* 2027 is not a leap year */
    "Sun, 30 Feb 2028 12:00:07 GMT",     /* nor has any February 30 days */
    "Thu,26 Nov 2026 12:00:07 GMT",      /* no space after the comma */
    "Thu, 26Nov 2026 12:00:07 GMT",      /* no space after the day */
    "Thu, 26 Nov 2026 12:00:07GMT",      /* no space before the zone */
    "Thu,  26 Nov 2026 12:00:07 GMT",    /* two spaces */
    "Thu, 6 Nov 2026 12:00:07 GMT",      /* one-digit day */
    "Thu, 26 Nov 2026 12:0:07 GMT",      /* one-digit minute */
    "Thu, +6 Nov 2026 12:00:07 GMT",     /* a sign */
    "Xyz, 26 Nov 2026 12:00:07 GMT",     /* no such day name */
    "Thu 26 Nov 2026 12:00:07 GMT",      /* no comma */
    "Thu, 26 Nov 2026 12:00:07 gmt",     /* the zone is case-sensitive */
    "Thu, 26 Nov 2026 12:00:07 GMT\n", /* a line break is not whitespace here */
};

START_TEST(retry_after_garbage_is_minus_one)
{
    ck_assert_msg(ltx__retry_after_parse_ms(garbage_retry_after[_i], NOV_26_2026_NOON) == -1,
                  "accepted \"%s\"", garbage_retry_after[_i]);
}
END_TEST

START_TEST(retry_after_far_future_date_is_huge_not_wrapped)
{
    /* the latest date four digits can name, from the earliest "now" an int64 can hold */
    int64_t ms = ltx__retry_after_parse_ms("Fri, 31 Dec 9999 23:59:59 GMT", INT64_MIN);

    ck_assert_int_eq(ms, INT64_MAX);
    ck_assert_int_eq(ltx__retry_after_parse_ms("Fri, 31 Dec 9999 23:59:59 GMT", INT64_MAX), 0);
    ck_assert_int_eq(ltx__retry_after_parse_ms("Sat, 29 Feb 2000 00:00:00 GMT", 951782400 - 1),
                     1000);
}
END_TEST

START_TEST(retry_after_absent_is_minus_one)
{
    ck_assert_int_eq(ltx__retry_after_parse_ms(NULL, NOV_26_2026_NOON), -1);
}
END_TEST

START_TEST(retry_after_huge_number_is_capped_not_wrapped)
{
    static const char *const huge[] = {"9223372036854775807", "99999999999999999999999999",
                                       "18446744073709551616", "9223372036854776"};

    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        int64_t ms = ltx__retry_after_parse_ms(huge[i], NOV_26_2026_NOON);

        ck_assert_msg(ms >= (int64_t)LTX_DEFAULT_RETRY_AFTER_CAP_MS, "%s gave %lld", huge[i],
                      (long long)ms);
        ck_assert_uint_eq(ltx__retry_delay_ms(&defaults, 0, ms, &fake_clock),
                          LTX_DEFAULT_RETRY_AFTER_CAP_MS);
    }
}
END_TEST

/* ---------------------------------------------------------------- backoff */

START_TEST(retry_after_given_is_the_delay)
{
    fake.random_value = 12345;
    ck_assert_uint_eq(ltx__retry_delay_ms(&defaults, 0, 7000, &fake_clock), 7000);
    ck_assert_uint_eq(ltx__retry_delay_ms(&defaults, 5, 7000, &fake_clock), 7000);
    ck_assert_uint_eq(ltx__retry_delay_ms(&defaults, 2, 0, &fake_clock), 0);
}
END_TEST

START_TEST(retry_after_is_capped)
{
    ck_assert_uint_eq(ltx__retry_delay_ms(&defaults, 0, 600000, &fake_clock),
                      LTX_DEFAULT_RETRY_AFTER_CAP_MS);
    ck_assert_uint_eq(
        ltx__retry_delay_ms(&defaults, 0, LTX_DEFAULT_RETRY_AFTER_CAP_MS, &fake_clock),
        LTX_DEFAULT_RETRY_AFTER_CAP_MS);
    ck_assert_uint_eq(ltx__retry_delay_ms(&defaults, 0, INT64_MAX, &fake_clock),
                      LTX_DEFAULT_RETRY_AFTER_CAP_MS);
}
END_TEST

/* Full jitter: uniform in [0, min(cap, base * 2^n)]. The extremes of random() give the extremes
 * of the range: with base 500 and cap 30000, 500, 1000, 2000, 4000, 8000, 16000, 30000. */
START_TEST(full_jitter_spans_zero_to_the_exponential_ceiling)
{
    static const uint64_t expected_ceiling[] = {500, 1000, 2000, 4000, 8000, 16000, 30000};
    unsigned n = (unsigned)_i;

    ck_assert_uint_eq(delay_with_random(&defaults, n, 0), 0);
    ck_assert_uint_eq(delay_with_random(&defaults, n, UINT32_MAX), expected_ceiling[n]);
}
END_TEST

START_TEST(full_jitter_never_exceeds_the_ceiling)
{
    static const uint32_t samples[] = {1,
                                       2,
                                       499,
                                       500,
                                       501,
                                       1000,
                                       30000,
                                       30001,
                                       65535,
                                       1u << 31,
                                       (1u << 31) + 1,
                                       4000000000u,
                                       UINT32_MAX - 1};

    for (unsigned n = 0; n < 12; n++)
        for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
            ck_assert_uint_le(delay_with_random(&defaults, n, samples[i]),
                              ceiling_of(&defaults, n));
}
END_TEST

START_TEST(full_jitter_uses_the_random_source)
{
    fake.random_calls = 0;
    (void)delay_with_random(&defaults, 1, 7);
    ck_assert_uint_ge(fake.random_calls, 1);
}
END_TEST

START_TEST(backoff_stays_at_the_cap_for_late_retries)
{
    const ltx_retry_policy odd = {
        .max_retries = 50, .base_ms = 300, .cap_ms = 1000, .retry_after_cap_ms = 5000};

    ck_assert_uint_le(delay_with_random(&odd, 2, UINT32_MAX), 1000);
    ck_assert_uint_le(delay_with_random(&odd, 40, UINT32_MAX), 1000);
    ck_assert_uint_le(delay_with_random(&odd, 1000, UINT32_MAX), 1000);
    ck_assert_uint_le(delay_with_random(&odd, UINT32_MAX, UINT32_MAX), 1000);
    ck_assert_uint_le(delay_with_random(&defaults, 64, UINT32_MAX), LTX_DEFAULT_RETRY_CAP_MS);
}
END_TEST

/* ---------------------------------------------------------------- outcomes */

START_TEST(outcome_of_each_way_an_attempt_ends)
{
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 200), LTX_OUTCOME_DONE);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 202), LTX_OUTCOME_DONE);
    ck_assert_int_eq(ltx__outcome_of(LTX_ENETWORK, 0, 0), LTX_OUTCOME_NOT_SENT);
    ck_assert_int_eq(ltx__outcome_of(LTX_ETIMEDOUT, 0, 0), LTX_OUTCOME_NOT_SENT);
    ck_assert_int_eq(ltx__outcome_of(LTX_ETIMEDOUT, 1, 0), LTX_OUTCOME_UNKNOWN);
    ck_assert_int_eq(ltx__outcome_of(LTX_ENETWORK, 1, 0), LTX_OUTCOME_UNKNOWN);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 429), LTX_OUTCOME_REJECTED);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 400), LTX_OUTCOME_REJECTED);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 503), LTX_OUTCOME_REJECTED);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 500), LTX_OUTCOME_UNKNOWN);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 502), LTX_OUTCOME_UNKNOWN);
    ck_assert_int_eq(ltx__outcome_of(LTX_OK, 1, 504), LTX_OUTCOME_UNKNOWN);
    /* the transport's word counts: a 2xx whose body broke off did the work, undelivered */
    ck_assert_int_eq(ltx__outcome_of(LTX_ENETWORK, 1, 200), LTX_OUTCOME_UNKNOWN);
    /* an error status whose body broke off still says what the server decided */
    ck_assert_int_eq(ltx__outcome_of(LTX_ENETWORK, 1, 429), LTX_OUTCOME_REJECTED);
    ck_assert_int_eq(ltx__outcome_of(LTX_ETIMEDOUT, 1, 502), LTX_OUTCOME_UNKNOWN);
}
END_TEST

/* One way an attempt can end, and what DESIGN §5 says happens next for each kind of call. */
typedef struct {
    const char *what;
    int transport, sent, http;
    int retry[3];    /* by ltx_call_kind: SUBMIT, SYNC, IDEMPOTENT */
    int possibly[3]; /* possibly_executed, same order */
} retry_case;

static const retry_case retry_cases[] = {
    /* not sent: always safe */
    {"DNS failure", LTX_ENETWORK, 0, 0, {1, 1, 1}, {0, 0, 0}},
    {"connect timeout", LTX_ETIMEDOUT, 0, 0, {1, 1, 1}, {0, 0, 0}},
    /* rejected: only 429 and 503 say "later" */
    {"429", LTX_OK, 1, 429, {1, 1, 1}, {0, 0, 0}},
    {"503", LTX_OK, 1, 503, {1, 1, 1}, {0, 0, 0}},
    {"400", LTX_OK, 1, 400, {0, 0, 0}, {0, 0, 0}},
    {"401", LTX_OK, 1, 401, {0, 0, 0}, {0, 0, 0}},
    {"402", LTX_OK, 1, 402, {0, 0, 0}, {0, 0, 0}},
    {"403", LTX_OK, 1, 403, {0, 0, 0}, {0, 0, 0}},
    {"404", LTX_OK, 1, 404, {0, 0, 0}, {0, 0, 0}},
    {"413", LTX_OK, 1, 413, {0, 0, 0}, {0, 0, 0}},
    {"422", LTX_OK, 1, 422, {0, 0, 0}, {0, 0, 0}},
    /* unknown: a billed call may have started; a GET may be repeated */
    {"500", LTX_OK, 1, 500, {0, 0, 1}, {1, 1, 0}},
    {"502", LTX_OK, 1, 502, {0, 0, 1}, {1, 1, 0}},
    {"504", LTX_OK, 1, 504, {0, 1, 1}, {1, 1, 0}},
    {"timeout after sending", LTX_ETIMEDOUT, 1, 0, {0, 0, 1}, {1, 1, 0}},
    {"reset after sending", LTX_ENETWORK, 1, 0, {0, 0, 1}, {1, 1, 0}},
};
#define N_RETRY_CASES ((int)(sizeof(retry_cases) / sizeof(retry_cases[0])))

START_TEST(retry_decision_follows_the_outcome_and_the_kind_of_call)
{
    const retry_case *tc = &retry_cases[_i];
    static const ltx_call_kind kinds[] = {LTX_CALL_SUBMIT, LTX_CALL_SYNC, LTX_CALL_IDEMPOTENT};
    static const char *const kind_names[] = {"submit", "sync", "idempotent"};
    ltx_outcome o = ltx__outcome_of(tc->transport, tc->sent, tc->http);

    for (int k = 0; k < 3; k++) {
        int possibly = -1;
        int retry = ltx__should_retry(&defaults, kinds[k], o, tc->http, &possibly);

        ck_assert_msg(!!retry == tc->retry[k], "%s on a %s call: retry %d, want %d", tc->what,
                      kind_names[k], retry, tc->retry[k]);
        ck_assert_msg(possibly == tc->possibly[k], "%s on a %s call: possibly_executed %d, want %d",
                      tc->what, kind_names[k], possibly, tc->possibly[k]);
    }
}
END_TEST

START_TEST(sync_504_is_repeated_only_when_allowed_and_flagged_either_way)
{
    ltx_retry_policy p = defaults;
    ltx_outcome o = ltx__outcome_of(LTX_OK, 1, 504);
    int possibly = 0;

    p.retry_unknown_outcome = 1;
    ck_assert_int_ne(ltx__should_retry(&p, LTX_CALL_SYNC, o, 504, &possibly), 0);
    ck_assert_int_eq(possibly, 1);
    p.retry_unknown_outcome = 0;
    possibly = 0;
    ck_assert_int_eq(ltx__should_retry(&p, LTX_CALL_SYNC, o, 504, &possibly), 0);
    ck_assert_int_eq(possibly, 1);
    /* the option is about v1 only: a v2 submit answered 504 is never repeated */
    p.retry_unknown_outcome = 1;
    possibly = 0;
    ck_assert_int_eq(ltx__should_retry(&p, LTX_CALL_SUBMIT, o, 504, &possibly), 0);
    ck_assert_int_eq(possibly, 1);
}
END_TEST

START_TEST(success_is_never_repeated)
{
    for (int k = LTX_CALL_SUBMIT; k <= LTX_CALL_IDEMPOTENT; k++) {
        int possibly = -1;

        ck_assert_int_eq(
            ltx__should_retry(&defaults, (ltx_call_kind)k, LTX_OUTCOME_DONE, 200, &possibly), 0);
        ck_assert_int_eq(possibly, 0);
    }
}
END_TEST


/* ---------------------------------------------------------------- the table of libltx(7) */

/* One "what happened" of the man page's retry table, as the verdict's input. */
typedef struct {
    const char *label;
    ltx_happened h;
    int used_up;     /* the retries are used up: max_retries attempts counted before this one */
    uint64_t bytes;  /* bytes this attempt received */
    int at_deadline; /* the deadline is now */
} table_event;

#define SENT(ts, http) {ts, http, 1, 0, LTX_OK, 0, NULL}
#define NOT_SENT(ts) {ts, 0, 0, 0, LTX_OK, 0, NULL}

static const table_event events[] = {
    {"HTTP 200", SENT(LTX_OK, 200), 0, 0, 0},
    {"a document, not the file", {LTX_OK, 200, 1, 0, LTX_OK, 1, NULL}, 0, 0, 0},
    {"not sent", NOT_SENT(LTX_ENETWORK), 0, 0, 0},
    {"connect timeout", NOT_SENT(LTX_ETIMEDOUT), 0, 0, 0},
    {"TLS verification failed", NOT_SENT(LTX_ETLS), 0, 0, 0},
    {"malformed URL", NOT_SENT(LTX_EURL), 0, 0, 0},
    {"HTTP 302", SENT(LTX_OK, 302), 0, 0, 0},
    {"HTTP 400", SENT(LTX_OK, 400), 0, 0, 0},
    {"HTTP 401", SENT(LTX_OK, 401), 0, 0, 0},
    {"HTTP 402", SENT(LTX_OK, 402), 0, 0, 0},
    {"HTTP 403", SENT(LTX_OK, 403), 0, 0, 0},
    {"HTTP 404", SENT(LTX_OK, 404), 0, 0, 0},
    {"HTTP 413", SENT(LTX_OK, 413), 0, 0, 0},
    {"HTTP 418", SENT(LTX_OK, 418), 0, 0, 0},
    {"HTTP 422", SENT(LTX_OK, 422), 0, 0, 0},
    {"HTTP 429", SENT(LTX_OK, 429), 0, 0, 0},
    {"HTTP 429, Retry-After: 7", {LTX_OK, 429, 1, 0, LTX_OK, 0, "7"}, 0, 0, 0},
    {"HTTP 503", SENT(LTX_OK, 503), 0, 0, 0},
    {"HTTP 503, retries used up", SENT(LTX_OK, 503), 1, 0, 0},
    {"HTTP 500", SENT(LTX_OK, 500), 0, 0, 0},
    {"HTTP 502", SENT(LTX_OK, 502), 0, 0, 0},
    {"HTTP 504", SENT(LTX_OK, 504), 0, 0, 0},
    {"timeout after sending", SENT(LTX_ETIMEDOUT, 0), 0, 0, 0},
    {"reset after sending", SENT(LTX_ENETWORK, 0), 0, 0, 0},
    {"cut off, bytes received", SENT(LTX_ENETWORK, 200), 0, 65536, 0},
    {"cut off, retries used up", SENT(LTX_ENETWORK, 200), 1, 65536, 0},
    {"deadline passed", NOT_SENT(LTX_ETIMEDOUT), 0, 0, 1},
    {"cancelled before sending", {LTX_ECANCELLED, 0, 0, 1, LTX_OK, 0, NULL}, 0, 0, 0},
    {"cancelled after sending", {LTX_ECANCELLED, 0, 1, 1, LTX_OK, 0, NULL}, 0, 0, 0},
    {"output write failed", {LTX_EIO, 200, 1, 0, LTX_EIO, 0, NULL}, 0, 0, 0},
    {"range not as asked", {LTX_EPROTOCOL, 206, 1, 0, LTX_EPROTOCOL, 0, NULL}, 0, 0, 0},
};

static const struct {
    const char *name;
    int code;
} classes[] = {
    {"EPROTOCOL", LTX_EPROTOCOL}, {"ETLS", LTX_ETLS}, {"EURL", LTX_EURL},
    {"EBADREQUEST", LTX_EBADREQUEST}, {"EAUTH", LTX_EAUTH}, {"EFUNDS", LTX_EFUNDS},
    {"EFORBIDDEN", LTX_EFORBIDDEN}, {"ENOTFOUND", LTX_ENOTFOUND}, {"ETOOLARGE", LTX_ETOOLARGE},
    {"EHTTP", LTX_EHTTP}, {"ECONTENT", LTX_ECONTENT}, {"EUNAVAILABLE", LTX_EUNAVAILABLE},
    {"ESERVER", LTX_ESERVER}, {"EBADGATEWAY", LTX_EBADGATEWAY},
    {"EGATEWAYTIMEOUT", LTX_EGATEWAYTIMEOUT}, {"ETIMEDOUT", LTX_ETIMEDOUT},
    {"ENETWORK", LTX_ENETWORK}, {"ECANCELLED", LTX_ECANCELLED}, {"EIO", LTX_EIO},
};

static const table_event *event_named(const char *label)
{
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
        if (strcmp(events[i].label, label) == 0)
            return &events[i];
    return NULL;
}

/* Check one cell: what the verdict says for ev on a call of kind, against the man page. */
static void check_cell(const table_event *ev, ltx_call_kind kind, const char *kind_name,
                       const char *cell)
{
    char want[64];
    size_t n = strlen(cell);
    int starred = n > 0 && cell[n - 1] == '*';
    unsigned before = ev->used_up ? defaults.max_retries : 0;
    ltx_verdict v;

    if (strcmp(cell, "-") == 0)
        return; /* an ending this kind of call cannot meet */
    snprintf(want, sizeof(want), "%.*s", (int)(starred ? n - 1 : n), cell);
    fake.random_value = UINT32_MAX; /* the backoff's ceiling */
    v = ltx__verdict(&defaults, kind, &ev->h, before, ev->bytes, &fake_clock,
                     ev->at_deadline ? fake_now_ms(NULL) : UINT64_MAX);
    ck_assert_msg(v.possibly_executed == starred, "%s on a %s call: possibly executed %d, the "
                  "table says %s", ev->label, kind_name, v.possibly_executed, cell);
    if (strcmp(want, "done") == 0) {
        ck_assert_msg(!v.retry && v.error_class == LTX_OK, "%s on a %s call: not done",
                      ev->label, kind_name);
    } else if (strcmp(want, "retry") == 0) {
        ck_assert_msg(v.retry, "%s on a %s call: not retried", ev->label, kind_name);
        ck_assert_msg(v.delay_ms == ceiling_of(&defaults, v.attempts - 1),
                      "%s on a %s call: waits %llu ms, not the backoff", ev->label, kind_name,
                      (unsigned long long)v.delay_ms);
    } else if (strcmp(want, "retry now") == 0) {
        ck_assert_msg(v.retry && v.delay_ms == 0, "%s on a %s call: retry %d after %llu ms",
                      ev->label, kind_name, v.retry, (unsigned long long)v.delay_ms);
    } else if (strncmp(want, "retry ", 6) == 0) {
        unsigned long s = strtoul(want + 6, NULL, 10);

        ck_assert_msg(v.retry && v.delay_ms == s * 1000, "%s on a %s call: retry %d after %llu "
                      "ms, the table says %s", ev->label, kind_name, v.retry,
                      (unsigned long long)v.delay_ms, cell);
    } else {
        int code = 0;

        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
            if (strcmp(classes[i].name, want) == 0)
                code = classes[i].code;
        ck_assert_msg(code != 0, "the table names an unknown error %s", want);
        ck_assert_msg(!v.retry && v.error_class == code,
                      "%s on a %s call: retry %d, error %d; the table says %s", ev->label,
                      kind_name, v.retry, v.error_class, cell);
    }
}

/* The retry table of libltx(7) RETRIES is the test table of the one retry verdict. */
START_TEST(the_man_page_retry_table_is_the_verdict)
{
    static const ltx_call_kind kinds[] = {LTX_CALL_SUBMIT, LTX_CALL_SYNC, LTX_CALL_IDEMPOTENT,
                                          LTX_CALL_DOWNLOAD};
    static const char *const kind_names[] = {"submit", "v1 sync", "other", "download"};
    FILE *f = fopen(LTX_MAN7_PATH, "r");
    char line[512];
    int in_table = 0, rows = 0;
    int seen[sizeof(events) / sizeof(events[0])] = {0};

    ck_assert_msg(f != NULL, "cannot open %s", LTX_MAN7_PATH);
    while (fgets(line, sizeof(line), f)) {
        char *cells[5], *p = line;
        const table_event *ev;
        int n = 0;

        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, ".Ss The retry table") == 0)
            in_table = 1;
        if (!in_table || strncmp(line, ".It ", 4) != 0)
            continue;
        if (strncmp(line, ".It Em ", 7) == 0) /* the heading */
            continue;
        p += 4;
        while (n < 5) {
            char *ta = strstr(p, " Ta ");

            cells[n++] = p;
            if (!ta)
                break;
            *ta = '\0';
            p = ta + 4;
        }
        ck_assert_msg(n == 5, "a row of the retry table has %d cells: %s", n, cells[0]);
        ck_assert_msg((ev = event_named(cells[0])) != NULL,
                      "the retry table has a row this test cannot play: %s", cells[0]);
        seen[ev - events] = 1;
        for (int k = 0; k < 4; k++)
            check_cell(ev, kinds[k], kind_names[k], cells[k + 1]);
        rows++;
        if (strcmp(cells[0], "range not as asked") == 0)
            break;
    }
    fclose(f);
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
        ck_assert_msg(seen[i], "the retry table lacks the row \"%s\"", events[i].label);
    ck_assert_int_eq(rows, (int)(sizeof(events) / sizeof(events[0])));
}
END_TEST

Suite *suite_retry(void)
{
    Suite *s = suite_create("retry");
    TCase *after = tcase_create("retry_after");
    TCase *backoff = tcase_create("backoff");
    TCase *decide = tcase_create("decision");

    tcase_add_test(after, retry_after_seconds_are_milliseconds);
    tcase_add_test(after, retry_after_http_date_is_honoured);
    tcase_add_test(after, retry_after_date_in_the_past_means_now);
    tcase_add_loop_test(after, retry_after_garbage_is_minus_one, 0,
                        (int)(sizeof(garbage_retry_after) / sizeof(garbage_retry_after[0])));
    tcase_add_test(after, retry_after_absent_is_minus_one);
    tcase_add_test(after, retry_after_far_future_date_is_huge_not_wrapped);
    tcase_add_test(after, retry_after_huge_number_is_capped_not_wrapped);
    suite_add_tcase(s, after);

    tcase_add_test(backoff, retry_after_given_is_the_delay);
    tcase_add_test(backoff, retry_after_is_capped);
    tcase_add_loop_test(backoff, full_jitter_spans_zero_to_the_exponential_ceiling, 0, 7);
    tcase_add_test(backoff, full_jitter_never_exceeds_the_ceiling);
    tcase_add_test(backoff, full_jitter_uses_the_random_source);
    tcase_add_test(backoff, backoff_stays_at_the_cap_for_late_retries);
    suite_add_tcase(s, backoff);

    tcase_add_test(decide, outcome_of_each_way_an_attempt_ends);
    tcase_add_test(decide, the_man_page_retry_table_is_the_verdict);
    tcase_add_loop_test(decide, retry_decision_follows_the_outcome_and_the_kind_of_call, 0,
                        N_RETRY_CASES);
    tcase_add_test(decide, sync_504_is_repeated_only_when_allowed_and_flagged_either_way);
    tcase_add_test(decide, success_is_never_repeated);
    suite_add_tcase(s, decide);
    return s;
}
