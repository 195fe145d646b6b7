/* lib/scan.c — the answers read on every request (a submit's, a poll's), picked out of the
 * JSON text without building a document: a validating scanner that records where the wanted
 * members are. It answers only when it is sure jansson would read the text the same way;
 * anything unusual (an escape, a duplicate member it wants, a number jansson might refuse,
 * deep nesting) sends the caller to jansson (codec.c), which has the last word. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"

#include <string.h>

#define SCAN_MAX_DEPTH 32

typedef struct {
    const char *p, *end;
    ltx_scan *out;
} scanner;

enum { UNSURE = 0, SURE = 1 };

static void skip_ws(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* A string without escapes; *at and *n its contents. */
static int scan_string(scanner *s, const char **at, size_t *n)
{
    const unsigned char *p = (const unsigned char *)s->p + 1, *end = (const unsigned char *)s->end;

    if (s->p >= s->end || *s->p != '"')
        return UNSURE;
    *at = (const char *)p;
    while (p < end && *p != '"') {
        size_t seq;

        if (*p == '\\' || *p < 0x20) /* escapes are jansson's to decode; controls are invalid */
            return UNSURE;
        if (!(seq = ltx__utf8_sequence(p, (size_t)(end - p))))
            return UNSURE;
        p += seq;
    }
    if (p >= end)
        return UNSURE;
    *n = (size_t)((const char *)p - *at);
    s->p = (const char *)p + 1;
    return SURE;
}

static int digits(scanner *s)
{
    const char *from = s->p;

    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > from;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?, short enough that jansson can neither overflow nor round it
 * differently; an exponent is left to jansson (1e999 overflows there). */
static int scan_number(scanner *s)
{
    const char *from = s->p;

    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (!digits(s))
        return UNSURE;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!digits(s))
            return UNSURE;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
        return UNSURE;
    return s->p - from <= 15 ? SURE : UNSURE;
}

static int scan_literal(scanner *s, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return UNSURE;
    s->p += n;
    return SURE;
}

static int scan_value(scanner *s, int depth);

/* Keep member (key, value) of the top-level object, or of "result" or "error" in it. */
static int keep(ltx_scan *out, int where, const char *key, size_t kn, const char *v, size_t vn,
                int is_string)
{
    ltx_span *slot = NULL;

#define KEY(name) (kn == sizeof(name) - 1 && memcmp(key, name, kn) == 0)
    if (where == 1 && KEY("result") && out->result_seen++)
        return UNSURE;
    if (where == 1 && KEY("error") && out->error_seen++)
        return UNSURE;
    if (where == 1)
        slot = KEY("status")         ? &out->status
               : KEY("id")           ? &out->id
               : KEY("created_at")   ? &out->created_at
               : KEY("completed_at") ? &out->completed_at
                                     : NULL;
    else if (where == 3)
        slot = KEY("type") ? &out->error_type : KEY("message") ? &out->error_message : NULL;
#undef KEY
    if (where == 2) { /* a result: every string member, in order; duplicates are jansson's */
        for (size_t i = 0; i < out->n_results; i++)
            if (out->result_keys[i].n == kn && memcmp(out->result_keys[i].p, key, kn) == 0)
                return UNSURE;
        if (out->n_results >= LTX_SCAN_MAX_RESULTS)
            return UNSURE;
        out->result_keys[out->n_results] = (ltx_span){key, kn, 1, 1};
        out->result_urls[out->n_results++] = (ltx_span){v, vn, 1, is_string};
        return SURE;
    }
    if (!slot)
        return SURE;
    if (slot->seen)
        return UNSURE;
    *slot = (ltx_span){v, vn, 1, is_string};
    return SURE;
}

static int scan_object(scanner *s, int depth, int where);

/* Which kept object a member of the top level is: 2 "result", 3 "error", 0 neither. */
static int child_of(const char *key, size_t kn)
{
    if (kn == 6 && memcmp(key, "result", 6) == 0)
        return 2;
    return kn == 5 && memcmp(key, "error", 5) == 0 ? 3 : 0;
}

/* The value of member key of an object kept as `where` (0: not kept), kept in turn. */
static int scan_member(scanner *s, int depth, int where, const char *key, size_t kn)
{
    const char *v = NULL;
    size_t vn = 0;
    int is_string = s->p < s->end && *s->p == '"';
    int child = where == 1 && s->p < s->end && *s->p == '{' ? child_of(key, kn) : 0;

    if (is_string) {
        if (!scan_string(s, &v, &vn))
            return UNSURE;
    } else if (child) {
        if (depth + 1 > SCAN_MAX_DEPTH || !scan_object(s, depth + 1, child))
            return UNSURE;
    } else if (!scan_value(s, depth + 1)) {
        return UNSURE;
    }
    return !where || keep(s->out, where, key, kn, v, vn, is_string);
}

/* An object; where: 0 not kept, 1 the top level, 2 "result", 3 "error". */
static int scan_object(scanner *s, int depth, int where)
{
    s->p++; /* '{' */
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return SURE;
    }
    for (;;) {
        const char *key;
        size_t kn;

        skip_ws(s);
        if (!scan_string(s, &key, &kn))
            return UNSURE;
        skip_ws(s);
        if (s->p >= s->end || *s->p++ != ':')
            return UNSURE;
        skip_ws(s);
        if (!scan_member(s, depth, where, key, kn))
            return UNSURE;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return SURE;
        }
        return UNSURE;
    }
}

static int scan_array(scanner *s, int depth)
{
    s->p++; /* '[' */
    skip_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return SURE;
    }
    for (;;) {
        skip_ws(s);
        if (!scan_value(s, depth + 1))
            return UNSURE;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return SURE;
        }
        return UNSURE;
    }
}

static int scan_value(scanner *s, int depth)
{
    const char *at;
    size_t n;

    if (depth > SCAN_MAX_DEPTH || s->p >= s->end)
        return UNSURE;
    switch (*s->p) {
    case '{': return scan_object(s, depth, 0);
    case '[': return scan_array(s, depth);
    case '"': return scan_string(s, &at, &n);
    case 't': return scan_literal(s, "true");
    case 'f': return scan_literal(s, "false");
    case 'n': return scan_literal(s, "null");
    default: return scan_number(s);
    }
}

int ltx__scan_answer(const char *body, size_t len, ltx_scan *out)
{
    scanner s;

    memset(out, 0, sizeof(*out)); /* first: the scanner keeps out, which callers leave unset */
    s = (scanner){body, body + len, out};
    if (!body || !len)
        return UNSURE;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{' || !scan_object(&s, 1, 1))
        return UNSURE;
    skip_ws(&s);
    return s.p == s.end ? SURE : UNSURE;
}
