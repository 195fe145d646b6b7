/* lib/generate.c — ltx_generate(): the one call from request to finished file, on v2 or v1. */
#define _POSIX_C_SOURCE 200809L
#include "client_int.h"
#include "codec.h"
#include "error_int.h"
#include "job_int.h"
#include "jobops.h"
#include "request_int.h"

#include <stdlib.h>
#include <string.h>

/* v1: the answer to the POST is the MP4 itself, streamed into the sink. */
static int generate_sync(ltx_client *c, const ltx_request *req, ltx_sink *sink,
                         ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err)
{
    const char *ep = ltx__request_endpoint_name(req);
    char *body = NULL, *url = NULL, *what = NULL;
    char *owned[LTX_N_MEDIA_FIELDS];
    ltx_retry_policy policy;
    ltx_request resolved;
    ltx_http_req rq = {0};
    ltx_http_resp rs;
    int rc, billed_twice;

    if ((rc = ltx__resolve_inputs(c, req, &resolved, owned, deadline, err)) != LTX_OK)
        return rc;
    ltx__request_warn(c, req);
    body = ltx__request_encode(&resolved);
    ltx__resolved_free(owned);
    url = ltx__printf("%s/v1/%s", c->base_url, ep);
    what = ltx__printf("%s (v1)", ep);
    if (!body || !url || !what) {
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = ltx__sink_begin(sink, err)) != LTX_OK)
        goto out;
    ltx__http_req_api(&rq, "POST", url, body, deadline);
    rq.sink = sink;
    rq.progress = pc;
    rq.policy = ltx__policy_for(c, req, &policy);
    rq.cancel = req->cancel;
    if ((rc = ltx__call(c, LTX_CALL_SYNC, &rq, &rs, what, err)) != LTX_OK) {
        ltx__sink_abort(sink);
        goto out;
    }
    billed_twice = rs.repeated_after_unknown;
    if (rs.body.len > 0 || ltx_sink_bytes_written(sink) == 0) {
        /* a JSON 200 instead of video bytes: keep it in the error, write nothing */
        ltx_error *e = ltx__error_of_exchange(c, &rs, LTX_EPROTOCOL, what,
                                              "v1 answered 200 without video bytes; the "
                                              "generation may have run and been billed",
                                              1, 1);

        rc = ltx__error_raise(err, e, LTX_EPROTOCOL);
        ltx__sink_abort(sink);
        ltx__http_resp_free(&rs);
        goto out;
    }
    ltx__http_resp_free(&rs);
    if ((rc = ltx__sink_commit(sink, err)) != LTX_OK) {
        if (err && *err) /* the answer arrived: the generation ran and is billed */
            (*err)->possibly_executed = 1;
    } else {
        uint64_t n = ltx_sink_bytes_written(sink);

        ltx__sink_set_billed_twice(sink, billed_twice);
        /* the output is whole and in place: this last report tells, it cannot take it back */
        (void)ltx__progress_emit(c, pc, LTX_STAGE_DOWNLOADING, NULL, n, n);
    }
out:
    free(body);
    free(url);
    free(what);
    return rc;
}

LTX_API int ltx_generate(ltx_client *c, const ltx_request *req, ltx_sink *sink,
                         ltx_progress_fn progress, void *userdata, ltx_error **err)
{
    ltx_progress_ctx pc = {progress, userdata, 0, NULL};
    uint64_t deadline;
    ltx_job *job = NULL;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!c || !req || !sink)
        return ltx__fail(err, LTX_EINVAL, "ltx_generate: client, request and sink are required");
    pc.started_ms = c->clock->now_ms(c->clock->ud);
    deadline = ltx__deadline_for(c, req);
    if (req->sync) {
        if ((rc = ltx_request_validate(req, err)) != LTX_OK)
            return rc;
        /* a paid video with nowhere to go helps nobody: check the output before paying */
        if ((rc = ltx__sink_check(sink, err)) != LTX_OK)
            return rc;
        return generate_sync(c, req, sink, &pc, deadline, err);
    }
    /* ltx__submit validates, then checks the sink, before anything is sent */
    if ((rc = ltx__submit(c, req, sink, &job, &pc, deadline, err)) != LTX_OK)
        return rc;
    job->cancel = req->cancel;
    rc = ltx__job_wait(job, 0, &pc, deadline, err);
    if (rc == LTX_OK)
        rc = ltx__job_download(job, NULL, sink, &pc, deadline, err);
    rc = ltx__with_job(err, job, rc);
    ltx_job_free(job);
    return rc;
}
