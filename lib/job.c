/* lib/job.c — v2 jobs: submit, poll, wait with a deadline, download with resume. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"
#include "fields.h"
#include "http.h"
#include "schedule.h"
#include "redact.h"

#include <stdlib.h>
#include <string.h>

/* An id goes into a URL path: accept what the API issues (UUIDs) and nothing that needs escaping. */
static int id_is_safe(const char *id)
{
    if (!id || !*id || *id == '.' || strlen(id) > 128) /* not "." or ".." */
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return 0;
    return 1;
}

static ltx_job *job_new(ltx_client *c, const char *endpoint_name, const char *id)
{
    ltx_job *job = calloc(1, sizeof(*job));

    if (!job)
        return NULL;
    if (!(job->id = ltx__strdup(id)) || !(job->endpoint_name = ltx__strdup(endpoint_name))) {
        free(job->id);
        free(job);
        return NULL;
    }
    (void)ltx_endpoint_from_name(&job->endpoint, endpoint_name);
    ltx__client_ref(c);
    job->client = c;
    job->state = LTX_JOB_SUBMITTED;
    return job;
}

static void results_free(ltx_job *job)
{
    for (size_t i = 0; i < job->n_results; i++) {
        free(job->result_keys[i]);
        free(job->result_urls[i]);
    }
    free(job->result_keys);
    free(job->result_urls);
    job->result_keys = job->result_urls = NULL;
    job->n_results = 0;
}

LTX_API void ltx_job_free(ltx_job *job)
{
    if (!job)
        return;
    free(job->id);
    free(job->endpoint_name);
    free(job->status);
    free(job->created_at);
    free(job->completed_at);
    free(job->status_json);
    free(job->request_id);
    results_free(job);
    free(job->error_type);
    free(job->error_message);
    ltx_client_free(job->client);
    free(job);
}

LTX_API int ltx_job_set_cancel(ltx_job *job, ltx_cancel *cancel)
{
    if (!job)
        return LTX_EINVAL;
    job->cancel = cancel;
    return LTX_OK;
}

int ltx__with_job(ltx_error **err, const ltx_job *job, int rc)
{
    if (err && *err && job) {
        if (!(*err)->job_id)
            (*err)->job_id = ltx__strdup(job->id);
        (*err)->possibly_executed = 1;
    }
    return rc;
}

int ltx__submit_prepare(ltx_client *c, const ltx_request *req, ltx_sink *sink, uint64_t deadline,
                        char **body, char **url, char **what, ltx_error **err)
{
    const char *ep = ltx__request_endpoint_name(req);
    char *owned[LTX_N_MEDIA_FIELDS];
    ltx_request resolved;
    int rc;

    *body = *url = *what = NULL;
    if ((rc = ltx_request_validate(req, err)) != LTX_OK)
        return rc;
    /* a paid video with nowhere to go helps nobody: check the output before paying */
    if (sink && (rc = ltx__sink_check(sink, err)) != LTX_OK)
        return rc;
    ltx__request_warn(c, req);
    if ((rc = ltx__resolve_inputs(c, req, &resolved, owned, deadline, err)) != LTX_OK)
        return rc;
    *body = ltx__request_encode(&resolved);
    ltx__resolved_free(owned);
    *url = ltx__printf("%s/v2/%s", c->base_url, ep);
    *what = ltx__printf("submit %s", ep);
    if (!*body || !*url || !*what) {
        free(*body);
        free(*url);
        free(*what);
        *body = *url = *what = NULL;
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    }
    return LTX_OK;
}

