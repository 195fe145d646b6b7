/* lib/client.c — the client handle: credentials, host, limits, retry settings and logging. */
#define _POSIX_C_SOURCE 200809L
#include "http.h"
#include "schedule.h"
#include "redact.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int build_user_agent(ltx_client *c)
{
    char *ua;

    if (c->ua_suffix)
        ua = ltx__printf("libltx/%s %s %s", LTX_VERSION, ltx__http_curl_version(), c->ua_suffix);
    else
        ua = ltx__printf("libltx/%s %s", LTX_VERSION, ltx__http_curl_version());
    if (!ua)
        return LTX_ENOMEM;
    free(c->user_agent);
    c->user_agent = ua;
    return LTX_OK;
}

/* A key goes into a header line: refuse anything that could split or forge headers. */
static int key_is_sane(const char *key)
{
    if (!key || !*key)
        return 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return 0;
    return 1;
}

static int set_key(ltx_client *c, const char *key)
{
    char *copy = ltx__strdup(key);
    char *header = ltx__printf("Authorization: Bearer %s", key);

    if (!copy || !header) {
        ltx__free_secret(copy);
        ltx__free_secret(header);
        return LTX_ENOMEM;
    }
    ltx__free_secret(c->api_key);
    ltx__free_secret(c->auth_header);
    c->api_key = copy;
    c->auth_header = header;
    return LTX_OK;
}

static void client_destroy(ltx_client *c)
{
    ltx__http_pool_free(c->http);
    ltx__poll_book_free(c->poll_book);
    ltx__free_secret(c->api_key);
    ltx__free_secret(c->auth_header);
    free(c->base_url);
    free(c->user_agent);
    free(c->ua_suffix);
    free(c->proxy);
    free(c->ca_file);
    free(c->ca_path);
    ltx_error_free(c->last_error);
    pthread_mutex_destroy(&c->ref_lock);
    free(c);
}

LTX_API void ltx_client_free(ltx_client *c)
{
    unsigned left;

    if (!c)
        return;
    pthread_mutex_lock(&c->ref_lock);
    left = --c->refs;
    pthread_mutex_unlock(&c->ref_lock);
    if (!left)
        client_destroy(c);
}

LTX_API int ltx_client_new(ltx_client **out, const char *api_key, ltx_error **err)
{
    ltx_client *c;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_client_new: out is NULL");
    *out = NULL;
    if (!ltx__global_ready())
        return ltx__fail(err, LTX_EINIT, "call ltx_global_init() before creating a client");
    if (!key_is_sane(api_key))
        return ltx__fail(err, LTX_EINVAL,
                         "the API key is empty or contains spaces or control characters");
    c = calloc(1, sizeof(*c));
    if (!c)
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    pthread_mutex_init(&c->ref_lock, NULL);
    c->refs = 1;
    c->connect_timeout_ms = LTX_DEFAULT_CONNECT_TIMEOUT_MS;
    c->stall_timeout_ms = LTX_DEFAULT_STALL_TIMEOUT_MS;
    c->deadline_ms = LTX_DEFAULT_DEADLINE_MS;
    c->poll_interval_ms = LTX_DEFAULT_POLL_INTERVAL_MS;
    c->retry.max_retries = LTX_DEFAULT_MAX_RETRIES;
    c->retry.base_ms = LTX_DEFAULT_RETRY_BASE_MS;
    c->retry.cap_ms = LTX_DEFAULT_RETRY_CAP_MS;
    c->retry.retry_after_cap_ms = LTX_DEFAULT_RETRY_AFTER_CAP_MS;
    c->retry.retry_unknown_outcome = 1;
    c->clock = ltx__system_clock();
    rc = set_key(c, api_key);
    if (rc == LTX_OK)
        rc = ltx__set_string(&c->base_url, LTX_DEFAULT_BASE_URL);
    if (rc == LTX_OK)
        rc = build_user_agent(c);
    if (rc == LTX_OK && !(c->http = ltx__http_pool_new()))
        rc = LTX_ENOMEM;
    if (rc == LTX_OK && !(c->poll_book = ltx__poll_book_new()))
        rc = LTX_ENOMEM;
    if (rc != LTX_OK) {
        client_destroy(c); /* never handed out: no reference to count */
        return ltx__fail(err, rc, "out of memory");
    }
    *out = c;
    return LTX_OK;
}

