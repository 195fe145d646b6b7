/* lib/batch_run.c — a batch's run: the event-loop functions (start, perform, timeout, wakeup)
 * and ltx_batch_run() on top of them. Each pass costs O(log n) per entry that moves: the due
 * entries come off the timer heap, the next to submit off the queue. */
#define _POSIX_C_SOURCE 200809L
#include "batch_int.h"

#include <stdlib.h>

static void on_socket(int fd, int events, void *ud)
{
    ltx__batch_watch(ud, fd, events);
}

static int run_prepare(ltx_batch *b)
{
    uint64_t now;

    /* an entry talks to the API host and to its result's host: two connections each */
    if (!(b->multi =
              ltx__http_multi_new(2 * b->concurrency + BATCH_SPARE_CONNECTIONS, on_socket, b)))
        return LTX_ENOMEM;
    now = ltx__batch_now(b);
    b->started = b->last_look = now;
    b->deadline = ltx__deadline_from_now(b->client);
    b->places = b->concurrency;
    b->in_flight = b->transfers = 0;
    b->unended = 0;
    b->stopping = b->timed_out = b->cancelled = b->engine_failed = 0;
    b->failed = 0;
    while (b->n_fds) /* nothing is left watched from a run before; the map follows */
        ltx__batch_watch(b, b->fds[b->n_fds - 1].fd, LTX_POLL_REMOVE);
    for (size_t i = 0; i < b->n; i++)
        ltx__entry_join(b, b->entries[i], now);
    return LTX_OK;
}

/* Start queued entries, in the order of adding, while there are places. */
static void fill_places(ltx_batch *b)
{
    entry *e;

    while (b->in_flight < b->places && !b->stopping && (e = ltx__heap_top(&b->queue))) {
        ltx__entry_dequeue(e);
        ltx__entry_start(e);
    }
}

/* The deadline passed: what has not been submitted never will be (an entry held back by a
 * concurrency limit may come back to the queue later). Exchanges in flight end on their own
 * (their timeout is the deadline), and a submit among them says whether it may have run. */
static void expire_queued(ltx_batch *b)
{
    entry *e;

    b->timed_out = 1;
    while ((e = ltx__heap_top(&b->queue)))
        ltx__entry_end(e, ltx__fail(&e->err, LTX_ETIMEDOUT,
                                    "batch entry %zu was not submitted before the deadline; "
                                    "nothing was sent",
                                    e->index));
}

/* Wake the entries whose time has come: those due when the pass began, earliest first (an
 * entry set due again during the pass waits for the next). */
static void wake_due(ltx_batch *b, uint64_t now)
{
    uint64_t last = b->wake_seq;
    entry *e;

    while (!b->stopping && (e = ltx__heap_top(&b->timers)) && e->wake_at <= now &&
           e->wake_seq <= last)
        ltx__entry_wake(e);
}

/* When the loop has something to do next, without any answer arriving. */
static uint64_t next_wake(const ltx_batch *b, uint64_t now)
{
    const entry *top = ltx__heap_top(&b->timers);
    uint64_t next = top ? top->wake_at : UINT64_MAX;

    if (b->queue.n && b->in_flight < b->places && !b->stopping)
        next = now;
    if (b->deadline != UINT64_MAX && !b->timed_out && b->deadline < next)
        next = b->deadline;
    return next;
}

static void collect_finished(ltx_batch *b)
{
    entry *e;

    while ((e = ltx__http_multi_next_done(b->multi))) {
        e->xfer = NULL;
        b->transfers--;
        ltx__attempt_ended(e);
    }
}

/*
 * Stop: polls and downloads are dropped at once (their jobs keep running on
 * the server) and end as cancelled. A submit in flight is let finish unless
 * `now`, so that a job it creates is announced with its id rather than lost;
 * cut short, its error says whether it may have run. Returns 1 when all ended.
 */
static int stop_settled(ltx_batch *b, int now)
{
    for (size_t i = 0; i < b->n; i++) {
        entry *e = b->entries[i];

        if (e->state == ENTRY_ENDED)
            continue;
        if (e->xfer && e->state == ENTRY_SUBMIT && !now)
            continue;
        ltx__entry_stop(e);
    }
    return b->unended == 0;
}

