/*
 * tools/ltx/batch.c — ltx batch: many generations from a JSON Lines file, at most N jobs in
 * flight on one shared client, and a journal so that a run killed at any moment and run again
 * finishes the work without submitting (and paying for) any accepted job a second time.
 *
 * One thread: it reads and checks every line, reads the journal and plans; then the library's
 * batch engine (ltx_batch) submits, polls and downloads at most N entries at once over the
 * client's shared connections, and its callbacks write the journal: "submitting" before each
 * submit request leaves (LTX_STAGE_SUBMITTING), "accepted" with the job id (LTX_STAGE_SUBMITTED),
 * then "done" or "failed" when the entry ends.
 */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batch.h"
#include "redact.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ one entry */

/* Sleep, unless interrupted or stopped first (then non-zero). */
static int nap(struct batch *b, uint64_t ms)
{
    uint64_t end = now_ms() + ms;

    while (!stopped(b)) {
        uint64_t t = now_ms(), slice;
        struct timespec ts;

        if (t >= end)
            return 0;
        slice = end - t < NAP_SLICE_MS ? end - t : NAP_SLICE_MS;
        ts.tv_sec = (time_t)(slice / 1000u);
        ts.tv_nsec = (long)(slice % 1000u) * 1000000L;
        nanosleep(&ts, NULL);
    }
    return 1;
}

/* Record and report a failure. Returns -1. */
static int entry_failed(struct entry *e, int status, const ltx_error *err, const char *text)
{
    struct batch *b = e->b;
    const char *message = text ? text : err ? ltx_error_message(err) : ltx_strerror(status);
    int possibly = err && ltx_error_possibly_executed(err);
    struct record r;

    e->todo = TODO_NOTHING;
    memset(&r, 0, sizeof(r));
    r.event = "failed";
    r.has_code = 1;
    r.code = status;
    r.http_status = err ? ltx_error_http_status(err) : 0;
    r.error_type = err ? ltx_error_type(err) : NULL;
    r.message = message;
    r.possibly_executed = possibly;
    r.job_id = e->job_id;
    r.endpoint = e->job_id ? e->job_endpoint : NULL;
    journal_append(b, e, &r);

    e->status = status;
    free(e->message);
    e->message = xstrdup(b, message);
    if (possibly && !e->job_id) {
        e->outcome = O_UNKNOWN;
        say(e, 1, "%s", message);
        say(e, 1,
            "the server may have created a job: check your jobs before running again "
            "with --resubmit-unknown");
    } else {
        e->outcome = O_FAILED;
        say(e, 1, "failed: %s", message);
    }
    if (status == LTX_EAUTH || status == LTX_EFORBIDDEN || status == LTX_EFUNDS) {
        stop_batch(b, status);
        note(b, 1, "every submission would fail the same way: starting nothing more");
    }
    return -1;
}

/*
 * Upload the entry's local files (each once per run) and use their ltx:// URIs, before the
 * "submitting" record: an
 * upload killed halfway then leaves no submission of unknown outcome behind, only a file to
 * upload again (uploads cost nothing). The URIs last 24 hours, across 429 waits.
 */
static int upload_files(struct entry *e)
{
    struct batch *b = e->b;

    for (int i = 0; i < N_MEDIA; i++) {
        ltx_error *err = NULL;
        ltx_upload *upload = NULL;
        struct stat sb;
        const char *uri;
        int st, known;

        if (!e->files[i])
            continue;
        if (stopped(b))
            return -1;
        known = stat(e->files[i], &sb) == 0;
        if (known && (uri = uploaded_find(b, &sb))) { /* named before: uploaded once */
            say(e, 0, "%s: uploaded already", e->files[i]);
            st = cli_set_media(e->req, media_fields[i], uri);
        } else {
            say(e, 0, "uploading %s", e->files[i]);
            st = ltx_upload_file(&upload, b->client, e->files[i], NULL, &err);
            if (st == LTX_OK && known)
                uploaded_add(b, &sb, ltx_upload_storage_uri(upload));
            if (st == LTX_OK)
                st = cli_set_media(e->req, media_fields[i], ltx_upload_storage_uri(upload));
            ltx_upload_free(upload);
        }
        if (st != LTX_OK) { /* a local file that became unreadable: a mistake in the request */
            entry_failed(e, st == LTX_EIO ? LTX_EREQUEST : st, err, NULL);
            ltx_error_free(err);
            return -1;
        }
        free(e->files[i]);
        e->files[i] = NULL;
    }
    return 0;
}

