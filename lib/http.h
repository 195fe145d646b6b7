/* lib/http.h — the transport: one HTTP exchange over libcurl, with no curl type in sight. */
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
} ltx_http_req;

typedef struct {
    int http_status;           /* 0 when no answer arrived                             */
    int transport_status;      /* LTX_OK or the class of the transport failure         */
    int request_sent;          /* bytes of the request may have reached the server     */
    int cancelled;             /* a progress callback or sink asked to stop            */
    int sink_status;           /* a sink write failure, LTX_OK otherwise               */
    int range_ignored;         /* asked for a range, got the whole body (restarted)    */
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

/* One exchange; never retries. Returns LTX_OK when any HTTP answer arrived. */
LTX_INTERNAL int ltx__http_perform(ltx_client *c, const ltx_http_req *rq, ltx_http_resp *rs);
LTX_INTERNAL void ltx__http_resp_free(ltx_http_resp *rs);
/* The URL with query and fragment cut off, for logs (signed URLs carry secrets there). */
LTX_INTERNAL char *ltx__url_for_log(const char *url);

#endif

/* ---------------------------------------------------------------- calls with retries (call.c) */

/*
 * Perform rq, repeating it as the retry policy allows for `kind`, within
 * rq->deadline. On LTX_OK *rs holds a complete 2xx answer (caller frees it with
 * ltx__http_resp_free). On failure *err describes it and *rs is freed.
 * `what` names the operation in messages ("submit text-to-video").
 */
LTX_INTERNAL int ltx__call(ltx_client *c, ltx_call_kind kind, const ltx_http_req *rq,
                           ltx_http_resp *rs, const char *what, ltx_error **err);

/* Tell the log and the attempt hook how an attempt ended. log_url carries no query string. */
LTX_INTERNAL void ltx__report_attempt(const ltx_client *c, const char *method, const char *log_url,
                                      const ltx_http_resp *rs, unsigned number, uint64_t elapsed_ms,
                                      int will_retry, uint64_t delay_ms);

/* An error object for a failed exchange. */
LTX_INTERNAL ltx_error *ltx__error_from_exchange(const ltx_client *c, const ltx_http_resp *rs,
                                                 const char *what, unsigned attempts,
                                                 int possibly_executed);
