/* lib/batch.c — many jobs driven by one thread: a state machine per entry over one multi handle. */
#define _POSIX_C_SOURCE 200809L
#include "client_int.h"
#include "error_int.h"
#include "job_int.h"
#include "jobops.h"
#include "request_int.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* The longest the loop waits while transfers run: stall detection and the deadline are checked
 * from the transfers' progress, which libcurl reports when it looks at them (as curl_easy_perform
 * does, once a second at least). */
#define BATCH_TICK_MS 1000u
#define ENTRIES_FIRST_CAP 8u
#define BATCH_SPARE_CONNECTIONS 4u

typedef enum {
    ENTRY_QUEUED,    /* waiting for a place to submit                         */
    ENTRY_SUBMIT,    /* submitting: an attempt in flight or a retry's wait     */
    ENTRY_POLL_WAIT, /* submitted: waiting for the next poll                   */
    ENTRY_POLL,      /* polling: an attempt in flight or a retry's wait        */
    ENTRY_DOWNLOAD,  /* downloading: an attempt in flight or a retry's wait    */
    ENTRY_ENDED
} entry_state;

typedef struct entry {
    struct ltx_batch *batch;
    size_t index;
    entry_state state;
    int status;
    int holds_place;     /* counts against the concurrency bound               */
    int resumed;         /* added by id: never submitted by this batch         */
    char *endpoint_name; /* the path segment submitted to                      */
    char *body;          /* the submit's JSON, built when added                */
    char *submit_url;
    char *submit_what;
    char *poll_url;
    char *poll_what;
    ltx_job *job;
    ltx_sink *sink;
    ltx_cancel *cancel;  /* the request's own handle: stops this entry only    */
    ltx_progress_ctx pc;
    uint32_t submit_deadline_ms; /* the request's own deadline for its submit; 0 = none */
    int has_policy;      /* the request's own retry settings for its submit    */
    ltx_retry_policy policy;
    ltx_http_req rq;     /* the submit's or the poll's exchange                */
    ltx_http_resp rs;    /* the answer of the attempt in flight                */
    ltx_call call;       /* ENTRY_SUBMIT, ENTRY_POLL                           */
    ltx_download dl;     /* ENTRY_DOWNLOAD                                     */
    ltx_http_xfer *xfer; /* the attempt in flight, or NULL                     */
    uint64_t wake_at;    /* when a waiting entry goes on; UINT64_MAX = not waiting */
    ltx_error *err;
} entry;

struct ltx_batch {
    ltx_client *client;
    entry **entries;
    size_t n, cap;
    unsigned concurrency;
    ltx_progress_fn progress;
    void *progress_ud;
    ltx_error *last_error; /* the last setter's refusal */
    ltx_cancel *cancel;  /* borrowed; stops the whole run when triggered        */
    ltx_batch_socket_fn socket_fn;
    void *socket_ud;
    ltx_cancel *wake;    /* ltx_batch_wakeup()'s flag and pipe                  */
    struct pollfd *fds;  /* what the caller is told to watch (for ltx_batch_run) */
    size_t n_fds, cap_fds;
    int running;
    /* the run in progress */
    struct ltx_http_multi *multi;
    ltx_batch_done_fn done;
    void *done_ud;
    unsigned places;     /* the bound now: lowered after a concurrency_limit_error */
    unsigned in_flight;  /* entries holding a place                            */
    unsigned transfers;  /* exchanges in the multi handle                      */
    size_t unended;
    uint64_t started;
    uint64_t deadline;
    int stopping;        /* done asked to stop                                 */
    int cancelled;       /* the cancel handle was triggered                    */
    int engine_failed;   /* libcurl failed: the run ends with this status      */
    uint64_t last_look;  /* when transfers were last looked at (stall, deadline) */
    int timed_out;       /* the deadline passed with entries left              */
    size_t failed;
};

static uint64_t now_ms(const ltx_batch *b)
{
    return b->client->clock->now_ms(b->client->clock->ud);
}

/* ---------------------------------------------------------------- handle */

