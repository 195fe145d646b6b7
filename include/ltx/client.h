/* ltx/client.h — global initialisation and the client handle: key, host, limits, retries, logging. */
#ifndef LTX_CLIENT_H
#define LTX_CLIENT_H

#include <ltx/common.h>
#include <ltx/error.h>

LTX_BEGIN_DECLS

/* Flags for ltx_global_init(). */
#define LTX_GLOBAL_DEFAULT 0u
#define LTX_GLOBAL_NO_CURL_INIT 1u /* the application calls curl_global_init() itself */

/*
 * Reference-counted process initialisation: the first call initialises
 * libcurl (unless LTX_GLOBAL_NO_CURL_INIT), later calls only count. Pair every
 * successful call with one ltx_global_cleanup(). Thread-safe when libcurl
 * reports CURL_VERSION_THREADSAFE; otherwise call it before starting threads.
 * Returns LTX_OK or LTX_EINIT.
 */
LTX_API int ltx_global_init(unsigned flags);
LTX_API void ltx_global_cleanup(void);

/* "No limit" for any *_ms setting that accepts it. 0 is never "no limit". */
#define LTX_NO_LIMIT UINT32_MAX

/* Defaults. man7/libltx.7 lists them in one table that the tests compare with these. */
#define LTX_DEFAULT_BASE_URL "https://api.ltx.video"
#define LTX_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define LTX_DEFAULT_STALL_TIMEOUT_MS 60000u
#define LTX_DEFAULT_DEADLINE_MS 1800000u       /* 30 minutes per call, retries and polls included */
#define LTX_DEFAULT_POLL_INTERVAL_MS 5000u
#define LTX_DEFAULT_MAX_RETRIES 3u
#define LTX_DEFAULT_RETRY_BASE_MS 500u
#define LTX_DEFAULT_RETRY_CAP_MS 30000u
#define LTX_DEFAULT_RETRY_AFTER_CAP_MS 120000u

/* Log levels for ltx_client_set_log(). */
typedef enum ltx_log_level {
    LTX_LOG_ERROR = 1,
    LTX_LOG_WARN = 2,
    LTX_LOG_INFO = 3,
    LTX_LOG_DEBUG = 4
} ltx_log_level;

/*
 * A log line: one line of UTF-8 without a newline, borrowed for the duration of
 * the call. Runs on the thread that made the libltx call, during that call.
 * Lines never contain the API key or the Authorization header.
 */
typedef void (*ltx_log_fn)(int level, const char *line, void *userdata);

/*
 * Create a client for api_key (copied; wiped from memory on free). The base URL
 * is LTX_DEFAULT_BASE_URL. Reads no environment variable.
 * Returns LTX_OK and *out (free with ltx_client_free()), LTX_EINVAL, LTX_ENOMEM
 * or LTX_EINIT.
 *
 * Threads: after it is configured, one client may be used by any number of
 * threads at once; the setters below must not race with calls that use it.
 */
LTX_API int ltx_client_new(ltx_client **out, const char *api_key, ltx_error **err);

/*
 * Like ltx_client_new(), with the key from LTX_API_KEY (or LTXV_API_KEY), the
 * base URL from LTX_BASE_URL when set, and the log level from LTX_LOG
 * (error, warn, info, debug; lines go to stderr). LTX_EINVAL when no key is set.
 */
LTX_API int ltx_client_new_from_env(ltx_client **out, ltx_error **err);

/* Release the caller's reference. Jobs keep the client alive until freed. NULL is accepted. */
LTX_API void ltx_client_free(ltx_client *client);

/* Every setter copies its strings and returns LTX_OK, LTX_EINVAL or LTX_ENOMEM. */

/* The API host, e.g. "https://api.ltx.io" or an ltx-mock URL. No trailing path. */
LTX_API int ltx_client_set_base_url(ltx_client *client, const char *base_url);

/* Connect timeout per attempt (default 10 s). LTX_NO_LIMIT accepted; 0 is LTX_EINVAL. */
LTX_API int ltx_client_set_connect_timeout_ms(ltx_client *client, uint32_t ms);

/* Fail a transfer that received no byte for this long (default 60 s). */
LTX_API int ltx_client_set_stall_timeout_ms(ltx_client *client, uint32_t ms);

/* One deadline per call covering every attempt, poll and download (default 30 min). */
LTX_API int ltx_client_set_deadline_ms(ltx_client *client, uint32_t ms);

/*
 * Poll interval of ltx_job_wait(), ltx_generate() and ltx_batch_run() (default 5 s): in
 * LTX_POLL_FIXED mode every poll is this far apart; in LTX_POLL_ADAPTIVE mode (the default)
 * it is the longest step of a job whose kind the client has not seen yet.
 */
LTX_API int ltx_client_set_poll_interval_ms(ltx_client *client, uint32_t ms);