/* The entries whose own cancel handle was triggered end now. */
static void stop_cancelled_entries(ltx_batch *b)
{
    for (size_t k = 0; k < b->n_cancels;) {
        ltx_cancel *c = b->cancels[k].cancel;

        if (!ltx_cancel_triggered(c)) {
            k++;
            continue;
        }
        for (size_t i = 0; i < b->n; i++) /* once per handle: it is not watched after this */
            if (b->entries[i]->state != ENTRY_ENDED && b->entries[i]->cancel == c)
                ltx__entry_stop(b->entries[i]);
        if (k < b->n_cancels && b->cancels[k].cancel == c)
            k++;
    }
}

/* The run is over: say why, release the engine and tell the loop to stop watching. */
static int run_end(ltx_batch *b, ltx_error **err)
{
    int rc = LTX_OK;

    if (b->engine_failed) {
        rc = ltx__fail(err, b->engine_failed, "batch: the transfer engine failed (%s)",
                       ltx_strerror(b->engine_failed));
    } else if (b->cancelled) {
        size_t submitted = 0;

        for (size_t i = 0; i < b->n; i++)
            submitted += b->entries[i]->job != NULL;
        rc = ltx__fail(err, LTX_ECANCELLED,
                       "batch: cancelled; %zu submitted job(s) keep running on the server and are "
                       "billed (the API has no cancel endpoint; ltx_batch_job_id() gives their "
                       "ids to resume with)",
                       submitted);
    } else if (b->stopping) {
        rc = ltx__fail(err, LTX_ECANCELLED, "batch: stopped by the completion callback");
    } else if (b->failed && b->timed_out) {
        rc = ltx__fail(err, LTX_ETIMEDOUT,
                       "batch: the deadline passed; %zu of the entries "
                       "failed",
                       b->failed);
    } else if (b->failed) {
        rc = ltx__fail(err, LTX_EJOBFAILED, "batch: %zu of the entries failed", b->failed);
    }
    ltx__http_multi_free(b->multi);
    b->multi = NULL;
    /* whatever libcurl did not take back itself, and the batch's own descriptors */
    while (b->n_fds)
        ltx__batch_watch(b, b->fds[b->n_fds - 1].fd, LTX_POLL_REMOVE);
    b->n_cancels = 0;
    b->done = NULL;
    b->done_ud = NULL;
    b->running = 0;
    return rc;
}

LTX_API int ltx_batch_wakeup(ltx_batch *b)
{
    return b ? ltx_cancel_trigger(b->wake) : LTX_EINVAL;
}

LTX_API int ltx_batch_start(ltx_batch *b, ltx_batch_done_fn done, void *userdata, ltx_error **err)
{
    int rc;

    LTX_ERR_ENTRY(err);
    if (!b)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_start: batch is NULL");
    if (b->running)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_start: the batch is already running");
    if ((rc = run_prepare(b)) != LTX_OK)
        return ltx__fail(err, rc, "out of memory");
    b->running = 1;
    b->done = done;
    b->done_ud = userdata;
    ltx_cancel_reset(b->wake);
    ltx__batch_watch(b, ltx__cancel_fd(b->wake), LTX_POLL_IN);
    if (b->cancel)
        ltx__batch_watch(b, ltx__cancel_fd(b->cancel), LTX_POLL_IN);
    ltx__log(b->client, LTX_LOG_INFO, "batch: %zu entries, at most %u at once", b->unended,
             b->concurrency);
    return LTX_OK;
}

/* One pass of the entries' state machines over what the transfers brought. */
static void advance(ltx_batch *b)
{
    uint64_t now = ltx__batch_now(b);

    collect_finished(b);
    if (b->stopping) {
        stop_settled(b, 0);
        return;
    }
    if (b->deadline != UINT64_MAX && now >= b->deadline && !b->timed_out)
        expire_queued(b);
    fill_places(b);
    wake_due(b, now);
}

/* Drive libcurl on what happened; once a second, also on the transfers that said nothing. */
static int drive_transfers(ltx_batch *b, int fd, int events)
{
    uint64_t now = ltx__batch_now(b);
    int rc = LTX_OK;

    if (fd >= 0 && !ltx__batch_own_fd(b, fd))
        rc = ltx__http_multi_action(b->multi, fd, events);
    else if (fd < 0)
        rc = ltx__http_multi_action(b->multi, -1, 0);
    if (rc == LTX_OK && b->transfers && now - b->last_look >= BATCH_TICK_MS) {
        /* a silent transfer is looked at too: its stall and deadline checks run then */
        b->last_look = now;
        for (size_t i = 0; i < b->n_fds && rc == LTX_OK; i++)
            if (!ltx__batch_own_fd(b, b->fds[i].fd))
                rc = ltx__http_multi_action(b->multi, b->fds[i].fd, 0);
    }
    return rc;
}

