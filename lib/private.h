/* lib/private.h — internal types and helpers shared by the library's files; never installed. */
#ifndef LTX_PRIVATE_H
#define LTX_PRIVATE_H

#include <ltx/ltx.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#define LTX_INTERNAL __attribute__((visibility("hidden")))

/* The bounded copy of a response body that an error keeps. */
#define LTX_ERROR_BODY_MAX (64u * 1024u)
/* The most a JSON answer (job status, submit, upload) may weigh before it is refused. */
#define LTX_JSON_BODY_MAX (1024u * 1024u)

/* ---------------------------------------------------------------- strings */
LTX_INTERNAL char *ltx__strdup(const char *s);
LTX_INTERNAL char *ltx__strndup(const char *s, size_t n);
LTX_INTERNAL char *ltx__printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
LTX_INTERNAL char *ltx__vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Replace *slot by a copy of s (NULL clears). LTX_OK or LTX_ENOMEM. */
LTX_INTERNAL int ltx__set_string(char **slot, const char *s);
/* A printable copy of untrusted text for a message: bytes outside 0x20-0x7e (and '\\', '"')
 * as \xHH, cut after max input bytes with "...". NULL when out of memory. */
LTX_INTERNAL char *ltx__escape(const char *s, size_t max);
/* Overwrite then free (secrets). */
LTX_INTERNAL void ltx__free_secret(char *s);
/* Number of code points when s is valid UTF-8, or -1. */
LTX_INTERNAL long ltx__utf8_length(const char *s);

/* ---------------------------------------------------------------- growable buffer */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    size_t limit; /* bytes kept at most; more are counted in dropped */
    uint64_t dropped;
} ltx_buf;

LTX_INTERNAL int ltx__buf_append(ltx_buf *b, const void *data, size_t len);
LTX_INTERNAL void ltx__buf_free(ltx_buf *b);

/* ---------------------------------------------------------------- time, sleep, randomness */
/* Injectable so that tests can check exact retry schedules. */
typedef struct {
    uint64_t (*now_ms)(void *ud);        /* monotonic milliseconds               */
    int64_t (*wall_s)(void *ud);         /* seconds since the epoch (HTTP-dates) */
    void (*sleep_ms)(uint64_t ms, void *ud);
    uint32_t (*random)(void *ud);        /* uniform 32 bits                      */
    void *ud;
} ltx_clock;

LTX_INTERNAL const ltx_clock *ltx__system_clock(void);

/* ---------------------------------------------------------------- cancel (cancel.c) */
/* The descriptor that turns readable when the handle is triggered; -1 for NULL. */
LTX_INTERNAL int ltx__cancel_fd(const ltx_cancel *cancel);
/* Sleep ms on the client's clock, or less when cancel is triggered: returns 1 then, else 0.
 * With the system clock the sleep is a poll(2) on the handle's descriptor. */
LTX_INTERNAL int ltx__sleep(const ltx_client *client, uint64_t ms, const ltx_cancel *cancel);

/* ---------------------------------------------------------------- errors */
struct ltx_error {
    int code;
    int http_status;
    char *message;
    char *type;
    char *api_message;
    char *request_id;
    char *field;
    char *job_id;
    char *transport_message;
    int64_t retry_after_ms;
    unsigned attempts;
    int possibly_executed;
    void *body;
    size_t body_len;
};