static void stderr_log(int level, const char *line, void *ud)
{
    (void)level;
    (void)ud;
    fprintf(stderr, "libltx: %s\n", line);
}

static int log_level_from_name(const char *name)
{
    static const struct {
        const char *name;
        int level;
    } levels[] = {{"error", LTX_LOG_ERROR}, {"warn", LTX_LOG_WARN}, {"warning", LTX_LOG_WARN},
                  {"info", LTX_LOG_INFO},   {"debug", LTX_LOG_DEBUG}};

    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strcasecmp(name, levels[i].name) == 0)
            return levels[i].level;
    return 0;
}

LTX_API int ltx_client_new_from_env(ltx_client **out, ltx_error **err)
{
    const char *key = getenv("LTX_API_KEY");
    const char *base = getenv("LTX_BASE_URL");
    const char *log = getenv("LTX_LOG");
    int rc;

    LTX_ERR_ENTRY(err);
    if (!key || !*key)
        key = getenv("LTXV_API_KEY");
    if (!key || !*key) {
        if (out)
            *out = NULL;
        return ltx__fail(err, LTX_EINVAL, "no API key: set LTX_API_KEY (or LTXV_API_KEY)");
    }
    rc = ltx_client_new(out, key, err);
    if (rc != LTX_OK)
        return rc;
    if (base && *base && (rc = ltx_client_set_base_url(*out, base)) != LTX_OK) {
        ltx_client_free(*out);
        *out = NULL;
        return ltx__fail(err, rc, "LTX_BASE_URL is not an http:// or https:// URL");
    }
    if (log && *log && log_level_from_name(log))
        ltx_client_set_log(*out, log_level_from_name(log), stderr_log, NULL);
    return LTX_OK;
}

void ltx__client_ref(ltx_client *c)
{
    pthread_mutex_lock(&c->ref_lock);
    c->refs++;
    pthread_mutex_unlock(&c->ref_lock);
}


LTX_API int ltx_client_set_base_url(ltx_client *c, const char *url)
{
    size_t n;
    char *copy;

    if (!c)
        return LTX_EINVAL;
    if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
        return ltx__refuse(&c->last_error, LTX_EINVAL, "base_url",
                           "base_url: \"%.80s\" is not an http:// or https:// URL",
                           url ? url : "(null)");
    n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    /* a scheme alone names no host */
    if (n <= strlen(strncmp(url, "https://", 8) == 0 ? "https://" : "http://") ||
        url[strcspn(url, "://") + 3] == '/')
        return ltx__refuse(&c->last_error, LTX_EINVAL, "base_url",
                           "base_url: \"%.80s\" names no host", url);
    if (!(copy = ltx__strndup(url, n)))
        return LTX_ENOMEM;
    free(c->base_url);
    c->base_url = copy;
    return ltx__accept(&c->last_error);
}

LTX_API int ltx_client_allow_insecure_http(ltx_client *c, int allow)
{
    if (!c)
        return LTX_EINVAL;
    c->allow_insecure_http = allow != 0;
    return ltx__accept(&c->last_error);
}

int ltx__url_is_plain_remote(const char *url)
{
    char host[256];
    const char *p, *end;
    size_t n;

    if (!url || strncasecmp(url, "http://", 7) != 0)
        return 0;
    p = url + 7;
    end = p + strcspn(p, "/?#");
    for (const char *at = p; at < end; at++) /* skip any user:password@ */
        if (*at == '@')
            p = at + 1;
    if (*p == '[') { /* [::1]:port */
        const char *close = memchr(p, ']', (size_t)(end - p));

        if (!close)
            return 1;
        p++;
        n = (size_t)(close - p);
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));

        n = (size_t)((colon ? colon : end) - p);
    }
    if (n == 0 || n >= sizeof(host))
        return 1;
    memcpy(host, p, n);
    host[n] = '\0';
    if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
        return 0;
    {
        struct in_addr a4;
        struct in6_addr a6;

        if (inet_pton(AF_INET, host, &a4) == 1)
            return (ntohl(a4.s_addr) >> 24) != 127;
        if (inet_pton(AF_INET6, host, &a6) == 1)
            return !IN6_IS_ADDR_LOOPBACK(&a6);
    }
    return 1;
}

