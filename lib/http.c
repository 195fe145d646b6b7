/* lib/http.c — the libcurl transport: one exchange, its callbacks and options; no retries (the
 * pool: http_pool.c; many at once: http_multi.c). */
#define _POSIX_C_SOURCE 200809L
#include "client_int.h"
#include "http_int.h"

#include <ctype.h>
#include <errno.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SINK_BUFFER_BYTES (128L * 1024L) /* receive buffer for transfers into a sink */
#define PROGRESS_EVERY_BYTES (256u * 1024u)

char *ltx__url_for_log(const char *url)
{
    size_t n = strcspn(url ? url : "", "?#");

    return ltx__strndup(url ? url : "", n);
}

static char *header_value(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    const char *v, *end = line + len;

    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return NULL;
    v = line + n + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    return ltx__strndup(v, (size_t)(end - v));
}

static void replace(char **slot, char *value)
{
    free(*slot);
    *slot = value;
}

/* The three digits of a status line's code; the line is not NUL-terminated, so never atoi(). */
static int status_code(const char *p, size_t len)
{
    int code = 0;

    if (len < 3)
        return 0;
    for (size_t i = 0; i < 3; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        code = code * 10 + (p[i] - '0');
    }
    return len == 3 || p[3] == ' ' || p[3] == '\r' || p[3] == '\n' ? code : 0;
}

void ltx__http_header_line(ltx_http_resp *rs, const char *buf, size_t len)
{
    char *v;

    if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* a new status line (after 100 Continue or a redirect): forget the previous headers */
        const char *sp = memchr(buf, ' ', len);

        rs->http_status = sp ? status_code(sp + 1, (size_t)(buf + len - (sp + 1))) : 0;
        replace(&rs->request_id, NULL);
        replace(&rs->retry_after, NULL);
        replace(&rs->content_type, NULL);
        replace(&rs->content_range, NULL);
        replace(&rs->location, NULL);
        rs->content_length = -1;
        return;
    }
    /* dispatch on the first letter: most header lines are none of these */
    switch (len ? buf[0] | 0x20 : 0) {
    case 'x':
        if ((v = header_value(buf, len, "x-request-id")))
            replace(&rs->request_id, v);
        break;
    case 'r':
        if ((v = header_value(buf, len, "retry-after")))
            replace(&rs->retry_after, v);
        break;
    case 'l':
        if ((v = header_value(buf, len, "location")))
            replace(&rs->location, v);
        break;
    case 'c':
        if ((v = header_value(buf, len, "content-type")))
            replace(&rs->content_type, v);
        else if ((v = header_value(buf, len, "content-range")))
            replace(&rs->content_range, v);
        else if ((v = header_value(buf, len, "content-length"))) {
            char *end;
            long long n = strtoll(v, &end, 10);

            rs->content_length = (*v && !*end && n >= 0) ? n : -1;
            free(v);
        }
        break;
    }
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    xfer *x = ud;
    size_t len = size * nitems;

    ltx__http_header_line(x->rs, buf, len);
    return len;
}

/* "bytes 100-199/200" starts at 100? */
static int content_range_starts_at(const char *cr, uint64_t from)
{
    unsigned long long start;

    if (!cr || sscanf(cr, "bytes %llu-", &start) != 1)
        return 0;
    return start == from;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    ltx_http_resp *rs = x->rs;
    size_t len = size * nmemb;

    if (!x->decided) {
        int ok = rs->http_status >= 200 && rs->http_status < 300;

        x->decided = 1;
        /* a JSON success is a document to read (v1's video_url fallback), not video bytes */
        x->streaming = x->rq->sink && ok &&
                       !(rs->content_type && strstr(rs->content_type, "json"));
        if (x->streaming && x->rq->range_from) {
            if (rs->http_status == 200) {
                /* the server ignored Range and sends everything again */
                int rc = ltx__sink_rewind(x->rq->sink);

                rs->range_ignored = 1;
                if (rc != LTX_OK) {
                    rs->sink_status = rc;
                    return 0;
                }
            } else if (!content_range_starts_at(rs->content_range, x->rq->range_from)) {
                rs->sink_status = LTX_EPROTOCOL;
                return 0;
            }
        }
        rs->body.limit = (rs->http_status >= 200 && rs->http_status < 300) ? LTX_JSON_BODY_MAX
                                                                           : LTX_ERROR_BODY_MAX;
    }
    if (x->streaming) {
        int rc = ltx__sink_write(x->rq->sink, data, len);

        if (rc != LTX_OK) {
            rs->sink_status = rc;
            return 0;
        }
        rs->sink_bytes += len;
        if (rs->sink_bytes - x->reported >= PROGRESS_EVERY_BYTES) {
            uint64_t total = rs->content_length >= 0
                                 ? x->rq->range_from + (uint64_t)rs->content_length
                                 : 0;

            x->reported = rs->sink_bytes;
            if (ltx__progress_emit(x->c, x->rq->progress, LTX_STAGE_DOWNLOADING,
                                   NULL, x->rq->range_from + rs->sink_bytes, total)) {
                rs->cancelled = 1;
                return 0;
            }
        }
        return len;
    }
    if (ltx__buf_append(&rs->body, data, len) != LTX_OK) {
        rs->sink_status = LTX_ENOMEM;
        return 0;
    }
    return len;
}