/*
 * A 429 the library's retries did not outlast, with nothing else of the round left running to
 * wait for: it created no job, so it is recorded, waited out and submitted again in a later
 * round, for at most --timeout after the entry was first submitted.
 */
static void rate_limited(struct entry *e, const ltx_error *err)
{
    struct batch *b = e->b;
    const struct batch_config *cfg = b->cfg;
    uint64_t now = now_ms(), wait;
    int64_t retry_after = err ? ltx_error_retry_after_ms(err) : -1;
    struct record r;

    if (!e->backoff) {
        e->backoff = BACKOFF_FIRST_MS;
        e->seed = e->line * 2654435761u ^ (unsigned)now;
    }
    if (!e->first_submit_ms)
        e->first_submit_ms = now;
    e->seed = e->seed * 1103515245u + 12345u;
    wait = e->backoff - e->backoff / 4 + (e->seed >> 8) % (e->backoff / 2 + 1); /* +-25% */
    if (retry_after > 0 && (uint64_t)retry_after > wait)
        wait =
            (uint64_t)retry_after < RETRY_AFTER_CAP_MS ? (uint64_t)retry_after : RETRY_AFTER_CAP_MS;
    if (cfg->timeout_ms != LTX_NO_LIMIT && now + wait - e->first_submit_ms > cfg->timeout_ms) {
        char text[MESSAGE_MAX];

        snprintf(text, sizeof(text), "%s (still refused when --timeout ran out)",
                 err ? ltx_error_message(err) : ltx_strerror(LTX_ERATELIMIT));
        entry_failed(e, LTX_ERATELIMIT, err, text);
        return;
    }
    /* rejected: recorded, so that a crash while waiting leaves no doubt about it */
    memset(&r, 0, sizeof(r));
    r.event = "failed";
    r.has_code = 1;
    r.code = LTX_ERATELIMIT;
    r.http_status = err ? ltx_error_http_status(err) : 0;
    r.error_type = err ? ltx_error_type(err) : NULL;
    r.message = err ? ltx_error_message(err) : NULL;
    journal_append(b, e, &r);
    say(e, 0, "%s; submitting again in %.1f s",
        err && ltx_error_type(err) ? ltx_error_type(err) : "rate limited", (double)wait / 1000.0);
    e->todo = TODO_SUBMIT;
    e->retry_at = now + wait;
    e->backoff = e->backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : e->backoff * 2;
}

/* How an entry of the round ended: record it (from the done callback, or after a stopped run). */
static void entry_ended(struct entry *e, int status, const ltx_error *err, const char *job_id)
{
    struct batch *b = e->b;
    int possibly = err && ltx_error_possibly_executed(err);
    struct record r;
    int rc;

    e->in_round = 0;
    if (job_id && (!e->job_id || strcmp(e->job_id, job_id) != 0)) {
        replace(b, &e->job_id, job_id);
        replace(b, &e->job_endpoint, e->endpoint_name);
    }
    if (status == LTX_OK) {
        if ((rc = output_commit(&e->out, e->output)) != 0) {
            char text[MESSAGE_MAX];

            snprintf(text, sizeof(text), "cannot write %s: %s", e->output, strerror(rc));
            entry_failed(e, LTX_EIO, NULL, text);
            return;
        }
        e->bytes = ltx_sink_bytes_written(e->out.sink);
        memset(&r, 0, sizeof(r));
        r.event = "done";
        r.output = e->output;
        r.has_bytes = 1;
        r.bytes = e->bytes;
        r.job_id = e->job_id;
        journal_append(b, e, &r); /* lost, it only costs a download next time */
        e->outcome = O_DONE;
        say(e, 0, "wrote %s (%" PRIu64 " bytes)", e->output, e->bytes);
        return;
    }
    if (status == LTX_ECANCELLED && e->timed_out) {
        char text[MESSAGE_MAX];

        snprintf(text, sizeof(text),
                 "no result within --timeout (%.0f s); the job keeps running and a rerun "
                 "picks it up",
                 (double)b->cfg->timeout_ms / 1000.0);
        entry_failed(e, LTX_ETIMEDOUT, NULL, text);
        return;
    }
    if (status == LTX_ECANCELLED && !(possibly && !e->job_id)) {
        /* interrupted, or not submitted because the batch stops: unfinished, nothing to record */
        if (e->job_id && !e->refused)
            say(e, 0, "interrupted; the job goes on and a rerun picks it up");
        return;
    }
    if (status == LTX_ERATELIMIT && !e->job_id && !possibly) {
        rate_limited(e, err);
        return;
    }
    entry_failed(e, status, err, NULL);
}

