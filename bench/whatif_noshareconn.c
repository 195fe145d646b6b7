/* bench/whatif_noshareconn.c — measure a proposed fix without editing lib/: the client's
 * share handle keeps DNS and TLS sessions but not the connection cache.
 *
 * libcurl documents CURL_LOCK_DATA_CONNECT as unsupported between concurrent threads
 * (CURLSHOPT_SHARE(3); KNOWN_BUGS "A shared connection cache is not thread-safe",
 * curl#4915). Without it, each pooled easy handle keeps its own live connection
 * between transfers (curl_easy_reset() does not close it), so lib/http.c's idle-handle
 * pool alone provides the reuse. Linked with -rdynamic, this curl_share_setopt() comes
 * first in symbol lookup and drops CURLSHOPT_SHARE of CURL_LOCK_DATA_CONNECT.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdarg.h>

CURLSHcode curl_share_setopt(CURLSH *sh, CURLSHoption option, ...)
{
    CURLSHcode (*real)(CURLSH *, CURLSHoption, ...) =
        (CURLSHcode(*)(CURLSH *, CURLSHoption, ...))dlsym(RTLD_NEXT, "curl_share_setopt");
    CURLSHcode rc;
    va_list ap;

    va_start(ap, option);
    switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE: {
        int what = va_arg(ap, int);

        rc = (option == CURLSHOPT_SHARE && what == CURL_LOCK_DATA_CONNECT) ? CURLSHE_OK
                                                                            : real(sh, option, what);
        break;
    }
    case CURLSHOPT_LOCKFUNC:
        rc = real(sh, option, va_arg(ap, curl_lock_function));
        break;
    case CURLSHOPT_UNLOCKFUNC:
        rc = real(sh, option, va_arg(ap, curl_unlock_function));
        break;
    default:
        rc = real(sh, option, va_arg(ap, void *));
        break;
    }
    va_end(ap);
    return rc;
}