LTX_API int ltx_batch_new(ltx_batch **out, ltx_client *client)
{
    ltx_batch *b;

    if (!out)
        return LTX_EINVAL;
    *out = NULL;
    if (!client)
        return LTX_EINVAL;
    if (!(b = calloc(1, sizeof(*b))))
        return LTX_ENOMEM;
    if (ltx_cancel_new(&b->wake) != LTX_OK) {
        free(b);
        return LTX_ENOMEM;
    }
    ltx__client_ref(client);
    b->client = client;
    b->concurrency = LTX_DEFAULT_BATCH_CONCURRENCY;
    *out = b;
    return LTX_OK;
}

static void entry_release(entry *e)
{
    free(e->body);
    free(e->submit_url);
    free(e->submit_what);
    free(e->poll_url);
    free(e->poll_what);
    free(e->endpoint_name);
    e->body = e->submit_url = e->submit_what = e->poll_url = e->poll_what = NULL;
    e->endpoint_name = NULL;
}

LTX_API void ltx_batch_free(ltx_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        entry_release(b->entries[i]);
        ltx_job_free(b->entries[i]->job);
        ltx_error_free(b->entries[i]->err);
        free(b->entries[i]);
    }
    free(b->entries);
    ltx_error_free(b->last_error);
    free(b->fds);
    ltx_cancel_free(b->wake);
    ltx_client_free(b->client);
    free(b);
}

LTX_API int ltx_batch_set_concurrency(ltx_batch *b, unsigned max_in_flight)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "concurrency",
                           "concurrency: not while the batch runs");
    if (!max_in_flight)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "concurrency",
                           "concurrency: 0 would run nothing; at least 1");
    b->concurrency = max_in_flight;
    return ltx__accept(&b->last_error);
}

LTX_API int ltx_batch_set_progress(ltx_batch *b, ltx_progress_fn progress, void *userdata)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "progress",
                           "progress: not while the batch runs");
    b->progress = progress;
    b->progress_ud = progress ? userdata : NULL;
    return ltx__accept(&b->last_error);
}

LTX_API const ltx_error *ltx_batch_last_error(const ltx_batch *b)
{
    return b ? b->last_error : NULL;
}

LTX_API int ltx_batch_set_cancel(ltx_batch *b, ltx_cancel *cancel)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "cancel", "cancel: not while the batch runs");
    b->cancel = cancel;
    return ltx__accept(&b->last_error);
}

LTX_API size_t ltx_progress_batch_index(const ltx_progress *p)
{
    return p && p->batch_slot ? p->batch_slot - 1 : SIZE_MAX;
}

/* The user's callback, told which entry a report is about. */
static int entry_progress(const ltx_progress *p, void *ud)
{
    const entry *e = ud;
    ltx_progress tagged = *p;

    tagged.batch_slot = e->index + 1;
    return e->batch->progress(&tagged, e->batch->progress_ud);
}

static void entry_join(ltx_batch *b, entry *e, uint64_t now);

static int entry_add(ltx_batch *b, entry *e, size_t *index, ltx_error **err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : ENTRIES_FIRST_CAP;
        entry **grown = realloc(b->entries, cap * sizeof(*grown));

        if (!grown)
            return ltx__fail(err, LTX_ENOMEM, "out of memory");
        b->entries = grown;
        b->cap = cap;
    }
    e->batch = b;
    e->index = b->n;
    e->state = ENTRY_QUEUED;
    e->status = LTX_EINVAL;
    e->wake_at = UINT64_MAX;
    b->entries[b->n++] = e;
    if (index)
        *index = e->index;
    if (b->running) /* it joins the run going on */
        entry_join(b, e, now_ms(b));
    return LTX_OK;
}

