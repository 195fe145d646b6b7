/* lib/util.c — strings, UTF-8, bounded buffers, the system clock and progress reports. */
#define _POSIX_C_SOURCE 200809L
#include "client_int.h"
#include "private.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

LTX_API void ltx_free(void *ptr)
{
    free(ptr);
}

char *ltx__strdup(const char *s)
{
    return s ? ltx__strndup(s, strlen(s)) : NULL;
}

char *ltx__strndup(const char *s, size_t n)
{
    char *copy = malloc(n + 1);

    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *ltx__vprintf(const char *fmt, va_list ap)
{
    char small[256];
    va_list again;
    int n;
    char *out;

    /* one pass for the common short string; a second only when it did not fit */
    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(again);
        return NULL;
    }
    out = malloc((size_t)n + 1);
    if (out && (size_t)n < sizeof(small))
        memcpy(out, small, (size_t)n + 1);
    else if (out)
        vsnprintf(out, (size_t)n + 1, fmt, again);
    va_end(again);
    return out;
}

char *ltx__printf(const char *fmt, ...)
{
    va_list ap;
    char *out;

    va_start(ap, fmt);
    out = ltx__vprintf(fmt, ap);
    va_end(ap);
    return out;
}

char *ltx__escape(const char *s, size_t max)
{
    size_t n = strlen(s ? s : ""), cut = n > max ? max : n;
    char *out = malloc(cut * 4 + 4), *p = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < cut; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch < 0x20 || ch > 0x7e || ch == '\\' || ch == '"')
            p += sprintf(p, "\\x%02x", ch);
        else
            *p++ = (char)ch;
    }
    if (cut < n)
        p += sprintf(p, "...");
    *p = '\0';
    return out;
}

int ltx__set_string(char **slot, const char *s)
{
    char *copy = NULL;

    if (s && !(copy = ltx__strdup(s)))
        return LTX_ENOMEM;
    free(*slot);
    *slot = copy;
    return LTX_OK;
}

void ltx__free_secret(char *s)
{
    if (!s)
        return;
    /* volatile so the wipe is not optimised away before free() */
    for (volatile char *p = s; *p; p++)
        *p = 0;
    free(s);
}

size_t ltx__utf8_sequence(const unsigned char *p, size_t left)
{
    unsigned char c = left ? p[0] : 0;
    size_t need;
    uint32_t cp;

    if (!left)
        return 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        need = 1;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        need = 2;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        need = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (need >= left)
        return 0;
    for (size_t i = 1; i <= need; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    /* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
    if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return need + 1;
}

long ltx__utf8_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    long count = 0;

    while (left) {
        size_t n = ltx__utf8_sequence(p, left);

        if (!n)
            return -1;
        p += n;
        left -= n;
        count++;
    }
    return count;
}

int ltx__buf_append(ltx_buf *b, const void *data, size_t len)
{
    size_t keep = len;

    if (b->limit && b->len + keep > b->limit) {
        keep = b->limit > b->len ? b->limit - b->len : 0;
        b->dropped += len - keep;
    }
    if (b->len + keep + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *grown;

        while (cap < b->len + keep + 1)
            cap *= 2;
        if (b->limit && cap > b->limit + 1)
            cap = b->limit + 1;
        grown = realloc(b->data, cap);
        if (!grown)
            return LTX_ENOMEM;
        b->data = grown;
        b->cap = cap;
    }
    if (keep)
        memcpy(b->data + b->len, data, keep);
    b->len += keep;
    b->data[b->len] = '\0';
    return LTX_OK;
}

void ltx__buf_free(ltx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->dropped = 0;
}

static uint64_t system_now_ms(void *ud)
{
    struct timespec ts;

    (void)ud;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t system_wall_s(void *ud)
{
    (void)ud;
    return (int64_t)time(NULL);
}

static void system_sleep_ms(uint64_t ms, void *ud)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L};

    (void)ud;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* xorshift seeded per thread from the clock and the thread's stack address: jitter needs
 * spread, not secrecy, and this needs no lock. */
static uint32_t system_random(void *ud)
{
    static _Thread_local uint64_t state;

    (void)ud;
    if (!state) {
        struct timespec ts;
        int here;

        clock_gettime(CLOCK_REALTIME, &ts);
        state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&here;
        if (!state)
            state = 0x9E3779B97F4A7C15ull;
    }
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 32);
}

const ltx_clock *ltx__system_clock(void)
{
    static const ltx_clock clock = {system_now_ms, system_wall_s, system_sleep_ms, system_random,
                                    NULL};
    return &clock;
}

int ltx__progress_emit(const ltx_client *c, ltx_progress_ctx *pc, int stage, const char *status,
                       uint64_t bytes, uint64_t total)
{
    ltx_progress p;

    if (!pc || !pc->fn)
        return 0;
    p.stage = stage;
    p.job_id = pc->job_id;
    p.status = status;
    p.bytes = bytes;
    p.total = total;
    p.elapsed_ms = c->clock->now_ms(c->clock->ud) - pc->started_ms;
    p.batch_slot = 0;
    return pc->fn(&p, pc->ud);
}

LTX_GETTER(int, ltx_progress_stage, ltx_progress, stage, 0)
LTX_GETTER(const char *, ltx_progress_job_id, ltx_progress, job_id, NULL)
LTX_GETTER(const char *, ltx_progress_status, ltx_progress, status, NULL)
LTX_GETTER(uint64_t, ltx_progress_bytes, ltx_progress, bytes, 0)
LTX_GETTER(uint64_t, ltx_progress_total, ltx_progress, total, 0)
LTX_GETTER(uint64_t, ltx_progress_elapsed_ms, ltx_progress, elapsed_ms, 0)

int ltx__url_is_plain_remote(const char *url)
{
    char host[256];
    const char *p, *end;
    size_t n;

    if (!url || strncasecmp(url, "http://", 7) != 0)
        return 0;
    p = url + 7;
    end = p + strcspn(p, "/?#");
    for (const char *at = p; at < end; at++) /* skip any user:password@ */
        if (*at == '@')
            p = at + 1;
    if (*p == '[') { /* [::1]:port */
        const char *close = memchr(p, ']', (size_t)(end - p));

        if (!close)
            return 1;
        p++;
        n = (size_t)(close - p);
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));

        n = (size_t)((colon ? colon : end) - p);
    }
    if (n == 0 || n >= sizeof(host))
        return 1;
    memcpy(host, p, n);
    host[n] = '\0';
    if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
        return 0;
    {
        struct in_addr a4;
        struct in6_addr a6;

        if (inet_pton(AF_INET, host, &a4) == 1)
            return (ntohl(a4.s_addr) >> 24) != 127;
        if (inet_pton(AF_INET6, host, &a6) == 1)
            return !IN6_IS_ADDR_LOOPBACK(&a6);
    }
    return 1;
}