/* The library tries again by itself (429, 503, a dropped connection): say so. */
static void on_attempt(const ltx_attempt *a, void *userdata)
{
    struct batch *b = userdata;
    int http = ltx_attempt_http_status(a);
    const char *method = ltx_attempt_method(a), *url = ltx_attempt_url(a);
    char where[MESSAGE_MAX];

    if (!ltx_attempt_will_retry(a) || !b->progress)
        return;
    /* the URL without its query, which may hold a download's signature */
    snprintf(where, sizeof(where), "%s %.*s", method ? method : "",
             url ? (int)strcspn(url, "?#") : 0, url ? url : "");
    if (http)
        note(b, 0, "%s answered HTTP %d; the library tries again in %.1f s", where, http,
             (double)ltx_attempt_delay_ms(a) / 1000.0);
    else
        note(b, 0, "%s: %s; the library tries again in %.1f s", where,
             ltx_strerror(ltx_attempt_transport_status(a)),
             (double)ltx_attempt_delay_ms(a) / 1000.0);
}

/* ------------------------------------------------------------------ the rounds */

/*
 * The work runs in rounds, each one ltx_batch on this thread. A round holds at most
 * ROUND_MAX_ENTRIES entries, since each keeps its output file open while the round runs; an
 * entry refused with 429 goes to a later round.
 */
#define ROUND_MAX_ENTRIES 256u

struct round {
    struct batch *b;
    ltx_batch *lb;
    struct entry *e[ROUND_MAX_ENTRIES]; /* by the entry's index in lb (at most one per add) */
    size_t n;
};

static struct entry *round_entry(struct round *r, size_t index)
{
    return index < r->n ? r->e[index] : NULL;
}

/* --timeout bounds an entry from its acceptance (or its resumption) to its download's end. */
static int past_timeout(struct entry *e)
{
    uint32_t limit = e->b->cfg->timeout_ms;

    if (limit == LTX_NO_LIMIT || !e->t0 || now_ms() - e->t0 <= limit)
        return 0;
    e->timed_out = 1;
    return 1;
}

static int on_progress(const ltx_progress *p, void *userdata)
{
    struct round *rd = userdata;
    struct entry *e = round_entry(rd, ltx_progress_batch_index(p));
    struct batch *b = rd->b;
    const char *status = ltx_progress_status(p);
    struct record r;

    if (!e)
        return 0;
    switch (ltx_progress_stage(p)) {
    case LTX_STAGE_SUBMITTING:
        /* without the record a crash could pay twice: such an entry stays unfinished */
        if (stopped(b)) {
            e->refused = 1;
            return 1;
        }
        replace(b, &e->job_id, NULL); /* a new attempt: an earlier job of this entry is history */
        replace(b, &e->job_endpoint, NULL);
        memset(&r, 0, sizeof(r));
        r.event = "submitting";
        r.endpoint = e->endpoint_name;
        r.has_estimate = e->est.known;
        r.estimate = e->est.micro_usd;
        if (journal_append(b, e, &r) != 0) {
            e->refused = 1;
            return 1;
        }
        if (!e->first_submit_ms)
            e->first_submit_ms = now_ms();
        say(e, 0, "submitting");
        return 0;
    case LTX_STAGE_SUBMITTED:
        replace(b, &e->job_id, ltx_progress_job_id(p));
        replace(b, &e->job_endpoint, e->endpoint_name);
        e->t0 = now_ms();
        memset(&r, 0, sizeof(r));
        r.event = "accepted";
        r.endpoint = e->job_endpoint;
        r.has_estimate = e->est.known;
        r.estimate = e->est.micro_usd;
        r.job_id = e->job_id;
        if (journal_append(b, e, &r) != 0)
            say(e, 1, "accepted, but not recorded in the journal: note the job id");
        say(e, 0, "accepted");
        return cli_interrupted(); /* recorded first: a rerun picks the job up */
    case LTX_STAGE_WAITING:
        if (status && strncmp(status, e->last_status, sizeof(e->last_status) - 1) != 0) {
            snprintf(e->last_status, sizeof(e->last_status), "%s", status);
            say(e, 0, "%s", status);
        }
        break;
    default: break;
    }
    draw_status(b, 0);
    return cli_interrupted() || past_timeout(e);
}