LTX_API int ltx_batch_add(size_t *index, ltx_batch *b, const ltx_request *req, ltx_sink *sink,
                          ltx_error **err)
{
    entry *e;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!b || !req || !sink)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_add: batch, request and sink are required");
    if (req->sync)
        return ltx__fail(err, LTX_EINVAL,
                         "ltx_batch_add: a batch runs v2 jobs, and the request asks for v1 "
                         "(synchronous); use ltx_generate() for it");
    if (!(e = calloc(1, sizeof(*e))))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    rc = ltx__submit_prepare(b->client, req, sink, ltx__deadline_from_now(b->client), &e->body,
                             &e->submit_url, &e->submit_what, err);
    if (rc == LTX_OK && !(e->endpoint_name = ltx__strdup(ltx__request_endpoint_name(req))))
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
    if (rc == LTX_OK) {
        e->sink = sink;
        e->cancel = req->cancel;
        e->submit_deadline_ms = req->deadline_ms;
        e->has_policy = ltx__policy_for(b->client, req, &e->policy) == &e->policy;
        rc = entry_add(b, e, index, err);
    }
    if (rc != LTX_OK) {
        entry_release(e);
        free(e);
    }
    return rc;
}

LTX_API int ltx_batch_add_job(size_t *index, ltx_batch *b, const ltx_job *job, ltx_sink *sink,
                              ltx_error **err)
{
    entry *e;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!b || !job || !sink)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_add_job: batch, job and sink are required");
    if (!(e = calloc(1, sizeof(*e))))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    rc = ltx_job_open_by_name(&e->job, b->client, job->endpoint_name, job->id, err);
    if (rc == LTX_OK && (ltx__job_poll_strings(e->job, &e->poll_url, &e->poll_what) != LTX_OK ||
                         !(e->endpoint_name = ltx__strdup(job->endpoint_name))))
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
    if (rc == LTX_OK) {
        e->resumed = 1;
        e->sink = sink;
        rc = entry_add(b, e, index, err);
    }
    if (rc != LTX_OK) {
        entry_release(e);
        ltx_job_free(e->job);
        free(e);
    }
    return rc;
}

static const entry *entry_at(const ltx_batch *b, size_t index)
{
    return b && index < b->n ? b->entries[index] : NULL;
}

LTX_API int ltx_batch_status(const ltx_batch *b, size_t index)
{
    const entry *e = entry_at(b, index);

    return e && e->state == ENTRY_ENDED ? e->status : LTX_EINVAL;
}

LTX_API const char *ltx_batch_job_id(const ltx_batch *b, size_t index)
{
    const entry *e = entry_at(b, index);

    return e && e->job ? e->job->id : NULL;
}

LTX_API const ltx_error *ltx_batch_error(const ltx_batch *b, size_t index)
{
    const entry *e = entry_at(b, index);

    return e && e->state == ENTRY_ENDED ? e->err : NULL;
}

/* ---------------------------------------------------------------- one entry's steps */

/* The entry ended: give its place back, and tell the caller (unless the caller said stop). */
static void watch(ltx_batch *b, int fd, int events);

/* An entry's own cancel handle is watched while an entry that has it runs. */
static void unwatch_entry_cancel(ltx_batch *b, const entry *e)
{
    if (!e->cancel || e->cancel == b->cancel)
        return;
    for (size_t i = 0; i < b->n; i++)
        if (b->entries[i]->state != ENTRY_ENDED && b->entries[i]->cancel == e->cancel)
            return;
    watch(b, ltx__cancel_fd(e->cancel), LTX_POLL_REMOVE);
}

static void entry_end(entry *e, int rc)
{
    ltx_batch *b = e->batch;

    e->state = ENTRY_ENDED;
    e->status = rc;
    e->wake_at = UINT64_MAX;
    if (e->job) /* accepted, so running and billed whatever ended the entry: say which job */
        (void)ltx__with_job(&e->err, e->job, rc);
    entry_release(e);
    unwatch_entry_cancel(b, e);
    e->cancel = NULL; /* the caller may free it once the entry ended */
    if (e->holds_place) {
        e->holds_place = 0;
        b->in_flight--;
        if (b->places < b->concurrency)
            b->places++;
    }
    b->unended--;
    if (rc != LTX_OK) {
        b->failed++;
        if (!e->err)
            e->err = ltx__error_new(rc, "batch entry %zu: %s", e->index, ltx_strerror(rc));
        if (e->err && e->job && !e->err->job_id)
            e->err->job_id = ltx__strdup(e->job->id);
    }
    ltx__log(b->client, LTX_LOG_DEBUG, "batch entry %zu ended: %s", e->index,
             rc == LTX_OK ? "ok" : e->err ? ltx_error_message(e->err) : ltx_strerror(rc));
    if (b->done && !b->stopping &&
        b->done(e->index, e->status, e->err, e->job ? e->job->id : NULL, b->done_ud)) {
        ltx__log(b->client, LTX_LOG_INFO, "batch: the completion callback stopped the run");
        b->stopping = 1;
    }
}

