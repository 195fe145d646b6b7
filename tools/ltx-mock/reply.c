/* tools/ltx-mock/reply.c — small helpers, status defaults and replies: what every part of
 * ltx-mock uses. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ small helpers */

char *lm_dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Room for `need` elements of `elem` bytes: returns arr, or a larger copy (then
 * *cap is updated), or NULL with arr untouched. */
void *lm_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return arr;
    ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    p = realloc(arr, ncap * elem);
    if (p)
        *cap = ncap;
    return p;
}

int lm_starts_with(const char *s, const char *prefix)
{
    return !prefix || strncmp(s, prefix, strlen(prefix)) == 0;
}

uint64_t lm_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t lm_fnv1a(const char *a, const char *b)
{
    uint32_t h = 2166136261u;
    for (; *a; a++)
        h = (h ^ (unsigned char)*a) * 16777619u;
    h = (h ^ ' ') * 16777619u;
    for (; *b; b++)
        h = (h ^ (unsigned char)*b) * 16777619u;
    return h;
}

void lm_format_timestamp(const struct timespec *ts, char out[TIMESTAMP_MAX])
{
    struct tm tm;
    unsigned ms = (unsigned)(ts->tv_nsec / 1000000L) % 1000u;
    size_t n;

    gmtime_r(&ts->tv_sec, &tm);
    n = strftime(out, TIMESTAMP_MAX - sizeof ".000Z", "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, TIMESTAMP_MAX - n, ".%03uZ", ms);
}

struct timespec lm_ts_add_ms(struct timespec ts, uint64_t ms)
{
    ts.tv_sec += (time_t)(ms / 1000u);
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

uint64_t lm_elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    int64_t ms;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (int64_t)(now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000L;
    return ms < 0 ? 0 : (uint64_t)ms;
}

/* Sleep up to ms, in slices, returning early once the server is stopping. */
void lm_sleep_interruptible(lmock *m, unsigned ms)
{
    while (ms > 0 && !atomic_load(&m->stopping)) {
        unsigned slice = ms < SLEEP_SLICE_MS ? ms : SLEEP_SLICE_MS;
        struct timespec ts = {0, (long)slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

__attribute__((format(printf, 3, 4))) int lm_fail(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------ status defaults */

static const struct status_info {
    unsigned status;
    const char *reason;
    const char *type;
    const char *message;
} status_table[] = {
    {400, "Bad Request", "invalid_request_error", "Invalid request"},
    {401, "Unauthorized", "authentication_error", "Invalid API key"},
    {402, "Payment Required", "insufficient_funds_error",
     "Insufficient funds. Required: 120 credits"},
    {403, "Forbidden", "permission_error", "This endpoint is not available for your account"},
    {404, "Not Found", "not_found_error", "Not found"},
    {405, "Method Not Allowed", "api_error", "Method not allowed"},
    {413, "Request Entity Too Large", "request_too_large", "Request too large"},
    {422, "Unprocessable Entity", "content_filtered_error", "Request rejected by content filters"},
    {429, "Too Many Requests", "rate_limit_error", "Too many requests. Please try again later."},
    {500, "Internal Server Error", "api_error", "Internal server error"},
    {502, "Bad Gateway", "api_error", "Bad gateway"},
    {503, "Service Unavailable", "service_unavailable", "Service temporarily unavailable"},
    /* 504's type is undocumented (API-NOTES §9). */
    {504, "Gateway Timeout", "timeout_error", "Request timed out"},
};

static const struct status_info *status_lookup(unsigned status)
{
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].status == status)
            return &status_table[i];
    return NULL;
}

const char *lm_status_error_type(unsigned status)
{
    const struct status_info *si = status_lookup(status);
    return si ? si->type : "api_error";
}

const char *lm_status_message(unsigned status)
{
    const struct status_info *si = status_lookup(status);
    return si ? si->message : "Error";
}

const char *lm_status_reason(unsigned status)
{
    const struct status_info *si = status_lookup(status);
    return si ? si->reason : "Error";
}

/* ------------------------------------------------------------------ replies */

void lm_reply_free(reply *r)
{
    free(r->owned);
    r->owned = NULL;
    for (size_t i = 0; i < r->n_headers; i++)
        free(r->headers[i].value);
    r->n_headers = 0;
}

void lm_reply_header(reply *r, const char *name, const char *value)
{
    char *v;

    if (r->n_headers == REPLY_HEADERS_MAX)
        return;
    v = strdup(value);
    if (!v)
        return;
    r->headers[r->n_headers].name = name;
    r->headers[r->n_headers].value = v;
    r->n_headers++;
}

/* Takes ownership of text (malloc'd); NULL text becomes a 500. */
void lm_reply_text(reply *r, unsigned status, const char *content_type, char *text)
{
    lm_reply_free(r);
    if (!text) {
        static const char oom[] = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                                  "\"message\":\"ltx-mock: out of memory\"}}";
        r->status = 500;
        r->content_type = "application/json";
        r->data = (const unsigned char *)oom;
        r->len = sizeof oom - 1;
        return;
    }
    r->status = status;
    r->content_type = content_type;
    r->owned = text;
    r->data = (const unsigned char *)text;
    r->len = strlen(text);
}

void lm_reply_json(reply *r, unsigned status, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    lm_reply_text(r, status, "application/json", text);
}

void lm_reply_error(reply *r, unsigned status, const char *type, const char *message)
{
    json_t *v = json_pack("{s:s, s:{s:s, s:s}}", "type", "error", "error", "type",
                          type ? type : lm_status_error_type(status), "message",
                          message ? message : lm_status_message(status));
    lm_reply_json(r, status, v);
}

__attribute__((format(printf, 3, 4))) void lm_reply_errorf(reply *r, unsigned status,
                                                           const char *fmt, ...)
{
    char msg[MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lm_reply_error(r, status, NULL, msg);
}

void lm_reply_video(reply *r, const lmock *m, const char *content_type)
{
    lm_reply_free(r);
    r->status = MHD_HTTP_OK;
    r->content_type = content_type;
    r->data = m->video;
    r->len = m->video_len;
}

/* A Google Cloud Storage XML error, for the signed URLs, which are not the LTX API. */
void lm_reply_storage_error(reply *r, unsigned status, const char *code, const char *message,
                            const char *details)
{
    lm_reply_text(r, status, "application/xml; charset=UTF-8",
                  lm_storage_error_xml(code, message, details));
    r->storage = 1;
}