int ltx__submit_accepted(ltx_client *c, const char *endpoint_name, ltx_http_resp *rs,
                         const char *what, ltx_job **out, ltx_error **err)
{
    char *id = NULL, *created_at = NULL;
    int rc = LTX_OK;

    *out = NULL;
    if (ltx__job_created_parse(rs->body.data, rs->body.len, &id, &created_at) != LTX_OK) {
        /* accepted, so billed, yet we cannot follow it: say so loudly */
        ltx_error *e = ltx__error_from_exchange(c, rs, what, 1, 1);

        if (e) {
            e->code = LTX_EPROTOCOL;
            ltx__error_compose(e, "submit: the API accepted the job (HTTP 2xx) but its answer "
                                  "carries no job id; the job may run and be billed");
        }
        rc = ltx__error_raise(err, e, LTX_EPROTOCOL);
        ltx__http_resp_free(rs);
        return rc;
    }
    if (!id_is_safe(id)) {
        /* it goes into the next poll's path: "../../v1/upload", "?", "#" or escape sequences
         * would turn that poll into another call, and printing it would reach a terminal */
        char *shown = ltx__escape(id, 64);
        ltx_error *e = ltx__error_from_exchange(c, rs, what, 1, 1);
        char *text = ltx__printf("submit: the API accepted the job (HTTP 2xx) but its id \"%s\" "
                                 "is not one this library can use; the job may run and be billed",
                                 shown ? shown : "?");

        if (e) {
            e->code = LTX_EPROTOCOL;
            if (!text || ltx__error_compose(e, text) != LTX_OK) {
                ltx_error_free(e);
                e = NULL;
            }
        }
        free(text);
        free(shown);
        free(id);
        free(created_at);
        rc = ltx__error_raise(err, e, LTX_EPROTOCOL);
        ltx__http_resp_free(rs);
        return rc;
    }
    ltx__log(c, LTX_LOG_INFO, "submitted %s job %s%s%s", endpoint_name, id,
             rs->request_id ? ", request id " : "", rs->request_id ? rs->request_id : "");
    if (!(*out = job_new(c, endpoint_name, id))) {
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory (job %s was accepted)", id);
        if (err && *err) {
            (*err)->job_id = id;
            (*err)->possibly_executed = 1;
            id = NULL;
        }
    } else {
        (*out)->created_at = created_at;
        created_at = NULL;
        (*out)->request_id = rs->request_id ? ltx__strdup(rs->request_id) : NULL;
    }
    ltx__http_resp_free(rs);
    free(id);
    free(created_at);
    return rc;
}

int ltx__job_announce(ltx_job *job, ltx_progress_ctx *pc, ltx_error **err)
{
    if (!pc)
        return LTX_OK;
    pc->job_id = job->id;
    if (ltx__progress_emit(job->client, pc, LTX_STAGE_SUBMITTED, NULL, 0, 0))
        return ltx__with_job(err, job, ltx__fail(err, LTX_ECANCELLED,
                                            "cancelled after submit; job %s keeps running",
                                            job->id));
    return LTX_OK;
}

int ltx__submit(ltx_client *c, const ltx_request *req, ltx_sink *sink, ltx_job **out,
                ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err)
{
    char *body = NULL, *url = NULL, *what = NULL;
    ltx_retry_policy policy;
    ltx_http_req rq = {0};
    ltx_http_resp rs;
    int rc;

    *out = NULL;
    if ((rc = ltx__submit_prepare(c, req, sink, deadline, &body, &url, &what, err)) != LTX_OK)
        return rc;
    ltx__http_req_api(&rq, "POST", url, body, deadline);
    rq.policy = ltx__policy_for(c, req, &policy);
    rq.cancel = req->cancel;
    if ((rc = ltx__call(c, LTX_CALL_SUBMIT, &rq, &rs, what, err)) != LTX_OK)
        goto out;
    rc = ltx__submit_accepted(c, ltx__request_endpoint_name(req), &rs, what, out, err);
    if (rc != LTX_OK)
        goto out;
    ltx__job_poll_begin(*out, req);
    if ((rc = ltx__job_announce(*out, pc, err)) != LTX_OK) {
        ltx_job_free(*out);
        *out = NULL;
    }
out:
    free(body);
    free(url);
    free(what);
    return rc;
}