/* Put rq on the multi handle; when it cannot even start, it has already ended in e->rs. */
static int attempt_launch(entry *e, const ltx_http_req *rq)
{
    ltx_batch *b = e->batch;
    ltx_http_xfer *x;

    if (ltx__http_begin(b->client, rq, &e->rs, &x) != LTX_OK)
        return 0;
    if (ltx__http_multi_add(b->multi, x, e) != LTX_OK)
        return 0;
    e->xfer = x;
    b->transfers++;
    return 1;
}

static void attempt_ended(entry *e);

/* The next attempt of the entry's current exchange. */
static void attempt_start(entry *e)
{
    const ltx_http_req *rq = &e->rq;
    int rc;

    e->wake_at = UINT64_MAX;
    if (e->state == ENTRY_DOWNLOAD) {
        ltx__download_attempt(&e->dl);
        rq = &e->dl.rq;
    } else if ((rc = ltx__call_attempt(&e->call, &e->err)) != LTX_OK) {
        ltx__call_finish(&e->call);
        entry_end(e, rc);
        return;
    }
    if (!attempt_launch(e, rq))
        attempt_ended(e);
}

static void submit_start(entry *e)
{
    ltx_batch *b = e->batch;

    /* the caller's last word before the request leaves (to record it first, or to skip it) */
    if (ltx__progress_emit(b->client, &e->pc, LTX_STAGE_SUBMITTING, NULL, 0, 0)) {
        ltx__fail(&e->err, LTX_ECANCELLED,
                  "batch entry %zu: cancelled before it was submitted; nothing was sent",
                  e->index);
        entry_end(e, LTX_ECANCELLED);
        return;
    }
    e->holds_place = 1;
    b->in_flight++;
    e->state = ENTRY_SUBMIT;
    ltx__http_req_api(&e->rq, "POST", e->submit_url, e->body, b->deadline);
    if (e->submit_deadline_ms) { /* a request's own deadline bounds its submit too */
        uint64_t own = e->submit_deadline_ms == LTX_NO_LIMIT ? UINT64_MAX
                                                             : now_ms(b) + e->submit_deadline_ms;

        if (own < e->rq.deadline)
            e->rq.deadline = own;
    }
    e->rq.policy = e->has_policy ? &e->policy : NULL;
    ltx__call_start(&e->call, b->client, LTX_CALL_SUBMIT, &e->rq, e->submit_what);
    attempt_start(e);
}

static void poll_start(entry *e)
{
    ltx_batch *b = e->batch;

    /* a poll that starts at the deadline could only time out: say what is known */
    if (b->deadline != UINT64_MAX && now_ms(b) >= b->deadline) {
        entry_end(e, ltx__job_timed_out(e->job, &e->err));
        return;
    }
    e->state = ENTRY_POLL;
    ltx__http_req_api(&e->rq, "GET", e->poll_url, NULL, b->deadline);
    ltx__call_start(&e->call, b->client, LTX_CALL_IDEMPOTENT, &e->rq, e->poll_what);
    attempt_start(e);
}

/* Polls follow the job at the client's interval, never past the deadline. */
static void poll_later(entry *e)
{
    ltx_batch *b = e->batch;
    uint64_t now = now_ms(b), at = now + b->client->poll_interval_ms;

    if (b->deadline != UINT64_MAX && now >= b->deadline) {
        entry_end(e, ltx__job_timed_out(e->job, &e->err));
        return;
    }
    e->state = ENTRY_POLL_WAIT;
    e->wake_at = at > b->deadline ? b->deadline : at;
}

