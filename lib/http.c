/* lib/http.c — the libcurl transport: exchanges, one at a time or many on a multi handle; no retries. */
#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Idle easy handles a client keeps for reuse. Each keeps its live connection between transfers
 * (curl_easy_reset() does not close it), so this pool is what reuses connections: it holds at
 * least as many handles as threads are expected to share one client. */
#define POOL_IDLE_MAX 64
#define SINK_BUFFER_BYTES (128L * 1024L) /* receive buffer for transfers into a sink */
#define PROGRESS_EVERY_BYTES (256u * 1024u)

/* The client's transport settings a configured handle carries (set once, not per request). */
typedef struct {
    char *user_agent, *proxy, *ca_file, *ca_path;
    uint32_t connect_timeout_ms;
} transport_settings;

/* The header lists of the API's requests, built once: [with auth][JSON body]. */
typedef struct {
    const char *auth; /* the client's Authorization line they were built with */
    struct curl_slist *lists[2][2];
} header_cache;

struct ltx_http_pool {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t idle_lock;
    CURL *idle[POOL_IDLE_MAX];
    CURLM *idle_multi[POOL_IDLE_MAX]; /* each handle's own multi handle, or NULL */
    unsigned idle_stamp[POOL_IDLE_MAX]; /* the settings generation it carries; 0: none */
    size_t n_idle;
    /* guarded by idle_lock: */
    unsigned generation;       /* of the settings below; a change makes handles start over */
    transport_settings settings;
    header_cache headers;
};

static int global_flags;

int ltx__http_global_init(unsigned flags)
{
    global_flags = (int)flags;
    if (flags & LTX_GLOBAL_NO_CURL_INIT)
        return LTX_OK;
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? LTX_OK : LTX_EINIT;
}

void ltx__http_global_cleanup(void)
{
    if (!(global_flags & LTX_GLOBAL_NO_CURL_INIT))
        curl_global_cleanup();
}

static char curl_version_text[48];
static pthread_once_t curl_version_once = PTHREAD_ONCE_INIT;

static void fill_curl_version(void)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

    snprintf(curl_version_text, sizeof(curl_version_text), "libcurl/%s",
             v && v->version ? v->version : "unknown");
}

const char *ltx__http_curl_version(void)
{
    pthread_once(&curl_version_once, fill_curl_version);
    return curl_version_text;
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
    struct ltx_http_pool *pool = ud;

    (void)h;
    (void)access;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&pool->locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
    struct ltx_http_pool *pool = ud;

    (void)h;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&pool->locks[data]);
}

struct ltx_http_pool *ltx__http_pool_new(void)
{
    struct ltx_http_pool *pool = calloc(1, sizeof(*pool));

