/* tools/ltx-mock/faults.c — scripted faults: storing, matching, answering, and their JSON
 * form. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ faults */

void lm_fault_free(fault_entry *f)
{
    free(f->method);
    free(f->path_prefix);
    free(f->error_type);
    free(f->message);
    free(f->retry_after);
    free(f->body);
    free(f->location);
    free(f->content_type);
    memset(f, 0, sizeof *f);
}

/* Deep copy of spec into dst, good for `remaining` uses. */
int lm_fault_init(fault_entry *dst, const lmock_fault *spec, unsigned remaining)
{
    memset(dst, 0, sizeof *dst);
    dst->kind = spec->kind;
    dst->status = spec->status;
    dst->delay_ms = spec->delay_ms;
    dst->size = spec->size;
    dst->remaining = remaining;
    dst->method = lm_dup_or_null(spec->method);
    dst->path_prefix = lm_dup_or_null(spec->path_prefix);
    dst->error_type = lm_dup_or_null(spec->error_type);
    dst->message = lm_dup_or_null(spec->message);
    dst->retry_after = lm_dup_or_null(spec->retry_after);
    dst->body = lm_dup_or_null(spec->body);
    dst->location = lm_dup_or_null(spec->location);
    dst->content_type = lm_dup_or_null(spec->content_type);
    if ((spec->content_type && !dst->content_type) || (spec->method && !dst->method) ||
        (spec->path_prefix && !dst->path_prefix) || (spec->error_type && !dst->error_type) ||
        (spec->message && !dst->message) || (spec->retry_after && !dst->retry_after) ||
        (spec->body && !dst->body) || (spec->location && !dst->location)) {
        lm_fault_free(dst);
        return -1;
    }
    return 0;
}

static lmock_fault fault_spec(const fault_entry *f)
{
    lmock_fault spec = {
        .kind = f->kind,
        .method = f->method,
        .path_prefix = f->path_prefix,
        .status = f->status,
        .error_type = f->error_type,
        .message = f->message,
        .retry_after = f->retry_after,
        .body = f->body,
        .delay_ms = f->delay_ms,
        .times = f->remaining,
        .size = f->size,
        .location = f->location,
        .content_type = f->content_type,
    };
    return spec;
}

/* Take one use of the first matching fault into *out (a copy the caller frees).
 * JOB_FAIL faults only match v2 submits. Returns 1 if a fault applies. */
int lm_fault_take(lmock *m, const char *method, const char *url, const route *rt, fault_entry *out)
{
    int found = 0;
    int is_submit = rt->kind == ROUTE_GENERATE && rt->version == 2 && !rt->method_allowed;

    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_faults; i++) {
        fault_entry *f = &m->faults[i];
        if (f->remaining == 0 || (f->method && strcasecmp(f->method, method) != 0) ||
            !lm_starts_with(url, f->path_prefix))
            continue;
        if (f->kind == LMOCK_FAULT_JOB_FAIL && !is_submit)
            continue;
        lmock_fault spec = fault_spec(f);
        if (lm_fault_init(out, &spec, 1) == 0) {
            f->remaining--;
            found = 1;
        }
        break;
    }
    pthread_mutex_unlock(&m->lock);
    return found;
}

/* ------------------------------------------------------------------ faults as JSON */

/* Indexed by lmock_fault_kind; NULL-terminated for lm_join_strings(). */
const char *const lm_fault_kind_names[] = {
    [LMOCK_FAULT_STATUS] = "status",
    [LMOCK_FAULT_HTML] = "html",
    [LMOCK_FAULT_TRUNCATE] = "truncate",
    [LMOCK_FAULT_RESET] = "reset",
    [LMOCK_FAULT_STALL] = "stall",
    [LMOCK_FAULT_DELAY] = "delay",
    [LMOCK_FAULT_BODY] = "body",
    [LMOCK_FAULT_JOB_FAIL] = "job_fail",
    [LMOCK_FAULT_CHUNKED] = "chunked",
    [LMOCK_FAULT_HUGE_BODY] = "huge_body",
    [LMOCK_FAULT_REDIRECT] = "redirect",
    [LMOCK_FAULT_RESET_AFTER_BODY] = "reset_after_body",
    NULL,
};
#define N_FAULT_KINDS (sizeof lm_fault_kind_names / sizeof lm_fault_kind_names[0] - 1)

/* A spec parsed from JSON: its strings point into the JSON document, or here. */
typedef struct {
    lmock_fault f;
    char *body_owned;
    char retry_after[24];
} parsed_fault;