/* Accepted: tell the caller the id first, then follow the job. */
static void job_accepted(entry *e)
{
    int rc;

    if ((rc = ltx__job_poll_strings(e->job, &e->poll_url, &e->poll_what)) != LTX_OK) {
        entry_end(e, ltx__fail(&e->err, rc, "out of memory (job %s was accepted)", e->job->id));
        return;
    }
    if ((rc = ltx__job_announce(e->job, &e->pc, &e->err)) != LTX_OK) {
        entry_end(e, rc);
        return;
    }
    /* the first poll at once, as ltx_generate() does */
    e->state = ENTRY_POLL_WAIT;
    e->wake_at = now_ms(e->batch);
}

/*
 * The account runs as many generations as it may: when others of this batch
 * are running, wait for one of them to end rather than fail (the submit was
 * rejected, so nothing was created and nothing is billed).
 */
static int hold_back(entry *e, int rc)
{
    ltx_batch *b = e->batch;

    if (rc != LTX_ERATELIMIT || !e->err || !e->err->type ||
        strcmp(e->err->type, "concurrency_limit_error") != 0 || b->in_flight < 2)
        return 0;
    ltx__log(b->client, LTX_LOG_INFO,
             "batch entry %zu: the account's concurrency limit is reached with %u running; "
             "waiting for one to finish", e->index, b->in_flight - 1);
    ltx_error_free(e->err);
    e->err = NULL;
    e->holds_place = 0;
    b->in_flight--;
    b->places = b->in_flight;
    e->state = ENTRY_QUEUED;
    e->wake_at = UINT64_MAX;
    return 1;
}

static void submit_ended(entry *e, ltx_step step, int rc)
{
    ltx_batch *b = e->batch;

    ltx__call_finish(&e->call);
    if (step == LTX_STEP_FAILED) {
        if (!hold_back(e, rc))
            entry_end(e, rc);
        return;
    }
    rc = ltx__submit_accepted(b->client, e->endpoint_name, &e->rs, e->submit_what, &e->job, &e->err);
    if (rc != LTX_OK) {
        entry_end(e, rc);
        return;
    }
    job_accepted(e);
}

static void download_start(entry *e)
{
    ltx_batch *b = e->batch;
    int rc = ltx__download_start(&e->dl, e->job, NULL, e->sink, &e->pc, b->deadline, &e->err);

    if (rc != LTX_OK) {
        entry_end(e, rc);
        return;
    }
    e->state = ENTRY_DOWNLOAD;
    attempt_start(e);
}

static void poll_ended(entry *e, ltx_step step, int rc)
{
    ltx__call_finish(&e->call);
    if (step == LTX_STEP_FAILED) {
        entry_end(e, ltx__job_poll_failed(e->job, e->poll_what, rc, e->batch->deadline, &e->err));
        return;
    }
    if ((rc = ltx__job_poll_apply(e->job, &e->rs, e->poll_what, &e->err)) != LTX_OK) {
        entry_end(e, rc);
        return;
    }
    if (!ltx__job_poll_settled(e->job, &e->pc, &rc, &e->err))
        poll_later(e);
    else if (rc != LTX_OK)
        entry_end(e, rc);
    else
        download_start(e);
}

/* An attempt's answer (in e->rs): the shared policy decides what comes next. */
static void attempt_ended(entry *e)
{
    ltx_step step;
    uint64_t delay = 0;
    int rc = LTX_OK;

    if (e->state == ENTRY_DOWNLOAD)
        step = ltx__download_decide(&e->dl, &e->rs, &delay, &rc, &e->err);
    else
        step = ltx__call_decide(&e->call, &e->rs, &delay, &rc, &e->err);
    if (step == LTX_STEP_RETRY) {
        e->wake_at = now_ms(e->batch) + delay;
        return;
    }
    if (e->state == ENTRY_SUBMIT)
        submit_ended(e, step, rc);
    else if (e->state == ENTRY_POLL)
        poll_ended(e, step, rc);
    else {
        ltx__download_finish(&e->dl);
        entry_end(e, rc);
    }
}

