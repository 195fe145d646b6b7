/* lib/batch_step.c — one batch entry's state machine: a place, its uploads, the submit, the
 * polls, the download, and its end. Each step is an exchange on the batch's multi handle or a
 * time in the timer heap; nothing here looks at the other entries. */
#define _POSIX_C_SOURCE 200809L
#include "batch_int.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The user's callback, told which entry a report is about. */
static int entry_progress(const ltx_progress *p, void *ud)
{
    const entry *e = ud;
    ltx_progress tagged = *p;

    tagged.batch_slot = e->index + 1;
    return e->batch->progress(&tagged, e->batch->progress_ud);
}

void ltx__entry_release(entry *e)
{
    if (e->body_owned)
        free(e->body);
    free(e->tmpl);
    free(e->submit_url);
    free(e->submit_what);
    free(e->poll_url);
    free(e->poll_what);
    free(e->endpoint_name);
    free(e->poll_kind);
    e->poll_kind = NULL;
    e->body = e->tmpl = e->submit_url = e->submit_what = e->poll_url = e->poll_what = NULL;
    e->body_owned = 0;
    e->endpoint_name = NULL;
}

/* The submit is over: its body is not kept (an inline file may be megabytes). */
static void body_drop(entry *e)
{
    if (e->body_owned)
        free(e->body);
    e->body = NULL;
    e->body_owned = 0;
}

/* Give the place back without widening the bound (the entry never reached the server). */
static void place_return(entry *e)
{
    if (e->holds_place) {
        e->holds_place = 0;
        e->batch->in_flight--;
    }
}

/* Set an entry up for the run going on. */
void ltx__entry_join(ltx_batch *b, entry *e, uint64_t now)
{
    if (e->state == ENTRY_ENDED)
        return;
    b->unended++;
    e->pc.fn = b->progress ? entry_progress : NULL;
    e->pc.ud = e;
    e->pc.started_ms = now;
    e->pc.job_id = e->job ? e->job->id : NULL;
    if (e->cancel && e->cancel != b->cancel)
        ltx__batch_cancel_ref(b, e->cancel);
    if (e->resumed) {
        /* already running on the server: follow it at once, and count it */
        e->holds_place = 1;
        b->in_flight++;
        e->state = ENTRY_POLL_WAIT;
        ltx__entry_wake_at(e, now);
    } else {
        ltx__entry_enqueue(e);
    }
}

/* The entry ended: give its place back, and tell the caller (unless the caller said stop). */
void ltx__entry_end(entry *e, int rc)
{
    ltx_batch *b = e->batch;

    if (e->state == ENTRY_UPLOAD || e->state == ENTRY_UPLOAD_WAIT)
        ltx__batch_media_abandon(e);
    ltx__entry_dequeue(e);
    ltx__entry_wake_at(e, UINT64_MAX);
    e->state = ENTRY_ENDED;
    e->status = rc;
    if (e->job) /* accepted, so running and billed whatever ended the entry: say which job */
        (void)ltx__with_job(&e->err, e->job, rc);
    ltx__entry_release(e);
    if (e->cancel && e->cancel != b->cancel)
        ltx__batch_cancel_unref(b, e->cancel);
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
             rc == LTX_OK ? "ok"
             : e->err     ? ltx_error_message(e->err)
                          : ltx_strerror(rc));
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

void ltx__attempt_start(entry *e)
{
    const ltx_http_req *rq = &e->rq;
    int rc;

    ltx__entry_wake_at(e, UINT64_MAX);
    if (e->state == ENTRY_DOWNLOAD) {
        ltx__download_attempt(&e->dl);
        rq = &e->dl.rq;
    } else if ((rc = ltx__call_attempt(&e->call, &e->err)) != LTX_OK) {
        ltx__call_finish(&e->call);
        ltx__entry_end(e, rc);
        return;
    }
    if (!attempt_launch(e, rq))
        ltx__attempt_ended(e);
}