static int json_opt_string(json_t *o, const char *key, const char **out, char *msg, size_t n)
{
    json_t *v = json_object_get(o, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return lm_fail(msg, n, "%s: must be a string or null", key);
    *out = json_string_value(v);
    return 0;
}

static int json_opt_uint(json_t *o, const char *key, uint64_t max, uint64_t *out, char *msg,
                         size_t n)
{
    json_t *v = json_object_get(o, key);
    long long iv;

    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!lm_json_integral(v, &iv) || iv < 0 || (uint64_t)iv > max)
        return lm_fail(msg, n, "%s: must be an integer from 0 to %" PRIu64 ", or null", key, max);
    *out = (uint64_t)iv;
    return 0;
}

/* p->f.kind from o's "kind"; 0, or -1 with a message listing the kinds. */
static int fault_parse_kind(json_t *o, parsed_fault *p, char *msg, size_t n)
{
    char kinds[MSG_MAX / 2];
    json_t *v = json_object_get(o, "kind");
    const char *kind;
    size_t k;

    lm_join_strings(lm_fault_kind_names, kinds, sizeof kinds);
    if (!json_is_string(v))
        return lm_fail(msg, n, "kind is required: one of %s", kinds);
    kind = json_string_value(v);
    for (k = 0; k < N_FAULT_KINDS && strcmp(kind, lm_fault_kind_names[k]) != 0; k++)
        continue;
    if (k == N_FAULT_KINDS)
        return lm_fail(msg, n, "kind: unknown fault kind \"%s\"; one of %s", kind, kinds);
    p->f.kind = (lmock_fault_kind)k;
    return 0;
}

/* The string members of a fault spec. */
static int fault_parse_strings(json_t *o, parsed_fault *p, char *msg, size_t n)
{
    if (json_opt_string(o, "method", &p->f.method, msg, n) != 0 ||
        json_opt_string(o, "path_prefix", &p->f.path_prefix, msg, n) != 0 ||
        json_opt_string(o, "error_type", &p->f.error_type, msg, n) != 0 ||
        json_opt_string(o, "message", &p->f.message, msg, n) != 0 ||
        json_opt_string(o, "location", &p->f.location, msg, n) != 0 ||
        json_opt_string(o, "content_type", &p->f.content_type, msg, n) != 0)
        return -1;
    if (p->f.content_type && (!*p->f.content_type || strpbrk(p->f.content_type, "\r\n")))
        return lm_fail(msg, n, "content_type: must be a non-empty header value, or null");
    return 0;
}

/* The numeric members of a fault spec: status, delay_ms, times and size. */
static int fault_parse_numbers(json_t *o, parsed_fault *p, char *msg, size_t n)
{
    uint64_t u;

    if (json_opt_uint(o, "status", 599, &u, msg, n) != 0)
        return -1;
    if (u && u < 100)
        return lm_fail(msg, n, "status: must be an HTTP status from 100 to 599, or null");
    p->f.status = u ? (int)u : p->f.kind == LMOCK_FAULT_STATUS ? 500 : 0;
    if (json_opt_uint(o, "delay_ms", UINT_MAX, &u, msg, n) != 0)
        return -1;
    p->f.delay_ms = (unsigned)u;
    if (json_opt_uint(o, "times", UINT_MAX, &u, msg, n) != 0)
        return -1;
    p->f.times = (unsigned)u;
    if (json_opt_uint(o, "size", SIZE_MAX < UINT64_MAX ? SIZE_MAX : UINT64_MAX, &u, msg, n) != 0)
        return -1;
    p->f.size = (size_t)u;
    return 0;
}

/* retry_after (a string or a number of seconds) and body (a string, or any JSON
 * value sent as its compact text). */
static int fault_parse_texts(json_t *o, parsed_fault *p, char *msg, size_t n)
{
    json_t *v = json_object_get(o, "retry_after");

    if (json_is_string(v)) {
        p->f.retry_after = json_string_value(v);
    } else if (json_is_integer(v) && json_integer_value(v) >= 0) {
        snprintf(p->retry_after, sizeof p->retry_after, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        p->f.retry_after = p->retry_after;
    } else if (v && !json_is_null(v)) {
        return lm_fail(msg, n, "retry_after: must be a string, a number of seconds, or null");
    }

    v = json_object_get(o, "body");
    if (json_is_string(v)) {
        p->f.body = json_string_value(v);
    } else if (v && !json_is_null(v)) {
        p->body_owned = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!p->body_owned)
            return lm_fail(msg, n, "body: out of memory");
        p->f.body = p->body_owned;
    }
    return 0;
}

