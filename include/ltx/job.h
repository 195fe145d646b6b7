/* ltx/job.h — generation: the one-call ltx_generate() and v2 jobs (submit, wait, download, resume). */
#ifndef LTX_JOB_H
#define LTX_JOB_H

#include <ltx/common.h>
#include <ltx/error.h>
#include <ltx/request.h>

LTX_BEGIN_DECLS

/* A job's state as last seen. Numbers are ABI. */
typedef enum ltx_state {
    LTX_JOB_SUBMITTED = 0,  /* accepted, not polled yet                               */
    LTX_JOB_PENDING = 1,    /* queued                                                 */
    LTX_JOB_PROCESSING = 2, /* running                                                */
    LTX_JOB_COMPLETED = 3,  /* the result can be downloaded                           */
    LTX_JOB_FAILED = 4,     /* see ltx_job_error_type() / ltx_job_error_message()     */
    LTX_JOB_UNKNOWN = 5     /* a status the API does not document (ltx_job_status())  */
} ltx_state;

/* What a progress callback is told about. */
typedef enum ltx_stage {
    LTX_STAGE_SUBMITTED = 1,   /* the job id is known: persist it to resume later     */
    LTX_STAGE_WAITING = 2,     /* after each poll: ltx_progress_status(); and about
                                  once a second between polls (no request sent)       */
    LTX_STAGE_DOWNLOADING = 3, /* bytes arrived: ltx_progress_bytes()/_total()       */
    /*
     * Batches only (ltx_batch_set_progress()): about to send the submit
     * request; no job id yet. A non-zero return skips this entry
     * (LTX_ECANCELLED) without sending. Reported once per submission, not per
     * retry of it; again only for an entry held back by a concurrency limit.
     */
    LTX_STAGE_SUBMITTING = 4
} ltx_stage;

/* What a progress callback returns. */
#define LTX_PROGRESS_CONTINUE 0 /* go on                                                  */
#define LTX_PROGRESS_STOP 1     /* stop the call with LTX_ECANCELLED (any non-zero does)  */

/*
 * Progress callback. `p` is borrowed for the duration of the callback only.
 * Runs on the calling thread, during the call that took it. Return
 * LTX_PROGRESS_CONTINUE to go on; LTX_PROGRESS_STOP (any non-zero value) stops
 * the call with LTX_ECANCELLED. Stopping is local: the API has no cancel
 * endpoint, an accepted job keeps running and is billed.
 */
typedef int (*ltx_progress_fn)(const ltx_progress *p, void *userdata);

/*
 * Getters of a progress report; each answers 0 or NULL for a NULL report (0 is
 * no ltx_stage). ltx_progress_batch_index() is in ltx/batch.h.
 */
LTX_API int ltx_progress_stage(const ltx_progress *p);
/* The job id, or NULL on v1. Borrowed. */
LTX_API const char *ltx_progress_job_id(const ltx_progress *p);
/* The raw status string of the last poll ("pending"), or NULL. Borrowed. */
LTX_API const char *ltx_progress_status(const ltx_progress *p);
LTX_API uint64_t ltx_progress_bytes(const ltx_progress *p);
/* Expected bytes, 0 when unknown. */
LTX_API uint64_t ltx_progress_total(const ltx_progress *p);
/* Milliseconds since the call started. */
LTX_API uint64_t ltx_progress_elapsed_ms(const ltx_progress *p);

/*
 * The one call: validate the request, check that the sink can take the output,
 * submit it (v2; v1 with ltx_request_set_sync()), wait for the job within the
 * client's deadline, and stream the primary result into sink. progress may be
 * NULL. Returns LTX_OK, or an ltx_status with the details in *err: once the API
 * has accepted a job, every error carries its id (ltx_error_job_id()) and
 * ltx_error_possibly_executed() is 1, whatever failed afterwards. On success,
 * ltx_sink_possibly_billed_twice() tells whether a retry after an attempt of
 * unknown outcome delivered the video.
 */
LTX_API int ltx_generate(ltx_client *client, const ltx_request *req, ltx_sink *sink,
                         ltx_progress_fn progress, void *userdata, ltx_error **err);

/*
 * Submit a v2 job and return as soon as the API accepted it (202), with *out
 * holding the job id. A submit whose outcome is unknown (timeout after the
 * body was sent, 500) is never retried: the error says possibly executed.
 * *out is freed with ltx_job_free(); it holds a reference on the client.
 */
LTX_API int ltx_submit(ltx_job **out, ltx_client *client, const ltx_request *req,
                       ltx_error **err);