/* POST bodies go out through this callback, not CURLOPT_POSTFIELDS. When a reused connection
 * dies before any answer, libcurl sends the request again on a new connection by itself; for a
 * submit whose body the server may already have read, that could bill a second job without
 * anyone knowing. A resend of a callback body needs a rewind first, and on_seek_memory refuses
 * it once any byte has gone: the attempt then ends as sent with an unknown outcome, and the
 * retry policy, not libcurl, decides whether it may be repeated. */
static size_t on_read_memory(char *buf, size_t size, size_t nitems, void *ud)
{
    xfer *x = ud;
    size_t n = x->rq->body_len - x->body_pos;

    if (n > size * nitems)
        n = size * nitems;
    if (n)
        memcpy(buf, (const char *)x->rq->body + x->body_pos, n);
    x->body_pos += n;
    return n;
}

static int on_seek_memory(void *ud, curl_off_t offset, int origin)
{
    xfer *x = ud;

    if (origin == SEEK_SET && offset == 0 && x->body_pos == 0)
        return CURL_SEEKFUNC_OK;
    x->resend_refused = 1;
    return CURL_SEEKFUNC_FAIL;
}

/* PUT bodies stream from the file: memory stays flat whatever the file's size. */
static size_t on_read(char *buf, size_t size, size_t nitems, void *ud)
{
    const ltx_http_req *rq = ((xfer *)ud)->rq;
    ssize_t n;

    do
        n = read(rq->body_fd, buf, size * nitems);
    while (n < 0 && errno == EINTR);
    return n < 0 ? CURL_READFUNC_ABORT : (size_t)n;
}

static int on_seek(void *ud, curl_off_t offset, int origin)
{
    const ltx_http_req *rq = ((xfer *)ud)->rq;

    return lseek(rq->body_fd, (off_t)offset, origin) < 0 ? CURL_SEEKFUNC_CANTSEEK
                                                         : CURL_SEEKFUNC_OK;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    xfer *x = ud;
    const ltx_clock *clk = x->c->clock;
    uint64_t now = clk->now_ms(clk->ud);
    curl_off_t seen = dlnow + ulnow;

    (void)dltotal;
    (void)ultotal;
    if (ltx_cancel_triggered(x->rq->cancel)) {
        x->cancel_hit = 1;
        return 1;
    }
    if (x->rq->deadline != UINT64_MAX && now >= x->rq->deadline) {
        x->past_deadline = 1;
        return 1;
    }
    /* The stall clock runs only once the answer has begun: a v1 render may legitimately keep
     * the line silent for minutes before the first byte, and the deadline covers that. */
    if (seen != x->last_seen || x->rs->http_status == 0) {
        x->last_seen = seen;
        x->last_change_ms = now;
    } else if (x->c->stall_timeout_ms != LTX_NO_LIMIT &&
               now - x->last_change_ms >= x->c->stall_timeout_ms) {
        x->stalled = 1;
        return 1;
    }
    return 0;
}

static int transport_class(CURLcode cc, const char *errbuf, int in_headers)
{
    switch (cc) {
    case CURLE_OK: return LTX_OK;
    case CURLE_OPERATION_TIMEDOUT: return LTX_ETIMEDOUT;
    case CURLE_OUT_OF_MEMORY:
        /* libcurl before 8.6 reports headers past its limits as out of memory: one header
         * over 100 KiB says "Rejected N bytes header", headers over 1 MiB in all say nothing.
         * Between the status line and the body, that is what it means. */
        return (strncmp(errbuf, "Rejected ", 9) == 0 && strstr(errbuf, "header")) || in_headers
                   ? LTX_EHEADER
                   : LTX_ENOMEM;
#if LIBCURL_VERSION_NUM >= 0x080600
    case CURLE_TOO_LARGE: return LTX_EHEADER;
#endif
    case CURLE_ABORTED_BY_CALLBACK: return LTX_ECANCELLED;
    case CURLE_URL_MALFORMAT: return LTX_EURL;
    /* the peer's certificate or our trust settings: no second attempt changes them */
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
        return LTX_ETLS;
    default: return LTX_ENETWORK;
    }
}

