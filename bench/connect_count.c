/* bench/connect_count.c — count this process's TCP connects by interposing connect().
 *
 * Linked into a benchmark executable built with -rdynamic, this definition of
 * connect() comes first in symbol lookup, so libcurl's calls land here; the real
 * one is found with dlsym(RTLD_NEXT). Works natively and under valgrind. Not used
 * in TSan builds (TSan intercepts connect() itself).
 */
#define _GNU_SOURCE
#include "bench.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <sys/socket.h>

static atomic_ulong n_connects;
static int (*real_connect)(int, const struct sockaddr *, socklen_t);

/* Before main(), so before any thread: no lazy initialisation for race detectors to flag. */
__attribute__((constructor)) static void find_real(void)
{
    real_connect = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (!real_connect)
        find_real();
    if (addr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6))
        atomic_fetch_add(&n_connects, 1);
    return real_connect(fd, addr, len);
}

unsigned long bench_connects(void)
{
    return atomic_load(&n_connects);
}
