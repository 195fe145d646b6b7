/* lib/http.h — the transport: one HTTP exchange over libcurl, with no curl type in sight.
 * The layer above (lib/call.h) decides about attempts; only lib/http.c includes curl.h. */
#ifndef LTX_HTTP_H
#define LTX_HTTP_H

#include "private.h"

struct ltx_http_pool;

LTX_INTERNAL struct ltx_http_pool *ltx__http_pool_new(void);
LTX_INTERNAL void ltx__http_pool_free(struct ltx_http_pool *pool);
LTX_INTERNAL int ltx__http_global_init(unsigned flags);
LTX_INTERNAL void ltx__http_global_cleanup(void);
LTX_INTERNAL const char *ltx__http_curl_version(void);

typedef struct {
    const char *method;        /* "GET", "POST", "PUT"                                 */
    const char *url;
    int with_auth;             /* send the Authorization header (API host only)        */
    int follow_redirects;      /* never for API calls                                  */
    const char *content_type;  /* of the body, or NULL                                 */
    const void *body;
    size_t body_len;
    int body_from_fd;          /* stream the body from body_fd (PUT of a file) instead   */
    int body_fd;
    uint64_t body_fd_len;
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated, or NULL */
    ltx_sink *sink;            /* 2xx bodies stream here; NULL = into resp->body        */
    uint64_t range_from;       /* > 0: ask for bytes from this offset                  */
    uint64_t deadline;         /* absolute, on the client's clock; UINT64_MAX = none   */
    ltx_progress_ctx *progress;
    const ltx_retry_policy *policy; /* this call's retry settings; NULL = the client's    */
    const ltx_cancel *cancel;  /* ends the exchange when triggered; NULL = none         */
} ltx_http_req;

typedef struct {
    int http_status;           /* 0 when no answer arrived                             */
    int transport_status;      /* LTX_OK or the class of the transport failure         */
    int request_sent;          /* bytes of the request may have reached the server     */
    int cancelled;             /* a progress callback or sink asked to stop            */
    int cancel_hit;            /* a cancel handle ended it (or the batch abandoned it) */
    int sink_status;           /* a sink write failure, LTX_OK otherwise               */
    int range_ignored;         /* asked for a range, got the whole body (restarted)    */
    int repeated_after_unknown; /* success on a retry after an attempt of unknown outcome */
    char *request_id;
    char *retry_after;
    char *content_type;
    char *content_range;
    char *location;
    int64_t content_length;    /* -1 when unknown                                      */
    uint64_t sink_bytes;       /* bytes given to the sink in this exchange             */
    ltx_buf body;              /* the body when not streamed to a sink (bounded)       */
    char transport_message[256];
} ltx_http_resp;

/* Fill *rq (zeroed first) for a request to the API host: the method, the URL, the
 * Authorization header and the deadline; a json_body (or NULL for none) is sent as
 * application/json. Borrows url and json_body. */
LTX_INTERNAL void ltx__http_req_api(ltx_http_req *rq, const char *method, const char *url,
                                    const char *json_body, uint64_t deadline);

/* One exchange; never retries. Returns LTX_OK when any HTTP answer arrived. */
LTX_INTERNAL int ltx__http_perform(ltx_client *c, const ltx_http_req *rq, ltx_http_resp *rs);
LTX_INTERNAL void ltx__http_resp_free(ltx_http_resp *rs);
/* Read one response header line of len bytes (not NUL-terminated, as libcurl gives it) into rs:
 * a status line resets what earlier headers set. */
LTX_INTERNAL void ltx__http_header_line(ltx_http_resp *rs, const char *buf, size_t len);
/* The URL with query and fragment cut off, for logs (signed URLs carry secrets there). */
LTX_INTERNAL char *ltx__url_for_log(const char *url);

/*
 * The same exchange in two halves, for callers that drive many at once:
 * begin sets it up (rq and rs must stay in place until it ends) and returns
 * *out, or fails with rs already filled in as a finished exchange; end takes
 * libcurl's result code, fills rs as ltx__http_perform() does, and frees x.
 */
typedef struct ltx_http_xfer ltx_http_xfer;
LTX_INTERNAL int ltx__http_begin(ltx_client *c, const ltx_http_req *rq, ltx_http_resp *rs,
                                 ltx_http_xfer **out);
LTX_INTERNAL int ltx__http_end(ltx_http_xfer *x, int curl_code);

/*
 * Many exchanges on one thread over libcurl's multi_socket interface. add
 * hands x over (on failure it is already ended, rs filled in); next_done ends
 * the next finished exchange and returns the owner given to add, or NULL;
 * abandon ends one early (cancelled). socket_fn hears which descriptors to
 * watch for what (LTX_POLL_*) as libcurl changes its mind; action drives the
 * transfers on fd after events (LTX_POLL_IN/OUT/ERR; 0: let libcurl look), or
 * the expired timers when fd < 0; timeout is libcurl's next timer in ms (-1:
 * none). max_idle bounds the connections kept open between exchanges.
 */
struct ltx_http_multi;
typedef void (*ltx_http_socket_fn)(int fd, int events, void *ud);
LTX_INTERNAL struct ltx_http_multi *ltx__http_multi_new(unsigned max_idle, ltx_http_socket_fn fn,
                                                        void *ud);
LTX_INTERNAL void ltx__http_multi_free(struct ltx_http_multi *mh);
LTX_INTERNAL int ltx__http_multi_add(struct ltx_http_multi *mh, ltx_http_xfer *x, void *owner);
LTX_INTERNAL void ltx__http_multi_abandon(struct ltx_http_multi *mh, ltx_http_xfer *x);
LTX_INTERNAL int ltx__http_multi_action(struct ltx_http_multi *mh, int fd, int events);
LTX_INTERNAL long ltx__http_multi_timeout(struct ltx_http_multi *mh);
LTX_INTERNAL void *ltx__http_multi_next_done(struct ltx_http_multi *mh);

#endif