static int set_ms(ltx_client *c, uint32_t *slot, const char *field, uint32_t ms)
{
    if (!c)
        return LTX_EINVAL;
    if (ms == 0)
        return ltx__refuse(&c->last_error, LTX_EINVAL, field,
                           "%s: 0 is not a time limit (use LTX_NO_LIMIT for none)", field);
    *slot = ms;
    return ltx__accept(&c->last_error);
}

LTX_API int ltx_client_set_connect_timeout_ms(ltx_client *c, uint32_t ms)
{
    return set_ms(c, c ? &c->connect_timeout_ms : NULL, "connect_timeout_ms", ms);
}

LTX_API int ltx_client_set_stall_timeout_ms(ltx_client *c, uint32_t ms)
{
    return set_ms(c, c ? &c->stall_timeout_ms : NULL, "stall_timeout_ms", ms);
}

LTX_API int ltx_client_set_deadline_ms(ltx_client *c, uint32_t ms)
{
    return set_ms(c, c ? &c->deadline_ms : NULL, "deadline_ms", ms);
}

LTX_API int ltx_client_set_poll_interval_ms(ltx_client *c, uint32_t ms)
{
    if (c && ms == LTX_NO_LIMIT)
        return ltx__refuse(&c->last_error, LTX_EINVAL, "poll_interval_ms",
                           "poll_interval_ms: LTX_NO_LIMIT would never poll");
    return set_ms(c, c ? &c->poll_interval_ms : NULL, "poll_interval_ms", ms);
}

LTX_API int ltx_client_set_retry(ltx_client *c, unsigned max_retries, uint32_t base_ms,
                                 uint32_t cap_ms)
{
    if (!c)
        return LTX_EINVAL;
    if (base_ms == 0 || cap_ms < base_ms || cap_ms == LTX_NO_LIMIT)
        return ltx__refuse(&c->last_error, LTX_EINVAL, "retry",
                           "retry: base %u ms and cap %u ms need 0 < base <= cap < LTX_NO_LIMIT",
                           (unsigned)base_ms, (unsigned)cap_ms);
    c->retry.max_retries = max_retries;
    c->retry.base_ms = base_ms;
    c->retry.cap_ms = cap_ms;
    return ltx__accept(&c->last_error);
}

LTX_API int ltx_client_set_retry_unknown_outcome(ltx_client *c, int allow)
{
    if (!c)
        return LTX_EINVAL;
    c->retry.retry_unknown_outcome = allow != 0;
    return ltx__accept(&c->last_error);
}

LTX_API const ltx_error *ltx_client_last_error(const ltx_client *c)
{
    return c ? c->last_error : NULL;
}

LTX_API int ltx_client_set_user_agent_suffix(ltx_client *c, const char *suffix)
{
    int rc;

    if (!c)
        return LTX_EINVAL;
    if (suffix)
        for (const char *p = suffix; *p; p++)
            if ((unsigned char)*p < 0x20)
                return ltx__refuse(&c->last_error, LTX_EINVAL, "user_agent_suffix",
                                   "user_agent_suffix: control characters are not allowed in "
                                   "a header");
    if ((rc = ltx__set_string(&c->ua_suffix, suffix && *suffix ? suffix : NULL)) != LTX_OK)
        return rc;
    if ((rc = build_user_agent(c)) != LTX_OK)
        return rc;
    return ltx__accept(&c->last_error);
}

LTX_API const char *ltx_client_user_agent(const ltx_client *c)
{
    return c ? c->user_agent : NULL;
}

static int set_client_string(ltx_client *c, char **slot, const char *value)
{
    int rc;

    if (!c)
        return LTX_EINVAL;
    if ((rc = ltx__set_string(slot, value)) != LTX_OK)
        return rc;
    return ltx__accept(&c->last_error);
}

LTX_API int ltx_client_set_proxy(ltx_client *c, const char *proxy_url)
{
    return set_client_string(c, c ? &c->proxy : NULL, proxy_url);
}

LTX_API int ltx_client_set_ca_file(ltx_client *c, const char *path)
{
    return set_client_string(c, c ? &c->ca_file : NULL, path);
}

LTX_API int ltx_client_set_ca_path(ltx_client *c, const char *dir)
{
    return set_client_string(c, c ? &c->ca_path : NULL, dir);
}

