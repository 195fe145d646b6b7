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

/* ---------------------------------------------------------------- calls with retries (call.c) */

/*
 * Perform rq, repeating it as the retry policy allows for `kind`, within
 * rq->deadline. On LTX_OK *rs holds a complete 2xx answer (caller frees it with
 * ltx__http_resp_free). On failure *err describes it and *rs is freed.
 * `what` names the operation in messages ("submit text-to-video").
 */
LTX_INTERNAL int ltx__call(ltx_client *c, ltx_call_kind kind, const ltx_http_req *rq,
                           ltx_http_resp *rs, const char *what, ltx_error **err);

/* What comes after an attempt. */
typedef enum {
    LTX_STEP_DONE,   /* the operation succeeded                                    */
    LTX_STEP_RETRY,  /* attempt again after the delay                              */
    LTX_STEP_FAILED  /* the operation failed; the error is set                     */
} ltx_step;

/*
 * ltx__call() taken apart, so that an event loop can drive the attempts:
 * call_start once, then per attempt call_attempt, the exchange, and
 * call_decide; call_finish at the end. rq and what are borrowed throughout.
 */
typedef struct {
    ltx_client *c;
    ltx_call_kind kind;
    const ltx_http_req *rq;
    const char *what;
    char *log_url;
    unsigned attempt;
    int ever_possibly; /* an attempt may have started billed work */
    uint64_t started;  /* of the current attempt, on the client's clock */
} ltx_call;

LTX_INTERNAL void ltx__call_start(ltx_call *call, ltx_client *c, ltx_call_kind kind,
                                  const ltx_http_req *rq, const char *what);
/* Count a new attempt and start the sink over after the first. LTX_OK or the error. */
LTX_INTERNAL int ltx__call_attempt(ltx_call *call, ltx_error **err);
/*
 * The retry policy on an attempt's answer: DONE keeps the 2xx answer in rs;
 * RETRY sets *delay_ms and frees rs; FAILED sets *rc and *err and frees rs.
 * Either way the attempt is logged and reported to the attempt hook.
 */
LTX_INTERNAL ltx_step ltx__call_decide(ltx_call *call, ltx_http_resp *rs, uint64_t *delay_ms,
                                       int *rc, ltx_error **err);
LTX_INTERNAL void ltx__call_finish(ltx_call *call);

/* Tell the log and the attempt hook how an attempt ended. log_url carries no query string. */
LTX_INTERNAL void ltx__report_attempt(const ltx_client *c, const char *method, const char *log_url,
                                      const ltx_http_resp *rs, unsigned number, uint64_t elapsed_ms,
                                      int will_retry, uint64_t delay_ms);

/* The LTX_ECANCELLED error of a call a cancel handle ended: what it means for billing. */
LTX_INTERNAL ltx_error *ltx__cancelled_error(const char *what, ltx_call_kind kind,
                                             int request_sent, int possibly_executed);

/* An error object for a failed exchange. */
LTX_INTERNAL ltx_error *ltx__error_from_exchange(const ltx_client *c, const ltx_http_resp *rs,
                                                 const char *what, unsigned attempts,
                                                 int possibly_executed);

/* ---------------------------------------------------------------- jobs, step by step (job.c) */

/* Validate req, resolve its local files (uploading them), build a submit's body, URL and name. */
LTX_INTERNAL int ltx__submit_prepare(ltx_client *c, const ltx_request *req, ltx_sink *sink,
                                     uint64_t deadline, char **body, char **url, char **what,
                                     ltx_error **err);
/* The job a successful submit created (rs is freed). */
LTX_INTERNAL int ltx__submit_accepted(ltx_client *c, const char *endpoint_name, ltx_http_resp *rs,
                                      const char *what, ltx_job **out, ltx_error **err);
/* Report LTX_STAGE_SUBMITTED; LTX_ECANCELLED (with the job's id) when the callback says stop. */
LTX_INTERNAL int ltx__job_announce(ltx_job *job, ltx_progress_ctx *pc, ltx_error **err);

/* The poll's URL and its name in messages. */
LTX_INTERNAL int ltx__job_poll_strings(const ltx_job *job, char **url, char **what);
/* A failed poll call: say what a 404 means, and what a poll cut short by the call's deadline
 * (UINT64_MAX: none) means, and attach the job's id. */
LTX_INTERNAL int ltx__job_poll_failed(ltx_job *job, const char *what, int rc, uint64_t deadline,
                                      ltx_error **err);
/* Apply a poll's 2xx answer to the job (rs is freed). */
LTX_INTERNAL int ltx__job_poll_apply(ltx_job *job, ltx_http_resp *rs, const char *what,
                                     ltx_error **err);
/*
 * After a poll: report LTX_STAGE_WAITING and decide. Returns 1 when waiting
 * is over, with *rc LTX_OK (completed) or the failure; 0 to poll again.
 */
LTX_INTERNAL int ltx__job_poll_settled(ltx_job *job, ltx_progress_ctx *pc, int *rc,
                                       ltx_error **err);
/* The deadline passed while the job was still queued or running. */
LTX_INTERNAL int ltx__job_timed_out(ltx_job *job, ltx_error **err);

/* A download taken apart like ltx_call: start, then per attempt attempt + exchange + decide. */
typedef struct {
    ltx_job *job;
    ltx_sink *sink;
    ltx_progress_ctx *pc;
    uint64_t deadline;
    const char *url;    /* the result being downloaded (owned by the job) */
    char *what;
    char *log_url;
    unsigned attempt;
    unsigned fruitless; /* attempts in a row that gained no byte */
    uint64_t before;    /* bytes in the sink when this attempt began */
    uint64_t started;
    ltx_http_req rq;    /* this attempt's exchange */
} ltx_download;

/* Begin the sink; on failure nothing needs finishing. */
LTX_INTERNAL int ltx__download_start(ltx_download *d, ltx_job *job, const char *key,
                                     ltx_sink *sink, ltx_progress_ctx *pc, uint64_t deadline,
                                     ltx_error **err);
LTX_INTERNAL void ltx__download_attempt(ltx_download *d);
/* As ltx__call_decide(); DONE commits the sink, FAILED aborts it. */
LTX_INTERNAL ltx_step ltx__download_decide(ltx_download *d, ltx_http_resp *rs, uint64_t *delay_ms,
                                           int *rc, ltx_error **err);
LTX_INTERNAL void ltx__download_finish(ltx_download *d);

#endif
