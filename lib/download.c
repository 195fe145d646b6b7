/* lib/download.c — a job's result onto a sink: attempts that resume where the last one
 * stopped, judged by the one retry verdict (lib/retry.c). */
#define _POSIX_C_SOURCE 200809L
#include "client_int.h"
#include "job_int.h"
#include "jobops.h"

#include <stdlib.h>
#include <string.h>

int ltx__download_start(ltx_download *d, ltx_job *job, const char *key, ltx_sink *sink,
                        ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err)
{
    int rc;

    memset(d, 0, sizeof(*d));
    if (!(d->url = ltx__job_result(job, key))) {
        if (key && job->state == LTX_JOB_COMPLETED)
            return ltx__with_job(
                err, job,
                ltx__fail(err, LTX_EINVAL, "job %s has no result \"%.40s\"", job->id, key));
        return ltx__with_job(err, job,
                             ltx__fail(err, LTX_EINVAL, "job %s has no result yet (status %s)",
                                       job->id, job->status ? job->status : "not polled"));
    }
    if ((rc = ltx__sink_begin(sink, err)) != LTX_OK)
        return ltx__with_job(err, job, rc);
    d->what = key ? ltx__printf("download the %s result of job %s", key, job->id)
                  : ltx__printf("download the result of job %s", job->id);
    d->log_url = ltx__url_for_log(d->url);
    if (!d->what || !d->log_url) {
        free(d->what);
        free(d->log_url);
        ltx__sink_abort(sink);
        return ltx__with_job(err, job, ltx__fail(err, LTX_ENOMEM, "out of memory"));
    }
    d->job = job;
    d->sink = sink;
    d->pc = pc;
    d->deadline = deadline;
    if (pc)
        pc->job_id = job->id;
    return LTX_OK;
}

void ltx__download_finish(ltx_download *d)
{
    free(d->what);
    free(d->log_url);
    d->what = d->log_url = NULL;
}

void ltx__download_attempt(ltx_download *d)
{
    const ltx_clock *clk;

    /* Never true: every caller reaches here only after ltx__download_start() succeeded. Said
     * so that the analysers (scan-build, gcc -fanalyzer), which cannot follow a batch entry's
     * state to its download, see it too. */
    if (!d->job)
        return;
    clk = d->job->client->clock;

    d->attempt++;
    d->before = ltx_sink_bytes_written(d->sink);
    memset(&d->rq, 0, sizeof(d->rq));
    d->rq.method = "GET";
    d->rq.url = d->url;
    d->rq.with_auth = 0; /* a signed URL on another host: the key never goes there */
    d->rq.follow_redirects = 1;
    d->rq.sink = d->sink;
    d->rq.range_from = d->before;
    d->rq.deadline = d->deadline;
    d->rq.progress = d->pc;
    d->rq.cancel = d->job->cancel;
    d->started = clk->now_ms(clk->ud);
}

/* The attempt ended in a complete file: put it in place. */
static ltx_step download_done(ltx_download *d, ltx_http_resp *rs, uint64_t elapsed, int *rc,
                              ltx_error **err)
{
    ltx_client *c = d->job->client;
    uint64_t total = ltx_sink_bytes_written(d->sink);

    ltx__report_attempt(c, "GET", d->log_url, rs, d->attempt, elapsed, 0, 0);
    ltx__http_resp_free(rs);
    if ((*rc = ltx__sink_commit(d->sink, err)) != LTX_OK) {
        *rc = ltx__with_job(err, d->job, *rc);
        return LTX_STEP_FAILED;
    }
    ltx__sink_set_billed_twice(d->sink, 0); /* a v2 submit is never repeated when unsure */
    /* the output is whole and in place: this last report tells, it cannot take it back */
    (void)ltx__progress_emit(c, d->pc, LTX_STAGE_DOWNLOADING, NULL, total, total);
    *rc = LTX_OK;
    return LTX_STEP_DONE;
}

/* The attempt failed and is not repeated: the error of class code. */
static ltx_step download_failed(ltx_download *d, ltx_http_resp *rs, int code, int *rc,
                                ltx_error **err)
{
    ltx_client *c = d->job->client;
    ltx_error *e;

    if (code == LTX_ECANCELLED && rs->cancel_hit) {
        ltx__http_resp_free(rs);
        ltx__sink_abort(d->sink);
        *rc = ltx__job_cancelled(d->job, "downloading the result of", err);
        return LTX_STEP_FAILED;
    }
    if (rs->sink_status == LTX_EPROTOCOL)
        e = ltx__error_new(code,
                           "%s: the server sent a different range than asked for, and "
                           "this output cannot start over",
                           d->what);
    else if (rs->sink_status == LTX_EIO)
        e = ltx__error_new(code, "%s: writing the output failed: %s", d->what,
                           ltx__sink_describe(d->sink));
    else
        e = ltx__error_of_exchange(c, rs, code, d->what, NULL, d->attempt, 0);
    *rc = ltx__with_job(err, d->job, ltx__error_raise(err, e, LTX_EIO));
    if (!e)
        *rc = rs->sink_status != LTX_OK        ? rs->sink_status
              : rs->transport_status != LTX_OK ? rs->transport_status
                                               : ltx__status_class(rs->http_status);
    ltx__http_resp_free(rs);
    ltx__sink_abort(d->sink);
    return LTX_STEP_FAILED;
}

