/* tools/ltx-mock/server.c — server glue: routing, dispatch, sending and the libmicrohttpd
 * callbacks. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

typedef enum { SEND_NORMAL, SEND_TRUNCATE, SEND_STALL, SEND_CHUNKED } send_mode;

/* Body state of a TRUNCATE/STALL/CHUNKED response. */
typedef struct {
    lmock *m;
    char *owned;               /* freed with the response, or NULL */
    const unsigned char *data; /* owned, or borrowed bytes that outlive the daemon */
    size_t len;
    size_t cut;  /* bytes delivered before the connection dies (TRUNCATE/STALL) */
    int chunked; /* deliver all len bytes, then end the stream normally */
    unsigned stall_ms;
} stream;

/* Body state of a HUGE_BODY response: prefix, padding spaces, suffix. */
typedef struct {
    char *prefix;
    size_t prefix_len;
    const char *suffix;
    size_t suffix_len;
    uint64_t total;
} huge_body;

/* ------------------------------------------------------------------ routing */

/* The method a route takes when it is not `method`, else NULL. */
static const char *method_check(const char *method, const char *allowed)
{
    return strcmp(method, allowed) == 0 ? NULL : allowed;
}

/* A route under /v1/ or /v2/ (url starts with one of them). */
static route route_parse_api(const lmock *m, const char *method, const char *url)
{
    route r = {.kind = ROUTE_NONE, .api = 1, .version = url[2] - '0'};
    const char *seg = url + 4, *slash = strchr(seg, '/');

    if (r.version == 1 && strcmp(seg, "upload") == 0) {
        r.kind = ROUTE_UPLOAD;
        r.method_allowed = method_check(method, "POST");
        return r;
    }
    r.ep = lm_endpoint_find(m, seg, slash ? (size_t)(slash - seg) : strlen(seg));
    if (!r.ep)
        return r;
    if (!slash && (r.ep->versions & (r.version == 1 ? V1 : V2))) {
        r.kind = ROUTE_GENERATE;
        r.method_allowed = method_check(method, "POST");
    } else if (slash && r.version == 2 && slash[1] && !strchr(slash + 1, '/')) {
        r.kind = ROUTE_POLL;
        r.id = slash + 1;
        r.method_allowed = method_check(method, "GET");
    }
    return r;
}

static route route_parse(const lmock *m, const char *method, const char *url)
{
    route r = {.kind = ROUTE_NONE};

    if (strncmp(url, "/v1/", 4) == 0 || strncmp(url, "/v2/", 4) == 0)
        return route_parse_api(m, method, url);
    if (strncmp(url, "/results/", 9) == 0 && url[9] && !strchr(url + 9, '/')) {
        r.kind = ROUTE_DOWNLOAD;
        r.id = url + 9;
        r.method_allowed =
            strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ? NULL : "GET, HEAD";
    } else if (strncmp(url, "/uploads/", 9) == 0 && url[9] && !strchr(url + 9, '/')) {
        r.kind = ROUTE_PUT;
        r.id = url + 9;
        r.method_allowed = method_check(method, "PUT");
    }
    return r;
}

/* ------------------------------------------------------------------ dispatch */

/* 0 if the Bearer key is right; else fills a 401 reply. */
static int auth_check(const lmock *m, struct MHD_Connection *conn, reply *r)
{
    const char *h =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

    if (!h) {
        lm_reply_error(r, MHD_HTTP_UNAUTHORIZED, NULL, "Missing authorization header");
        return -1;
    }
    if (strncasecmp(h, "Bearer ", 7) != 0 || strcmp(h + 7, m->api_key) != 0) {
        lm_reply_error(r, MHD_HTTP_UNAUTHORIZED, NULL, "Invalid API key");
        return -1;
    }
    return 0;
}

static int content_type_is_json(struct MHD_Connection *conn)
{
    const char *ct =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    static const char json_type[] = "application/json";

    if (!ct || strncasecmp(ct, json_type, sizeof json_type - 1) != 0)
        return 0;
    ct += sizeof json_type - 1;
    return *ct == '\0' || *ct == ';' || *ct == ' ';
}

