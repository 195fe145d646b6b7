/* lib/http_multi.c — many exchanges on one thread over libcurl's multi_socket interface (the
 * batch's event loop), each begun and ended as lib/http.c does for one. */
#define _POSIX_C_SOURCE 200809L
#include "http_int.h"

#include <stdio.h>
#include <stdlib.h>

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
                                          : (what & CURL_POLL_IN ? LTX_POLL_IN : 0) |
                                                (what & CURL_POLL_OUT ? LTX_POLL_OUT : 0);

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

/* mh is a running batch's engine, never NULL: run_end() is the one caller, and a run has one. */
void ltx__http_multi_free(struct ltx_http_multi *mh)
{
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
