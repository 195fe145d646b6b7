/* lib/retry.c — the retry policy: how an attempt ended, whether to repeat it, and how long to wait. */
#define _POSIX_C_SOURCE 200809L
#include "call.h"

#include <string.h>

/*
 * An answer's own word on whether work started. transport_status matters only when no
 * status line arrived: an error status whose body then broke off still says what the
 * server decided, and a 2xx whose body broke off did the work (delivery failed).
 */
ltx_outcome ltx__outcome_of(int transport_status, int request_sent, int http_status)
{
    if (http_status >= 200 && http_status < 300)
        return transport_status == LTX_OK ? LTX_OUTCOME_DONE : LTX_OUTCOME_UNKNOWN;
    if (http_status == 0 || (http_status < 200 && transport_status != LTX_OK)) /* no answer */
        return request_sent ? LTX_OUTCOME_UNKNOWN : LTX_OUTCOME_NOT_SENT;
    /* An answer: these statuses come with a server's word that it did not start work. */
    switch (http_status) {
    case 500: case 502: case 504:
        return LTX_OUTCOME_UNKNOWN;
    default:
        return LTX_OUTCOME_REJECTED;
    }
}

int ltx__should_retry(const ltx_retry_policy *p, ltx_call_kind kind, ltx_outcome o, int http_status,
                      int *possibly_executed)
{
    *possibly_executed = 0;
    switch (o) {
    case LTX_OUTCOME_DONE:
        return 0;
    case LTX_OUTCOME_NOT_SENT:
        return 1;
    case LTX_OUTCOME_REJECTED:
        /* only these two say "later"; every other rejection will not change on its own */
        return http_status == 429 || http_status == 503;
    case LTX_OUTCOME_UNKNOWN:
        if (kind == LTX_CALL_IDEMPOTENT || kind == LTX_CALL_DOWNLOAD)
            return 1;
        *possibly_executed = 1;
        if (kind == LTX_CALL_SYNC && http_status == 504)
            return p->retry_unknown_outcome;
        return 0;
    }
    return 0;
}

/* Failures no second attempt can mend: local ones, and the caller's own "stop". A download
 * also stops on an answer that is not the range it asked for. */
static int is_local_failure(ltx_call_kind kind, const ltx_happened *h)
{
    switch (h->transport_status) {
    case LTX_ECANCELLED: case LTX_EIO: case LTX_ESINKFULL: case LTX_ENOMEM: case LTX_EINVAL:
    case LTX_EHEADER: case LTX_ETLS: case LTX_EURL:
        return 1;
    case LTX_EPROTOCOL:
        return kind == LTX_CALL_DOWNLOAD;
    default:
        return kind == LTX_CALL_DOWNLOAD && h->sink_status != LTX_OK;
    }
}

int ltx__exchange_class(int transport_status, int http_status)
{
    if (http_status != 0 && !(http_status >= 200 && http_status < 300))
        return http_status >= 300 && http_status < 400 ? LTX_EPROTOCOL
                                                        : ltx__status_class(http_status);
    return transport_status != LTX_OK ? transport_status : LTX_EPROTOCOL;
}

/* A download's 2xx that carried a document where the file should be. */
static int is_document(ltx_call_kind kind, const ltx_happened *h)
{
    return kind == LTX_CALL_DOWNLOAD && h->transport_status == LTX_OK && h->json_instead &&
           (h->http_status == 200 || h->http_status == 206);
}

static int is_success(ltx_call_kind kind, const ltx_happened *h)
{
    if (h->transport_status != LTX_OK)
        return 0;
    if (kind == LTX_CALL_DOWNLOAD) /* a document where the file should be is no success */
        return (h->http_status == 200 || h->http_status == 206) && !h->json_instead;
    return h->http_status >= 200 && h->http_status < 300;
}

/* The class of the error a failed attempt that is not repeated ends with. */
static int failure_class(ltx_call_kind kind, const ltx_happened *h)
{
    if (h->cancel_hit && h->transport_status == LTX_ECANCELLED)
        return LTX_ECANCELLED;
    if (is_document(kind, h))
        return LTX_EPROTOCOL;
    if (kind == LTX_CALL_DOWNLOAD && (h->sink_status == LTX_EPROTOCOL ||
                                      h->sink_status == LTX_EIO || h->sink_status == LTX_ESINKFULL))
        return h->sink_status;
    return ltx__exchange_class(h->transport_status, h->http_status);
}

/* Does what happened, on its own, call for another attempt? *possibly: work may exist. */
static int worth_repeating(const ltx_retry_policy *p, ltx_call_kind kind, const ltx_happened *h,
                           int *possibly)
{
    int http;

    if (is_local_failure(kind, h) || is_document(kind, h)) {
        *possibly = kind != LTX_CALL_IDEMPOTENT && kind != LTX_CALL_DOWNLOAD &&
                    h->request_sent && h->transport_status != LTX_OK;
        return 0;
    }
    /* a download that broke off is judged as if no answer had come */
    http = kind == LTX_CALL_DOWNLOAD && h->transport_status != LTX_OK ? 0 : h->http_status;
    return ltx__should_retry(p, kind, ltx__outcome_of(h->transport_status, h->request_sent, http),
                             http >= 300 ? http : 0, possibly);
}

/* The wait before the next attempt: the backoff, or a call's Retry-After (a download resumes
 * on its own backoff); none for a download's first attempt after a byte arrived. */
