/* tools/ltx-mock/control.c — request records, counters and the /_mock/ control API. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ records and counters */

typedef struct {
    header_kv *items;
    size_t n, cap;
    int failed;
} header_list;

static enum MHD_Result header_collect(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    header_list *hl = cls;
    header_kv *items = hl->failed ? NULL : lm_grow(hl->items, &hl->cap, hl->n + 1, sizeof *items);
    char *k, *v;

    if (!items) {
        hl->failed = 1;
        return MHD_NO;
    }
    hl->items = items;
    k = strdup(key);
    v = strdup(value ? value : "");
    if (!k || !v) {
        free(k);
        free(v);
        hl->failed = 1;
        return MHD_NO;
    }
    hl->items[hl->n].name = k;
    hl->items[hl->n].value = v;
    hl->n++;
    return MHD_YES;
}

static void headers_free(header_kv *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

void lm_record_clear(record *r)
{
    free(r->method);
    free(r->path);
    headers_free(r->headers, r->n_headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* Call with the lock held. */
static void count_request(lmock *m, const char *method, const char *path)
{
    uint32_t h = lm_fnv1a(method, path);
    path_count *pc, *counts;

    for (size_t i = 0; i < m->n_counts; i++) {
        pc = &m->counts[i];
        if (pc->hash == h && strcmp(pc->path, path) == 0 && strcmp(pc->method, method) == 0) {
            pc->count++;
            return;
        }
    }
    counts = lm_grow(m->counts, &m->cap_counts, m->n_counts + 1, sizeof *counts);
    if (!counts)
        return;
    m->counts = counts;
    pc = &m->counts[m->n_counts];
    pc->method = strdup(method);
    pc->path = strdup(path);
    if (!pc->method || !pc->path) {
        free(pc->method);
        free(pc->path);
        return;
    }
    pc->hash = h;
    pc->count = 1;
    m->n_counts++;
}

/* Count the request and keep it in the ring; the ring copy owns headers and body. */
void lm_record_request(lmock *m, struct MHD_Connection *conn, const char *method, const char *url,
                       request_ctx *ctx)
{
    header_list hl = {0};
    record rec = {0};
    int has_auth;

    MHD_get_connection_values(conn, MHD_HEADER_KIND, header_collect, &hl);
    has_auth =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) != NULL;
    rec.method = strdup(method);
    rec.path = strdup(url);
    rec.body = malloc(ctx->len + 1);
    if (!rec.method || !rec.path || !rec.body || hl.failed) {
        headers_free(hl.items, hl.n);
        lm_record_clear(&rec);
        pthread_mutex_lock(&m->lock);
        count_request(m, method, url);
        pthread_mutex_unlock(&m->lock);
        return;
    }
    if (ctx->len)
        memcpy(rec.body, ctx->body, ctx->len);
    rec.body[ctx->len] = '\0';
    rec.body_len = ctx->len;
    rec.headers = hl.items;
    rec.n_headers = hl.n;

    pthread_mutex_lock(&m->lock);
    count_request(m, method, url);
    if (has_auth && strncmp(url, "/results/", 9) == 0)
        m->downloads_with_auth++;
    if (has_auth && strcmp(method, "PUT") == 0 && strncmp(url, "/uploads/", 9) == 0)
        m->uploads_with_auth++;
    lm_record_clear(&m->ring[m->ring_next]);
    m->ring[m->ring_next] = rec;
    m->ring_next = (m->ring_next + 1) % RECORD_RING;
    if (m->ring_used < RECORD_RING)
        m->ring_used++;
    pthread_mutex_unlock(&m->lock);
}

/* Newest record whose path starts with prefix; call with the lock held. */
const record *lm_record_find(const lmock *m, const char *prefix)
{
    for (size_t i = 0; i < m->ring_used; i++) {
        const record *r = &m->ring[(m->ring_next + RECORD_RING - 1 - i) % RECORD_RING];
        if (lm_starts_with(r->path, prefix))
            return r;
    }
    return NULL;
}

/* ------------------------------------------------------------------ control API */

int lm_is_control_path(const char *url)
{
    return strncmp(url, CONTROL_PREFIX, sizeof CONTROL_PREFIX - 1) == 0 ||
           strcmp(url, "/_mock") == 0;
}

static int is_poll_path(const char *path)
{
    const char *slash;

    if (strncmp(path, "/v2/", 4) != 0)
        return 0;
    slash = strchr(path + 4, '/');
    return slash && slash > path + 4 && slash[1];
}

/* A query argument, NULL when absent or empty. */
static const char *query_arg(struct MHD_Connection *conn, const char *name)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

static json_t *control_stats(lmock *m, struct MHD_Connection *conn)
{
    const char *want_method = query_arg(conn, "method");
    const char *want_prefix = query_arg(conn, "path_prefix");
    unsigned requests = 0, submits = 0, polls = 0, downloads = 0, uploads = 0, matching = 0;
    json_t *v;

    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_counts; i++) {
        const path_count *pc = &m->counts[i];
        int get = strcmp(pc->method, "GET") == 0;
        requests += pc->count;
        if (strcmp(pc->method, "POST") == 0 && lm_starts_with(pc->path, "/v2/"))
            submits += pc->count;
        if (get && is_poll_path(pc->path))
            polls += pc->count;
        if (get && lm_starts_with(pc->path, "/results/"))
            downloads += pc->count;
        if (strcmp(pc->method, "PUT") == 0 && lm_starts_with(pc->path, "/uploads/"))
            uploads += pc->count;
        if ((!want_method || strcasecmp(want_method, pc->method) == 0) &&
            lm_starts_with(pc->path, want_prefix))
            matching += pc->count;
    }
    v = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:s}", "requests",
                  (json_int_t)requests, "jobs_accepted", (json_int_t)m->jobs_accepted,
                  "downloads_with_auth", (json_int_t)m->downloads_with_auth, "submits",
                  (json_int_t)submits, "polls", (json_int_t)polls, "downloads",
                  (json_int_t)downloads, "uploads", (json_int_t)uploads, "uploads_with_auth",
                  (json_int_t)m->uploads_with_auth, "held", m->hold, "connections",
                  (json_int_t)m->connections, "profile", lmock_profile_name(m->profile));
    pthread_mutex_unlock(&m->lock);
    if (v && (want_method || want_prefix) &&
        json_object_set_new(v, "count", json_integer((json_int_t)matching)) != 0) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