/* Failures that happen before a request byte can have left this machine. */
static int failed_before_sending(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return 1;
    default:
        return 0;
    }
}

static long clamp_ms(uint64_t ms)
{
    return ms > (uint64_t)INT32_MAX ? (long)INT32_MAX : (long)ms;
}

/* The client's settings: what every request on this client shares, set once per handle. */
static CURLcode set_client_options(CURL *h, const ltx_client *c)
{
    CURLcode cc = CURLE_OK;

    cc |= curl_easy_setopt(h, CURLOPT_SHARE, ltx__http_pool_share(c->http));
    cc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    cc |= curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    cc |= curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    cc |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    cc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    cc |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    cc |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    cc |= curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
    cc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    cc |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
    cc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    cc |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
    cc |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                           c->connect_timeout_ms == LTX_NO_LIMIT ? (long)INT32_MAX
                                                                 : (long)c->connect_timeout_ms);
    if (c->proxy)
        cc |= curl_easy_setopt(h, CURLOPT_PROXY, c->proxy);
    if (c->ca_file)
        cc |= curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    if (c->ca_path)
        cc |= curl_easy_setopt(h, CURLOPT_CAPATH, c->ca_path);
    /* curl_easy_reset() cannot report its own failure: short of memory, libcurl 7.88 stops
     * restoring defaults half-way and leaves the upload buffer size at 0, and the next POST
     * never sends a byte. Set what a request needs to move, whatever reset left. */
    (void)curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 65536L);
    return cc;
}

/* What this request sets: everything a request before it on the same handle may have set
 * differently, so that the handle need not start over. PUT and Range leave options behind
 * that the next request would not set: such a handle is reset before its next use. */
static int set_request_options(CURL *h, ltx_client *c, const ltx_http_req *rq, xfer *x)
{
    uint64_t now = c->clock->now_ms(c->clock->ud);
    struct curl_slist *list = ltx__http_headers_for(c, rq, &x->headers);
    CURLcode cc = CURLE_OK;

    if (!list)
        return LTX_ENOMEM;
    cc |= curl_easy_setopt(h, CURLOPT_URL, rq->url);
    cc |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    cc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    cc |= curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    cc |= curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    cc |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
    cc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, rq->follow_redirects ? 1L : 0L);
    cc |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                           rq->deadline == UINT64_MAX ? 0L
                           : rq->deadline > now       ? clamp_ms(rq->deadline - now)
                                                      : 1L);
    if (strcmp(rq->method, "POST") == 0) {
        cc |= curl_easy_setopt(h, CURLOPT_POST, 1L);
        cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        cc |= curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read_memory);
        cc |= curl_easy_setopt(h, CURLOPT_READDATA, x);
        cc |= curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek_memory);
        cc |= curl_easy_setopt(h, CURLOPT_SEEKDATA, x);
    } else if (strcmp(rq->method, "PUT") == 0 && rq->body_from_fd) {
        x->stamp = 0;
        if (lseek(rq->body_fd, 0, SEEK_SET) != 0)
            return LTX_EIO;
        cc |= curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        cc |= curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rq->body_fd_len);
        cc |= curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        cc |= curl_easy_setopt(h, CURLOPT_READDATA, x);
        cc |= curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
        cc |= curl_easy_setopt(h, CURLOPT_SEEKDATA, x);
    } else if (strcmp(rq->method, "PUT") == 0) {
        x->stamp = 0;
        cc |= curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
        cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
    } else {
        cc |= curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        /* a POST before it on this handle left its read callbacks: point them here */
        cc |= curl_easy_setopt(h, CURLOPT_READDATA, x);
        cc |= curl_easy_setopt(h, CURLOPT_SEEKDATA, x);
    }
    if (rq->range_from) {
        x->stamp = 0;
        snprintf(x->range, sizeof(x->range), "%llu-", (unsigned long long)rq->range_from);
        cc |= curl_easy_setopt(h, CURLOPT_RANGE, x->range);
    }
    /* videos are large: curl's 16 KiB default costs six times the reads of the curl tool.
     * Only a speed-up: libcurl 7.88 refuses it on a reused handle after an aborted transfer
     * (a refused redirect), and the transfer then runs with the default buffer. */
    (void)curl_easy_setopt(h, CURLOPT_BUFFERSIZE,
                           rq->sink ? (long)SINK_BUFFER_BYTES : (long)CURL_MAX_WRITE_SIZE);
    return cc == CURLE_OK ? LTX_OK : LTX_EINVAL;
}