/* A new error with a formatted message, or NULL when out of memory. */
LTX_INTERNAL ltx_error *ltx__error_new(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand e to the caller (or free it when err is NULL); returns code (LTX_ENOMEM when e is NULL). */
LTX_INTERNAL int ltx__error_raise(ltx_error **err, ltx_error *e, int code);
/* Shorthand: create and raise in one go. */
LTX_INTERNAL int ltx__fail(ltx_error **err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Create and raise an error of class code naming field. */
LTX_INTERNAL int ltx__fail_field(ltx_error **err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Shorthand for a request that failed validation: LTX_EREQUEST naming the field. */
LTX_INTERNAL int ltx__reject(ltx_error **err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * A public function taking `ltx_error **err` starts with this: a non-NULL *err
 * on entry is the caller's mistake; it is left alone (never overwritten, never
 * leaked) and the call does nothing.
 */
#define LTX_ERR_ENTRY(err)                                                                      \
    do {                                                                                         \
        if ((err) && *(err))                                                                     \
            return LTX_EINVAL;                                                                   \
    } while (0)
/*
 * A setter's refusal, kept in the handle's *slot for ltx_*_last_error(): the
 * field, the value and the rule in the message. Returns code.
 */
LTX_INTERNAL int ltx__refuse(ltx_error **slot, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A setter that succeeded clears the handle's last refusal. Returns LTX_OK. */
LTX_INTERNAL int ltx__accept(ltx_error **slot);
/* Class of an HTTP status (400 -> LTX_EBADREQUEST, 418 -> LTX_EHTTP). */
LTX_INTERNAL int ltx__status_class(int http_status);
/* Rebuild e->message from its parts: "<text> (HTTP 429 rate_limit_error, request id X)". */
LTX_INTERNAL int ltx__error_compose(ltx_error *e, const char *text);
/* Hide the key, Authorization values, URL userinfo and queries in every text of e (and the key
 * in its body). Messages made by the functions above are already free of all but the key. */
LTX_INTERNAL int ltx__error_redact(ltx_error *e, const char *key);

/* ---------------------------------------------------------------- retry policy */
typedef struct {
    unsigned max_retries;
    uint32_t base_ms;
    uint32_t cap_ms;
    uint32_t retry_after_cap_ms;
    int retry_unknown_outcome; /* v1 504 */
} ltx_retry_policy;

/* What kind of call an attempt belongs to decides what may be repeated. */
typedef enum {
    LTX_CALL_SUBMIT,   /* POST /v2/<endpoint>: billed, never repeated when unsure */
    LTX_CALL_SYNC,     /* POST /v1/<endpoint>: billed, 504 repeat is an option    */
    LTX_CALL_IDEMPOTENT /* GET, PUT and POST /v1/upload: safe to repeat           */
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
/* Backoff before retry number `retry` (0-based): full jitter, or Retry-After when given (ms >= 0). */
LTX_INTERNAL uint64_t ltx__retry_delay_ms(const ltx_retry_policy *p, unsigned retry,
                                          int64_t retry_after_ms, const ltx_clock *clock);
/* Retry-After as delta-seconds or an HTTP-date, in ms from now; -1 when absent or garbage. */
LTX_INTERNAL int64_t ltx__retry_after_parse_ms(const char *value, int64_t now_wall_s);

/* ---------------------------------------------------------------- client */
LTX_INTERNAL int ltx__global_ready(void);

struct ltx_client {
    pthread_mutex_t ref_lock;
    unsigned refs;
    char *api_key;
    char *auth_header;
    char *base_url;
    char *user_agent;
    char *ua_suffix;
    char *proxy;
    char *ca_file;
    char *ca_path;
    int allow_insecure_http;
    uint32_t connect_timeout_ms;
    uint32_t stall_timeout_ms;
    uint32_t deadline_ms;
    uint32_t poll_interval_ms;
    int poll_mode;                   /* LTX_POLL_ADAPTIVE or LTX_POLL_FIXED (lib/poll.c)   */
    struct ltx_poll_book *poll_book; /* run times learned per kind of job (lib/poll.c)     */
    ltx_retry_policy retry;
    int log_level;
    ltx_log_fn log_fn;
    void *log_ud;
    ltx_attempt_fn attempt_fn;
    void *attempt_ud;
    const ltx_clock *clock;
    struct ltx_http_pool *http; /* connection cache, shared between threads */
    ltx_error *last_error;      /* the last setter's refusal, for ltx_client_last_error() */
};

LTX_INTERNAL void ltx__client_ref(ltx_client *c);
/* Non-zero when url is plain http:// to a host that is not this machine (the key would travel
 * in clear text). */
LTX_INTERNAL int ltx__url_is_plain_remote(const char *url);
#define LTX_LOG_WITHHELD "a log line was withheld because it contained the API key (a libltx bug)"
LTX_INTERNAL void ltx__log(const ltx_client *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Tests only: replace time, sleep and randomness. NULL restores the system clock. */
LTX_INTERNAL void ltx__client_set_clock(ltx_client *c, const ltx_clock *clock);
/* The absolute deadline of a call starting now (UINT64_MAX for no limit). */
LTX_INTERNAL uint64_t ltx__deadline_from_now(const ltx_client *c);
/* The retry policy for req's billed request: the client's, with req's overrides, in *buf. */
LTX_INTERNAL const ltx_retry_policy *ltx__policy_for(const ltx_client *c, const ltx_request *req,
                                                     ltx_retry_policy *buf);
/* The same for a call sending req, whose own deadline wins when it has one. */
LTX_INTERNAL uint64_t ltx__deadline_for(const ltx_client *c, const ltx_request *req);

struct ltx_attempt {
    const char *method;
    const char *url;
    int http_status;
    int transport_status;
    const char *request_id;
    unsigned number;
    uint64_t elapsed_ms;
    int will_retry;
    uint64_t delay_ms;
};

/* ---------------------------------------------------------------- request */
/* The request fields that take media, and so may take a local file. */
enum ltx_media_field { LTX_MEDIA_IMAGE, LTX_MEDIA_LAST_FRAME, LTX_MEDIA_AUDIO, LTX_MEDIA_VIDEO,
                       LTX_N_MEDIA_FIELDS };

struct ltx_request_extra {
    char *name;
    char *json;
};

/* A field's value, in the slot lib/fields.c gives its name. */
enum { LTX_V_UNSET, LTX_V_TEXT, LTX_V_NUMBER, LTX_V_BOOL, LTX_V_NULL, LTX_V_JSON };
struct ltx_value {
    int kind;     /* LTX_V_*; LTX_V_JSON: text set by ltx_request_set_json() */
    char *text;   /* LTX_V_TEXT, LTX_V_JSON */
    double number; /* LTX_V_NUMBER; LTX_V_BOOL: 0 or 1 */
};
#define LTX_FIELD_SLOTS 32
#define LTX_ENDPOINT_NAME_MAX 64

struct ltx_request {
    int endpoint;                              /* LTX_ENDPOINT_OTHER for a name not known */
    char endpoint_name[LTX_ENDPOINT_NAME_MAX + 1];
    int sync;
    struct ltx_value values[LTX_FIELD_SLOTS];  /* by ltx__field_slot() */
    struct ltx_request_extra *extras;          /* names the field table does not know */
    size_t n_extras;
    char *input_files[LTX_N_MEDIA_FIELDS]; /* local files, by enum ltx_media_field */
    ltx_error *last_error;                 /* why the last setter refused, or NULL */
    /* per-call settings for the billed request, each overriding the client's when set */
    bool has_retry;
    unsigned max_retries;
    uint32_t retry_base_ms, retry_cap_ms;
    int retry_unknown_outcome; /* -1 = the client's */
    uint32_t deadline_ms;      /* 0 = the client's */
    ltx_cancel *cancel;        /* borrowed; watched by generate, submit and its uploads */
};

/* The request's endpoint path segment (a known one, or the name given to
 * ltx_request_new_by_name()); everything that builds a path uses it. */
LTX_INTERNAL const char *ltx__request_endpoint_name(const ltx_request *req);
/* Fields set on req that the table does not give its endpoint, as "a, b" (NULL when none;
 * caller frees): what the WARN line at submit names. */
LTX_INTERNAL char *ltx__request_undocumented(const ltx_request *req);
/* Log that WARN line through c's log callback, when there is anything to say. */
LTX_INTERNAL void ltx__request_warn(const ltx_client *c, const ltx_request *req);

/* ---------------------------------------------------------------- sink */
/* Before anything is submitted: can the output be written at all? LTX_EIO, saying why. */
LTX_INTERNAL int ltx__sink_check(ltx_sink *s, ltx_error **err);
LTX_INTERNAL int ltx__sink_begin(ltx_sink *s, ltx_error **err);
/* After a commit: the output came from a billed request repeated after an unknown outcome. */
LTX_INTERNAL void ltx__sink_set_billed_twice(ltx_sink *s, int yes);
LTX_INTERNAL int ltx__sink_write(ltx_sink *s, const void *data, size_t len);
/* Start the output over (a server ignored Range). LTX_EPROTOCOL when the sink cannot rewind. */
LTX_INTERNAL int ltx__sink_rewind(ltx_sink *s);
LTX_INTERNAL int ltx__sink_commit(ltx_sink *s, ltx_error **err);
LTX_INTERNAL void ltx__sink_abort(ltx_sink *s);
/* errno-style text of the last failed write, for messages. */
LTX_INTERNAL const char *ltx__sink_describe(const ltx_sink *s);

/* ---------------------------------------------------------------- progress */
struct ltx_progress {
    int stage;
    const char *job_id;
    const char *status;
    uint64_t bytes;
    uint64_t total;
    uint64_t elapsed_ms;
    size_t batch_slot; /* the batch entry's index + 1; 0 outside ltx_batch_run() */
};

typedef struct {
    ltx_progress_fn fn;
    void *ud;
    uint64_t started_ms;
    const char *job_id;
} ltx_progress_ctx;

/* Call the user's callback; non-zero means cancel. */
LTX_INTERNAL int ltx__progress_emit(const ltx_client *c, ltx_progress_ctx *pc, int stage,
                                    const char *status, uint64_t bytes, uint64_t total);

/* ---------------------------------------------------------------- jobs */
struct ltx_job {
    ltx_client *client;
    char *id;
    ltx_endpoint endpoint;  /* LTX_ENDPOINT_OTHER for a name this release does not know */
    char *endpoint_name;    /* the path segment the job was submitted to                 */
    int state;
    char *status;
    char *created_at;
    char *completed_at;
    char *status_json;      /* the last status answer as received                        */
    char *request_id;       /* of the last successful API call on the job                */
    size_t n_results;       /* result's keys and URLs, in the answer's order             */
    char **result_keys;
    char **result_urls;
    char *error_type;
    char *error_message;
    ltx_cancel *cancel; /* borrowed; watched by refresh, wait and download */
    /* its polls (lib/poll.c, lib/schedule.h) */
    char poll_kind[160];          /* "endpoint|model|resolution|duration"; "" when unknown  */
    int poll_started;             /* poll_start_ms is known (submitted by this client)      */
    uint64_t poll_start_ms;       /* the client's clock when the API accepted the job       */
    uint64_t poll_quiet_ms;       /* elapsed at the last answer that was not final          */
    unsigned polls;               /* status answers so far                                  */
    int64_t poll_retry_after_ms;  /* Retry-After of the last status answer; 0 when none     */
};

/* The URL of the result named key, or the primary result for NULL; NULL when absent. */
LTX_INTERNAL const char *ltx__job_result(const ltx_job *job, const char *key);
/* Attach the job's id to *err (when set and without one) and mark it possibly executed:
 * the API accepted this job, so it runs and is billed whatever failed. Returns rc. */
LTX_INTERNAL int ltx__with_job(ltx_error **err, const ltx_job *job, int rc);
/* Is name a path segment an endpoint may have ([a-z0-9-], 1 to 64 characters)? */
LTX_INTERNAL int ltx__endpoint_name_ok(const char *name);

LTX_INTERNAL int ltx__job_wait(ltx_job *job, uint32_t interval_ms, ltx_progress_ctx *pc,
                               uint64_t deadline, ltx_error **err);
LTX_INTERNAL int ltx__job_download(ltx_job *job, const char *key, ltx_sink *sink,
                                   ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err);
/* sink, when not NULL, is checked (ltx__sink_check()) before anything is sent. */
LTX_INTERNAL int ltx__submit(ltx_client *c, const ltx_request *req, ltx_sink *sink, ltx_job **out,
                             ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err);

/* ---------------------------------------------------------------- local media (upload.c) */
/* Field name of a media field, and the reverse (-1 when not a media field). */
LTX_INTERNAL const char *ltx__media_field_name(int field);
LTX_INTERNAL int ltx__media_field_of(const char *name);
/* Point a shallow copy's media field at uri (not copied, not freed by the request). */
LTX_INTERNAL void ltx__media_use(ltx_request *copy, int field, char *uri);
/* Check a local file for a media field before anything is sent. */
LTX_INTERNAL int ltx__media_check(int field, const char *path, ltx_error **err);
/*
 * A shallow copy of req whose media fields with local files hold data: or ltx:// URIs
 * (uploading as needed). owned[] receives the strings to free afterwards.
 */
LTX_INTERNAL int ltx__resolve_inputs(ltx_client *c, const ltx_request *req, ltx_request *copy,
                                     char *owned[LTX_N_MEDIA_FIELDS], uint64_t deadline,
                                     ltx_error **err);
LTX_INTERNAL void ltx__resolved_free(char *owned[LTX_N_MEDIA_FIELDS]);

/* ---------------------------------------------------------------- models */
LTX_INTERNAL int ltx__model_is_known(const char *model);

#endif
