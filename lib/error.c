/* lib/error.c — status texts and the error object. */
#define _POSIX_C_SOURCE 200809L
#include "error_int.h"
#include "private.h"
#include "redact.h"

#include <stdlib.h>
#include <string.h>

LTX_API const char *ltx_strerror(int code)
{
    switch (code) {
    case LTX_OK: return "success";
    case LTX_EINVAL: return "invalid argument";
    case LTX_EREQUEST: return "invalid request";
    case LTX_ENOMEM: return "out of memory";
    case LTX_EIO: return "local I/O error";
    case LTX_ENETWORK: return "network error";
    case LTX_ETIMEDOUT: return "timed out";
    case LTX_ECANCELLED: return "cancelled";
    case LTX_EPROTOCOL: return "unexpected response from the server";
    case LTX_EJOBFAILED: return "the job failed";
    case LTX_ESINKFULL: return "output size limit reached";
    case LTX_EINIT: return "library not initialised";
    case LTX_EHTTP: return "HTTP error";
    case LTX_EHEADER: return "response header too large";
    case LTX_ETLS: return "TLS verification failed";
    case LTX_EURL: return "malformed URL";
    case LTX_EBADREQUEST: return "bad request";
    case LTX_EAUTH: return "authentication failed";
    case LTX_EFUNDS: return "insufficient funds";
    case LTX_EFORBIDDEN: return "permission denied";
    case LTX_ENOTFOUND: return "not found or expired";
    case LTX_ETOOLARGE: return "request too large";
    case LTX_ECONTENT: return "content filtered";
    case LTX_ERATELIMIT: return "rate limited";
    case LTX_ESERVER: return "server error";
    case LTX_EBADGATEWAY: return "bad gateway";
    case LTX_EUNAVAILABLE: return "service unavailable";
    case LTX_EGATEWAYTIMEOUT: return "gateway timeout";
    default: return "unknown error";
    }
}

int ltx__status_class(int http_status)
{
    switch (http_status) {
    case 400: case 401: case 402: case 403: case 404: case 413: case 422: case 429:
    case 500: case 502: case 503: case 504:
        return http_status;
    default:
        return LTX_EHTTP;
    }
}

ltx_error *ltx__error_new(int code, const char *fmt, ...)
{
    ltx_error *e = calloc(1, sizeof(*e));
    va_list ap;
    char *text;

    if (!e)
        return NULL;
    e->code = code;
    e->retry_after_ms = -1;
    va_start(ap, fmt);
    text = ltx__vprintf(fmt, ap);
    va_end(ap);
    if (text) {
        char *clean = ltx__redact(text, NULL, LTX_REDACT_ALL);

        free(text);
        text = clean;
    }
    if (!text) {
        free(e);
        return NULL;
    }
    e->message = text;
    return e;
}

/* Hide secrets in every text of e: the key anywhere, Authorization values, URL userinfo and
 * queries (a server may quote any of them back in its answer). LTX_OK or LTX_ENOMEM. */
int ltx__error_redact(ltx_error *e, const char *key)
{
    char **fields[] = {&e->message, &e->type, &e->api_message, &e->request_id, &e->field,
                       &e->job_id, &e->transport_message};
    int rc = LTX_OK;

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char *clean;

        if (!*fields[i])
            continue;
        if (!(clean = ltx__redact(*fields[i], key, LTX_REDACT_ALL))) {
            rc = LTX_ENOMEM;
            continue;
        }
        free(*fields[i]);
        *fields[i] = clean;
    }
    ltx__redact_bytes(e->body, e->body_len, key);
    return rc;
}

