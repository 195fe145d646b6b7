/* lib/call.h — the call layer: one API operation's attempts over the transport, and the one
 * retry verdict that decides them (lib/retry.c, lib/call.c). Includes the transport's header;
 * the job operations (lib/jobops.h) build on it. */
#ifndef LTX_CALL_H
#define LTX_CALL_H

#include "http.h"

/* ---------------------------------------------------------------- the retry verdict (retry.c) */
/* What kind of call an attempt belongs to decides what may be repeated. */
typedef enum {
    LTX_CALL_SUBMIT,     /* POST /v2/<endpoint>: billed, never repeated when unsure */
    LTX_CALL_SYNC,       /* POST /v1/<endpoint>: billed, 504 repeat is an option    */
    LTX_CALL_IDEMPOTENT, /* GET, PUT and POST /v1/upload: safe to repeat          */
    LTX_CALL_DOWNLOAD    /* GET of a result: safe to repeat, resumes where it stopped */
} ltx_call_kind;

/* How an attempt ended. */
typedef enum {
    LTX_OUTCOME_DONE,     /* a 2xx answer                                          */
    LTX_OUTCOME_NOT_SENT, /* failed before the request left: safe to send again     */
    LTX_OUTCOME_REJECTED, /* an answer meaning no work was started                  */
    LTX_OUTCOME_UNKNOWN   /* the server may have started work                       */
} ltx_outcome;

LTX_INTERNAL ltx_outcome ltx__outcome_of(int transport_status, int request_sent, int http_status);
/* Should this failed attempt be repeated? *possibly_executed is set when work may exist. */
LTX_INTERNAL int ltx__should_retry(const ltx_retry_policy *p, ltx_call_kind kind, ltx_outcome o,
                                   int http_status, int *possibly_executed);
/* Backoff before retry number `retry` (0-based): full jitter, or Retry-After when given (ms >= 0).
 */
LTX_INTERNAL uint64_t ltx__retry_delay_ms(const ltx_retry_policy *p, unsigned retry,
                                          int64_t retry_after_ms, const ltx_clock *clock);
/* Retry-After as delta-seconds or an HTTP-date, in ms from now; -1 when absent or garbage. */
LTX_INTERNAL int64_t ltx__retry_after_parse_ms(const char *value, int64_t now_wall_s);

/* What happened in one attempt: the facts the verdict needs, nothing of the transport. */
typedef struct {
    int transport_status;    /* LTX_OK or the class of the transport failure              */
    int http_status;         /* 0 when no answer arrived                                   */
    int request_sent;        /* bytes of the request may have reached the server           */
    int cancel_hit;          /* a cancel handle ended it                                    */
    int sink_status;         /* a sink's failure, LTX_OK otherwise                          */
    int json_instead;        /* a download's 2xx carried a document, not the file           */
    const char *retry_after; /* the Retry-After header, or NULL                          */
} ltx_happened;

/* The facts of an exchange. */
LTX_INTERNAL ltx_happened ltx__happened_of(const ltx_http_resp *rs);

/* What comes of it. */
typedef struct {
    int retry; /* attempt again after delay_ms                              */
    uint64_t delay_ms;
    int possibly_executed; /* this attempt may have started billed work                 */
    int error_class;       /* LTX_OK when the attempt succeeded; the error's class when it
                              failed and is not repeated; LTX_OK too when it is repeated  */
    unsigned attempts;     /* attempts counted so far, this one included (a download counts
                              those in a row that gained no byte)                       */
    int deadline_near;     /* a retry was due, but would start past the deadline        */
} ltx_verdict;

/*
 * The one retry verdict, for every kind of call: from what happened, the attempts counted
 * before this one, the bytes this attempt received, and the clock (now, the wall clock for
 * HTTP-dates, and the random draw of the backoff), within deadline (UINT64_MAX: none).
 * Pure but for the clock. libltx(7) RETRIES prints it as a table; tests/unit/test_retry.c
 * checks the two agree.
 */
LTX_INTERNAL ltx_verdict ltx__verdict(const ltx_retry_policy *p, ltx_call_kind kind,
                                      const ltx_happened *h, unsigned attempts, uint64_t bytes,
                                      const ltx_clock *clk, uint64_t deadline);
/* The class of a failed exchange's error: an answer's status (a redirect is LTX_EPROTOCOL),
 * else the transport's failure, else LTX_EPROTOCOL (a 2xx that is not what was asked). */
LTX_INTERNAL int ltx__exchange_class(int transport_status, int http_status);

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
    LTX_STEP_DONE,  /* the operation succeeded                                    */
    LTX_STEP_RETRY, /* attempt again after the delay                              */
    LTX_STEP_FAILED /* the operation failed; the error is set                     */
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
LTX_INTERNAL ltx_error *ltx__cancelled_error(const char *what, ltx_call_kind kind, int request_sent,
                                             int possibly_executed);

/*
 * The one way to build the error of a failed exchange: of class code (0: the exchange's own,
 * ltx__exchange_class()), saying text (NULL: what failed and why, from the answer), with the
 * answer's details (status, type, request id, Retry-After, body), redacted with the key.
 */
LTX_INTERNAL ltx_error *ltx__error_of_exchange(const ltx_client *c, const ltx_http_resp *rs,
                                               int code, const char *what, const char *text,
                                               unsigned attempts, int possibly_executed);

#endif