static int on_done(size_t index, int status, const ltx_error *err, const char *job_id,
                   void *userdata)
{
    struct entry *e = round_entry(userdata, index);

    if (e)
        entry_ended(e, status, err, job_id);
    return cli_interrupted(); /* stop: no new submission, in-flight ones still record their ids */
}

/* Put one entry into the round: resumed by its job id, or submitted. */
static void round_add(struct round *rd, struct entry *e)
{
    ltx_error *err = NULL;
    size_t index;
    int st, resume = e->todo == TODO_RESUME;

    if (!resume && (!within_budget(rd->b, e) || upload_files(e) != 0))
        return;
    if ((st = output_open(&e->out, e->output)) == LTX_OK)
        st = ltx_sink_set_max_bytes(e->out.sink, rd->b->cfg->max_bytes);
    if (st != LTX_OK) {
        char text[MESSAGE_MAX];

        snprintf(text, sizeof(text), "cannot write %s: %s", e->output, ltx_strerror(st));
        entry_failed(e, st, NULL, text);
        return;
    }
    if (resume) {
        ltx_job *job = NULL;

        st = ltx_job_open_by_name(&job, rd->b->client, e->job_endpoint, e->job_id, &err);
        if (st == LTX_OK)
            st = ltx_batch_add_job(&index, rd->lb, job, e->out.sink, &err);
        ltx_job_free(job);
    } else {
        /* the client has no deadline during a run (each entry has its own, from acceptance);
         * this bounds the submit itself, so a server that never answers cannot hang it */
        if (rd->b->cfg->timeout_ms != LTX_NO_LIMIT)
            ltx_request_set_deadline_ms(e->req, rd->b->cfg->timeout_ms);
        st = ltx_batch_add(&index, rd->lb, e->req, e->out.sink, &err);
    }
    if (st != LTX_OK) {
        output_close(&e->out);
        entry_failed(e, st, err, NULL);
        ltx_error_free(err);
        return;
    }
    if (resume)
        say(e, 0, "resuming");
    e->t0 = 0; /* set when accepted, or when the round starts for a resumed job */
    e->todo = TODO_NOTHING;
    e->in_round = 1;
    e->refused = e->timed_out = 0;
    e->last_status[0] = '\0';
    rd->e[index] = e;
    rd->n = index + 1;
}

/* Run one round; non-zero when the batch must stop. */
static int round_run(struct round *rd)
{
    struct batch *b = rd->b;
    ltx_error *err = NULL;
    int st;

    /* a deadline covers a whole ltx_batch_run(): each entry's --timeout is kept by on_progress */
    ltx_client_set_deadline_ms(b->client, LTX_NO_LIMIT);
    for (size_t i = 0; i < rd->n; i++)
        if (rd->e[i] && ltx_batch_job_id(rd->lb, i)) /* resumed: running on the server already */
            rd->e[i]->t0 = now_ms();
    st = ltx_batch_run(rd->lb, on_done, rd, &err);
    ltx_client_set_deadline_ms(b->client, b->cfg->timeout_ms); /* for the next uploads */
    for (size_t i = 0; i < rd->n; i++) { /* the entries that ended after the run stopped */
        struct entry *e = rd->e[i];

        if (e && e->in_round) {
            int s = ltx_batch_status(rd->lb, i);

            entry_ended(e, s == LTX_EINVAL ? LTX_ECANCELLED : s, ltx_batch_error(rd->lb, i),
                        ltx_batch_job_id(rd->lb, i));
        }
    }
    if (st != LTX_OK && st != LTX_EJOBFAILED && st != LTX_ECANCELLED && st != LTX_ETIMEDOUT) {
        note(b, 1, "%s", err ? ltx_error_message(err) : ltx_strerror(st));
        stop_batch(b, st);
    }
    ltx_error_free(err);
    return stopped(b);
}

