/* lib/http_int.h — the transport's own header, for lib/http*.c only (as libcurl's vtls_int.h
 * is for its TLS backends): libcurl's types, an exchange in progress, the pool's handles.
 * The rest of lib/ uses lib/http.h, which has no curl type in sight. */
#ifndef LTX_HTTP_INT_H
#define LTX_HTTP_INT_H

#include "http.h"

#include <curl/curl.h>

/* One exchange in progress: the easy handle and everything its callbacks need. */
struct ltx_http_xfer {
    ltx_client *c;
    const ltx_http_req *rq;
    ltx_http_resp *rs;
    CURL *h;
    CURLM *m;                   /* h's own multi handle (ltx__http_perform), or NULL */
    struct curl_slist *headers; /* this exchange's own list, or NULL (a cached one is used) */
    unsigned stamp;             /* the settings generation h carries; 0 after a request whose
                                   options the next one would not all set again */
    void *owner;                /* the multi interface's caller's pointer */
    int cancel_hit;             /* the request's cancel handle was triggered */
    int streaming;              /* this answer's body goes to the sink */
    int decided;
    int stalled;
    int past_deadline;
    uint64_t last_change_ms;
    curl_off_t last_seen;
    uint64_t reported;
    size_t body_pos;    /* bytes of an in-memory body handed to libcurl so far */
    int resend_refused; /* libcurl wanted to send the body again; it may not */
    char errbuf[CURL_ERROR_SIZE];
    char range[32];
};

typedef struct ltx_http_xfer xfer;

/* An idle handle of the client's pool with the multi handle it runs on alone (*m may be NULL:
 * made when needed); *configured: it already carries the client's settings, else it is new or
 * reset and *stamp is the settings generation to configure it for. NULL when out of memory. */
LTX_INTERNAL CURL *ltx__http_pool_take(struct ltx_http_pool *pool, const ltx_client *c, CURLM **m,
                                       unsigned *stamp, int *configured);
/* Back to the pool (or freed when it is full); stamp 0: reset it before its next use. */
LTX_INTERNAL void ltx__http_pool_give_back(struct ltx_http_pool *pool, CURL *h, CURLM *m,
                                           unsigned stamp);
/* The request's header list: one built once per client for the API's requests, or a list of
 * its own in *own (freed by the caller). NULL when out of memory. */
LTX_INTERNAL struct curl_slist *ltx__http_headers_for(ltx_client *c, const ltx_http_req *rq,
                                                      struct curl_slist **own);
/* The share handle of the client's pool, for CURLOPT_SHARE. */
LTX_INTERNAL CURLSH *ltx__http_pool_share(const struct ltx_http_pool *pool);

#endif