LTX_API int ltx_submit(ltx_job **out, ltx_client *c, const ltx_request *req, ltx_error **err)
{
    LTX_ERR_ENTRY(err);
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_submit: out is NULL");
    *out = NULL;
    if (!c || !req)
        return ltx__fail(err, LTX_EINVAL, "ltx_submit: client and request are required");
    if (req->sync)
        return ltx__fail(err, LTX_EINVAL,
                         "ltx_submit: the request asks for v1 (synchronous); use ltx_generate()");
    return ltx__submit(c, req, NULL, out, NULL, ltx__deadline_for(c, req), err);
}

static int job_open(ltx_job **out, ltx_client *c, const char *endpoint_name, const char *id,
                    ltx_error **err)
{
    if (!(*out = job_new(c, endpoint_name, id)))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    return LTX_OK;
}

static int job_open_check(ltx_job **out, ltx_client *c, const char *id, ltx_error **err)
{
    LTX_ERR_ENTRY(err);
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_job_open: out is NULL");
    *out = NULL;
    if (!c)
        return ltx__fail(err, LTX_EINVAL, "ltx_job_open: client is NULL");
    if (!id_is_safe(id))
        return ltx__fail(err, LTX_EINVAL, "\"%.40s\" is not a job id", id ? id : "(null)");
    return LTX_OK;
}

LTX_API int ltx_job_open(ltx_job **out, ltx_client *c, ltx_endpoint endpoint, const char *id,
                         ltx_error **err)
{
    const char *name = ltx_endpoint_name(endpoint);
    int rc;

    if ((rc = job_open_check(out, c, id, err)) != LTX_OK)
        return rc;
    if (!name)
        return ltx__fail(err, LTX_EINVAL,
                         "ltx_job_open: %d is not an endpoint this release knows; use "
                         "ltx_job_open_by_name() for one it does not", (int)endpoint);
    return job_open(out, c, name, id, err);
}

LTX_API int ltx_job_open_by_name(ltx_job **out, ltx_client *c, const char *endpoint_name,
                                 const char *id, ltx_error **err)
{
    int rc;

    if ((rc = job_open_check(out, c, id, err)) != LTX_OK)
        return rc;
    if (!ltx__endpoint_name_ok(endpoint_name))
        return ltx__fail(err, LTX_EINVAL,
                         "\"%.40s\" is not an endpoint name (lower-case letters, digits and "
                         "'-', at most 64), such as text-to-video",
                         endpoint_name ? endpoint_name : "(null)");
    return job_open(out, c, endpoint_name, id, err);
}

LTX_API const char *ltx_job_id(const ltx_job *job)
{
    return job ? job->id : NULL;
}

LTX_API ltx_endpoint ltx_job_endpoint(const ltx_job *job)
{
    return job ? job->endpoint : LTX_ENDPOINT_OTHER;
}

LTX_API const char *ltx_job_endpoint_name(const ltx_job *job)
{
    return job ? job->endpoint_name : NULL;
}

LTX_API int ltx_job_state(const ltx_job *job)
{
    return job ? job->state : LTX_JOB_UNKNOWN;
}

LTX_API const char *ltx_job_status(const ltx_job *job)
{
    return job ? job->status : NULL;
}

LTX_API const char *ltx_job_created_at(const ltx_job *job)
{
    return job ? job->created_at : NULL;
}

LTX_API const char *ltx_job_completed_at(const ltx_job *job)
{
    return job ? job->completed_at : NULL;
}

LTX_API const char *ltx_job_status_json(const ltx_job *job)
{
    return job ? job->status_json : NULL;
}

LTX_API const char *ltx_job_request_id(const ltx_job *job)
{
    return job ? job->request_id : NULL;
}