/* A handle ready for rq: the client's settings once, then the request's own. */
static int set_options(CURL *h, ltx_client *c, const ltx_http_req *rq, xfer *x, int configured)
{
    if (!configured && set_client_options(h, c) != CURLE_OK)
        return LTX_EINVAL;
    return set_request_options(h, c, rq, x);
}

int ltx__http_begin(ltx_client *c, const ltx_http_req *rq, ltx_http_resp *rs, ltx_http_xfer **out)
{
    xfer *x;
    int rc, configured;

    *out = NULL;
    memset(rs, 0, sizeof(*rs));
    rs->content_length = -1;
    if (!(x = calloc(1, sizeof(*x)))) {
        rs->transport_status = LTX_ENOMEM;
        snprintf(rs->transport_message, sizeof(rs->transport_message), "out of memory");
        return LTX_ENOMEM;
    }
    x->c = c;
    x->rq = rq;
    x->rs = rs;
    x->last_change_ms = c->clock->now_ms(c->clock->ud);
    x->last_seen = -1;

    if (rq->with_auth && !c->allow_insecure_http && ltx__url_is_plain_remote(rq->url)) {
        /* the key would cross the network in clear text: nothing leaves this machine */
        free(x);
        rs->transport_status = LTX_EINVAL;
        snprintf(rs->transport_message, sizeof(rs->transport_message), "%s",
                 "refusing to send the API key over plain http:// to a host that is not this "
                 "machine; use https://, or ltx_client_allow_insecure_http() if you must");
        return LTX_EINVAL;
    }
    if (!(x->h = ltx__http_pool_take(c->http, c, &x->m, &x->stamp, &configured))) {
        free(x);
        rs->transport_status = LTX_ENOMEM;
        return LTX_ENOMEM;
    }
    rc = set_options(x->h, c, rq, x, configured);
    if (rc == LTX_OK && curl_easy_setopt(x->h, CURLOPT_PRIVATE, x) != CURLE_OK)
        rc = LTX_EINVAL;
    if (rc != LTX_OK) {
        rs->transport_status = rc;
        snprintf(rs->transport_message, sizeof(rs->transport_message), "%s",
                 rc == LTX_ENOMEM ? "out of memory"
                 : rc == LTX_EIO  ? "cannot rewind the file to send"
                                  : "libcurl rejected an option");
        curl_slist_free_all(x->headers);
        curl_easy_cleanup(x->h);
        if (x->m)
            curl_multi_cleanup(x->m);
        free(x);
        return rc;
    }
    *out = x;
    return LTX_OK;
}

int ltx__http_end(ltx_http_xfer *x, int curl_code)
{
    CURLcode cc = (CURLcode)curl_code;
    ltx_client *c = x->c;
    ltx_http_resp *rs = x->rs;
    CURL *h = x->h;
    long request_size = 0;
    int rc;

    {
        long status = 0;

        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status)
            rs->http_status = (int)status;
    }
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
    rs->request_sent = !failed_before_sending(cc) && (request_size > 0 || rs->http_status);
    rs->transport_status = transport_class(cc, x->errbuf, rs->http_status != 0 && !x->decided);
    if (rs->transport_status == LTX_EHEADER && !x->errbuf[0])
        snprintf(x->errbuf, sizeof(x->errbuf), "%s", "the response headers exceed libcurl's limit");
    /* Bytes of the body left once: whatever libcurl did next (a new connection that failed
     * before its rewind, or a rewind refused), the server may have read the request. */
    if (x->body_pos > 0 && cc != CURLE_OK)
        rs->request_sent = 1;
    if (x->resend_refused && cc != CURLE_OK) {
        rs->transport_status = LTX_ENETWORK;
        snprintf(x->errbuf, sizeof(x->errbuf),
                 "the request was sent, and the exchange ended before any answer");
    }
    if (cc == CURLE_WRITE_ERROR && rs->sink_status)
        rs->transport_status = rs->sink_status;
    if (cc == CURLE_WRITE_ERROR && rs->cancelled)
        rs->transport_status = LTX_ECANCELLED;
    if (x->cancel_hit) {
        rs->transport_status = LTX_ECANCELLED;
        rs->cancelled = rs->cancel_hit = 1;
        snprintf(rs->transport_message, sizeof(rs->transport_message),
                 "cancelled through its cancel handle");
    } else if (x->stalled || x->past_deadline) {
        rs->transport_status = LTX_ETIMEDOUT;
        snprintf(rs->transport_message, sizeof(rs->transport_message),
                 x->stalled ? "no data received for %u ms" : "the call's deadline passed",
                 c->stall_timeout_ms);
    } else if (cc != CURLE_OK) {
        snprintf(rs->transport_message, sizeof(rs->transport_message), "%s",
                 x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
    }
    if (x->headers) { /* its own list: gone with the exchange (a cached one stays) */
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(x->headers);
    }
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
    ltx__http_pool_give_back(c->http, h, x->m, x->stamp);
    rc = rs->transport_status;
    free(x);
    return rc;
}

