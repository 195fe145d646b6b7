/* lib/batch_sched.c — what makes a batch's loop cost O(log n) per event: a timer heap of the
 * entries waiting for a time, a queue (a heap by index) of those waiting for a place, and the
 * descriptors the loop watches, kept apart from the entries. */
#define _POSIX_C_SOURCE 200809L
#include "batch_int.h"

#include <stdlib.h>
#include <string.h>

#define HEAP_FIRST_CAP 16u

static size_t *pos_of(const entry_heap *h, entry *e)
{
    return h->queue ? &e->queue_pos : &e->timer_pos;
}

/* Does a come before b? Timers by time, then by the order in which they were set (entries
 * due at the same moment go on in that order); the queue by index (the order of adding). */
static int before(const entry_heap *h, const entry *a, const entry *b)
{
    if (h->queue)
        return a->index < b->index;
    if (a->wake_at != b->wake_at)
        return a->wake_at < b->wake_at;
    return a->wake_seq < b->wake_seq;
}

static void put_at(entry_heap *h, size_t i, entry *e)
{
    h->v[i] = e;
    *pos_of(h, e) = i;
}

static void sift_up(entry_heap *h, size_t i)
{
    entry *e = h->v[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!before(h, e, h->v[parent]))
            break;
        put_at(h, i, h->v[parent]);
        i = parent;
    }
    put_at(h, i, e);
}

static void sift_down(entry_heap *h, size_t i)
{
    entry *e = h->v[i];

    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= h->n)
            break;
        if (child + 1 < h->n && before(h, h->v[child + 1], h->v[child]))
            child++;
        if (!before(h, h->v[child], e))
            break;
        put_at(h, i, h->v[child]);
        i = child;
    }
    put_at(h, i, e);
}

int ltx__heap_push(entry_heap *h, entry *e)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : HEAP_FIRST_CAP;
        entry **grown = realloc(h->v, cap * sizeof(*grown));

        if (!grown)
            return LTX_ENOMEM;
        h->v = grown;
        h->cap = cap;
    }
    h->v[h->n] = e;
    *pos_of(h, e) = h->n;
    sift_up(h, h->n++);
    return LTX_OK;
}

void ltx__heap_remove(entry_heap *h, entry *e)
{
    size_t i = *pos_of(h, e);
    entry *moved;

    if (i == BATCH_NOWHERE)
        return;
    *pos_of(h, e) = BATCH_NOWHERE;
    if (i == --h->n)
        return;
    moved = h->v[h->n];
    put_at(h, i, moved);
    sift_down(h, i);
    if (*pos_of(h, moved) == i) /* it did not go down: it may have to go up */
        sift_up(h, i);
}

entry *ltx__heap_top(const entry_heap *h)
{
    return h->n ? h->v[0] : NULL;
}