static void handle_generate(lmock *m, struct MHD_Connection *conn, const route *rt,
                            const request_ctx *ctx, const fault_entry *fail_fault, reply *r)
{
    char msg[MSG_MAX];
    json_error_t jerr;
    json_t *body;

    if (rt->version == 1 && m->v1_retired) { /* API-NOTES §13: the answer's shape is a guess */
        lm_reply_errorf(r, MHD_HTTP_NOT_FOUND,
                        "v1 generation was retired on 2026-10-26: submit to /v2/%s and poll the "
                        "job instead (POST /v1/upload is not affected)",
                        rt->ep->name);
        return;
    }
    if (!content_type_is_json(conn)) {
        lm_reply_error(r, MHD_HTTP_BAD_REQUEST, NULL, "Content-Type must be application/json");
        return;
    }
    body = json_loadb(ctx->body ? ctx->body : "", ctx->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        lm_reply_errorf(r, MHD_HTTP_BAD_REQUEST, "request body is not valid JSON: %s", jerr.text);
        return;
    }
    if (lm_body_validate(rt->ep, body, msg, sizeof msg) != 0 ||
        lm_storage_uris_check(m, rt->ep, body, msg, sizeof msg) != 0) {
        json_decref(body);
        lm_reply_error(r, MHD_HTTP_BAD_REQUEST, NULL, msg);
        return;
    }
    json_decref(body);
    if (rt->version == 1)
        lm_reply_video(r, m, m->v1_content_type);
    else
        lm_handle_submit(m, rt, fail_fault, r);
}

static void handle_route(lmock *m, struct MHD_Connection *conn, const char *method, const char *url,
                         const route *rt, const request_ctx *ctx, const fault_entry *fail_fault,
                         reply *r)
{
    if (ctx->too_large && rt->kind != ROUTE_PUT) {
        lm_reply_errorf(r, MHD_HTTP_CONTENT_TOO_LARGE, "Request body exceeds %u bytes",
                        LMOCK_BODY_MAX);
        return;
    }
    if (rt->api && auth_check(m, conn, r) != 0)
        return;
    if (rt->kind == ROUTE_NONE) {
        lm_reply_errorf(r, MHD_HTTP_NOT_FOUND, "No route for %s %s", method, url);
        return;
    }
    if (rt->method_allowed) {
        lm_reply_errorf(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method %s not allowed on %s", method, url);
        lm_reply_header(r, MHD_HTTP_HEADER_ALLOW, rt->method_allowed);
        return;
    }
    switch (rt->kind) {
    case ROUTE_GENERATE: handle_generate(m, conn, rt, ctx, fail_fault, r); break;
    case ROUTE_POLL: lm_handle_poll(m, rt, r); break;
    case ROUTE_UPLOAD: lm_handle_upload_url(m, r); break;
    case ROUTE_DOWNLOAD: lm_handle_download(m, conn, rt, r); break;
    case ROUTE_PUT: lm_handle_upload_put(m, conn, rt, ctx, r); break;
    case ROUTE_NONE: break;
    }
}

/* ------------------------------------------------------------------ sending */

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *s = cls;
    size_t end = s->chunked ? s->len : s->cut, n;

    if (pos < end) {
        n = end - (size_t)pos;
        if (n > max)
            n = max;
        memcpy(buf, s->data + pos, n);
        return (ssize_t)n;
    }
    if (s->chunked)
        return MHD_CONTENT_READER_END_OF_STREAM;
    /* Everything before the cut is on the wire; go silent, then drop. */
    lm_sleep_interruptible(s->m, s->stall_ms);
    return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_free(void *cls)
{
    stream *s = cls;
    free(s->owned);
    free(s);
}

/* A callback response over r's body: TRUNCATE and STALL declare r->len and send
 * half of it; CHUNKED sends all of it with no declared size (chunked encoding).
 * Takes r->owned; borrowed bytes (the video, static texts) outlive the daemon. */
static struct MHD_Response *response_stream(lmock *m, reply *r, send_mode mode, unsigned stall_ms)
{
    struct MHD_Response *resp;
    stream *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->owned = r->owned;
    r->owned = NULL;
    s->data = r->data;
    s->len = r->len;
    s->m = m;
    s->cut = r->len / 2;
    s->chunked = mode == SEND_CHUNKED;
    s->stall_ms = mode == SEND_STALL ? stall_ms : 0;
    resp = MHD_create_response_from_callback(s->chunked ? MHD_SIZE_UNKNOWN : (uint64_t)r->len,
                                             STREAM_BLOCK, stream_read, s, stream_free);
    if (!resp)
        stream_free(s);
    return resp;
}

static ssize_t huge_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    const huge_body *h = cls;
    uint64_t pad_end = h->total - h->suffix_len;
    size_t n = 0, k;

    while (n < max && pos < h->total) {
        if (pos < h->prefix_len) {
            k = h->prefix_len - (size_t)pos;
            k = k < max - n ? k : max - n;
            memcpy(buf + n, h->prefix + pos, k);
        } else if (pos < pad_end) {
            k = pad_end - pos < (uint64_t)(max - n) ? (size_t)(pad_end - pos) : max - n;
            memset(buf + n, ' ', k);
        } else {
            k = h->suffix_len - (size_t)(pos - pad_end);
            k = k < max - n ? k : max - n;
            memcpy(buf + n, h->suffix + (pos - pad_end), k);
        }
        n += k;
        pos += k;
    }
    return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void huge_free(void *cls)
{
    huge_body *h = cls;
    free(h->prefix);
    free(h);
}

/* HUGE_BODY: a valid envelope of exactly f->size bytes (or the bare envelope when
 * that is larger), the message padded with spaces; generated as it is sent. */
static struct MHD_Response *response_huge(const fault_entry *f, reply *r)
{
    unsigned status = f->status > 0 ? (unsigned)f->status : MHD_HTTP_INTERNAL_SERVER_ERROR;
    size_t size = f->size ? f->size : LMOCK_HUGE_BODY_DEFAULT;
    struct MHD_Response *resp;
    huge_body *h;
    json_t *v;
    char *text;
    size_t len;

    v = json_pack("{s:s, s:{s:s, s:s}}", "type", "error", "error", "type",
                  f->error_type ? f->error_type : lm_status_error_type(status), "message",
                  f->message ? f->message : lm_status_message(status));
    text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    h = calloc(1, sizeof *h);
    /* The message is the last member: the text ends with its closing quote and "}}". */
    if (!text || !h || (len = strlen(text)) < 3 || strcmp(text + len - 3, "\"}}") != 0) {
        free(text);
        free(h);
        return NULL;
    }
    h->prefix = text;
    h->prefix_len = len - 3;
    h->suffix = "\"}}";
    h->suffix_len = 3;
    h->total = size > len ? size : len;
    resp = MHD_create_response_from_callback(h->total, STREAM_BLOCK, huge_read, h, huge_free);
    if (!resp) {
        huge_free(h);
        return NULL;
    }
    lm_reply_free(r);
    r->status = status;
    r->content_type = f->content_type ? f->content_type : "application/json";
    if (f->retry_after)
        lm_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, f->retry_after);
    return resp;
}