static void submit_start(entry *e)
{
    ltx_batch *b = e->batch;
    int rc;

    /* the caller's last word before the request leaves (to record it first, or to skip it) */
    if (ltx__progress_emit(b->client, &e->pc, LTX_STAGE_SUBMITTING, NULL, 0, 0)) {
        ltx__fail(&e->err, LTX_ECANCELLED,
                  "batch entry %zu: cancelled before it was submitted; nothing was sent", e->index);
        place_return(e);
        ltx__entry_end(e, LTX_ECANCELLED);
        return;
    }
    if ((rc = ltx__batch_media_body(e)) != LTX_OK) {
        place_return(e);
        ltx__entry_end(e, rc);
        return;
    }
    e->state = ENTRY_SUBMIT;
    ltx__http_req_api(&e->rq, "POST", e->submit_url, e->body, b->deadline);
    if (e->submit_deadline_ms) { /* a request's own deadline bounds its submit too */
        uint64_t own = e->submit_deadline_ms == LTX_NO_LIMIT
                           ? UINT64_MAX
                           : ltx__batch_now(b) + e->submit_deadline_ms;

        if (own < e->rq.deadline)
            e->rq.deadline = own;
    }
    e->rq.policy = e->has_policy ? &e->policy : NULL;
    ltx__call_start(&e->call, b->client, LTX_CALL_SUBMIT, &e->rq, e->submit_what);
    ltx__attempt_start(e);
}

/* A queued entry got a place: its uploads first (under the same bound), then its submit. */
void ltx__entry_start(entry *e)
{
    e->holds_place = 1;
    e->batch->in_flight++;
    if (ltx__batch_media_step(e) == 1)
        submit_start(e);
}

static void poll_start(entry *e)
{
    ltx_batch *b = e->batch;

    /* a poll that starts at the deadline could only time out: say what is known */
    if (b->deadline != UINT64_MAX && ltx__batch_now(b) >= b->deadline) {
        ltx__entry_end(e, ltx__job_timed_out(e->job, &e->err));
        return;
    }
    e->state = ENTRY_POLL;
    ltx__http_req_api(&e->rq, "GET", e->poll_url, NULL, b->deadline);
    ltx__call_start(&e->call, b->client, LTX_CALL_IDEMPOTENT, &e->rq, e->poll_what);
    ltx__attempt_start(e);
}

/* Polls follow the job on the client's poll schedule (lib/poll.c), never past the deadline. */
static void poll_later(entry *e)
{
    ltx_batch *b = e->batch;
    uint64_t now = ltx__batch_now(b), at = now + ltx__job_poll_delay(e->job, 0);

    if (b->deadline != UINT64_MAX && now >= b->deadline) {
        ltx__entry_end(e, ltx__job_timed_out(e->job, &e->err));
        return;
    }
    e->state = ENTRY_POLL_WAIT;
    ltx__entry_wake_at(e, at > b->deadline ? b->deadline : at);
}

/* Accepted: tell the caller the id first, then follow the job. */
static void job_accepted(entry *e)
{
    int rc;

    free(e->tmpl); /* never submitted again */
    e->tmpl = NULL;
    /* its run time counts from now, and teaches the client about jobs of its kind */
    ltx__job_poll_begin(e->job, NULL);
    if (e->poll_kind)
        snprintf(e->job->poll_kind, sizeof(e->job->poll_kind), "%s", e->poll_kind);
    free(e->poll_kind);
    e->poll_kind = NULL;
    if ((rc = ltx__job_poll_strings(e->job, &e->poll_url, &e->poll_what)) != LTX_OK) {
        ltx__entry_end(e,
                       ltx__fail(&e->err, rc, "out of memory (job %s was accepted)", e->job->id));
        return;
    }
    if ((rc = ltx__job_announce(e->job, &e->pc, &e->err)) != LTX_OK) {
        ltx__entry_end(e, rc);
        return;
    }
    /* the first poll as the schedule says: at once when fixed, as ltx_generate() does */
    poll_later(e);
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
             "waiting for one to finish",
             e->index, b->in_flight - 1);
    ltx_error_free(e->err);
    e->err = NULL;
    e->holds_place = 0;
    b->in_flight--;
    b->places = b->in_flight;
    e->state = ENTRY_QUEUED;
    ltx__entry_wake_at(e, UINT64_MAX);
    ltx__entry_enqueue(e);
    return 1;
}

static void submit_ended(entry *e, ltx_step step, int rc)
{
    ltx_batch *b = e->batch;

    ltx__call_finish(&e->call);
    body_drop(e);
    if (step == LTX_STEP_FAILED) {
        if (!hold_back(e, rc))
            ltx__entry_end(e, rc);
        return;
    }
    rc =
        ltx__submit_accepted(b->client, e->endpoint_name, &e->rs, e->submit_what, &e->job, &e->err);
    if (rc != LTX_OK) {
        ltx__entry_end(e, rc);
        return;
    }
    job_accepted(e);
}