ltx_step ltx__download_decide(ltx_download *d, ltx_http_resp *rs, uint64_t *delay_ms, int *rc,
                              ltx_error **err)
{
    ltx_job *job = d->job;
    ltx_client *c;
    const ltx_clock *clk;
    uint64_t elapsed;
    ltx_happened h;
    ltx_verdict v;

    *delay_ms = 0;
    if (!job) { /* never: as in ltx__download_attempt() */
        *rc = LTX_EINVAL;
        return LTX_STEP_FAILED;
    }
    c = job->client;
    clk = c->clock;
    elapsed = clk->now_ms(clk->ud) - d->started;
    h = ltx__happened_of(rs);
    v = ltx__verdict(&c->retry, LTX_CALL_DOWNLOAD, &h, d->fruitless,
                     ltx_sink_bytes_written(d->sink) - d->before, clk, d->deadline);
    if (!v.retry && v.error_class == LTX_OK)
        return download_done(d, rs, elapsed, rc, err);
    if (h.json_instead && h.transport_status == LTX_OK &&
        (h.http_status == 200 || h.http_status == 206)) {
        /* a JSON document where the video should be */
        ltx_error *e = ltx__error_of_exchange(c, rs, v.error_class, d->what,
                                              "download: the result URL answered a JSON "
                                              "document, not the video",
                                              d->attempt, 0);

        *rc = ltx__with_job(err, job, ltx__error_raise(err, e, LTX_EPROTOCOL));
        ltx__http_resp_free(rs);
        ltx__sink_abort(d->sink);
        return LTX_STEP_FAILED;
    }
    d->fruitless = v.attempts;
    ltx__report_attempt(c, "GET", d->log_url, rs, d->attempt, elapsed, v.retry, v.delay_ms);
    if (!v.retry)
        return download_failed(d, rs, v.error_class, rc, err);
    ltx__log(c, LTX_LOG_INFO, "%s: interrupted at byte %llu, resuming in %llu ms", d->what,
             (unsigned long long)ltx_sink_bytes_written(d->sink), (unsigned long long)v.delay_ms);
    ltx__http_resp_free(rs);
    *delay_ms = v.delay_ms;
    return LTX_STEP_RETRY;
}

int ltx__job_download(ltx_job *job, const char *key, ltx_sink *sink, ltx_progress_ctx *pc,
                      uint64_t deadline, ltx_error **err)
{
    ltx_download d;
    uint64_t delay;
    int rc;

    if ((rc = ltx__download_start(&d, job, key, sink, pc, deadline, err)) != LTX_OK)
        return rc;
    for (;;) {
        ltx_http_resp rs;

        ltx__download_attempt(&d);
        ltx__http_perform(job->client, &d.rq, &rs);
        if (ltx__download_decide(&d, &rs, &delay, &rc, err) != LTX_STEP_RETRY)
            break;
        if (delay && ltx__sleep(job->client, delay, job->cancel)) {
            ltx__sink_abort(sink);
            rc = ltx__job_cancelled(job, "downloading the result of", err);
            break;
        }
    }
    ltx__download_finish(&d);
    return rc;
}

LTX_API int ltx_job_download_result(ltx_job *job, const char *key, ltx_sink *sink,
                                    ltx_progress_fn progress, void *userdata, ltx_error **err)
{
    ltx_progress_ctx pc = {progress, userdata, 0, NULL};

    LTX_ERR_ENTRY(err);
    if (!job || !sink)
        return ltx__fail(err, LTX_EINVAL, "ltx_job_download: job and sink are required");
    pc.started_ms = job->client->clock->now_ms(job->client->clock->ud);
    return ltx__job_download(job, key, sink, &pc, ltx__deadline_from_now(job->client), err);
}

LTX_API int ltx_job_download(ltx_job *job, ltx_sink *sink, ltx_progress_fn progress, void *userdata,
                             ltx_error **err)
{
    return ltx_job_download_result(job, NULL, sink, progress, userdata, err);
}