/* How a client schedules the polls of a job (ltx_client_set_poll_mode()). */
typedef enum {
    /* the default: a dense start that backs off to the poll interval, and once jobs of the
     * same endpoint, model, resolution and duration have completed, dense polls around the
     * end their run times predict; a Retry-After on a status answer is honoured */
    LTX_POLL_ADAPTIVE = 0,
    /* the first poll at once, then one every poll interval */
    LTX_POLL_FIXED = 1
} ltx_poll_mode;

/* Choose the poll schedule (ltx_poll_mode); LTX_EINVAL for any other value. */
LTX_API int ltx_client_set_poll_mode(ltx_client *client, int mode);

/*
 * Retries of retryable failures (see libltx(7) "RETRIES"): at most max_retries
 * extra attempts, exponential backoff with full jitter from base_ms, capped at
 * cap_ms. max_retries 0 turns retries off.
 */
LTX_API int ltx_client_set_retry(ltx_client *client, unsigned max_retries, uint32_t base_ms,
                                 uint32_t cap_ms);

/*
 * Whether a v1 (synchronous) generation answered 504 may be sent again
 * (default 1). The first request may still be running on the server and be
 * billed; the result of a retried call says so (ltx_error_possibly_executed()).
 * v2 submits whose outcome is unknown are never retried.
 */
LTX_API int ltx_client_set_retry_unknown_outcome(ltx_client *client, int allow);

/* Appended to the User-Agent "libltx/X.Y.Z libcurl/A.B.C", e.g. "ltx-python/0.1". */
LTX_API int ltx_client_set_user_agent_suffix(ltx_client *client, const char *suffix);

/*
 * Why the last setter call on client refused its value (field, value, rule),
 * or NULL after one that succeeded and for a NULL client. Borrowed until the
 * next setter call on client or its free; like the setters, read it before
 * the client is shared between threads.
 */
LTX_API const ltx_error *ltx_client_last_error(const ltx_client *client);

/* The User-Agent header sent. Borrowed, valid until the next setter call or free. NULL for NULL. */
LTX_API const char *ltx_client_user_agent(const ltx_client *client);

/* A proxy URL for API and download traffic (libcurl's environment variables work too). */
LTX_API int ltx_client_set_proxy(ltx_client *client, const char *proxy_url);

/*
 * INSECURE: allow (non-zero) a plain http:// base URL naming a host other than this machine.
 * Off by default: the API key would cross the network in clear text, readable by anyone on the
 * path. Loopback hosts (localhost, 127.0.0.0/8, ::1) are always allowed. Without it, every call
 * to such a host fails with LTX_EINVAL before anything is sent. LTX_EINVAL for a NULL client.
 */
LTX_API int ltx_client_allow_insecure_http(ltx_client *client, int allow);

/* A CA bundle file and/or directory for TLS verification. Verification is always on. */
LTX_API int ltx_client_set_ca_file(ltx_client *client, const char *path);
LTX_API int ltx_client_set_ca_path(ltx_client *client, const char *dir);

/*
 * Log lines at `level` and more severe go to fn (NULL turns logging off).
 * Never logs the key, the Authorization header, prompts or media URIs.
 */
LTX_API int ltx_client_set_log(ltx_client *client, int level, ltx_log_fn fn, void *userdata);

/*
 * A report on one HTTP attempt, borrowed for the duration of the hook only.
 * Strings are NULL when unknown; the URL never carries a query string (signed
 * URLs keep their secrets there) and no header value is reported.
 */
typedef struct ltx_attempt ltx_attempt;

/* Runs on the thread that made the libltx call, after every attempt, during that call. */
typedef void (*ltx_attempt_fn)(const ltx_attempt *attempt, void *userdata);

/* Call fn after every HTTP attempt (NULL turns it off). Set before sharing the client. */
LTX_API int ltx_client_set_attempt_hook(ltx_client *client, ltx_attempt_fn fn, void *userdata);

/*
 * Getters of an attempt report. For a NULL attempt each answers NULL or 0,
 * except ltx_attempt_transport_status() (LTX_EINVAL).
 */
LTX_API const char *ltx_attempt_method(const ltx_attempt *attempt);
LTX_API const char *ltx_attempt_url(const ltx_attempt *attempt);
/* The HTTP status answered, 0 when no answer arrived. */
LTX_API int ltx_attempt_http_status(const ltx_attempt *attempt);
/* LTX_OK when an answer arrived whole, else the transport failure's class. */
LTX_API int ltx_attempt_transport_status(const ltx_attempt *attempt);
LTX_API const char *ltx_attempt_request_id(const ltx_attempt *attempt);
/* 1 for the first attempt of an operation. */
LTX_API unsigned ltx_attempt_number(const ltx_attempt *attempt);
/* Milliseconds this attempt took. */
LTX_API uint64_t ltx_attempt_elapsed_ms(const ltx_attempt *attempt);
/* Non-zero when another attempt follows, after ltx_attempt_delay_ms(). */
LTX_API int ltx_attempt_will_retry(const ltx_attempt *attempt);
LTX_API uint64_t ltx_attempt_delay_ms(const ltx_attempt *attempt);

LTX_END_DECLS
#endif