/* A JSON string of s, or null when s is not UTF-8. */
static json_t *text_or_null(const char *s, size_t len)
{
    json_t *v = s ? json_stringn(s, len) : NULL;
    return v ? v : json_null();
}

/* list, or NULL (list freed) when building it failed. */
static json_t *list_or_null(json_t *list, int failed)
{
    if (failed) {
        json_decref(list);
        return NULL;
    }
    return list;
}

static json_t *control_requests(lmock *m, struct MHD_Connection *conn)
{
    const char *prefix = query_arg(conn, "path_prefix");
    const char *limit_arg = query_arg(conn, "limit");
    unsigned long limit = REQUESTS_LIMIT_DEFAULT;
    json_t *list = json_array(), *item, *headers;
    int failed = !list;

    if (limit_arg)
        limit = strtoul(limit_arg, NULL, 10);
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->ring_used && !failed && json_array_size(list) < limit; i++) {
        const record *r = &m->ring[(m->ring_next + RECORD_RING - 1 - i) % RECORD_RING];
        if (!lm_starts_with(r->path, prefix))
            continue;
        headers = json_object();
        for (size_t h = 0; headers && h < r->n_headers; h++) {
            const char *value = r->headers[h].value;
            if (json_object_set_new(headers, r->headers[h].name,
                                    text_or_null(value, strlen(value))) != 0)
                failed = 1;
        }
        /* "o" steals the references, even when json_pack fails */
        item = json_pack("{s:s, s:s, s:o, s:o, s:I}", "method", r->method, "path", r->path,
                         "headers", headers, "body", text_or_null(r->body, r->body_len), "body_len",
                         (json_int_t)r->body_len);
        if (!item || json_array_append_new(list, item) != 0)
            failed = 1;
    }
    pthread_mutex_unlock(&m->lock);
    return list_or_null(list, failed);
}

