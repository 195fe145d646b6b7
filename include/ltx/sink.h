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
 * temporary file is removed and `path` is left as it was.
 */
LTX_API int ltx_sink_new_path(ltx_sink **out, const char *path);

/*
 * Whether a path sink makes the file durable before renaming it (default 1):
 * it starts write-back as the data arrives and fsyncs the file at the end,
 * so that a machine crash right after the call cannot leave an empty or
 * partial file under the final name. 0 skips both, for speed where that does
 * not matter (scratch files, pipelines); the rename still happens only after
 * the last byte, so the program's own failures never leave a partial file.
 * LTX_EINVAL for other kinds of sink.
 */
LTX_API int ltx_sink_set_durable(ltx_sink *sink, int durable);

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
 * The bytes a memory sink holds. *data is borrowed, valid until the sink is
 * used again or freed. LTX_EINVAL for other kinds of sink.
 */
LTX_API int ltx_sink_memory_data(const ltx_sink *sink, const void **data, size_t *len);

/* Bytes delivered by the last transfer into this sink. */
LTX_API uint64_t ltx_sink_bytes_written(const ltx_sink *sink);

/* Free the sink (removing an uncommitted temporary file). NULL is accepted. */
LTX_API void ltx_sink_free(ltx_sink *sink);

LTX_END_DECLS
#endif