int ltx__error_compose(ltx_error *e, const char *text)
{
    char *detail = NULL, *msg;
    const char *base = text ? text : ltx_strerror(e->code);

    if (e->http_status && e->type && e->request_id)
        detail = ltx__printf(" (HTTP %d %s, request id %s)", e->http_status, e->type, e->request_id);
    else if (e->http_status && e->request_id)
        detail = ltx__printf(" (HTTP %d, request id %s)", e->http_status, e->request_id);
    else if (e->http_status && e->type)
        detail = ltx__printf(" (HTTP %d %s)", e->http_status, e->type);
    else if (e->http_status)
        detail = ltx__printf(" (HTTP %d)", e->http_status);
    else if (e->request_id)
        detail = ltx__printf(" (request id %s)", e->request_id);
    msg = ltx__printf("%s%s", base, detail ? detail : "");
    free(detail);
    if (msg) {
        char *clean = ltx__redact(msg, NULL, LTX_REDACT_ALL);

        free(msg);
        msg = clean;
    }
    if (!msg)
        return LTX_ENOMEM;
    free(e->message);
    e->message = msg;
    return LTX_OK;
}

int ltx__error_raise(ltx_error **err, ltx_error *e, int code)
{
    if (!e)
        return LTX_ENOMEM;
    code = e->code;
    if (err && !*err)
        *err = e;
    else
        ltx_error_free(e); /* the first error raised in a call stays the one told */
    return code;
}

/* Raise a new error of class code, naming field when not NULL. */
static int vfail(ltx_error **err, int code, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vfail(ltx_error **err, int code, const char *field, const char *fmt, va_list ap)
{
    char *text;
    ltx_error *e = NULL;

    if (!err || *err)
        return code;
    text = ltx__vprintf(fmt, ap);
    if (text) {
        char *clean = ltx__redact(text, NULL, LTX_REDACT_ALL);

        free(text);
        text = clean;
    }
    if (text && (e = calloc(1, sizeof(*e)))) {
        e->code = code;
        e->retry_after_ms = -1;
        e->message = text;
        text = NULL;
        if (field && !(e->field = ltx__strdup(field))) {
            ltx_error_free(e);
            e = NULL;
        }
    }
    free(text);
    if (e)
        *err = e;
    return code; /* no memory for details: the class still tells */
}

int ltx__fail_field(ltx_error **err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(err, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

int ltx__refuse(ltx_error **slot, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    ltx_error_free(*slot);
    *slot = NULL;
    va_start(ap, fmt);
    code = vfail(slot, code, field, fmt, ap);
    va_end(ap);
    return code;
}

int ltx__accept(ltx_error **slot)
{
    ltx_error_free(*slot);
    *slot = NULL;
    return LTX_OK;
}

LTX_API void ltx_error_free(ltx_error *e)
{
    if (!e)
        return;
    free(e->message);
    free(e->type);
    free(e->api_message);
    free(e->request_id);
    free(e->field);
    free(e->job_id);
    free(e->transport_message);
    free(e->body);
    free(e);
}

LTX_GETTER(int, ltx_error_code, ltx_error, code, LTX_EINVAL)

LTX_API const char *ltx_error_message(const ltx_error *e)
{
    return e && e->message ? e->message : "no error information";
}

LTX_GETTER(int, ltx_error_http_status, ltx_error, http_status, 0)
LTX_GETTER(const char *, ltx_error_type, ltx_error, type, NULL)
LTX_GETTER(const char *, ltx_error_api_message, ltx_error, api_message, NULL)
LTX_GETTER(const char *, ltx_error_request_id, ltx_error, request_id, NULL)
LTX_GETTER(const char *, ltx_error_field, ltx_error, field, NULL)
LTX_GETTER(const char *, ltx_error_job_id, ltx_error, job_id, NULL)
LTX_GETTER(int64_t, ltx_error_retry_after_ms, ltx_error, retry_after_ms, -1)
LTX_GETTER(unsigned, ltx_error_attempts, ltx_error, attempts, 0)
LTX_GETTER(int, ltx_error_possibly_executed, ltx_error, possibly_executed, 0)
LTX_GETTER(const char *, ltx_error_transport_message, ltx_error, transport_message, NULL)

LTX_API const void *ltx_error_body(const ltx_error *e, size_t *len)
{
    if (len)
        *len = e ? e->body_len : 0;
    return e ? e->body : NULL;
}
