/* lib/http_pool.c — the transport's shared state per client: libcurl's global init, the
 * share handle (DNS, TLS sessions), the idle easy handles that carry connections and the
 * client's settings from one request to the next, and the header lists built once. */
#define _POSIX_C_SOURCE 200809L
#include "client_int.h"
#include "http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Idle easy handles a client keeps for reuse. Each keeps its live connection between transfers
 * (curl_easy_reset() does not close it), so this pool is what reuses connections: it holds at
 * least as many handles as threads are expected to share one client. */
#define POOL_IDLE_MAX 64

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
    CURLM *idle_multi[POOL_IDLE_MAX];   /* each handle's own multi handle, or NULL */
    unsigned idle_stamp[POOL_IDLE_MAX]; /* the settings generation it carries; 0: none */
    size_t n_idle;
    /* guarded by idle_lock: */
    unsigned generation; /* of the settings below; a change makes handles start over */
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

CURLSH *ltx__http_pool_share(const struct ltx_http_pool *pool)
{
    return pool->share;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* gcc 12's -fanalyzer loses the copy once it is stored in *slot, which the pool frees: a
 * false "leak" report, silenced here only. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int replace_copy(char **slot, const char *value)
{
    char *copy = value ? strdup(value) : NULL;

    if (value && !copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic pop
#endif

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
CURL *ltx__http_pool_take(struct ltx_http_pool *pool, const ltx_client *c, CURLM **m,
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
void ltx__http_pool_give_back(struct ltx_http_pool *pool, CURL *h, CURLM *m, unsigned stamp)
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

/* A header list: Authorization when asked, the body's type, no 100-continue, the extras. */
static struct curl_slist *header_list(const ltx_client *c, const ltx_http_req *rq)
{
    struct curl_slist *list = NULL, *tmp;
    char line[128];

#define ADD_HEADER(text)                                                                           \
    do {                                                                                           \
        if (!(tmp = curl_slist_append(list, (text))))                                              \
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
struct curl_slist *ltx__http_headers_for(ltx_client *c, const ltx_http_req *rq,
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