static void download_start(entry *e)
{
    ltx_batch *b = e->batch;
    int rc = ltx__download_start(&e->dl, e->job, NULL, e->sink, &e->pc, b->deadline, &e->err);

    if (rc != LTX_OK) {
        ltx__entry_end(e, rc);
        return;
    }
    e->state = ENTRY_DOWNLOAD;
    ltx__attempt_start(e);
}

static void poll_ended(entry *e, ltx_step step, int rc)
{
    ltx__call_finish(&e->call);
    if (step == LTX_STEP_FAILED) {
        ltx__entry_end(e,
                       ltx__job_poll_failed(e->job, e->poll_what, rc, e->batch->deadline, &e->err));
        return;
    }
    if ((rc = ltx__job_poll_apply(e->job, &e->rs, e->poll_what, &e->err)) != LTX_OK) {
        ltx__entry_end(e, rc);
        return;
    }
    if (!ltx__job_poll_settled(e->job, &e->pc, &rc, &e->err))
        poll_later(e);
    else if (rc != LTX_OK)
        ltx__entry_end(e, rc);
    else
        download_start(e);
}

/* An attempt's answer (in e->rs): the shared policy decides what comes next. */
void ltx__attempt_ended(entry *e)
{
    ltx_step step;
    uint64_t delay = 0;
    int rc = LTX_OK;

    if (e->state == ENTRY_DOWNLOAD)
        step = ltx__download_decide(&e->dl, &e->rs, &delay, &rc, &e->err);
    else
        step = ltx__call_decide(&e->call, &e->rs, &delay, &rc, &e->err);
    if (step == LTX_STEP_RETRY) {
        ltx__entry_wake_at(e, ltx__batch_now(e->batch) + delay);
        return;
    }
    switch (e->state) {
    case ENTRY_UPLOAD:
        ltx__batch_media_ended(e, step, rc);
        if (e->state == ENTRY_UPLOAD_WAIT && ltx__batch_media_step(e) == 1)
            submit_start(e);
        break;
    case ENTRY_SUBMIT: submit_ended(e, step, rc); break;
    case ENTRY_POLL: poll_ended(e, step, rc); break;
    default:
        ltx__download_finish(&e->dl);
        ltx__entry_end(e, rc);
        break;
    }
}

/* A waiting entry's time has come. */
void ltx__entry_wake(entry *e)
{
    ltx__entry_wake_at(e, UINT64_MAX);
    if (e->state == ENTRY_POLL_WAIT)
        poll_start(e);
    else if (e->state == ENTRY_UPLOAD_WAIT) {
        if (ltx__batch_media_step(e) == 1)
            submit_start(e);
    } else
        ltx__attempt_start(e);
}

/* End an entry that is not in flight, releasing what its current step holds. */
static void entry_cancel(entry *e)
{
    int by_handle = e->batch->cancelled || ltx_cancel_triggered(e->cancel);

    if (e->state == ENTRY_SUBMIT || e->state == ENTRY_POLL || e->state == ENTRY_UPLOAD)
        ltx__call_finish(&e->call);
    if (e->state == ENTRY_DOWNLOAD) {
        ltx__sink_abort(e->sink);
        ltx__download_finish(&e->dl);
    }
    if (by_handle && e->job)
        ltx__fail(&e->err, LTX_ECANCELLED,
                  "batch entry %zu: cancelled; job %s keeps running on the server and is billed "
                  "(the API has no cancel endpoint; resume with its id)",
                  e->index, e->job->id);
    else if (by_handle)
        ltx__fail(&e->err, LTX_ECANCELLED,
                  "batch entry %zu: cancelled before it was submitted; nothing was sent", e->index);
    else
        ltx__fail(&e->err, LTX_ECANCELLED, "batch entry %zu: the run was stopped%s%s%s", e->index,
                  e->job ? "; job " : " before it was submitted", e->job ? e->job->id : "",
                  e->job ? " keeps running on the server" : "");
    ltx__entry_end(e, LTX_ECANCELLED);
}

/* End an entry now, in flight or not. */
void ltx__entry_stop(entry *e)
{
    ltx_batch *b = e->batch;

    if (e->xfer) {
        ltx__http_multi_abandon(b->multi, e->xfer);
        e->xfer = NULL;
        b->transfers--;
        ltx__attempt_ended(e); /* cancelled: the policy never repeats it */
    }
    if (e->state != ENTRY_ENDED)
        entry_cancel(e);
}
