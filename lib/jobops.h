/* lib/jobops.h — job operations step by step: submit, poll (lib/job.c) and download
 * (lib/download.c), for the blocking calls and the batch's event loop alike. */
#ifndef LTX_JOBOPS_H
#define LTX_JOBOPS_H

#include "call.h"

/* Validate req, resolve its local files (uploading them), build a submit's body, URL and name. */
LTX_INTERNAL int ltx__submit_prepare(ltx_client *c, const ltx_request *req, ltx_sink *sink,
                                     uint64_t deadline, char **body, char **url, char **what,
                                     ltx_error **err);
/* The job a successful submit created (rs is freed). */
LTX_INTERNAL int ltx__submit_accepted(ltx_client *c, const char *endpoint_name, ltx_http_resp *rs,
                                      const char *what, ltx_job **out, ltx_error **err);
/* Report LTX_STAGE_SUBMITTED; LTX_ECANCELLED (with the job's id) when the callback says stop. */
LTX_INTERNAL int ltx__job_announce(ltx_job *job, ltx_progress_ctx *pc, ltx_error **err);

/* The poll's URL and its name in messages. */
LTX_INTERNAL int ltx__job_poll_strings(const ltx_job *job, char **url, char **what);
/* A failed poll call: say what a 404 means, and what a poll cut short by the call's deadline
 * (UINT64_MAX: none) means, and attach the job's id. */
LTX_INTERNAL int ltx__job_poll_failed(ltx_job *job, const char *what, int rc, uint64_t deadline,
                                      ltx_error **err);
/* Apply a poll's 2xx answer to the job (rs is freed). */
LTX_INTERNAL int ltx__job_poll_apply(ltx_job *job, ltx_http_resp *rs, const char *what,
                                     ltx_error **err);
/*
 * After a poll: report LTX_STAGE_WAITING and decide. Returns 1 when waiting
 * is over, with *rc LTX_OK (completed) or the failure; 0 to poll again.
 */
LTX_INTERNAL int ltx__job_poll_settled(ltx_job *job, ltx_progress_ctx *pc, int *rc,
                                       ltx_error **err);
/* LTX_ECANCELLED while `doing` ("waiting for") the job: it keeps running and is billed. */
LTX_INTERNAL int ltx__job_cancelled(ltx_job *job, const char *doing, ltx_error **err);
/* The deadline passed while the job was still queued or running. */
LTX_INTERNAL int ltx__job_timed_out(ltx_job *job, ltx_error **err);

/* A download taken apart like ltx_call: start, then per attempt attempt + exchange + decide. */
typedef struct {
    ltx_job *job;
    ltx_sink *sink;
    ltx_progress_ctx *pc;
    uint64_t deadline;
    const char *url; /* the result being downloaded (owned by the job) */
    char *what;
    char *log_url;
    unsigned attempt;
    unsigned fruitless; /* attempts in a row that gained no byte */
    uint64_t before;    /* bytes in the sink when this attempt began */
    uint64_t started;
    ltx_http_req rq; /* this attempt's exchange */
} ltx_download;

/* Begin the sink; on failure nothing needs finishing. */
LTX_INTERNAL int ltx__download_start(ltx_download *d, ltx_job *job, const char *key, ltx_sink *sink,
                                     ltx_progress_ctx *pc, uint64_t deadline, ltx_error **err);
LTX_INTERNAL void ltx__download_attempt(ltx_download *d);
/* As ltx__call_decide(); DONE commits the sink, FAILED aborts it. */
LTX_INTERNAL ltx_step ltx__download_decide(ltx_download *d, ltx_http_resp *rs, uint64_t *delay_ms,
                                           int *rc, ltx_error **err);
LTX_INTERNAL void ltx__download_finish(ltx_download *d);

#endif