static void run_rounds(struct batch *b)
{
    struct round *rd = calloc(1, sizeof(*rd));

    if (!rd) {
        note(b, 1, "%s", ltx_strerror(LTX_ENOMEM));
        stop_batch(b, LTX_ENOMEM);
        return;
    }
    rd->b = b;
    while (!stopped(b)) {
        uint64_t now = now_ms(), wake = UINT64_MAX;
        size_t fresh = 0;
        int st;

        for (size_t i = 0; i < b->nqueue; i++) {
            const struct entry *e = b->queue[i];

            if (e->todo != TODO_NOTHING && e->retry_at <= now)
                fresh++;
            else if (e->todo != TODO_NOTHING && e->retry_at < wake)
                wake = e->retry_at;
        }
        if (!fresh && wake == UINT64_MAX)
            break; /* all done */
        if (!fresh && nap(b, wake - now))
            break;
        if ((st = ltx_batch_new(&rd->lb, b->client)) != LTX_OK ||
            (st = ltx_batch_set_concurrency(rd->lb, b->cfg->concurrency)) != LTX_OK ||
            (st = ltx_batch_set_progress(rd->lb, on_progress, rd)) != LTX_OK) {
            note(b, 1, "%s", ltx_strerror(st));
            stop_batch(b, st);
            ltx_batch_free(rd->lb);
            break;
        }
        now = now_ms();
        rd->n = 0;
        for (size_t i = 0, taken = 0; i < b->nqueue && taken < ROUND_MAX_ENTRIES && !stopped(b);
             i++) {
            struct entry *e = b->queue[i];

            if (e->todo == TODO_NOTHING || e->retry_at > now)
                continue;
            taken++;
            round_add(rd, e);
        }
        st = rd->n && !stopped(b) ? round_run(rd) : 0;
        ltx_batch_free(rd->lb); /* then the sinks it borrowed */
        rd->lb = NULL;
        for (size_t i = 0; i < rd->n; i++)
            if (rd->e[i]) {
                rd->e[i]->in_round = 0;
                output_close(&rd->e[i]->out);
            }
        memset(rd->e, 0, sizeof(rd->e));
        rd->n = 0;
        if (st)
            break;
    }
    free(rd);
}

/* ------------------------------------------------------------------ the end */

static const char *outcome_name(enum outcome o)
{
    static const char *const names[] = {"unfinished", "done", "failed", "unknown"};

    return names[o];
}

/* The estimated spend: before this run (the journal's), in this run, and the total. */
static json_t *json_entry(const struct entry *e)
{
    json_t *o = json_object();
    int failed = e->outcome == O_FAILED;

    if (!o)
        return NULL;
    json_object_set_new(o, "key", cli_json_str(e->key));
    json_object_set_new(o, "line", json_integer(e->line));
    json_object_set_new(o, "state", json_string(outcome_name(e->outcome)));
    json_object_set_new(o, "job_id", cli_json_str(e->job_id));
    json_object_set_new(o, "output", cli_json_str(e->output));
    json_object_set_new(o, "bytes",
                        e->outcome == O_DONE && e->plan != P_SKIP
                            ? json_integer((json_int_t)e->bytes)
                            : json_null());
    json_object_set_new(o, "code", failed ? json_integer(e->status) : json_null());
    json_object_set_new(o, "class", failed ? json_string(cli_class_name(e->status)) : json_null());
    json_object_set_new(o, "message",
                        cli_json_str(e->message && e->outcome != O_DONE ? e->message : NULL));
    json_object_set_new(o, "estimate", cli_json_estimate(&e->est));
    return o;
}

static void print_json_summary(struct batch *b, int ok, size_t count[4])
{
    json_t *o = json_object(), *entries = json_array();

    if (!o || !entries) {
        json_decref(o);
        json_decref(entries);
        return;
    }
    json_object_set_new(o, "ok", json_boolean(ok));
    json_object_set_new(o, "done", json_integer((json_int_t)count[O_DONE]));
    json_object_set_new(o, "failed", json_integer((json_int_t)count[O_FAILED]));
    json_object_set_new(o, "unknown", json_integer((json_int_t)count[O_UNKNOWN]));
    json_object_set_new(o, "unfinished", json_integer((json_int_t)count[O_UNFINISHED]));
    json_object_set_new(o, "journal", cli_json_str(b->journal_path));
    batch_json_spend(b, o);
    for (size_t i = 0; i < b->n; i++)
        json_array_append_new(entries, json_entry(&b->entries[i]));
    json_object_set_new(o, "entries", entries);
    cli_json_print(stdout, o);
}