const char *ltx__job_result(const ltx_job *job, const char *key)
{
    const char *want = key;

    if (!want) /* the primary result: HDR's EXR frames, everyone else's video */
        want = ltx__endpoint_row(job->endpoint) ? ltx__endpoint_row(job->endpoint)->primary_result
                                                : "video_url";
    for (size_t i = 0; i < job->n_results; i++)
        if (strcmp(job->result_keys[i], want) == 0)
            return job->result_urls[i];
    /* a label this release does not know: the first result is the primary one */
    return !key && job->n_results ? job->result_urls[0] : NULL;
}

LTX_API const char *ltx_job_result_url(const ltx_job *job, const char *key)
{
    return job ? ltx__job_result(job, key) : NULL;
}

LTX_API size_t ltx_job_result_count(const ltx_job *job)
{
    return job ? job->n_results : 0;
}

LTX_API const char *ltx_job_result_key(const ltx_job *job, size_t i)
{
    return job && i < job->n_results ? job->result_keys[i] : NULL;
}

LTX_API const char *ltx_job_error_type(const ltx_job *job)
{
    return job ? job->error_type : NULL;
}

LTX_API const char *ltx_job_error_message(const ltx_job *job)
{
    return job ? job->error_message : NULL;
}

static int state_of(const char *status)
{
    static const struct {
        const char *name;
        int state;
    } states[] = {{"pending", LTX_JOB_PENDING},
                  {"processing", LTX_JOB_PROCESSING},
                  {"completed", LTX_JOB_COMPLETED},
                  {"failed", LTX_JOB_FAILED}};

    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        if (strcmp(status, states[i].name) == 0)
            return states[i].state;
    return LTX_JOB_UNKNOWN;
}

int ltx__job_poll_strings(const ltx_job *job, char **url, char **what)
{
    const char *ep = job->endpoint_name;

    *url = ltx__printf("%s/v2/%s/%s", job->client->base_url, ep, job->id);
    *what = ltx__printf("poll %s job %s", ep, job->id);
    if (*url && *what)
        return LTX_OK;
    free(*url);
    free(*what);
    *url = *what = NULL;
    return LTX_ENOMEM;
}

/* What a cancel means for a job the API accepted. */
static int job_cancelled(ltx_job *job, const char *doing, ltx_error **err)
{
    ltx_error *e = ltx__error_new(LTX_ECANCELLED,
                                  "cancelled while %s job %s; the job keeps running on the server "
                                  "and is billed (the API has no cancel endpoint; resume with its "
                                  "id)", doing, job->id);

    if (e)
        e->job_id = ltx__strdup(job->id);
    return ltx__error_raise(err, e, LTX_ECANCELLED);
}

static char *timed_out_text(const ltx_job *job)
{
    return ltx__printf("job %s is still %s at the deadline; it keeps running (resume with its id)",
                       job->id, job->status ? job->status : "queued");
}

int ltx__job_poll_failed(ltx_job *job, const char *what, int rc, uint64_t deadline,
                         ltx_error **err)
{
    const ltx_clock *clk = job->client->clock;

    if (rc == LTX_ECANCELLED && err && *err) {
        ltx_error_free(*err);
        *err = NULL;
        return job_cancelled(job, "polling", err);
    }
    /* the deadline ended a poll in flight: the same news as a deadline between two polls */
    if (rc == LTX_ETIMEDOUT && deadline != UINT64_MAX && clk->now_ms(clk->ud) >= deadline &&
        err && *err) {
        char *text = timed_out_text(job);

        if (text)
            ltx__error_compose(*err, text);
        free(text);
    } else if (rc == LTX_ENOTFOUND && err && *err) {
        char *text = ltx__printf("%s: not found or expired (the API keeps jobs for 24 hours "
                                 "after they finish)", what);

        if (text)
            ltx__error_compose(*err, text);
        free(text);
    }
    return ltx__with_job(err, job, rc);
}