void ltx__heap_free(entry_heap *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

/* A heap that cannot grow fails the run: nothing else is lost, and it says why. */
/* gcc 12's -fanalyzer loses the grown array once ltx__heap_push() stores it in the heap, which
 * ltx__heap_free() frees: a false "leak" report, silenced here only. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static void push_or_fail(ltx_batch *b, entry_heap *h, entry *e)
{
    if (ltx__heap_push(h, e) != LTX_OK)
        b->engine_failed = LTX_ENOMEM;
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic pop
#endif

void ltx__entry_wake_at(entry *e, uint64_t at)
{
    ltx_batch *b = e->batch;

    ltx__heap_remove(&b->timers, e);
    e->wake_at = at;
    if (at == UINT64_MAX)
        return;
    e->wake_seq = ++b->wake_seq;
    push_or_fail(b, &b->timers, e);
}

void ltx__entry_enqueue(entry *e)
{
    if (e->queue_pos == BATCH_NOWHERE)
        push_or_fail(e->batch, &e->batch->queue, e);
}

void ltx__entry_dequeue(entry *e)
{
    ltx__heap_remove(&e->batch->queue, e);
}

/* ---------------------------------------------------------------- descriptors */

/* Where fd is in b->fds (n_fds when absent), through the map by descriptor: O(1). */
static size_t fd_index(const ltx_batch *b, int fd)
{
    return fd >= 0 && (size_t)fd < b->n_fd_slot && b->fd_slot[fd] ? b->fd_slot[fd] - 1 : b->n_fds;
}

static int fd_slot_set(ltx_batch *b, int fd, size_t slot)
{
    if (fd < 0)
        return LTX_OK;
    if ((size_t)fd >= b->n_fd_slot) {
        size_t n = (size_t)fd * 2 + 16;
        size_t *grown = realloc(b->fd_slot, n * sizeof(*grown));

        if (!grown)
            return LTX_ENOMEM;
        memset(grown + b->n_fd_slot, 0, (n - b->n_fd_slot) * sizeof(*grown));
        b->fd_slot = grown;
        b->n_fd_slot = n;
    }
    b->fd_slot[fd] = slot;
    return LTX_OK;
}

static void fd_remove(ltx_batch *b, size_t i)
{
    (void)fd_slot_set(b, b->fds[i].fd, 0);
    if (i != --b->n_fds) {
        b->fds[i] = b->fds[b->n_fds];
        (void)fd_slot_set(b, b->fds[i].fd, i + 1); /* within the map: it was set before */
    }
}

static int fd_append(ltx_batch *b, int fd)
{
    if (b->n_fds == b->cap_fds) {
        size_t cap = b->cap_fds ? 2 * b->cap_fds : 8;
        struct pollfd *grown = realloc(b->fds, cap * sizeof(*grown));

        if (!grown)
            return LTX_ENOMEM;
        b->fds = grown;
        b->cap_fds = cap;
    }
    if (fd_slot_set(b, fd, b->n_fds + 1) != LTX_OK)
        return LTX_ENOMEM;
    b->fds[b->n_fds++].fd = fd;
    return LTX_OK;
}

/* The caller is told what to watch; ltx_batch_run() keeps the same set for its poll(2). The set
 * holds libcurl's sockets and the batch's own handles: bounded by the connections, not by the
 * number of entries, and found through a map by descriptor. */
void ltx__batch_watch(ltx_batch *b, int fd, int events)
{
    size_t i = fd_index(b, fd);

    if (events & LTX_POLL_REMOVE) {
        if (i < b->n_fds)
            fd_remove(b, i);
    } else {
        if (i == b->n_fds && fd_append(b, fd) != LTX_OK) {
            b->engine_failed = LTX_ENOMEM;
            return;
        }
        b->fds[i].events =
            (short)((events & LTX_POLL_IN ? POLLIN : 0) | (events & LTX_POLL_OUT ? POLLOUT : 0));
        b->fds[i].revents = 0;
    }
    if (b->socket_fn)
        b->socket_fn(fd, events, b->socket_ud);
}

static size_t cancel_slot(const ltx_batch *b, const ltx_cancel *c)
{
    size_t i;

    for (i = 0; i < b->n_cancels && b->cancels[i].cancel != c; i++)
        ;
    return i;
}

void ltx__batch_cancel_ref(ltx_batch *b, ltx_cancel *c)
{
    size_t i = cancel_slot(b, c);

    if (i < b->n_cancels) {
        b->cancels[i].refs++;
        return;
    }
    if (b->n_cancels == b->cap_cancels) {
        size_t cap = b->cap_cancels ? 2 * b->cap_cancels : 4;
        own_cancel *grown = realloc(b->cancels, cap * sizeof(*grown));

        if (!grown) {
            b->engine_failed = LTX_ENOMEM;
            return;
        }
        b->cancels = grown;
        b->cap_cancels = cap;
    }
    b->cancels[b->n_cancels].cancel = c;
    b->cancels[b->n_cancels++].refs = 1;
    ltx__batch_watch(b, ltx__cancel_fd(c), LTX_POLL_IN);
}

void ltx__batch_cancel_unref(ltx_batch *b, ltx_cancel *c)
{
    size_t i = cancel_slot(b, c);

    if (i == b->n_cancels || --b->cancels[i].refs)
        return;
    b->cancels[i] = b->cancels[--b->n_cancels];
    ltx__batch_watch(b, ltx__cancel_fd(c), LTX_POLL_REMOVE);
}

int ltx__batch_own_fd(const ltx_batch *b, int fd)
{
    if (fd == ltx__cancel_fd(b->wake) || fd == ltx__cancel_fd(b->cancel))
        return 1;
    for (size_t i = 0; i < b->n_cancels; i++)
        if (fd == ltx__cancel_fd(b->cancels[i].cancel))
            return 1;
    return 0;
}

ltx_cancel *ltx__batch_cancel_triggered(const ltx_batch *b)
{
    for (size_t i = 0; i < b->n_cancels; i++)
        if (ltx_cancel_triggered(b->cancels[i].cancel))
            return b->cancels[i].cancel;
    return NULL;
}
