/* ltx/batch.h — many generations at once from one thread, over the client's shared connections. */
#ifndef LTX_BATCH_H
#define LTX_BATCH_H

#include <ltx/common.h>
#include <ltx/error.h>
#include <ltx/job.h>
#include <ltx/request.h>

LTX_BEGIN_DECLS

/* Opaque. One thread at a time; free with ltx_batch_free(). */
typedef struct ltx_batch ltx_batch;

/* The API's default limit of generations running at once per account. */
#define LTX_DEFAULT_BATCH_CONCURRENCY 2u

/*
 * Called once per entry when it ends, on the thread running ltx_batch_run(),
 * during that call. status is LTX_OK or the entry's ltx_status; err (NULL on
 * success) and job_id (NULL when no job was accepted) are borrowed until the
 * batch is freed. Return 0 to go on; anything else stops the run (in-flight
 * jobs keep running on the server; see ltx_batch_run()).
 */
typedef int (*ltx_batch_done_fn)(size_t index, int status, const ltx_error *err,
                                 const char *job_id, void *userdata);

/*
 * A new empty batch on client (which it keeps alive until freed). Returns
 * LTX_OK, LTX_EINVAL or LTX_ENOMEM.
 */
LTX_API int ltx_batch_new(ltx_batch **out, ltx_client *client);
/* Free the batch, its entries' jobs and errors; not the sinks. NULL is accepted. */
LTX_API void ltx_batch_free(ltx_batch *batch);

/*
 * At most this many generations submitted and not yet finished at once
 * (default LTX_DEFAULT_BATCH_CONCURRENCY). 0 is LTX_EINVAL.
 */
LTX_API int ltx_batch_set_concurrency(ltx_batch *batch, unsigned max_in_flight);

/*
 * Why the last setter call on batch refused its value (field, value, rule), or
 * NULL after one that succeeded and for a NULL batch. Borrowed until the next
 * setter call on batch or its free.
 */
LTX_API const ltx_error *ltx_batch_last_error(const ltx_batch *batch);

/*
 * Progress of every entry, as for ltx_generate(): LTX_STAGE_SUBMITTED carries
 * the job id as soon as the API accepted it (persist it to resume after a
 * crash). ltx_progress_batch_index() tells which entry. Non-zero cancels that
 * entry only (LTX_ECANCELLED; a submitted job keeps running on the server).
 */
LTX_API int ltx_batch_set_progress(ltx_batch *batch, ltx_progress_fn progress, void *userdata);

/*
 * Watch a cancel handle (see ltx/cancel.h) in ltx_batch_run(): once triggered,
 * every entry still running ends at once with LTX_ECANCELLED (a submitted job
 * keeps running on the server and is billed; a submit cut short says whether
 * it may have run) and the run returns LTX_ECANCELLED. Borrowed: it must outlive
 * the run. NULL detaches. LTX_EINVAL for a NULL batch or while it runs.
 */
LTX_API int ltx_batch_set_cancel(ltx_batch *batch, ltx_cancel *cancel);

/* The entry a progress report in ltx_batch_run() is about; SIZE_MAX outside a batch or for NULL. */
LTX_API size_t ltx_progress_batch_index(const ltx_progress *p);

/*
 * Add a generation: req is validated (LTX_EREQUEST, nothing added) and its
 * body built now, so req may be changed or freed afterwards; local input files
 * are checked now, and uploaded when the entry runs (under its place, once per
 * distinct file for the whole batch) or read inline at its submit. Batches run v2 jobs: a request set to v1 with
 * ltx_request_set_sync() is LTX_EINVAL. sink is borrowed until the batch is
 * freed and used only during ltx_batch_run(). *out (may be NULL) receives
 * the entry's number, counting from 0. The request's cancel handle
 * (ltx_request_set_cancel()) stops this entry alone; it must live until the
 * entry ended (its done callback, or the end of the run). May be called while the
 * batch runs (from a callback, or between two ltx_batch_perform() calls): the
 * entry joins the run.
 */
LTX_API int ltx_batch_add(size_t *out, ltx_batch *batch, const ltx_request *req, ltx_sink *sink,
                          ltx_error **err);

/*
 * Add a job accepted earlier, as ltx_job_open() or ltx_job_open_by_name()
 * made it (or ltx_submit()): the batch copies its endpoint and id, so job may
 * be freed afterwards. It is polled and downloaded, never submitted again. It
 * counts against the concurrency bound but does not wait for a free place:
 * the server is running it already. *out (may be NULL) receives its number.
 */
LTX_API int ltx_batch_add_job(size_t *out, ltx_batch *batch, const ltx_job *job, ltx_sink *sink,
                              ltx_error **err);