int ltx__job_poll_apply(ltx_job *job, ltx_http_resp *rs, const char *what, ltx_error **err)
{
    ltx_client *c = job->client;
    ltx_job_doc doc;
    char *retry_after = NULL;
    int was_state = job->state;
    int rc = ltx__job_status_parse(rs->body.data, rs->body.len, &doc);

    if (rc != LTX_OK) {
        ltx_error *e = ltx__error_from_exchange(c, rs, what, 1, 0);

        if (e) {
            e->code = LTX_EPROTOCOL;
            ltx__error_compose(e, "poll: the job status answer is not the documented JSON");
        }
        rc = ltx__with_job(err, job, ltx__error_raise(err, e, LTX_EPROTOCOL));
        ltx__http_resp_free(rs);
        return rc;
    }
    free(job->status_json);
    job->status_json = ltx__strndup(rs->body.data ? rs->body.data : "", rs->body.len);
    if (rs->request_id) {
        free(job->request_id);
        job->request_id = ltx__strdup(rs->request_id);
    }
    if (rs->retry_after) { /* kept for ltx__job_poll_observed() below */
        free(retry_after);
        retry_after = ltx__strdup(rs->retry_after);
    }
    ltx__http_resp_free(rs);
    /* a failed job's message is the server's text: it may quote a credential back */
    if (doc.error_message) {
        char *clean = ltx__redact(doc.error_message, c->api_key, LTX_REDACT_ALL);

        if (clean) {
            free(doc.error_message);
            doc.error_message = clean;
        }
    }
    if (doc.error_type) {
        char *clean = ltx__redact(doc.error_type, c->api_key, LTX_REDACT_ALL);

        if (clean) {
            free(doc.error_type);
            doc.error_type = clean;
        }
    }
    free(job->status);
    free(job->error_type);
    free(job->error_message);
    job->status = doc.status;
    job->error_type = doc.error_type;
    job->error_message = doc.error_message;
    if (doc.created_at) {
        free(job->created_at);
        job->created_at = doc.created_at;
    }
    free(job->completed_at);
    job->completed_at = doc.completed_at;
    if (doc.n_results) {
        results_free(job);
        job->n_results = doc.n_results;
        job->result_keys = doc.result_keys;
        job->result_urls = doc.result_urls;
    } else {
        free(doc.result_keys);
        free(doc.result_urls);
    }
    job->state = state_of(job->status);
    ltx__job_poll_observed(job, retry_after, was_state);
    free(retry_after);
    ltx__log(c, LTX_LOG_DEBUG, "job %s is %s", job->id, job->status);
    return LTX_OK;
}

static int job_refresh(ltx_job *job, uint64_t deadline, ltx_error **err)
{
    ltx_client *c = job->client;
    char *url = NULL, *what = NULL;
    ltx_http_req rq = {0};
    ltx_http_resp rs;
    int rc;

    if (ltx__job_poll_strings(job, &url, &what) != LTX_OK)
        return ltx__with_job(err, job, ltx__fail(err, LTX_ENOMEM, "out of memory"));
    ltx__http_req_api(&rq, "GET", url, NULL, deadline);
    rq.cancel = job->cancel;
    if ((rc = ltx__call(c, LTX_CALL_IDEMPOTENT, &rq, &rs, what, err)) != LTX_OK)
        rc = ltx__job_poll_failed(job, what, rc, deadline, err);
    else
        rc = ltx__job_poll_apply(job, &rs, what, err);
    free(url);
    free(what);
    return rc;
}

LTX_API int ltx_job_refresh(ltx_job *job, ltx_error **err)
{
    LTX_ERR_ENTRY(err);
    if (!job)
        return ltx__fail(err, LTX_EINVAL, "ltx_job_refresh: job is NULL");
    return job_refresh(job, ltx__deadline_from_now(job->client), err);
}