LTX_API int ltx_batch_perform(size_t *out, ltx_batch *b, int fd, int events, ltx_error **err)
{
    int rc;

    LTX_ERR_ENTRY(err);
    if (out)
        *out = 0;
    if (!b || !b->running)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_perform: the batch is not running");
    if (fd >= 0 && fd == ltx__cancel_fd(b->wake))
        ltx_cancel_reset(b->wake);
    if (ltx_cancel_triggered(b->cancel) && !b->cancelled) {
        /* everything ends now: a submit whose answer is in is accepted first (its job id is
         * kept), one still in flight says whether it may have run */
        collect_finished(b);
        b->stopping = b->cancelled = 1;
        stop_settled(b, 1);
    }
    stop_cancelled_entries(b);
    if (b->unended && !b->engine_failed) {
        if ((rc = drive_transfers(b, fd, events)) != LTX_OK)
            b->engine_failed = rc;
        else
            advance(b);
    }
    if (b->engine_failed && b->unended) {
        /* the engine itself failed: end what is left, without more callbacks */
        b->stopping = 1;
        stop_settled(b, 1);
    }
    if (b->unended) {
        if (out)
            *out = b->unended;
        return LTX_OK;
    }
    return run_end(b, err);
}

LTX_API int ltx_batch_timeout_ms(long *out, const ltx_batch *b)
{
    uint64_t now, next, tick;
    long curl_ms;

    if (!out)
        return LTX_EINVAL;
    *out = -1;
    if (!b)
        return LTX_EINVAL;
    if (!b->running)
        return LTX_OK;
    if (ltx_cancel_triggered(b->wake) || ltx_cancel_triggered(b->cancel) || b->engine_failed ||
        !b->unended || ltx__batch_cancel_triggered(b)) {
        *out = 0;
        return LTX_OK;
    }
    now = ltx__batch_now(b);
    next = next_wake(b, now);
    if (b->transfers) {
        tick = b->last_look + BATCH_TICK_MS;
        if (tick < next)
            next = tick;
    }
    curl_ms = ltx__http_multi_timeout(b->multi);
    if (curl_ms >= 0 && now + (uint64_t)curl_ms < next)
        next = now + (uint64_t)curl_ms;
    if (next == UINT64_MAX)
        *out = -1;
    else
        *out = next <= now ? 0 : next - now > (uint64_t)INT32_MAX ? INT32_MAX : (long)(next - now);
    return LTX_OK;
}

/* Serve what poll(2) found ready; a copy, since the set may change while it is served. */
static int serve_ready(ltx_batch *b, size_t *left, ltx_error **err)
{
    struct pollfd ready[16];
    size_t k = 0;
    int rc = LTX_OK;

    for (size_t i = 0; i < b->n_fds && k < 16; i++)
        if (b->fds[i].revents)
            ready[k++] = b->fds[i];
    for (size_t i = 0; i < k; i++) {
        int ev = (ready[i].revents & POLLIN ? LTX_POLL_IN : 0) |
                 (ready[i].revents & POLLOUT ? LTX_POLL_OUT : 0) |
                 (ready[i].revents & (POLLERR | POLLHUP) ? LTX_POLL_ERR : 0);

        if ((rc = ltx_batch_perform(left, b, ready[i].fd, ev, err)) != LTX_OK || !*left)
            break;
    }
    return rc;
}

LTX_API int ltx_batch_run(ltx_batch *b, ltx_batch_done_fn done, void *userdata, ltx_error **err)
{
    size_t left = 1;
    int rc;

    if ((rc = ltx_batch_start(b, done, userdata, err)) != LTX_OK)
        return rc;
    for (;;) {
        long wait;
        int n;

        ltx_batch_timeout_ms(&wait, b);
        if (wait == -1 && !b->transfers) {
            /* entries left and nothing to wait for: a libltx bug */
            b->engine_failed = LTX_EPROTOCOL;
            wait = 0;
        }
        n = wait == 0 ? 0 : poll(b->fds, b->n_fds, wait > 1000 ? 1000 : (int)wait);
        if (n > 0)
            rc = serve_ready(b, &left, err);
        else
            rc = ltx_batch_perform(&left, b, -1, 0, err);
        if (rc != LTX_OK || !left)
            return rc;
    }
}