/* A waiting entry's time has come. */
static void entry_wake(entry *e)
{
    e->wake_at = UINT64_MAX;
    if (e->state == ENTRY_POLL_WAIT)
        poll_start(e);
    else
        attempt_start(e);
}

/* ---------------------------------------------------------------- the run */

/* The caller is told what to watch; ltx_batch_run() keeps the same set for its poll(2). */
static void watch(ltx_batch *b, int fd, int events)
{
    size_t i;

    for (i = 0; i < b->n_fds && b->fds[i].fd != fd; i++)
        ;
    if (events & LTX_POLL_REMOVE) {
        if (i < b->n_fds)
            b->fds[i] = b->fds[--b->n_fds];
    } else {
        if (i == b->n_fds) {
            if (b->n_fds == b->cap_fds) {
                size_t cap = b->cap_fds ? 2 * b->cap_fds : 8;
                struct pollfd *grown = realloc(b->fds, cap * sizeof(*grown));

                if (!grown) {
                    b->engine_failed = LTX_ENOMEM;
                    return;
                }
                b->fds = grown;
                b->cap_fds = cap;
            }
            b->n_fds++;
        }
        b->fds[i].fd = fd;
        b->fds[i].events = (short)((events & LTX_POLL_IN ? POLLIN : 0) |
                                   (events & LTX_POLL_OUT ? POLLOUT : 0));
        b->fds[i].revents = 0;
    }
    if (b->socket_fn)
        b->socket_fn(fd, events, b->socket_ud);
}

static void on_socket(int fd, int events, void *ud)
{
    watch(ud, fd, events);
}

/* Set an entry up for the run going on. */
static void entry_join(ltx_batch *b, entry *e, uint64_t now)
{
    if (e->state == ENTRY_ENDED)
        return;
    b->unended++;
    e->pc.fn = b->progress ? entry_progress : NULL;
    e->pc.ud = e;
    e->pc.started_ms = now;
    e->pc.job_id = e->job ? e->job->id : NULL;
    if (e->cancel && e->cancel != b->cancel)
        watch(b, ltx__cancel_fd(e->cancel), LTX_POLL_IN);
    if (e->resumed) {
        /* already running on the server: follow it at once, and count it */
        e->holds_place = 1;
        b->in_flight++;
        e->state = ENTRY_POLL_WAIT;
        e->wake_at = now;
    }
}

static int run_prepare(ltx_batch *b)
{
    uint64_t now;

    /* an entry talks to the API host and to its result's host: two connections each */
    if (!(b->multi = ltx__http_multi_new(2 * b->concurrency + BATCH_SPARE_CONNECTIONS, on_socket,
                                         b)))
        return LTX_ENOMEM;
    now = now_ms(b);
    b->started = b->last_look = now;
    b->deadline = ltx__deadline_from_now(b->client);
    b->places = b->concurrency;
    b->in_flight = b->transfers = 0;
    b->unended = 0;
    b->stopping = b->timed_out = b->cancelled = b->engine_failed = 0;
    b->failed = 0;
    b->n_fds = 0;
    for (size_t i = 0; i < b->n; i++)
        entry_join(b, b->entries[i], now);
    return LTX_OK;
}

/* Submit queued entries while there are places. */
static void fill_places(ltx_batch *b)
{
    for (size_t i = 0; i < b->n && b->in_flight < b->places && !b->stopping; i++)
        if (b->entries[i]->state == ENTRY_QUEUED)
            submit_start(b->entries[i]);
}

/* The deadline passed: what has not been submitted never will be (an entry held back by a
 * concurrency limit may come back to the queue later). Exchanges in flight end on their own
 * (their timeout is the deadline), and a submit among them says whether it may have run. */