static int job_outcome(ltx_job *job, ltx_error **err)
{
    ltx_error *e;

    if (job->state == LTX_JOB_COMPLETED && ltx__job_result(job, NULL))
        return LTX_OK;
    if (job->state == LTX_JOB_COMPLETED)
        e = ltx__error_new(LTX_EPROTOCOL, "job %s completed but its result has no URL", job->id);
    else if (job->state == LTX_JOB_FAILED)
        e = ltx__error_new(LTX_EJOBFAILED, "job %s failed: %s%s%s%s", job->id,
                           job->error_message ? job->error_message : "no reason given",
                           job->error_type ? " (" : "", job->error_type ? job->error_type : "",
                           job->error_type ? ")" : "");
    else
        e = ltx__error_new(LTX_EPROTOCOL,
                           "job %s has status \"%.40s\", which the API does not document; "
                           "treated as failed",
                           job->id, job->status ? job->status : "");
    if (e) {
        e->job_id = ltx__strdup(job->id);
        e->possibly_executed = 1;
        if (job->state == LTX_JOB_FAILED) {
            e->type = job->error_type ? ltx__strdup(job->error_type) : NULL;
            e->api_message = job->error_message ? ltx__strdup(job->error_message) : NULL;
        }
        ltx__error_redact(e, job->client->api_key);
    }
    return ltx__error_raise(err, e, LTX_EJOBFAILED);
}

/* The progress callback asked to stop waiting. */
static int stopped_waiting(ltx_job *job, ltx_error **err)
{
    return ltx__with_job(err, job,
                         ltx__fail(err, LTX_ECANCELLED,
                                   "stopped waiting for job %s; it keeps running on the server "
                                   "and is billed (resume with its id)", job->id));
}

int ltx__job_poll_settled(ltx_job *job, ltx_progress_ctx *pc, int *rc, ltx_error **err)
{
    if (ltx__progress_emit(job->client, pc, LTX_STAGE_WAITING, job->status, 0, 0)) {
        *rc = stopped_waiting(job, err);
        return 1;
    }
    if (job->state != LTX_JOB_PENDING && job->state != LTX_JOB_PROCESSING &&
        job->state != LTX_JOB_SUBMITTED) {
        *rc = job_outcome(job, err);
        return 1;
    }
    return 0;
}

int ltx__job_timed_out(ltx_job *job, ltx_error **err)
{
    char *text = timed_out_text(job);
    int rc = ltx__fail(err, LTX_ETIMEDOUT, "%s", text ? text : "the deadline passed");

    free(text);
    return ltx__with_job(err, job, rc);
}

/* Sleep ms before the next poll, telling the progress callback (stage WAITING, no request)
 * about once a second, so that a caller can draw a live line. */
static int wait_ticking(ltx_job *job, ltx_progress_ctx *pc, uint64_t ms, ltx_error **err)
{
    while (ms > 0) {
        uint64_t slice = ms > 1000 ? 1000 : ms;

        if (ltx__sleep(job->client, slice, job->cancel))
            return job_cancelled(job, "waiting for", err);
        ms -= slice;
        if (ms > 0 && pc && pc->fn &&
            ltx__progress_emit(job->client, pc, LTX_STAGE_WAITING, job->status, 0, 0))
            return stopped_waiting(job, err);
    }
    return LTX_OK;
}

