/* bench/whatif_curlopts.c — measure proposed libcurl option changes without editing lib/.
 *
 * Linked into a benchmark built with -rdynamic, this curl_easy_perform() comes first in
 * symbol lookup, so libltx's calls land here; it sets the options named in the
 * environment on the handle, then calls libcurl's:
 *   BENCH_MAXCONNECTS=N  CURLOPT_MAXCONNECTS. libcurl's default of 5 applies to the
 *                        client's shared connection cache as a whole (in libcurl 7.88
 *                        in-use connections count too), so with more than 5 threads at
 *                        once each finished transfer closes a connection another thread
 *                        would have reused.
 *   BENCH_BUFFERSIZE=N   CURLOPT_BUFFERSIZE (libcurl's default is 16 KiB; the curl
 *                        command uses 100 KiB): larger reads and sink writes.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdlib.h>

static CURLcode (*real_perform)(CURL *);
static long max_connects, buffer_size;

/* Before main(), so before any thread. */
__attribute__((constructor)) static void find_real(void)
{
    const char *mc = getenv("BENCH_MAXCONNECTS"), *bs = getenv("BENCH_BUFFERSIZE");

    real_perform = (CURLcode(*)(CURL *))dlsym(RTLD_NEXT, "curl_easy_perform");
    max_connects = mc ? atol(mc) : 0;
    buffer_size = bs ? atol(bs) : 0;
}

CURLcode curl_easy_perform(CURL *h)
{
    if (max_connects > 0)
        curl_easy_setopt(h, CURLOPT_MAXCONNECTS, max_connects);
    if (buffer_size > 0)
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, buffer_size);
    return real_perform(h);
}