static int summarize(struct batch *b)
{
    size_t count[4] = {0, 0, 0, 0};
    const struct entry *first_failed = NULL;
    int rc = 0;

    for (size_t i = 0; i < b->n; i++) {
        count[b->entries[i].outcome]++;
        if (b->entries[i].outcome == O_FAILED && !first_failed)
            first_failed = &b->entries[i];
    }
    if (cli_interrupted())
        rc = EXIT_INTERRUPTED;
    else if (count[O_UNKNOWN])
        rc = EXIT_UNKNOWN_OUTCOME;
    else if (first_failed)
        rc = cli_exit_code(first_failed->status);
    else if (count[O_UNFINISHED] && over_budget(b))
        rc = EXIT_FUNDS;
    else if (count[O_UNFINISHED])
        rc = b->stop_status ? cli_exit_code(b->stop_status) : EXIT_OTHER;
    if (!b->cfg->quiet && !b->cfg->json) {
        flockfile(stderr);
        fprintf(stderr, "%zu done, %zu failed, %zu unknown", count[O_DONE], count[O_FAILED],
                count[O_UNKNOWN]);
        if (count[O_UNFINISHED])
            fprintf(stderr, ", %zu unfinished", count[O_UNFINISHED]);
        print_spend(b);
        fputc('\n', stderr);
        funlockfile(stderr);
    }
    if (rc == EXIT_INTERRUPTED)
        note(b, 1, "interrupted; run the same command again to finish (journal %s)",
             b->journal_path);
    else if (over_budget(b))
        note(b, 1,
             "%zu entr%s not submitted under --max-cost; a rerun with a larger budget "
             "submits them",
             over_budget(b), over_budget(b) == 1 ? "y was" : "ies were");
    else if (count[O_UNKNOWN])
        note(b, 1,
             "%zu submission%s may or may not have created a job: check your jobs, then run "
             "again with --resubmit-unknown to submit %s",
             count[O_UNKNOWN], count[O_UNKNOWN] == 1 ? "" : "s",
             count[O_UNKNOWN] == 1 ? "it again" : "them again");
    if (b->cfg->json)
        print_json_summary(b, rc == 0, count);
    return rc;
}

/* ------------------------------------------------------------------ ltx batch */

void free_batch(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        struct entry *e = &b->entries[i];

        free(e->key);
        free(e->endpoint_name);
        free(e->output);
        ltx_request_free(e->req);
        free(e->job_id);
        free(e->job_endpoint);
        free(e->j_message);
        free(e->message);
        for (int k = 0; k < N_MEDIA; k++)
            free(e->files[k]);
    }
    free(b->entries);
    for (size_t i = 0; i < b->nproblems; i++) {
        free(b->problems[i].field);
        free(b->problems[i].message);
    }
    free(b->problems);
    free(b->queue);
    free(b->journal_path);
    uploaded_free(b);
    if (b->journal_fd >= 0)
        close(b->journal_fd); /* and with it the lock */
    ltx_client_free(b->client);
}

/* 1. Every line checked before anything is sent. */
static int check_file(struct batch *b, struct entry ***sorted)
{
    const struct batch_config *cfg = b->cfg;
    int rc;

    if ((rc = load(b)) != 0)
        return rc;
    if (b->n && !(*sorted = calloc(b->n, sizeof(**sorted))))
        return cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
    check_duplicates(b, *sorted);
    if (b->nproblems)
        return b->oom ? cfg->fail(cfg->ctx, LTX_ENOMEM, NULL) : report_problems(b);
    return 0;
}

/* The output directory, and any an output names. */
static int make_output_dirs(struct batch *b)
{
    const struct batch_config *cfg = b->cfg;
    int rc;

    for (size_t i = 0; i <= b->n; i++) {
        char *dir = i < b->n ? parent_dir(b->entries[i].output) : strdup(b->output_dir);
        char message[MESSAGE_MAX];

        if (!dir || (rc = make_dirs(dir)) != 0) {
            snprintf(message, sizeof(message), "cannot create the directory %s: %s", dir ? dir : "",
                     strerror(dir ? rc : ENOMEM));
            free(dir);
            return cfg->fail(cfg->ctx, LTX_EIO, message);
        }
        free(dir);
    }
    return 0;
}