static void log_line(const lmock *m, const char *method, const char *url, const char *outcome,
                     const char *req_id)
{
    if (!m->quiet) /* never log headers: they carry the key */
        fprintf(stderr, "ltx-mock: %s %s -> %s (req %s)\n", method, url, outcome, req_id);
}

/* Send r (or `prepared`, a response built already, with r's status and headers). */
static enum MHD_Result reply_send(lmock *m, struct MHD_Connection *conn, reply *r,
                                  struct MHD_Response *prepared, send_mode mode, unsigned stall_ms,
                                  const char *req_id, const char *method, const char *url)
{
    static const char *const notes[] = {"", " (truncated)", " (stalled)", " (chunked)"};
    struct MHD_Response *resp;
    enum MHD_Result ret = MHD_NO;
    char outcome[64];

    if (prepared) {
        resp = prepared;
    } else if (mode == SEND_NORMAL && r->owned) {
        resp = MHD_create_response_from_buffer(r->len, r->owned, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->owned = NULL;
    } else if (mode == SEND_NORMAL) {
        /* Borrowed bytes (the video or a static text) outlive the daemon; MHD
         * 0.9.75 has no const variant, and PERSISTENT never writes to them. */
        resp = MHD_create_response_from_buffer(r->len, (void *)r->data, MHD_RESPMEM_PERSISTENT);
    } else {
        resp = response_stream(m, r, mode, stall_ms);
    }
    if (!resp)
        goto out;
    if ((!r->storage && MHD_add_response_header(resp, "x-request-id", req_id) != MHD_YES) ||
        (r->content_type &&
         MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type) != MHD_YES))
        goto out;
    for (size_t i = 0; i < r->n_headers; i++)
        if (MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value) != MHD_YES)
            goto out;
    ret = MHD_queue_response(conn, r->status, resp);
    snprintf(outcome, sizeof outcome, "%u%s", r->status, prepared ? " (huge body)" : notes[mode]);
    log_line(m, method, url, outcome, req_id);
out:
    if (resp)
        MHD_destroy_response(resp);
    lm_reply_free(r);
    return ret;
}

/* ------------------------------------------------------------------ MHD callbacks */

static void body_append(request_ctx *ctx, const char *data, size_t n)
{
    size_t keep;
    char *body;

    ctx->received += n;
    if (ctx->received > ctx->limit) {
        ctx->too_large = 1;
        free(ctx->body);
        ctx->body = NULL;
        ctx->len = ctx->cap = 0;
        return;
    }
    if (ctx->too_large)
        return;
    /* Only uploads get here with more than LMOCK_BODY_MAX: record a prefix. */
    keep = ctx->len + n > LMOCK_BODY_MAX ? LMOCK_BODY_MAX - ctx->len : n;
    if (keep == 0)
        return;
    body = lm_grow(ctx->body, &ctx->cap, ctx->len + keep, 1);
    if (!body) {
        ctx->too_large = 1; /* out of memory: refuse rather than store half */
        return;
    }
    ctx->body = body;
    memcpy(ctx->body + ctx->len, data, keep);
    ctx->len += keep;
}

