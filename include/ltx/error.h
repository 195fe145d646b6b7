/* ltx/error.h — status codes and the error object that carries what went wrong and why. */
#ifndef LTX_ERROR_H
#define LTX_ERROR_H

#include <ltx/common.h>

LTX_BEGIN_DECLS

/*
 * Every libltx function that can fail returns one of these. The numbers are
 * part of the ABI and never change. Client-side classes are negative; HTTP
 * classes equal the HTTP status they stand for.
 */
typedef enum ltx_status {
    LTX_OK = 0,
    LTX_EINVAL = -1,        /* an argument is invalid (NULL handle, bad value)        */
    LTX_EREQUEST = -2,      /* the request failed validation; nothing was sent        */
    LTX_ENOMEM = -3,        /* out of memory                                           */
    LTX_EIO = -4,           /* local I/O failed (writing the output, reading input)   */
    LTX_ENETWORK = -5,      /* DNS, connect, TLS or a connection dropped              */
    LTX_ETIMEDOUT = -6,     /* connect timeout, stalled transfer or deadline reached  */
    LTX_ECANCELLED = -7,    /* a callback asked to stop                                */
    LTX_EPROTOCOL = -8,     /* the server answered something the API does not define  */
    LTX_EJOBFAILED = -9,    /* the job ended in "failed" (see ltx_error_type())       */
    LTX_ESINKFULL = -10,    /* a memory sink reached its size cap                      */
    LTX_EINIT = -11,        /* ltx_global_init() was not called or failed             */
    LTX_EHTTP = -12,        /* an HTTP status with no class of its own                 */
    LTX_EHEADER = -13,      /* a response header was larger than libcurl accepts       */
    LTX_ETLS = -14,         /* TLS verification failed (certificate, CA, host name)    */
    LTX_EURL = -15,         /* a URL (base URL, result URL) is malformed               */
    LTX_EBADREQUEST = 400,  /* invalid_request_error                                   */
    LTX_EAUTH = 401,        /* authentication_error                                    */
    LTX_EFUNDS = 402,       /* insufficient_funds_error                                */
    LTX_EFORBIDDEN = 403,   /* permission_error                                        */
    LTX_ENOTFOUND = 404,    /* not_found_error: unknown or expired job                 */
    LTX_ETOOLARGE = 413,    /* request_too_large                                       */
    LTX_ECONTENT = 422,     /* content_filtered_error                                  */
    LTX_ERATELIMIT = 429,   /* rate_limit_error or concurrency_limit_error             */
    LTX_ESERVER = 500,      /* api_error                                               */
    LTX_EBADGATEWAY = 502,  /* a proxy in front of the API failed                      */
    LTX_EUNAVAILABLE = 503, /* service_unavailable                                     */
    LTX_EGATEWAYTIMEOUT = 504 /* the synchronous request timed out at the server       */
} ltx_status;

/*
 * A short static English description of a status code; "unknown error" for a
 * code that is not an ltx_status. Never NULL. Any thread.
 */
LTX_API const char *ltx_strerror(int code);

/*
 * The error object. Functions that can fail take `ltx_error **err` last; pass
 * NULL when the details are not wanted. *err must be NULL on entry: a call
 * given a non-NULL *err returns LTX_EINVAL at once, does nothing, and leaves
 * *err as it was (an earlier error is never overwritten, so never leaked).
 * On failure *err is set to a new object the caller frees with
 * ltx_error_free(); on success it is left NULL. Strings returned by the
 * getters are borrowed, valid until ltx_error_free(). An error object is never
 * changed once returned: any thread may read it. Every getter answers 0, -1 or
 * NULL for a NULL error, except ltx_error_code() (LTX_EINVAL) and
 * ltx_error_message() ("no error information").
 */
LTX_API void ltx_error_free(ltx_error *err);

/* The ltx_status class of the error. */
LTX_API int ltx_error_code(const ltx_error *err);

/* The full human-readable message, including the request id when there is one. Never NULL. */
LTX_API const char *ltx_error_message(const ltx_error *err);

/* The HTTP status the server answered, or 0 when no answer was received. */
LTX_API int ltx_error_http_status(const ltx_error *err);

/* The API's error.type ("rate_limit_error", ...), or NULL. Unknown types are kept verbatim. */
LTX_API const char *ltx_error_type(const ltx_error *err);

/* The API's error.message as the server sent it (or its fallback text), or NULL. */
LTX_API const char *ltx_error_api_message(const ltx_error *err);

/* The x-request-id response header, or NULL. Quote it to LTX support. */
LTX_API const char *ltx_error_request_id(const ltx_error *err);

/* The request field that failed validation ("duration"), or NULL. */
LTX_API const char *ltx_error_field(const ltx_error *err);

/*
 * The job the error concerns, or NULL. Set on every error that happens after
 * the API accepted a job (a failed job, a deadline, a cancel, a download or
 * output failure): the job runs on and is billed; resume it with this id.
 */
LTX_API const char *ltx_error_job_id(const ltx_error *err);

/* Retry-After from the last answer in milliseconds, or -1 when absent or unparsable. */
LTX_API int64_t ltx_error_retry_after_ms(const ltx_error *err);

/* How many HTTP attempts the failing operation made (0 when none was sent). */
LTX_API unsigned ltx_error_attempts(const ltx_error *err);

/*
 * 1 when the server may have started (and will bill) a generation although the
 * call failed: the API accepted a job (ltx_error_job_id() then names it), or a
 * generation request was sent and its outcome is unknown (a timeout, reset,
 * 500, 502 or 504; no id is known then). 0 when no generation can have
 * started. Check your account before submitting again.
 */
LTX_API int ltx_error_possibly_executed(const ltx_error *err);

/* The transport's own error text (libcurl's), or NULL. */
LTX_API const char *ltx_error_transport_message(const ltx_error *err);

/*
 * A bounded copy (at most 64 KiB) of the response body that came with the
 * error, or NULL. *len receives its length (0 with NULL) when len is not NULL.
 * Borrowed.
 */
LTX_API const void *ltx_error_body(const ltx_error *err, size_t *len);

LTX_END_DECLS
#endif