static void expire_queued(ltx_batch *b)
{
    b->timed_out = 1;
    for (size_t i = 0; i < b->n; i++) {
        entry *e = b->entries[i];

        if (e->state == ENTRY_QUEUED)
            entry_end(e, ltx__fail(&e->err, LTX_ETIMEDOUT,
                                   "batch entry %zu was not submitted before the deadline; "
                                   "nothing was sent", e->index));
    }
}

/* Wake the entries whose time has come. */
static void wake_due(ltx_batch *b, uint64_t now)
{
    for (size_t i = 0; i < b->n; i++) {
        entry *e = b->entries[i];

        if (b->stopping)
            break;
        if (e->state != ENTRY_ENDED && !e->xfer && e->wake_at <= now)
            entry_wake(e);
    }
}

/* When the loop has something to do next, without any answer arriving. */
static uint64_t next_wake(const ltx_batch *b, uint64_t now)
{
    uint64_t next = UINT64_MAX;

    for (size_t i = 0; i < b->n; i++) {
        const entry *e = b->entries[i];

        if (e->state == ENTRY_ENDED || e->xfer)
            continue;
        if (e->wake_at < next)
            next = e->wake_at;
        if (e->state == ENTRY_QUEUED && b->in_flight < b->places && !b->stopping)
            next = now;
    }
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
        attempt_ended(e);
    }
}

/* End an entry that is not in flight, releasing what its current step holds. */
static void entry_cancel(entry *e)
{
    if (e->state == ENTRY_SUBMIT || e->state == ENTRY_POLL)
        ltx__call_finish(&e->call);
    if (e->state == ENTRY_DOWNLOAD) {
        ltx__sink_abort(e->sink);
        ltx__download_finish(&e->dl);
    }
    int by_handle = e->batch->cancelled || ltx_cancel_triggered(e->cancel);

    if (by_handle && e->job)
        ltx__fail(&e->err, LTX_ECANCELLED,
                  "batch entry %zu: cancelled; job %s keeps running on the server and is billed "
                  "(the API has no cancel endpoint; resume with its id)", e->index, e->job->id);
    else if (by_handle)
        ltx__fail(&e->err, LTX_ECANCELLED,
                  "batch entry %zu: cancelled before it was submitted; nothing was sent",
                  e->index);
    else
        ltx__fail(&e->err, LTX_ECANCELLED, "batch entry %zu: the run was stopped%s%s%s",
                  e->index, e->job ? "; job " : " before it was submitted",
                  e->job ? e->job->id : "", e->job ? " keeps running on the server" : "");
    entry_end(e, LTX_ECANCELLED);
}

/* End an entry now, in flight or not. */
static void entry_stop(entry *e)
{
    ltx_batch *b = e->batch;

    if (e->xfer) {
        ltx__http_multi_abandon(b->multi, e->xfer);
        e->xfer = NULL;
        b->transfers--;
        attempt_ended(e); /* cancelled: the policy never repeats it */
    }
    if (e->state != ENTRY_ENDED)
        entry_cancel(e);
}

/* Is fd one of the batch's own descriptors (wakeup, cancel handles) rather than libcurl's? */
static int own_fd(const ltx_batch *b, int fd)
{
    if (fd == ltx__cancel_fd(b->wake) || fd == ltx__cancel_fd(b->cancel))
        return 1;
    for (size_t i = 0; i < b->n; i++)
        if (b->entries[i]->state != ENTRY_ENDED && b->entries[i]->cancel &&
            fd == ltx__cancel_fd(b->entries[i]->cancel))
            return 1;
    return 0;
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
        entry_stop(e);
    }
    return b->unended == 0;
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
                       "ids to resume with)", submitted);
    } else if (b->stopping) {
        rc = ltx__fail(err, LTX_ECANCELLED, "batch: stopped by the completion callback");
    } else if (b->failed && b->timed_out) {
        rc = ltx__fail(err, LTX_ETIMEDOUT, "batch: the deadline passed; %zu of the entries "
                                           "failed", b->failed);
    } else if (b->failed) {
        rc = ltx__fail(err, LTX_EJOBFAILED, "batch: %zu of the entries failed", b->failed);
    }
    ltx__http_multi_free(b->multi);
    b->multi = NULL;
    /* whatever libcurl did not take back itself, and the batch's own descriptors */
    while (b->n_fds)
        watch(b, b->fds[b->n_fds - 1].fd, LTX_POLL_REMOVE);
    b->done = NULL;
    b->done_ud = NULL;
    b->running = 0;
    return rc;
}