/*
 * A job handle for an id from an earlier submit (to resume after a restart).
 * No network. ltx_job_open_by_name() takes the endpoint's path segment, for an
 * endpoint this release does not know ("video-compositing").
 */
LTX_API int ltx_job_open(ltx_job **out, ltx_client *client, ltx_endpoint endpoint,
                         const char *id, ltx_error **err);
LTX_API int ltx_job_open_by_name(ltx_job **out, ltx_client *client, const char *endpoint_name,
                                 const char *id, ltx_error **err);

LTX_API void ltx_job_free(ltx_job *job);

/*
 * Watch a cancel handle (see ltx/cancel.h) in ltx_job_refresh(),
 * ltx_job_wait() and ltx_job_download() on this job. Borrowed: it must outlive
 * those calls. NULL detaches. LTX_OK, or LTX_EINVAL for a NULL job.
 */
LTX_API int ltx_job_set_cancel(ltx_job *job, ltx_cancel *cancel);

/*
 * Getters. Strings are borrowed, valid until the next call on the job or its
 * free. For a NULL job each answers NULL, 0, LTX_ENDPOINT_OTHER or
 * LTX_JOB_UNKNOWN.
 */
LTX_API const char *ltx_job_id(const ltx_job *job);
/* The endpoint, LTX_ENDPOINT_OTHER for one opened or submitted by a name this release lacks. */
LTX_API ltx_endpoint ltx_job_endpoint(const ltx_job *job);
/* The endpoint's path segment ("text-to-video", or the name it was opened with). */
LTX_API const char *ltx_job_endpoint_name(const ltx_job *job);
LTX_API int ltx_job_state(const ltx_job *job);
/* The raw status string of the last poll, or NULL before the first. */
LTX_API const char *ltx_job_status(const ltx_job *job);
/* created_at and completed_at as the API sent them (ISO 8601), or NULL. */
LTX_API const char *ltx_job_created_at(const ltx_job *job);
LTX_API const char *ltx_job_completed_at(const ltx_job *job);
/* The last status answer's JSON text as received (an escape hatch), or NULL before a poll. */
LTX_API const char *ltx_job_status_json(const ltx_job *job);
/* x-request-id of the last successful API call on this job (submit or poll), or NULL. */
LTX_API const char *ltx_job_request_id(const ltx_job *job);
/*
 * A completed job's result URLs. key NULL is the primary result: HDR's
 * "exr_frames_url" (the EXR frames ZIP), "video_url" for every other endpoint,
 * or the only key there is. A named key ("video_url", the HDR preview) answers
 * that key's URL. NULL when absent.
 */
LTX_API const char *ltx_job_result_url(const ltx_job *job, const char *key);
/* How many keys result holds, and the i-th one in the answer's order (NULL past the end). */
LTX_API size_t ltx_job_result_count(const ltx_job *job);
LTX_API const char *ltx_job_result_key(const ltx_job *job, size_t i);
/* A failed job's error.type and error.message, or NULL. */
LTX_API const char *ltx_job_error_type(const ltx_job *job);
LTX_API const char *ltx_job_error_message(const ltx_job *job);

/* One poll: GET /v2/{endpoint}/{id}, updating the job. Retries per libltx(7). */
LTX_API int ltx_job_refresh(ltx_job *job, ltx_error **err);

/*
 * Poll every poll_interval_ms (0 = the client's schedule: ltx_client_set_poll_mode(),
 * adaptive by default) until the job is completed (LTX_OK) or failed (LTX_EJOBFAILED with its error.type/message),
 * within the client's deadline (LTX_ETIMEDOUT). An undocumented status is
 * treated as a failure (LTX_EPROTOCOL).
 */
LTX_API int ltx_job_wait(ltx_job *job, uint32_t poll_interval_ms, ltx_progress_fn progress,
                         void *userdata, ltx_error **err);

/*
 * Download a completed job's primary result into sink, without the
 * Authorization header, resuming with Range requests after a dropped
 * connection. ltx_job_download_result() downloads the result named key
 * (NULL: the primary one), e.g. HDR's "video_url" preview.
 */
LTX_API int ltx_job_download(ltx_job *job, ltx_sink *sink, ltx_progress_fn progress,
                             void *userdata, ltx_error **err);
LTX_API int ltx_job_download_result(ltx_job *job, const char *key, ltx_sink *sink,
                                    ltx_progress_fn progress, void *userdata, ltx_error **err);

LTX_END_DECLS
#endif