void ltx__http_req_api(ltx_http_req *rq, const char *method, const char *url,
                       const char *json_body, uint64_t deadline)
{
    memset(rq, 0, sizeof(*rq));
    rq->method = method;
    rq->url = url;
    rq->with_auth = 1;
    rq->deadline = deadline;
    if (json_body) {
        rq->content_type = "application/json";
        rq->body = json_body;
        rq->body_len = strlen(json_body);
    }
}

static CURLcode multi_code(CURLMcode mc)
{
    return mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
}

/*
 * curl_easy_perform() with the request's cancel handle in the wait: the same loop of
 * curl_multi_perform() and curl_multi_poll(), whose poll also watches the handle's descriptor,
 * so that a trigger ends the exchange at once wherever it is (resolving, connecting, sending,
 * waiting for an answer), rather than at the next progress callback.
 */
static CURLcode perform_watched(xfer *x)
{
    int fd = ltx__cancel_fd(x->rq->cancel);
    struct curl_waitfd wfd = {fd, CURL_WAIT_POLLIN, 0};
    CURLcode result = CURLE_OK;
    CURLMcode mc;

    if (ltx_cancel_triggered(x->rq->cancel)) {
        x->cancel_hit = 1;
        return CURLE_ABORTED_BY_CALLBACK;
    }
    if (!x->m && !(x->m = curl_multi_init()))
        return CURLE_OUT_OF_MEMORY;
    if ((mc = curl_multi_add_handle(x->m, x->h)) != CURLM_OK)
        return multi_code(mc);
    for (;;) {
        int running = 0, done = 0, left;
        CURLMsg *msg;

        if ((mc = curl_multi_perform(x->m, &running)) != CURLM_OK) {
            result = multi_code(mc);
            break;
        }
        while ((msg = curl_multi_info_read(x->m, &left)))
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == x->h) {
                result = msg->data.result;
                done = 1;
            }
        if (done)
            break;
        if (x->cancel_hit || ltx_cancel_triggered(x->rq->cancel)) {
            x->cancel_hit = 1;
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (!running) { /* ended without a message: cannot happen */
            result = CURLE_FAILED_INIT;
            break;
        }
        mc = curl_multi_poll(x->m, fd >= 0 ? &wfd : NULL, fd >= 0 ? 1u : 0u, 1000, NULL);
        if (mc != CURLM_OK) {
            result = multi_code(mc);
            break;
        }
    }
    curl_multi_remove_handle(x->m, x->h);
    return result;
}

int ltx__http_perform(ltx_client *c, const ltx_http_req *rq, ltx_http_resp *rs)
{
    ltx_http_xfer *x;
    int rc;

    if (ltx_cancel_triggered(rq->cancel)) {
        /* nothing leaves once the handle is triggered */
        memset(rs, 0, sizeof(*rs));
        rs->content_length = -1;
        rs->transport_status = LTX_ECANCELLED;
        rs->cancelled = rs->cancel_hit = 1;
        snprintf(rs->transport_message, sizeof(rs->transport_message),
                 "cancelled through its cancel handle");
        return LTX_ECANCELLED;
    }
    if ((rc = ltx__http_begin(c, rq, rs, &x)) != LTX_OK)
        return rc;
    return ltx__http_end(x, (int)perform_watched(x));
}

void ltx__http_resp_free(ltx_http_resp *rs)
{
    free(rs->request_id);
    free(rs->retry_after);
    free(rs->content_type);
    free(rs->content_range);
    free(rs->location);
    ltx__buf_free(&rs->body);
    memset(rs, 0, sizeof(*rs));
}