    if (!pool)
        return NULL;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&pool->locks[i], NULL);
    pthread_mutex_init(&pool->idle_lock, NULL);
    pool->share = curl_share_init();
    if (!pool->share) {
        ltx__http_pool_free(pool);
        return NULL;
    }
    curl_share_setopt(pool->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(pool->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(pool->share, CURLSHOPT_USERDATA, pool);
    curl_share_setopt(pool->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(pool->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    /* Not CURL_LOCK_DATA_CONNECT: libcurl does not support a connection cache shared by
     * concurrent threads (CURLSHOPT_SHARE(3); helgrind sees the races). Connections live in
     * the pooled handles instead, and in a batch's multi handle while it runs. */
    return pool;
}

static void settings_free(transport_settings *t)
{
    free(t->user_agent);
    free(t->proxy);
    free(t->ca_file);
    free(t->ca_path);
    memset(t, 0, sizeof(*t));
}

static void headers_free(header_cache *hc)
{
    for (int a = 0; a < 2; a++)
        for (int j = 0; j < 2; j++) {
            curl_slist_free_all(hc->lists[a][j]);
            hc->lists[a][j] = NULL;
        }
    hc->auth = NULL;
}

void ltx__http_pool_free(struct ltx_http_pool *pool)
{
    if (!pool)
        return;
    settings_free(&pool->settings);
    headers_free(&pool->headers);
    for (size_t i = 0; i < pool->n_idle; i++) {
        curl_easy_cleanup(pool->idle[i]);
        if (pool->idle_multi[i])
            curl_multi_cleanup(pool->idle_multi[i]);
    }
    if (pool->share)
        curl_share_cleanup(pool->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&pool->locks[i]);
    pthread_mutex_destroy(&pool->idle_lock);
    free(pool);
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int replace_copy(char **slot, const char *value)
{
    char *copy = value ? strdup(value) : NULL;

    if (value && !copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

/* The generation of the client's transport settings (under idle_lock): a new one when they
 * changed since the last request, 0 when they cannot be remembered (no memory). */
static unsigned settings_generation(struct ltx_http_pool *pool, const ltx_client *c)
{
    transport_settings *t = &pool->settings;

    if (pool->generation && same_text(t->user_agent, c->user_agent) &&
        same_text(t->proxy, c->proxy) && same_text(t->ca_file, c->ca_file) &&
        same_text(t->ca_path, c->ca_path) && t->connect_timeout_ms == c->connect_timeout_ms)
        return pool->generation;
    if (replace_copy(&t->user_agent, c->user_agent) || replace_copy(&t->proxy, c->proxy) ||
        replace_copy(&t->ca_file, c->ca_file) || replace_copy(&t->ca_path, c->ca_path)) {
        settings_free(t);
        pool->generation = 0;
        return 0;
    }
    t->connect_timeout_ms = c->connect_timeout_ms;
    if (++pool->generation == 0) /* 0 means "none" */
        pool->generation = 1;
    return pool->generation;
}

/*
 * An idle handle with the multi handle it runs on alone (*m may be NULL: made when needed). A
 * transfer's connection stays in the cache of the multi handle that ran it, so the two travel
 * together. *configured: the handle already carries the client's settings (and nothing of its
 * last request that this one would not set again); otherwise it is new or was reset, and
 * *stamp is the generation to configure it for.
 */
static CURL *pool_take(struct ltx_http_pool *pool, const ltx_client *c, CURLM **m,
                       unsigned *stamp, int *configured)
{
    CURL *h = NULL;
    unsigned had = 0;

    *m = NULL;
    pthread_mutex_lock(&pool->idle_lock);
    *stamp = settings_generation(pool, c);
    if (pool->n_idle) {
        h = pool->idle[--pool->n_idle];
        *m = pool->idle_multi[pool->n_idle];
        had = pool->idle_stamp[pool->n_idle];
    }
    pthread_mutex_unlock(&pool->idle_lock);
    *configured = h && had && had == *stamp;
    if (h && !*configured)
        curl_easy_reset(h);
    else if (!h)
        h = curl_easy_init();
    return h;
}

/* stamp: the settings generation h carries, 0 when it must start over before its next use. */
static void pool_give_back(struct ltx_http_pool *pool, CURL *h, CURLM *m, unsigned stamp)
{
    pthread_mutex_lock(&pool->idle_lock);
    if (pool->n_idle < POOL_IDLE_MAX) {
        pool->idle_multi[pool->n_idle] = m;
        pool->idle_stamp[pool->n_idle] = stamp;
        pool->idle[pool->n_idle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&pool->idle_lock);
    if (h) {
        curl_easy_cleanup(h);
        if (m)
            curl_multi_cleanup(m);
    }
}

char *ltx__url_for_log(const char *url)
{
    size_t n = strcspn(url ? url : "", "?#");

    return ltx__strndup(url ? url : "", n);
}

/* One exchange in progress: the easy handle and everything its callbacks need. */
struct ltx_http_xfer {
    ltx_client *c;
    const ltx_http_req *rq;
    ltx_http_resp *rs;
    CURL *h;
    CURLM *m;               /* h's own multi handle (ltx__http_perform), or NULL */
    struct curl_slist *headers; /* this exchange's own list, or NULL (a cached one is used) */
    unsigned stamp;         /* the settings generation h carries; 0 after a request whose
                               options the next one would not all set again */
    void *owner;            /* the multi interface's caller's pointer */
    int cancel_hit;         /* the request's cancel handle was triggered */
    int streaming;          /* this answer's body goes to the sink */
    int decided;
    int stalled;
    int past_deadline;
    uint64_t last_change_ms;
    curl_off_t last_seen;
    uint64_t reported;
    size_t body_pos;        /* bytes of an in-memory body handed to libcurl so far */
    int resend_refused;     /* libcurl wanted to send the body again; it may not */
    char errbuf[CURL_ERROR_SIZE];
    char range[32];
};

typedef struct ltx_http_xfer xfer;

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

    cc |= curl_easy_setopt(h, CURLOPT_SHARE, c->http->share);
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

/* A header list: Authorization when asked, the body's type, no 100-continue, the extras. */
static struct curl_slist *header_list(const ltx_client *c, const ltx_http_req *rq)
{
    struct curl_slist *list = NULL, *tmp;
    char line[128];

#define ADD_HEADER(text)                                                                           \
    do {                                                                                           \
        if (!(tmp = curl_slist_append(list, (text))))                                             \
            goto oom;                                                                              \
        list = tmp;                                                                                \
    } while (0)

    if (rq->with_auth)
        ADD_HEADER(c->auth_header);
    if (rq->content_type) {
        snprintf(line, sizeof(line), "Content-Type: %s", rq->content_type);
        ADD_HEADER(line);
    }
    ADD_HEADER("Expect:"); /* no 100-continue round trip for small JSON bodies */
    for (const char *const *hdr = rq->headers; hdr && *hdr; hdr++)
        ADD_HEADER(*hdr);
#undef ADD_HEADER
    return list;
oom:
    curl_slist_free_all(list);
    return NULL;
}

/* The request's header list: one of the client's, built once, for the API's requests (JSON or
 * no body, no extra headers); otherwise a list of its own in *own. NULL when out of memory. */
static struct curl_slist *headers_for(ltx_client *c, const ltx_http_req *rq,
                                      struct curl_slist **own)
{
    struct ltx_http_pool *pool = c->http;
    int json = rq->content_type && strcmp(rq->content_type, "application/json") == 0;
    struct curl_slist *list;

    *own = NULL;
    if (rq->headers || (rq->content_type && !json))
        return *own = header_list(c, rq);
    pthread_mutex_lock(&pool->idle_lock);
    if (pool->headers.auth != c->auth_header)
        headers_free(&pool->headers); /* never in use: the key is set once, at creation */
    pool->headers.auth = c->auth_header;
    if (!(list = pool->headers.lists[rq->with_auth != 0][json]))
        list = pool->headers.lists[rq->with_auth != 0][json] = header_list(c, rq);
    pthread_mutex_unlock(&pool->idle_lock);
    return list;
}

/* What this request sets: everything a request before it on the same handle may have set
 * differently, so that the handle need not start over. PUT and Range leave options behind
 * that the next request would not set: such a handle is reset before its next use. */
static int set_request_options(CURL *h, ltx_client *c, const ltx_http_req *rq, xfer *x)
{
    uint64_t now = c->clock->now_ms(c->clock->ud);
    struct curl_slist *list = headers_for(c, rq, &x->headers);
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
    if (!(x->h = pool_take(c->http, c, &x->m, &x->stamp, &configured))) {
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
    pool_give_back(c->http, h, x->m, x->stamp);
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

/* ---------------------------------------------------------------- many exchanges at once */

struct ltx_http_multi {
    CURLM *m;
    ltx_http_socket_fn socket_fn;
    void *socket_ud;
};

/* libcurl's CURLMOPT_SOCKETFUNCTION, in libltx's terms (LTX_POLL_* equal CURL_POLL_*). */
static int on_multi_socket(CURL *e, curl_socket_t s, int what, void *ud, void *socketp)
{
    struct ltx_http_multi *mh = ud;
    int events = what == CURL_POLL_REMOVE ? LTX_POLL_REMOVE
                 : (what & CURL_POLL_IN ? LTX_POLL_IN : 0) | (what & CURL_POLL_OUT ? LTX_POLL_OUT : 0);

    (void)e;
    (void)socketp;
    mh->socket_fn((int)s, events, mh->socket_ud);
    return 0;
}

struct ltx_http_multi *ltx__http_multi_new(unsigned max_idle, ltx_http_socket_fn fn, void *ud)
{
    struct ltx_http_multi *mh = calloc(1, sizeof(*mh));

    if (mh && !(mh->m = curl_multi_init())) {
        free(mh);
        return NULL;
    }
    if (!mh)
        return NULL;
    mh->socket_fn = fn;
    mh->socket_ud = ud;
    /* libcurl sizes the cache by the transfers running, so connections close as a run thins
     * out; keep enough for the next wave */
    curl_multi_setopt(mh->m, CURLMOPT_MAXCONNECTS, (long)max_idle);
    curl_multi_setopt(mh->m, CURLMOPT_SOCKETFUNCTION, on_multi_socket);
    curl_multi_setopt(mh->m, CURLMOPT_SOCKETDATA, mh);
    return mh;
}

void ltx__http_multi_free(struct ltx_http_multi *mh)
{
    if (!mh)
        return;
    curl_multi_cleanup(mh->m);
    free(mh);
}

int ltx__http_multi_add(struct ltx_http_multi *mh, ltx_http_xfer *x, void *owner)
{
    CURLMcode mc;

    x->owner = owner;
    if ((mc = curl_multi_add_handle(mh->m, x->h)) == CURLM_OK)
        return LTX_OK;
    snprintf(x->errbuf, sizeof(x->errbuf), "%s", curl_multi_strerror(mc));
    ltx__http_end(x, mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT);
    return mc == CURLM_OUT_OF_MEMORY ? LTX_ENOMEM : LTX_ENETWORK;
}

void ltx__http_multi_abandon(struct ltx_http_multi *mh, ltx_http_xfer *x)
{
    curl_multi_remove_handle(mh->m, x->h);
    x->cancel_hit = 1;
    ltx__http_end(x, CURLE_ABORTED_BY_CALLBACK);
}

int ltx__http_multi_action(struct ltx_http_multi *mh, int fd, int events)
{
    int running = 0, mask = (events & LTX_POLL_IN ? CURL_CSELECT_IN : 0) |
                            (events & LTX_POLL_OUT ? CURL_CSELECT_OUT : 0) |
                            (events & LTX_POLL_ERR ? CURL_CSELECT_ERR : 0);
    CURLMcode mc = curl_multi_socket_action(mh->m, fd < 0 ? CURL_SOCKET_TIMEOUT : fd,
                                            fd < 0 ? 0 : mask, &running);

    return mc == CURLM_OK ? LTX_OK : mc == CURLM_OUT_OF_MEMORY ? LTX_ENOMEM : LTX_ENETWORK;
}

long ltx__http_multi_timeout(struct ltx_http_multi *mh)
{
    long ms = -1;

    if (curl_multi_timeout(mh->m, &ms) != CURLM_OK)
        return 0;
    return ms;
}

void *ltx__http_multi_next_done(struct ltx_http_multi *mh)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(mh->m, &left))) {
        xfer *x = NULL;
        void *owner;
        CURLcode cc = msg->data.result;
        CURL *h = msg->easy_handle;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(mh->m, h);
        if (!x)
            continue;
        owner = x->owner;
        ltx__http_end(x, (int)cc);
        return owner;
    }
    return NULL;
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