/* 2. The client, the output directory and the journal. */
static int prepare(struct batch *b, struct entry **sorted)
{
    const struct batch_config *cfg = b->cfg;
    int rc;

    if ((rc = cfg->make_client(cfg->ctx, &b->client)) != 0)
        return rc;
    ltx_client_set_attempt_hook(b->client, on_attempt, b);
    if ((rc = make_output_dirs(b)) != 0)
        return rc;
    b->journal_path = cfg->journal ? strdup(cfg->journal) : NULL;
    if (!b->journal_path) {
        char *name =
            xprintf("%s.journal", strcmp(cfg->input, "-") ? base_name(cfg->input) : "stdin");

        b->journal_path = name ? join_path(b->output_dir, name) : NULL;
        free(name);
    }
    if (!b->journal_path)
        return cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
    if ((rc = journal_open(b, sorted)) != 0)
        return rc;
    for (size_t i = 0; i < b->n; i++) /* submissions of unknown outcome may have been billed */
        if (b->entries[i].jstate == J_SUBMITTING && b->entries[i].j_estimate > 0)
            b->spent_before += b->entries[i].j_estimate;
    return 0;
}

/* 3. The plan: jobs already accepted first (they run on the server already), then new ones. */
static int plan(struct batch *b)
{
    size_t resume = 0, fresh = 0, skipped = 0;

    if (b->n && !(b->queue = calloc(b->n, sizeof(*b->queue))))
        return b->cfg->fail(b->cfg->ctx, LTX_ENOMEM, NULL);
    for (size_t i = 0; i < b->n; i++) {
        struct entry *e = &b->entries[i];

        plan_entry(b, e);
        if (e->plan == P_RESUME || e->plan == P_SUBMIT)
            remove_stale_parts(e->output);
        if (e->plan == P_RESUME) {
            e->todo = TODO_RESUME;
            b->queue[b->nqueue++] = e;
        }
        resume += e->plan == P_RESUME;
        fresh += e->plan == P_SUBMIT;
        skipped += e->plan == P_SKIP;
    }
    for (size_t i = 0; i < b->n; i++)
        if (b->entries[i].plan == P_SUBMIT) {
            b->entries[i].todo = TODO_SUBMIT;
            b->queue[b->nqueue++] = &b->entries[i];
        }
    note(b, 0, "%zu entr%s: %zu done before, %zu to resume, %zu to submit; journal %s", b->n,
         b->n == 1 ? "y" : "ies", skipped, resume, fresh, b->journal_path);
    for (size_t i = 0; i < b->n; i++) {
        const struct entry *e = &b->entries[i];

        if (e->plan == P_UNKNOWN)
            say(e, 1,
                "submitted before, but no job id was recorded: the server may have "
                "created a job");
        else if (e->plan == P_FAILED_BEFORE)
            say(e, 1, "failed before: %s (--retry-failed submits it again)", e->message);
    }
    return 0;
}

/* 4. The work. */
static int work(struct batch *b)
{
    if (b->cfg->has_max_cost) {
        char spent[32], max[32];

        note(b, 0, "estimated %s spent before this run; budget %s",
             cli_format_usd(spent, sizeof(spent), b->spent_before),
             cli_format_usd(max, sizeof(max), b->cfg->max_cost));
    }
    run_rounds(b);
    batch_status_clear(b);
    return summarize(b);
}

int cli_batch(const struct batch_config *cfg)
{
    struct batch b;
    struct entry **sorted = NULL;
    char *output_dir;
    int rc;

    memset(&b, 0, sizeof(b));
    b.cfg = cfg;
    b.output_dir = output_dir = strdup(cfg->output_dir ? cfg->output_dir : ".");
    for (size_t len = output_dir ? strlen(output_dir) : 0; len > 1 && output_dir[len - 1] == '/';)
        output_dir[--len] = '\0';
    b.progress = cfg->verbose && !cfg->quiet && !cfg->json;
    b.status_line = cfg->tty && !cfg->quiet && !cfg->json && !b.progress;
    b.journal_fd = -1;

    if (!output_dir)
        rc = cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
    else if ((rc = check_file(&b, &sorted)) == 0 && (rc = estimate_all(&b)) == 0) {
        if (cfg->dry_run) /* the checks and the prices: that is all */
            rc = print_dry_run(&b);
        else if ((rc = prepare(&b, sorted)) == 0 && (rc = plan(&b)) == 0)
            rc = work(&b);
    }
    free(sorted);
    free_batch(&b);
    free(output_dir);
    return rc;
}