int ltx__job_wait(ltx_job *job, uint32_t interval_ms, ltx_progress_ctx *pc, uint64_t deadline,
                  ltx_error **err)
{
    ltx_client *c = job->client;
    const ltx_clock *clk = c->clock;
    int rc;

    if (pc)
        pc->job_id = job->id;
    for (;;) {
        uint64_t now;

        if (ltx_cancel_triggered(job->cancel))
            return job_cancelled(job, "waiting for", err);
        if (job->state != LTX_JOB_COMPLETED) {
            uint64_t pause = ltx__job_poll_delay(job, interval_ms);

            now = clk->now_ms(clk->ud);
            /* a poll that starts at the deadline could only time out: say what is known */
            if (deadline != UINT64_MAX && now + pause >= deadline && pause) {
                if ((rc = wait_ticking(job, pc, deadline > now ? deadline - now : 0, err)) !=
                    LTX_OK)
                    return rc;
                return ltx__job_timed_out(job, err);
            }
            if (pause && (rc = wait_ticking(job, pc, pause, err)) != LTX_OK)
                return rc;
            if ((rc = job_refresh(job, deadline, err)) != LTX_OK)
                return rc;
        }
        if (ltx__job_poll_settled(job, pc, &rc, err))
            return rc;
        now = clk->now_ms(clk->ud);
        if (deadline != UINT64_MAX && now >= deadline)
            return ltx__job_timed_out(job, err);
    }
}

LTX_API int ltx_job_wait(ltx_job *job, uint32_t poll_interval_ms, ltx_progress_fn progress,
                         void *userdata, ltx_error **err)
{
    ltx_progress_ctx pc = {progress, userdata, 0, NULL};

    LTX_ERR_ENTRY(err);
    if (!job)
        return ltx__fail(err, LTX_EINVAL, "ltx_job_wait: job is NULL");
    pc.started_ms = job->client->clock->now_ms(job->client->clock->ud);
    return ltx__job_wait(job, poll_interval_ms, &pc, ltx__deadline_from_now(job->client), err);
}

