/* lib/cancel.c — the cancel handle: an atomic flag and a pipe that a poll(2) can wait on. */
#define _GNU_SOURCE
#include "client_int.h"
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct ltx_cancel {
    atomic_int triggered;
    int fds[2]; /* [0] readable once triggered; [1] written by the trigger */
};

LTX_API int ltx_cancel_new(ltx_cancel **out)
{
    ltx_cancel *c;

    if (!out)
        return LTX_EINVAL;
    *out = NULL;
    if (!(c = calloc(1, sizeof(*c))))
        return LTX_ENOMEM;
    if (pipe2(c->fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        free(c);
        return LTX_EIO;
    }
    atomic_init(&c->triggered, 0);
    *out = c;
    return LTX_OK;
}

LTX_API void ltx_cancel_free(ltx_cancel *c)
{
    if (!c)
        return;
    close(c->fds[0]);
    close(c->fds[1]);
    free(c);
}

LTX_API int ltx_cancel_trigger(ltx_cancel *c)
{
    if (!c)
        return LTX_EINVAL;
    /* the first trigger writes the byte; the pipe then stays readable until a reset drains it */
    if (!atomic_exchange(&c->triggered, 1)) {
        int saved = errno;
        ssize_t n;

        do
            n = write(c->fds[1], "x", 1);
        while (n < 0 && errno == EINTR);
        errno = saved;
    }
    return LTX_OK;
}

LTX_API int ltx_cancel_reset(ltx_cancel *c)
{
    char buf[16];

    if (!c)
        return LTX_EINVAL;
    /* the flag first: a trigger racing with this reset (ltx_batch_wakeup() from another
     * thread) then either leaves its byte in the pipe or its flag set, and every wait looks
     * at the flag before it sleeps, so it is never lost */
    atomic_store(&c->triggered, 0);
    while (read(c->fds[0], buf, sizeof(buf)) > 0)
        ;
    return LTX_OK;
}

LTX_API int ltx_cancel_triggered(const ltx_cancel *c)
{
    return c ? atomic_load(&((ltx_cancel *)c)->triggered) : 0;
}

int ltx__cancel_fd(const ltx_cancel *c)
{
    return c ? c->fds[0] : -1;
}

int ltx__sleep(const ltx_client *client, uint64_t ms, const ltx_cancel *cancel)
{
    const ltx_clock *clk = client->clock;

    if (ltx_cancel_triggered(cancel))
        return 1;
    if (!cancel || clk != ltx__system_clock()) {
        /* no handle, or a test's clock: its sleep is the clock's own */
        clk->sleep_ms(ms, clk->ud);
        return ltx_cancel_triggered(cancel);
    }
    for (;;) {
        uint64_t start = clk->now_ms(clk->ud), now;
        struct pollfd p = {.fd = cancel->fds[0], .events = POLLIN, .revents = 0};
        int slice = ms > 60000u ? 60000 : (int)ms;

        if (poll(&p, 1, slice) > 0 || ltx_cancel_triggered(cancel))
            return 1;
        now = clk->now_ms(clk->ud);
        if (now - start >= ms)
            return 0;
        ms -= now - start;
    }
}