LTX_API int ltx_batch_set_socket_fn(ltx_batch *b, ltx_batch_socket_fn fn, void *userdata)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "socket_fn",
                           "socket_fn: not while the batch runs");
    b->socket_fn = fn;
    b->socket_ud = fn ? userdata : NULL;
    return ltx__accept(&b->last_error);
}

LTX_API int ltx_batch_wakeup(ltx_batch *b)
{
    return b ? ltx_cancel_trigger(b->wake) : LTX_EINVAL;
}

LTX_API int ltx_batch_start(ltx_batch *b, ltx_batch_done_fn done, void *userdata,
                            ltx_error **err)
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
    watch(b, ltx__cancel_fd(b->wake), LTX_POLL_IN);
    if (b->cancel)
        watch(b, ltx__cancel_fd(b->cancel), LTX_POLL_IN);
    ltx__log(b->client, LTX_LOG_INFO, "batch: %zu entries, at most %u at once", b->unended,
             b->concurrency);
    return LTX_OK;
}

/* One pass of the entries' state machines over what the transfers brought. */
static void advance(ltx_batch *b)
{
    uint64_t now = now_ms(b);

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

LTX_API int ltx_batch_perform(size_t *out, ltx_batch *b, int fd, int events, ltx_error **err)
{
    int rc = LTX_OK;

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
    for (size_t i = 0; i < b->n; i++) /* the entries' own handles */
        if (b->entries[i]->state != ENTRY_ENDED && ltx_cancel_triggered(b->entries[i]->cancel))
            entry_stop(b->entries[i]);
    if (b->unended && !b->engine_failed) {
        uint64_t now = now_ms(b);

        if (fd >= 0 && !own_fd(b, fd))
            rc = ltx__http_multi_action(b->multi, fd, events);
        else if (fd < 0)
            rc = ltx__http_multi_action(b->multi, -1, 0);
        if (rc == LTX_OK && b->transfers && now - b->last_look >= BATCH_TICK_MS) {
            /* a silent transfer is looked at too: its stall and deadline checks run then */
            b->last_look = now;
            for (size_t i = 0; i < b->n_fds && rc == LTX_OK; i++)
                if (!own_fd(b, b->fds[i].fd))
                    rc = ltx__http_multi_action(b->multi, b->fds[i].fd, 0);
        }
        if (rc != LTX_OK)
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
        !b->unended) {
        *out = 0;
        return LTX_OK;
    }
    for (size_t i = 0; i < b->n; i++)
        if (b->entries[i]->state != ENTRY_ENDED && ltx_cancel_triggered(b->entries[i]->cancel)) {
        *out = 0;
        return LTX_OK;
    }
    now = now_ms(b);
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
        if (n > 0) {
            /* the set may change while it is served: serve a copy of what was ready */
            struct pollfd ready[16];
            size_t k = 0;

            for (size_t i = 0; i < b->n_fds && k < 16; i++)
                if (b->fds[i].revents)
                    ready[k++] = b->fds[i];
            for (size_t i = 0; i < k; i++) {
                int ev = (ready[i].revents & POLLIN ? LTX_POLL_IN : 0) |
                         (ready[i].revents & POLLOUT ? LTX_POLL_OUT : 0) |
                         (ready[i].revents & (POLLERR | POLLHUP) ? LTX_POLL_ERR : 0);

                if ((rc = ltx_batch_perform(&left, b, ready[i].fd, ev, err)) != LTX_OK || !left)
                    return rc;
            }
        } else if ((rc = ltx_batch_perform(&left, b, -1, 0, err)) != LTX_OK || !left) {
            return rc;
        }
    }
}