int ltx__download_start(ltx_download *d, ltx_job *job, const char *key, ltx_sink *sink,
                        ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err)
{
    int rc;

    memset(d, 0, sizeof(*d));
    if (!(d->url = ltx__job_result(job, key))) {
        if (key && job->state == LTX_JOB_COMPLETED)
            return ltx__with_job(err, job,
                            ltx__fail(err, LTX_EINVAL, "job %s has no result \"%.40s\"",
                                      job->id, key));
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

/* Attempts without progress before a download gives up; each byte gained resets the count. */
ltx_step ltx__download_decide(ltx_download *d, ltx_http_resp *rs, uint64_t *delay_ms, int *rc,
                              ltx_error **err)
{
    ltx_job *job = d->job;
    ltx_client *c;
    const ltx_clock *clk;
    ltx_sink *sink = d->sink;
    const char *what = d->what;
    uint64_t elapsed, delay;
    unsigned attempt = d->attempt;
    int possibly = 0, retry;

    if (!job) { /* never: as in ltx__download_attempt() */
        *delay_ms = 0;
        *rc = LTX_EINVAL;
        return LTX_STEP_FAILED;
    }
    c = job->client;
    clk = c->clock;
    elapsed = clk->now_ms(clk->ud) - d->started;

    *delay_ms = 0;
    if (rs->transport_status == LTX_OK && (rs->http_status == 200 || rs->http_status == 206) &&
        rs->body.len > 0) {
        /* a JSON document where the video should be */
        ltx_error *e = ltx__error_from_exchange(c, rs, what, attempt, 0);

        if (e) {
            e->code = LTX_EPROTOCOL;
            ltx__error_compose(e, "download: the result URL answered a JSON document, not "
                                  "the video");
        }
        *rc = ltx__with_job(err, job, ltx__error_raise(err, e, LTX_EPROTOCOL));
        ltx__http_resp_free(rs);
        ltx__sink_abort(sink);
        return LTX_STEP_FAILED;
    }
    if (rs->transport_status == LTX_OK && (rs->http_status == 200 || rs->http_status == 206)) {
        uint64_t total = ltx_sink_bytes_written(sink);

        ltx__report_attempt(c, "GET", d->log_url, rs, attempt, elapsed, 0, 0);
        ltx__http_resp_free(rs);
        if ((*rc = ltx__sink_commit(sink, err)) != LTX_OK) {
            *rc = ltx__with_job(err, job, *rc);
            return LTX_STEP_FAILED;
        }
        ltx__sink_set_billed_twice(sink, 0); /* a v2 submit is never repeated when unsure */
        /* the output is whole and in place: this last report tells, it cannot take it back */
        (void)ltx__progress_emit(c, d->pc, LTX_STAGE_DOWNLOADING, NULL, total, total);
        *rc = LTX_OK;
        return LTX_STEP_DONE;
    }
    if (ltx_sink_bytes_written(sink) > d->before)
        d->fruitless = 0;
    else
        d->fruitless++;
    if (rs->transport_status == LTX_ECANCELLED || rs->transport_status == LTX_EIO ||
        rs->transport_status == LTX_ESINKFULL || rs->transport_status == LTX_ENOMEM ||
        rs->transport_status == LTX_EPROTOCOL || rs->transport_status == LTX_EHEADER ||
        rs->transport_status == LTX_ETLS || rs->transport_status == LTX_EURL ||
        rs->transport_status == LTX_EINVAL || rs->sink_status != LTX_OK)
        retry = 0;
    else
        retry = ltx__should_retry(&c->retry, LTX_CALL_IDEMPOTENT,
                                  ltx__outcome_of(rs->transport_status, rs->request_sent,
                                                  rs->transport_status == LTX_OK
                                                      ? rs->http_status : 0),
                                  rs->http_status, &possibly);
    if (retry && rs->transport_status == LTX_OK && rs->http_status >= 300 &&
        rs->http_status != 429 && rs->http_status < 500)
        retry = 0;
    if (d->fruitless > c->retry.max_retries)
        retry = 0;
    delay = retry ? (d->fruitless ? ltx__retry_delay_ms(&c->retry, d->fruitless - 1, -1, clk) : 0)
                  : 0;
    if (retry && d->deadline != UINT64_MAX && clk->now_ms(clk->ud) + delay >= d->deadline)
        retry = 0;
    ltx__report_attempt(c, "GET", d->log_url, rs, attempt, elapsed, retry, delay);
    if (!retry && rs->cancel_hit && rs->transport_status == LTX_ECANCELLED) {
        ltx__http_resp_free(rs);
        ltx__sink_abort(sink);
        *rc = job_cancelled(job, "downloading the result of", err);
        return LTX_STEP_FAILED;
    }
    if (!retry) {
        ltx_error *e;

        if (rs->sink_status == LTX_EPROTOCOL)
            e = ltx__error_new(LTX_EPROTOCOL,
                               "%s: the server sent a different range than asked for, and "
                               "this output cannot start over", what);
        else if (rs->sink_status == LTX_EIO)
            e = ltx__error_new(LTX_EIO, "%s: writing the output failed: %s", what,
                               ltx__sink_describe(sink));
        else
            e = ltx__error_from_exchange(c, rs, what, attempt, 0);
        if (e && rs->sink_status == LTX_ESINKFULL)
            e->code = LTX_ESINKFULL;
        *rc = ltx__with_job(err, job, ltx__error_raise(err, e, LTX_EIO));
        if (!e)
            *rc = rs->sink_status != LTX_OK ? rs->sink_status
                  : rs->transport_status != LTX_OK ? rs->transport_status
                                                   : ltx__status_class(rs->http_status);
        ltx__http_resp_free(rs);
        ltx__sink_abort(sink);
        return LTX_STEP_FAILED;
    }
    ltx__log(c, LTX_LOG_INFO, "%s: interrupted at byte %llu, resuming in %llu ms", what,
             (unsigned long long)ltx_sink_bytes_written(sink), (unsigned long long)delay);
    ltx__http_resp_free(rs);
    *delay_ms = delay;
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
            rc = job_cancelled(job, "downloading the result of", err);
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

LTX_API int ltx_job_download(ltx_job *job, ltx_sink *sink, ltx_progress_fn progress,
                             void *userdata, ltx_error **err)
{
    return ltx_job_download_result(job, NULL, sink, progress, userdata, err);
}
