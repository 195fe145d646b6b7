/* ltx/cancel.h — a cancel handle: stop blocking calls from another thread or a signal handler. */
#ifndef LTX_CANCEL_H
#define LTX_CANCEL_H

#include <ltx/common.h>

LTX_BEGIN_DECLS

/*
 * A cancel handle is a flag that a call watches while it blocks. Attach one
 * with ltx_request_set_cancel() (ltx_generate(), ltx_submit() and the uploads
 * they make), ltx_job_set_cancel() (refresh, wait, download) or
 * ltx_batch_set_cancel() (ltx_batch_run()). Once ltx_cancel_trigger() is
 * called, every call watching the handle returns LTX_ECANCELLED within about
 * 100 ms, wherever it is: sleeping between polls or before a retry,
 * connecting, sending or receiving. A call started on a triggered handle
 * returns LTX_ECANCELLED at once, before it sends anything.
 *
 * What a cancel means for billing: the LTX API has no cancel endpoint. A
 * cancel stops the local call, never the generation. A job the API accepted
 * runs on and is billed; the error carries its id (ltx_error_job_id()) to
 * resume with ltx_job_open(). A submit cancelled after its request left has an
 * unknown outcome: ltx_error_possibly_executed() is non-zero. A download
 * cancelled writes no partial file and leaves an older file at the path as it
 * was.
 *
 * One handle may be watched by many calls in many threads at once (one button
 * that stops a whole batch). It stays triggered until ltx_cancel_reset().
 */

/* A new, untriggered handle. LTX_OK, LTX_EINVAL (out is NULL), LTX_ENOMEM or LTX_EIO. */
LTX_API int ltx_cancel_new(ltx_cancel **out);

/* Free the handle. No call may still be watching it. NULL is accepted. */
LTX_API void ltx_cancel_free(ltx_cancel *cancel);

/*
 * Trigger: every call watching the handle stops. Async-signal-safe (an atomic
 * store and a write(2) to a pipe; no lock, no allocation; errno is kept), so
 * any thread or a signal handler may call it, any number of times.
 * LTX_OK, or LTX_EINVAL for NULL.
 */
LTX_API int ltx_cancel_trigger(ltx_cancel *cancel);

/*
 * Make a triggered handle usable again. Call it only when no call is
 * watching the handle. LTX_OK, or LTX_EINVAL for NULL.
 */
LTX_API int ltx_cancel_reset(ltx_cancel *cancel);

/* 1 when triggered and not reset since, 0 otherwise (and for NULL). Any thread; async-signal-safe. */
LTX_API int ltx_cancel_triggered(const ltx_cancel *cancel);

LTX_END_DECLS
#endif
