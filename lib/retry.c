/* lib/retry.c — the retry policy: how an attempt ended, whether to repeat it, and how long to wait. */
#define _POSIX_C_SOURCE 200809L
#include "private.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

ltx_outcome ltx__outcome_of(int transport_status, int request_sent, int http_status)
{
    if (http_status >= 200 && http_status < 300)
        return LTX_OUTCOME_DONE;
    if (http_status == 0) /* no answer at all */
        return request_sent ? LTX_OUTCOME_UNKNOWN : LTX_OUTCOME_NOT_SENT;
    /* An answer: these statuses come with a server's word that it did not start work. */
    switch (http_status) {
    case 500: case 502: case 504:
        return LTX_OUTCOME_UNKNOWN;
    default:
        (void)transport_status;
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
        if (kind == LTX_CALL_IDEMPOTENT)
            return 1;
        *possibly_executed = 1;
        if (kind == LTX_CALL_SYNC && http_status == 504)
            return p->retry_unknown_outcome;
        return 0;
    }
    return 0;
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

static int month_index(const char *m)
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(m, months[i], 3) == 0)
            return i;
    return -1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without timegm()'s portability issues. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* IMF-fixdate, "Wed, 26 Nov 2026 12:00:07 GMT", the form RFC 9110 requires senders to use. */
static int parse_http_date(const char *s, int64_t *out)
{
    char wday[4], mon[4], zone[4];
    int day, year, hh, mm, ss, month, n = 0;

    if (sscanf(s, "%3s %d %3s %d %d:%d:%d %3s%n", wday, &day, mon, &year, &hh, &mm, &ss, zone,
               &n) != 8)
        return -1;
    while (isspace((unsigned char)s[n]))
        n++;
    if (s[n] != '\0' || strcmp(zone, "GMT") != 0 || (month = month_index(mon)) < 0 || day < 1 ||
        day > 31 || year < 1970 || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
        return -1;
    *out = days_from_civil(year, (unsigned)month + 1, (unsigned)day) * 86400 + hh * 3600 + mm * 60 +
           ss;
    return 0;
}

int64_t ltx__retry_after_parse_ms(const char *value, int64_t now_wall_s)
{
    const char *p = value;
    int64_t when;

    if (!value)
        return -1;
    while (isspace((unsigned char)*p))
        p++;
    if (isdigit((unsigned char)*p)) {
        char *end;
        unsigned long long secs;

        errno = 0;
        secs = strtoull(p, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (*end != '\0')
            return -1;
        if (errno == ERANGE || secs > (uint64_t)INT64_MAX / 1000u)
            return INT64_MAX; /* huge: the caller's cap applies */
        return (int64_t)secs * 1000;
    }
    /* "Wed, 26 Nov ..." : skip the comma after the day name */
    if (strlen(p) > 5 && p[3] == ',') {
        char buf[64];
        size_t n = strlen(p);

        if (n >= sizeof(buf))
            return -1;
        memcpy(buf, p, n + 1);
        buf[3] = ' ';
        if (parse_http_date(buf, &when) != 0)
            return -1;
        return when <= now_wall_s ? 0 : (when - now_wall_s) * 1000;
    }
    return -1;
}
