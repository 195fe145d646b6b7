/* ltx/sink.h — where a generated video goes: a file (atomically), an fd, a callback or capped memory. */
#ifndef LTX_SINK_H
#define LTX_SINK_H

#include <ltx/common.h>
#include <ltx/error.h>

LTX_BEGIN_DECLS

/*
 * Receives len bytes (borrowed for the call). Return 0 to go on; anything else
 * stops the transfer with LTX_ECANCELLED. Runs on the calling thread only.
 */
typedef int (*ltx_write_fn)(const void *data, size_t len, void *userdata);

/*
 * A file at `path`, written to a temporary file in the same directory, flushed
 * and renamed over `path` only when the whole body arrived. On any failure the
 * temporary file is removed and `path` is left as it was. ltx_generate() and
 * ltx_batch_add() check that the directory exists and takes a new file before
 * anything is submitted (LTX_EIO otherwise, nothing sent).
 */
LTX_API int ltx_sink_new_path(ltx_sink **out, const char *path);

/*
 * Whether a path sink makes the file durable before renaming it (default 1):
 * it starts write-back as the data arrives, fsyncs the file at the end, and
 * after the rename fsyncs the directory, so that a machine crash right after
 * the call can neither leave an empty or partial file under the final name
 * nor undo the rename. 0 skips all three, for speed where that does
 * not matter (scratch files, pipelines); the rename still happens only after
 * the last byte, so the program's own failures never leave a partial file.
 * LTX_EINVAL for other kinds of sink.
 */
LTX_API int ltx_sink_set_durable(ltx_sink *sink, int durable);

/*
 * Check, before paying for an output, that sink can take one now: a path
 * sink's directory exists and takes a new file (one is made and removed), an
 * fd sink's descriptor is open for writing. LTX_OK, or LTX_EIO saying why.
 * ltx_generate() and ltx_batch_add() do this themselves; call it before
 * ltx_submit() when the job's result will go to this sink later.
 */
LTX_API int ltx_sink_check(ltx_sink *sink, ltx_error **err);

/*
 * Stop a transfer into this sink with LTX_ESINKFULL once it would hold more than max_bytes
 * (0, the default, sets no limit): a cap on what a result URL may make the program write,
 * whatever the server announces. Any kind of sink; a path sink then leaves no file.
 * LTX_EINVAL for a NULL sink.
 */
LTX_API int ltx_sink_set_max_bytes(ltx_sink *sink, uint64_t max_bytes);

/* An open file descriptor, written at its current offset, never closed by libltx. */
LTX_API int ltx_sink_new_fd(ltx_sink **out, int fd);

/* A callback that receives the bytes as they arrive. */
LTX_API int ltx_sink_new_callback(ltx_sink **out, ltx_write_fn fn, void *userdata);

/* Memory, failing with LTX_ESINKFULL past max_bytes (0 is LTX_EINVAL). */
LTX_API int ltx_sink_new_memory(ltx_sink **out, size_t max_bytes);

/*
 * The bytes a memory sink holds: *out (borrowed, valid until the sink is used
 * again or freed) and *out_len. LTX_EINVAL for other kinds of sink.
 */
LTX_API int ltx_sink_memory_data(const void **out, size_t *out_len, const ltx_sink *sink);

/* Bytes delivered by the last transfer into this sink; 0 for a NULL sink. */
LTX_API uint64_t ltx_sink_bytes_written(const ltx_sink *sink);

/*
 * 1 when the output the last call delivered into this sink came from a request
 * sent again after an attempt whose outcome was unknown (a v1 504, which libltx
 * retries unless ltx_client_set_retry_unknown_outcome() or
 * ltx_request_set_retry_unknown_outcome() says no): that first attempt may
 * also have been billed. A v2 submit of unknown outcome is never sent again,
 * so a v2 generation answers 0. 0 for a NULL sink.
 */
LTX_API int ltx_sink_possibly_billed_twice(const ltx_sink *sink);

/*
 * Why the last setter call on sink refused its value, or NULL after one that
 * succeeded and for a NULL sink. Borrowed until the next setter call or free.
 */
LTX_API const ltx_error *ltx_sink_last_error(const ltx_sink *sink);

/* Free the sink (removing an uncommitted temporary file). NULL is accepted. */
LTX_API void ltx_sink_free(ltx_sink *sink);

LTX_END_DECLS
#endif