/* Fill *p from one JSON fault spec; 0, or -1 with a message naming the field. */
static int fault_parse(json_t *o, parsed_fault *p, char *msg, size_t n)
{
    static const char *const keys[] = {
        "kind", "method",   "path_prefix", "status", "error_type", "message",      "retry_after",
        "body", "location", "delay_ms",    "size",   "times",      "content_type", NULL};
    const char *key;
    json_t *v;

    memset(p, 0, sizeof *p);
    if (!json_is_object(o))
        return lm_fail(msg, n, "a fault spec must be a JSON object");
    json_object_foreach(o, key, v)
    {
        if (!lm_string_in(key, keys))
            return lm_fail(msg, n, "%s: unknown field", key);
    }
    if (fault_parse_kind(o, p, msg, n) != 0 || fault_parse_strings(o, p, msg, n) != 0 ||
        fault_parse_numbers(o, p, msg, n) != 0 || fault_parse_texts(o, p, msg, n) != 0)
        return -1;
    return 0;
}

/* Parse a spec (an object or an array of them) and add its faults, all or none. */
int lm_fault_add_jsonb(lmock *m, const char *text, size_t len, char *msg, size_t n)
{
    char inner[MSG_MAX];
    json_error_t jerr;
    json_t *doc;
    parsed_fault *pf = NULL;
    fault_entry *copies = NULL, *faults;
    size_t count, i, made = 0;
    int rc = -1;

    doc = json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return lm_fail(msg, n, "fault spec is not valid JSON: %s", jerr.text);
    count = json_is_array(doc) ? json_array_size(doc) : 1;
    pf = calloc(count ? count : 1, sizeof *pf);
    copies = calloc(count ? count : 1, sizeof *copies);
    if (!pf || !copies) {
        lm_fail(msg, n, "out of memory");
        goto out;
    }
    for (i = 0; i < count; i++) {
        json_t *item = json_is_array(doc) ? json_array_get(doc, i) : doc;
        if (fault_parse(item, &pf[i], inner, sizeof inner) != 0) {
            if (json_is_array(doc))
                lm_fail(msg, n, "[%zu]: %s", i, inner);
            else
                lm_fail(msg, n, "%s", inner);
            goto out;
        }
    }
    for (made = 0; made < count; made++) {
        if (lm_fault_init(&copies[made], &pf[made].f, pf[made].f.times ? pf[made].f.times : 1) !=
            0) {
            lm_fail(msg, n, "out of memory");
            goto out;
        }
    }
    pthread_mutex_lock(&m->lock);
    faults = lm_grow(m->faults, &m->cap_faults, m->n_faults + count, sizeof *faults);
    if (faults) {
        m->faults = faults;
        memcpy(m->faults + m->n_faults, copies, count * sizeof *copies);
        m->n_faults += count;
        made = 0; /* the copies belong to m now */
        rc = 0;
    }
    pthread_mutex_unlock(&m->lock);
    if (rc != 0)
        lm_fail(msg, n, "out of memory");
out:
    for (i = 0; i < made; i++)
        lm_fault_free(&copies[i]);
    for (i = 0; pf && i < count; i++)
        free(pf[i].body_owned);
    free(copies);
    free(pf);
    json_decref(doc);
    return rc;
}

/* Fill r for a fault that replaces the normal answer. */
void lm_fault_reply(const fault_entry *f, const char *url, reply *r)
{
    char *html;
    unsigned status = f->status > 0 ? (unsigned)f->status : 0;

    switch (f->kind) {
    case LMOCK_FAULT_STATUS: lm_reply_error(r, status, f->error_type, f->message); break;
    case LMOCK_FAULT_HTML:
        if (!status)
            status = MHD_HTTP_CONTENT_TOO_LARGE;
        html = malloc(MSG_MAX);
        if (html)
            snprintf(html, MSG_MAX, "<html><body><h1>%u %s</h1></body></html>", status,
                     lm_status_reason(status));
        lm_reply_text(r, status, "text/html", html);
        break;
    case LMOCK_FAULT_BODY:
        lm_reply_text(r, status ? status : MHD_HTTP_OK, "application/json",
                      strdup(f->body ? f->body : ""));
        break;
    case LMOCK_FAULT_REDIRECT:
        lm_reply_text(r, status ? status : MHD_HTTP_FOUND, NULL, strdup(""));
        lm_reply_header(r, MHD_HTTP_HEADER_LOCATION, f->location ? f->location : url);
        break;
    default: return;
    }
    if (f->retry_after)
        lm_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, f->retry_after);
    if (f->content_type) /* the body stays; only its declared type changes */
        r->content_type = f->content_type;
}
