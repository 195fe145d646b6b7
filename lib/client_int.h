/* lib/client_int.h — the client's settings, beside lib/client.c, and what an
 * attempt reports to the attempt hook (lib/call.c fills it). */
#ifndef LTX_CLIENT_INT_H
#define LTX_CLIENT_INT_H

#include "private.h"

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

#endif