static uint64_t delay_of(const ltx_retry_policy *p, ltx_call_kind kind, const ltx_happened *h,
                         unsigned attempts, const ltx_clock *clk)
{
    int64_t retry_after = -1;

    if (!attempts)
        return 0;
    if (kind != LTX_CALL_DOWNLOAD && (h->http_status == 429 || h->http_status == 503))
        retry_after = ltx__retry_after_parse_ms(h->retry_after, clk->wall_s(clk->ud));
    return ltx__retry_delay_ms(p, attempts - 1, retry_after, clk);
}

ltx_verdict ltx__verdict(const ltx_retry_policy *p, ltx_call_kind kind, const ltx_happened *h,
                         unsigned attempts, uint64_t bytes, const ltx_clock *clk,
                         uint64_t deadline)
{
    ltx_verdict v = {0};
    int limited = deadline != UINT64_MAX;

    /* a download counts the attempts in a row that gained no byte; a call, every attempt */
    v.attempts = kind == LTX_CALL_DOWNLOAD && bytes ? 0 : attempts + 1;
    if (is_success(kind, h))
        return v;
    v.retry = worth_repeating(p, kind, h, &v.possibly_executed);
    /* a call's own timeout at the deadline: nothing is left to wait for */
    if (kind != LTX_CALL_DOWNLOAD && h->transport_status == LTX_ETIMEDOUT && limited &&
        clk->now_ms(clk->ud) >= deadline)
        v.retry = 0;
    if (v.retry && v.attempts > p->max_retries)
        v.retry = 0;
    if (v.retry)
        v.delay_ms = delay_of(p, kind, h, v.attempts, clk);
    if (v.retry && limited && clk->now_ms(clk->ud) + v.delay_ms >= deadline) {
        v.retry = 0;
        v.deadline_near = 1;
    }
    if (!v.retry)
        v.error_class = failure_class(kind, h);
    return v;
}

uint64_t ltx__retry_delay_ms(const ltx_retry_policy *p, unsigned retry, int64_t retry_after_ms,
                             const ltx_clock *clock)
{
    uint64_t ceiling = p->base_ms;

    if (retry_after_ms >= 0)
        return (uint64_t)retry_after_ms > p->retry_after_cap_ms ? p->retry_after_cap_ms
                                                                 : (uint64_t)retry_after_ms;
    /* full jitter: uniform in [0, min(cap, base * 2^retry)] */
    for (unsigned i = 0; i < retry && ceiling < p->cap_ms; i++)
        ceiling *= 2;
    if (ceiling > p->cap_ms)
        ceiling = p->cap_ms;
    /* scale, not modulo: the die's extremes map to exactly 0 and the ceiling */
    return ((uint64_t)clock->random(clock->ud) * (ceiling + 1)) >> 32;
}

/* Two to four fixed decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int month_index(const char *m)
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strncmp(m, months[i], 3) == 0)
            return i;
    return -1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without timegm()'s portability issues.
 * Only called with 1970 <= y <= 9999, so nothing here can overflow. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/*
 * IMF-fixdate, exactly "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7: the form senders must
 * use): fixed widths, single spaces, a real day of its month, a year of four digits.
 */
static int parse_http_date(const char *s, size_t len, int64_t *out)
{
    static const char wdays[7][4] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int day, month, year, hh, mm, ss, wday_ok = 0;

    if (len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
        return -1;
    for (int i = 0; i < 7; i++)
        wday_ok |= memcmp(s, wdays[i], 3) == 0;
    day = digits(s + 5, 2);
    month = month_index(s + 8);
    year = digits(s + 12, 4);
    hh = digits(s + 17, 2);
    mm = digits(s + 20, 2);
    ss = digits(s + 23, 2);
    if (!wday_ok || month < 0 || year < 1970 || day < 1 ||
        day > mdays[month] + (month == 1 && is_leap(year)) || hh < 0 || hh > 23 || mm < 0 ||
        mm > 59 || ss < 0 || ss > 60)
        return -1;
    *out = days_from_civil(year, (unsigned)month + 1, (unsigned)day) * 86400 + hh * 3600 +
           mm * 60 + ss;
    return 0;
}

/* Optional whitespace around a field value: spaces and tabs (RFC 9110 5.6.3). */
static int ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

int64_t ltx__retry_after_parse_ms(const char *value, int64_t now_wall_s)
{
    const char *p = value, *end;
    int64_t when;

    if (!value)
        return -1;
    while (ows(*p))
        p++;
    end = p + strlen(p);
    while (end > p && ows(end[-1]))
        end--;
    if (end == p)
        return -1;
    if (*p >= '0' && *p <= '9') {
        /* delta-seconds: digits only; a value past what int64 milliseconds hold is "huge" */
        uint64_t secs = 0;

        for (const char *q = p; q < end; q++) {
            if (*q < '0' || *q > '9')
                return -1;
            if (secs <= (uint64_t)INT64_MAX / 1000u)
                secs = secs * 10 + (uint64_t)(*q - '0');
        }
        if (secs > (uint64_t)INT64_MAX / 1000u)
            return INT64_MAX; /* huge: the caller's cap applies */
        return (int64_t)secs * 1000;
    }
    if (parse_http_date(p, (size_t)(end - p), &when) != 0)
        return -1;
    if (when <= now_wall_s)
        return 0;
    {
        /* both are int64 and when > now: the unsigned difference is exact */
        uint64_t diff = (uint64_t)when - (uint64_t)now_wall_s;

        return diff > (uint64_t)INT64_MAX / 1000u ? INT64_MAX : (int64_t)diff * 1000;
    }
}