static enum MHD_Result handle_request(lmock *m, struct MHD_Connection *conn, const char *method,
                                      const char *url, request_ctx *ctx)
{
    char req_id[REQUEST_ID_LEN + 1];
    fault_entry fault = {0};
    int faulted;
    route rt = route_parse(m, method, url);
    reply r = {0};
    send_mode mode = SEND_NORMAL;
    struct MHD_Response *prepared;
    enum MHD_Result ret;
    uint64_t seq;

    pthread_mutex_lock(&m->lock);
    seq = m->next_seq++;
    pthread_mutex_unlock(&m->lock);
    snprintf(req_id, sizeof req_id, "%016" PRIx64 "%016" PRIx64, m->id_salt, seq);

    if (lm_is_control_path(url)) {
        lm_handle_control(m, conn, method, url, ctx, &r);
        return reply_send(m, conn, &r, NULL, SEND_NORMAL, 0, req_id, method, url);
    }

    lm_record_request(m, conn, method, url, ctx);
    faulted = lm_fault_take(m, method, url, &rt, &fault);
    if (faulted) {
        switch (fault.kind) {
        case LMOCK_FAULT_STATUS:
        case LMOCK_FAULT_HTML:
        case LMOCK_FAULT_BODY:
        case LMOCK_FAULT_REDIRECT:
            lm_fault_reply(&fault, url, &r);
            ret = reply_send(m, conn, &r, NULL, SEND_NORMAL, 0, req_id, method, url);
            lm_fault_free(&fault);
            return ret;
        case LMOCK_FAULT_HUGE_BODY:
            prepared = response_huge(&fault, &r);
            if (!prepared)
                lm_reply_error(&r, 500, NULL, "ltx-mock: out of memory");
            ret = reply_send(m, conn, &r, prepared, SEND_NORMAL, 0, req_id, method, url);
            lm_fault_free(&fault);
            return ret;
        case LMOCK_FAULT_RESET:
            log_line(m, method, url, "reset", req_id);
            lm_fault_free(&fault);
            return MHD_NO;
        case LMOCK_FAULT_DELAY: lm_sleep_interruptible(m, fault.delay_ms); break;
        case LMOCK_FAULT_TRUNCATE: mode = SEND_TRUNCATE; break;
        case LMOCK_FAULT_STALL: mode = SEND_STALL; break;
        case LMOCK_FAULT_CHUNKED: mode = SEND_CHUNKED; break;
        case LMOCK_FAULT_JOB_FAIL:
        case LMOCK_FAULT_RESET_AFTER_BODY: break;
        }
    }
    handle_route(m, conn, method, url, &rt, ctx,
                 faulted && fault.kind == LMOCK_FAULT_JOB_FAIL ? &fault : NULL, &r);
    if (faulted && fault.kind == LMOCK_FAULT_RESET_AFTER_BODY) {
        /* The request took effect (a v2 submit made its job); the answer is lost. */
        char outcome[64];
        snprintf(outcome, sizeof outcome, "%u, then reset without answering", r.status);
        log_line(m, method, url, outcome, req_id);
        lm_reply_free(&r);
        lm_fault_free(&fault);
        return MHD_NO;
    }
    ret = reply_send(m, conn, &r, NULL, mode, fault.delay_ms, req_id, method, url);
    lm_fault_free(&fault);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    lmock *m = cls;
    request_ctx *ctx = *con_cls;

    if (!ctx) { /* headers are in; the body (if any) follows in later calls */
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            return MHD_NO;
        ctx->limit = strncmp(url, "/uploads/", 9) == 0 ? LMOCK_UPLOAD_MAX : LMOCK_BODY_MAX;
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_data_size) {
        body_append(ctx, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return handle_request(m, conn, method, url, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    request_ctx *ctx = *con_cls;

    if (ctx) {
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    lmock *m = cls;

    (void)conn;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        pthread_mutex_lock(&m->lock);
        m->connections++;
        pthread_mutex_unlock(&m->lock);
    }
}

struct MHD_Daemon *lm_daemon_start(lmock *m, unsigned short port)
{
    struct sockaddr_in addr;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!m->quiet)
        flags |= MHD_USE_ERROR_LOG;
    return MHD_start_daemon(
        flags, port, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, m, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        m, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_END);
}