LTX_API int ltx_client_set_log(ltx_client *c, int level, ltx_log_fn fn, void *userdata)
{
    if (!c)
        return LTX_EINVAL;
    if (fn && (level < LTX_LOG_ERROR || level > LTX_LOG_DEBUG))
        return ltx__refuse(&c->last_error, LTX_EINVAL, "log_level",
                           "log_level: %d is not one of LTX_LOG_ERROR (1) to LTX_LOG_DEBUG (4)",
                           level);
    c->log_level = fn ? level : 0;
    c->log_fn = fn;
    c->log_ud = userdata;
    return ltx__accept(&c->last_error);
}

void ltx__log(const ltx_client *c, int level, const char *fmt, ...)
{
    va_list ap;
    char *line;

    if (!c->log_fn || level > c->log_level)
        return;
    va_start(ap, fmt);
    line = ltx__vprintf(fmt, ap);
    va_end(ap);
    if (line) { /* URLs' userinfo and queries, and Authorization values, never reach a log */
        char *clean = ltx__redact(line, NULL, LTX_REDACT_ALL);

        free(line);
        line = clean;
    }
    if (!line)
        return;
    /* belt and braces: a line that somehow carries the key is never handed out, and the
     * replacement says so, so that the tests can catch the code path that formatted it */
    if (c->api_key && strstr(line, c->api_key))
        c->log_fn(LTX_LOG_ERROR, LTX_LOG_WITHHELD, c->log_ud);
    else
        c->log_fn(level, line, c->log_ud);
    free(line);
}

void ltx__client_set_clock(ltx_client *c, const ltx_clock *clock)
{
    c->clock = clock ? clock : ltx__system_clock();
}

const ltx_retry_policy *ltx__policy_for(const ltx_client *c, const ltx_request *req,
                                        ltx_retry_policy *buf)
{
    if (!req || (!req->has_retry && req->retry_unknown_outcome < 0))
        return &c->retry;
    *buf = c->retry;
    if (req->has_retry) {
        buf->max_retries = req->max_retries;
        buf->base_ms = req->retry_base_ms;
        buf->cap_ms = req->retry_cap_ms;
    }
    if (req->retry_unknown_outcome >= 0)
        buf->retry_unknown_outcome = req->retry_unknown_outcome;
    return buf;
}

uint64_t ltx__deadline_for(const ltx_client *c, const ltx_request *req)
{
    if (!req || !req->deadline_ms)
        return ltx__deadline_from_now(c);
    if (req->deadline_ms == LTX_NO_LIMIT)
        return UINT64_MAX;
    return c->clock->now_ms(c->clock->ud) + req->deadline_ms;
}

uint64_t ltx__deadline_from_now(const ltx_client *c)
{
    if (c->deadline_ms == LTX_NO_LIMIT)
        return UINT64_MAX;
    return c->clock->now_ms(c->clock->ud) + c->deadline_ms;
}

LTX_API int ltx_client_set_attempt_hook(ltx_client *c, ltx_attempt_fn fn, void *userdata)
{
    if (!c)
        return LTX_EINVAL;
    c->attempt_fn = fn;
    c->attempt_ud = fn ? userdata : NULL;
    return ltx__accept(&c->last_error);
}

LTX_API const char *ltx_attempt_method(const ltx_attempt *a)
{
    return a ? a->method : NULL;
}

LTX_API const char *ltx_attempt_url(const ltx_attempt *a)
{
    return a ? a->url : NULL;
}

LTX_API int ltx_attempt_http_status(const ltx_attempt *a)
{
    return a ? a->http_status : 0;
}

LTX_API int ltx_attempt_transport_status(const ltx_attempt *a)
{
    return a ? a->transport_status : LTX_EINVAL;
}

LTX_API const char *ltx_attempt_request_id(const ltx_attempt *a)
{
    return a ? a->request_id : NULL;
}

LTX_API unsigned ltx_attempt_number(const ltx_attempt *a)
{
    return a ? a->number : 0;
}

LTX_API uint64_t ltx_attempt_elapsed_ms(const ltx_attempt *a)
{
    return a ? a->elapsed_ms : 0;
}

LTX_API int ltx_attempt_will_retry(const ltx_attempt *a)
{
    return a ? a->will_retry : 0;
}

LTX_API uint64_t ltx_attempt_delay_ms(const ltx_attempt *a)
{
    return a ? a->delay_ms : 0;
}
