/* bench/whatif_serialize.c — the concurrency benchmark's control: a library whose requests
 * cannot overlap, simulated without editing lib/.
 *
 * Linked into a benchmark built with -rdynamic, these functions come first in symbol lookup,
 * so libltx's calls land here. One process-wide mutex is taken when an exchange starts and
 * released when it ends, so that at most one request is in flight at any time:
 *   curl_easy_perform()          the whole call;
 *   curl_multi_add_handle()      taken (libltx runs each blocking exchange on a multi handle
 *   curl_multi_remove_handle()   of its own, to watch its cancel handle), released.
 * The mutex is recursive: a thread that adds several handles to one multi handle (the batch)
 * is not stopped by itself, so use this with the threaded benchmark (ltx_threads.c).
 * concurrency.sh runs it to show that its goal can fail: a benchmark that passes this
 * stand-in would not notice a library that serializes its requests.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>

static CURLcode (*real_perform)(CURL *);
static CURLMcode (*real_add)(CURLM *, CURL *);
static CURLMcode (*real_remove)(CURLM *, CURL *);
static pthread_mutex_t one_at_a_time;

/* Before main(), so before any thread. */
__attribute__((constructor)) static void find_real(void)
{
    pthread_mutexattr_t a;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&one_at_a_time, &a);
    pthread_mutexattr_destroy(&a);
    real_perform = (CURLcode(*)(CURL *))dlsym(RTLD_NEXT, "curl_easy_perform");
    real_add = (CURLMcode(*)(CURLM *, CURL *))dlsym(RTLD_NEXT, "curl_multi_add_handle");
    real_remove = (CURLMcode(*)(CURLM *, CURL *))dlsym(RTLD_NEXT, "curl_multi_remove_handle");
}

CURLcode curl_easy_perform(CURL *h)
{
    CURLcode rc;

    pthread_mutex_lock(&one_at_a_time);
    rc = real_perform(h);
    pthread_mutex_unlock(&one_at_a_time);
    return rc;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
    CURLMcode rc;

    pthread_mutex_lock(&one_at_a_time);
    rc = real_add(m, h);
    if (rc != CURLM_OK)
        pthread_mutex_unlock(&one_at_a_time);
    return rc;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
    CURLMcode rc = real_remove(m, h);

    pthread_mutex_unlock(&one_at_a_time);
    return rc;
}