static json_t *control_faults(lmock *m)
{
    json_t *list = json_array(), *item;
    int failed = !list;

    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_faults && !failed; i++) {
        const fault_entry *f = &m->faults[i];
        if (f->remaining == 0)
            continue;
        item = json_pack("{s:s, s:s?, s:s?, s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:I, s:I, "
                         "s:I}",
                         "kind", lm_fault_kind_names[f->kind], "method", f->method, "path_prefix",
                         f->path_prefix, "status", f->status, "error_type", f->error_type,
                         "message", f->message, "retry_after", f->retry_after, "body", f->body,
                         "location", f->location, "content_type", f->content_type, "delay_ms",
                         (json_int_t)f->delay_ms, "size", (json_int_t)f->size, "times",
                         (json_int_t)f->remaining);
        if (!item || json_array_append_new(list, item) != 0)
            failed = 1;
    }
    pthread_mutex_unlock(&m->lock);
    return list_or_null(list, failed);
}

/* The /_mock/ routes: no auth, no faults, no counters, no records. */
void lm_handle_control(lmock *m, struct MHD_Connection *conn, const char *method, const char *url,
                       const request_ctx *ctx, reply *r)
{
    const char *what = url[sizeof CONTROL_PREFIX - 2] == '/' ? url + sizeof CONTROL_PREFIX - 1 : "";
    const char *allowed = NULL;
    int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    char msg[MSG_MAX];

    if (ctx->too_large) {
        lm_reply_errorf(r, MHD_HTTP_CONTENT_TOO_LARGE, "Request body exceeds %u bytes",
                        LMOCK_BODY_MAX);
    } else if (strcmp(what, "faults") == 0) {
        if (post && lm_fault_add_jsonb(m, ctx->body, ctx->len, msg, sizeof msg) != 0) {
            lm_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request_error", msg);
        } else if (post) {
            lm_reply_text(r, MHD_HTTP_NO_CONTENT, NULL, strdup(""));
        } else if (strcmp(method, "DELETE") == 0) {
            lmock_faults_clear(m);
            lm_reply_text(r, MHD_HTTP_NO_CONTENT, NULL, strdup(""));
        } else if (get)
            lm_reply_json(r, MHD_HTTP_OK, control_faults(m));
        else
            allowed = "GET, POST, DELETE";
    } else if (strcmp(what, "stats") == 0) {
        if (get)
            lm_reply_json(r, MHD_HTTP_OK, control_stats(m, conn));
        else
            allowed = "GET";
    } else if (strcmp(what, "requests") == 0) {
        if (get)
            lm_reply_json(r, MHD_HTTP_OK, control_requests(m, conn));
        else
            allowed = "GET";
    } else if (strcmp(what, "hold") == 0) {
        if (post || strcmp(method, "DELETE") == 0) {
            lmock_hold(m, post);
            lm_reply_text(r, MHD_HTTP_NO_CONTENT, NULL, strdup(""));
        } else {
            allowed = "POST, DELETE";
        }
    } else if (strcmp(what, "reset") == 0) {
        if (post) {
            lmock_reset(m);
            lm_reply_text(r, MHD_HTTP_NO_CONTENT, NULL, strdup(""));
        } else {
            allowed = "POST";
        }
    } else {
        lm_reply_errorf(r, MHD_HTTP_NOT_FOUND,
                        "No control route %s %s: the routes are /_mock/faults, /_mock/stats, "
                        "/_mock/requests, /_mock/hold and /_mock/reset",
                        method, url);
    }
    if (allowed) {
        lm_reply_errorf(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method %s not allowed on %s", method, url);
        lm_reply_header(r, MHD_HTTP_HEADER_ALLOW, allowed);
    }
}