/*
 * Run every entry that has not ended to its end: submit within the
 * concurrency bound, poll at the client's interval, download into each sink,
 * with the client's retry policy per request (a 429 concurrency_limit_error
 * that outlasts the retries holds the entry back until another one finishes).
 * All transfers are driven by this thread over libcurl's multi interface; the
 * client's deadline covers the whole run. done may be NULL. Returns LTX_OK when
 * every entry succeeded, LTX_EJOBFAILED when some failed (see done), or the
 * reason the run itself stopped (LTX_ECANCELLED when done asked, LTX_ETIMEDOUT
 * at the client's deadline), with *err describing it.
 */
LTX_API int ltx_batch_run(ltx_batch *batch, ltx_batch_done_fn done, void *userdata,
                          ltx_error **err);

/*
 * Driving a batch from the caller's own event loop (poll(2), epoll, libuv,
 * asyncio...), as libcurl's multi_socket API does: ltx_batch_run() is a loop
 * over exactly these calls.
 *
 * ltx_batch_set_socket_fn() names the callback that tells which descriptors
 * to watch, and for what: events is LTX_POLL_IN, LTX_POLL_OUT, both, or
 * LTX_POLL_REMOVE (stop watching fd). It is called from inside
 * ltx_batch_start() and ltx_batch_perform(), on their thread.
 *
 * ltx_batch_start() begins a run without blocking (done and its return as in
 * ltx_batch_run()). Then, until the run is over: wait for the descriptors and
 * at most ltx_batch_timeout_ms(); call ltx_batch_perform() with each ready
 * descriptor and what it is ready for, or with fd -1 when the time ran out.
 * It does whatever is ready and returns at once: *out is the number of
 * entries not yet ended. When it reaches 0 the run is over and the call
 * returns what ltx_batch_run() would have returned (with *err); the batch can
 * then be run again. Entries may be added while a run goes on
 * (ltx_batch_add(), ltx_batch_add_job() between two calls or from a callback):
 * they join it, so one batch can serve a program for its whole life.
 *
 * ltx_batch_wakeup() is the one call any other thread (or a signal handler)
 * may make: it makes a descriptor of the batch readable, so that the loop's
 * wait ends and ltx_batch_perform() runs (to add entries handed over by the
 * other thread, for instance). The cancel handle (ltx_batch_set_cancel())
 * works the same way.
 */
#define LTX_POLL_IN 1
#define LTX_POLL_OUT 2
#define LTX_POLL_REMOVE 4
#define LTX_POLL_ERR 8 /* for ltx_batch_perform(): an error condition on fd */
typedef void (*ltx_batch_socket_fn)(int fd, int events, void *userdata);

/* Set the socket callback (NULL: none). LTX_EINVAL for a NULL batch or while it runs. */
LTX_API int ltx_batch_set_socket_fn(ltx_batch *batch, ltx_batch_socket_fn fn, void *userdata);

/* Begin a run without blocking. LTX_OK, LTX_EINVAL (NULL, or already running), LTX_ENOMEM. */
LTX_API int ltx_batch_start(ltx_batch *batch, ltx_batch_done_fn done, void *userdata,
                            ltx_error **err);

/*
 * Do what is ready: fd is a descriptor the socket callback named and events
 * what it is ready for (LTX_POLL_IN | LTX_POLL_OUT | LTX_POLL_ERR), or fd -1
 * when ltx_batch_timeout_ms() ran out. Never blocks. LTX_OK with *out > 0
 * while the run goes on; with *out == 0 the run's result, as ltx_batch_run().
 * LTX_EINVAL when the batch is not running.
 */
LTX_API int ltx_batch_perform(size_t *out, ltx_batch *batch, int fd, int events,
                              ltx_error **err);

/*
 * How long the loop may wait for the descriptors before calling
 * ltx_batch_perform() with fd -1: the next poll due, retry backoff, libcurl's
 * timers and the stall check. *out is in ms, 0 for "now", -1 when the batch is
 * not running. LTX_OK or LTX_EINVAL.
 */
LTX_API int ltx_batch_timeout_ms(long *out, const ltx_batch *batch);

/* Wake the loop running the batch. Any thread; async-signal-safe. LTX_OK or LTX_EINVAL. */
LTX_API int ltx_batch_wakeup(ltx_batch *batch);

/*
 * An entry's outcome: its status (LTX_OK or an ltx_status; LTX_EINVAL while it
 * has not ended), its job id (NULL before the API accepted one) and its error
 * (NULL on success and before it ended), borrowed until the batch is freed.
 * For an index past the last entry or a NULL batch: LTX_EINVAL, NULL, NULL.
 */
LTX_API int ltx_batch_status(const ltx_batch *batch, size_t index);
LTX_API const char *ltx_batch_job_id(const ltx_batch *batch, size_t index);
LTX_API const ltx_error *ltx_batch_error(const ltx_batch *batch, size_t index);

LTX_END_DECLS
#endif
