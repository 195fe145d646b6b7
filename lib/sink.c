/* lib/sink.c — output sinks: an atomically written file, an fd, a callback, or capped memory. */
#if defined(__linux__)
#define _GNU_SOURCE /* sync_file_range() */
#else
#define _POSIX_C_SOURCE 200809L
#endif
#include "private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEMP_NAME_TRIES 100
/* Start writing a path sink's data back to disk every so many bytes, so that the fsync at
 * commit finds little left to do instead of stalling on a whole video at once. */
#define WRITEBACK_EVERY (8u * 1024u * 1024u)

typedef enum { SINK_PATH, SINK_FD, SINK_CALLBACK, SINK_MEMORY } sink_kind;

struct ltx_sink {
    sink_kind kind;
    char *path;        /* SINK_PATH: the final name                     */
    char *temp_path;   /* SINK_PATH: the file being written, or NULL    */
    int fd;            /* SINK_PATH: temp file's fd; SINK_FD: caller's   */
    off_t fd_start;    /* SINK_FD: where this transfer began             */
    ltx_write_fn fn;
    void *ud;
    ltx_buf mem;
    uint64_t written;
    uint64_t flushed;  /* SINK_PATH: bytes already handed to write-back */
    int not_durable;   /* SINK_PATH: skip write-back and fsync             */
    uint64_t max_bytes; /* any kind: LTX_ESINKFULL past this; 0 = no limit */
    int last_errno;
    int billed_twice;  /* the last output came from a repeated billed request */
    ltx_error *last_error; /* the last setter's refusal */
};

static ltx_sink *sink_alloc(sink_kind kind)
{
    ltx_sink *s = calloc(1, sizeof(*s));

    if (s) {
        s->kind = kind;
        s->fd = -1;
    }
    return s;
}

LTX_API int ltx_sink_new_path(ltx_sink **out, const char *path)
{
    ltx_sink *s;

    if (!out || !path || !*path)
        return LTX_EINVAL;
    *out = NULL;
    if (!(s = sink_alloc(SINK_PATH)) || !(s->path = ltx__strdup(path))) {
        free(s);
        return LTX_ENOMEM;
    }
    *out = s;
    return LTX_OK;
}

LTX_API int ltx_sink_set_durable(ltx_sink *s, int durable)
{
    if (!s)
        return LTX_EINVAL;
    if (s->kind != SINK_PATH)
        return ltx__refuse(&s->last_error, LTX_EINVAL, "durable",
                           "durable: only a path sink has a durability setting");
    s->not_durable = !durable;
    return ltx__accept(&s->last_error);
}

LTX_API int ltx_sink_new_fd(ltx_sink **out, int fd)
{
    ltx_sink *s;

    if (!out || fd < 0)
        return LTX_EINVAL;
    *out = NULL;
    if (!(s = sink_alloc(SINK_FD)))
        return LTX_ENOMEM;
    s->fd = fd;
    *out = s;
    return LTX_OK;
}

LTX_API int ltx_sink_new_callback(ltx_sink **out, ltx_write_fn fn, void *userdata)
{
    ltx_sink *s;

    if (!out || !fn)
        return LTX_EINVAL;
    *out = NULL;
    if (!(s = sink_alloc(SINK_CALLBACK)))
        return LTX_ENOMEM;
    s->fn = fn;
    s->ud = userdata;
    *out = s;
    return LTX_OK;
}

LTX_API int ltx_sink_new_memory(ltx_sink **out, size_t max_bytes)
{
    ltx_sink *s;

    if (!out || max_bytes == 0)
        return LTX_EINVAL;
    *out = NULL;
    if (!(s = sink_alloc(SINK_MEMORY)))
        return LTX_ENOMEM;
    s->mem.limit = max_bytes;
    *out = s;
    return LTX_OK;
}

LTX_API int ltx_sink_memory_data(const void **out, size_t *out_len, const ltx_sink *s)
{
    if (!s || s->kind != SINK_MEMORY || !out || !out_len)
        return LTX_EINVAL;
    *out = s->mem.data ? s->mem.data : "";
    *out_len = s->mem.len;
    return LTX_OK;
}

LTX_API int ltx_sink_set_max_bytes(ltx_sink *s, uint64_t max_bytes)
{
    if (!s)
        return LTX_EINVAL;
    s->max_bytes = max_bytes;
    return ltx__accept(&s->last_error);
}

LTX_API uint64_t ltx_sink_bytes_written(const ltx_sink *s)
{
    return s ? s->written : 0;
}

LTX_API int ltx_sink_possibly_billed_twice(const ltx_sink *s)
{
    return s ? s->billed_twice : 0;
}

LTX_API const ltx_error *ltx_sink_last_error(const ltx_sink *s)
{
    return s ? s->last_error : NULL;
}

void ltx__sink_set_billed_twice(ltx_sink *s, int yes)
{
    s->billed_twice = yes != 0;
}

static void remove_temp(ltx_sink *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    if (s->temp_path) {
        unlink(s->temp_path);
        free(s->temp_path);
        s->temp_path = NULL;
    }
}

LTX_API void ltx_sink_free(ltx_sink *s)
{
    if (!s)
        return;
    if (s->kind == SINK_PATH)
        remove_temp(s);
    free(s->path);
    ltx__buf_free(&s->mem);
    ltx_error_free(s->last_error);
    free(s);
}

/* A new file beside the target, so that the final rename stays on one file system.
 * open(O_EXCL) with mode 0666 lets the umask decide permissions, as for any new file. */
static int open_temp(ltx_sink *s, ltx_error **err)
{
    const ltx_clock *clk = ltx__system_clock();

    for (int i = 0; i < TEMP_NAME_TRIES; i++) {
        char *name = ltx__printf("%s.part-%08x", s->path, (unsigned)clk->random(NULL));
        int fd;

        if (!name)
            return ltx__fail(err, LTX_ENOMEM, "out of memory");
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            s->fd = fd;
            s->temp_path = name;
            return LTX_OK;
        }
        s->last_errno = errno;
        free(name);
        if (s->last_errno != EEXIST)
            break;
    }
    return ltx__fail(err, LTX_EIO, "cannot create a file beside %s: %s", s->path,
                     strerror(s->last_errno));
}

int ltx__sink_check(ltx_sink *s, ltx_error **err)
{
    int rc, flags;

    switch (s->kind) {
    case SINK_PATH:
        /* the very file the output would go to, made and removed: proof, not a guess */
        remove_temp(s);
        s->last_errno = 0;
        if ((rc = open_temp(s, NULL)) == LTX_ENOMEM)
            return ltx__fail(err, rc, "out of memory");
        if (rc != LTX_OK)
            return ltx__fail(err, LTX_EIO,
                             "the output %s cannot be written (%s); nothing was submitted",
                             s->path, strerror(s->last_errno));
        remove_temp(s);
        return LTX_OK;
    case SINK_FD:
        flags = fcntl(s->fd, F_GETFL);
        if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
            return ltx__fail(err, LTX_EIO,
                             "the output file descriptor %d is not open for writing; nothing "
                             "was submitted", s->fd);
        return LTX_OK;
    case SINK_MEMORY:
    case SINK_CALLBACK:
        return LTX_OK;
    }
    return LTX_EINVAL;
}

LTX_API int ltx_sink_check(ltx_sink *s, ltx_error **err)
{
    LTX_ERR_ENTRY(err);
    if (!s)
        return ltx__fail(err, LTX_EINVAL, "ltx_sink_check: sink is NULL");
    return ltx__sink_check(s, err);
}

int ltx__sink_begin(ltx_sink *s, ltx_error **err)
{
    s->billed_twice = 0;
    s->written = 0;
    s->flushed = 0;
    s->last_errno = 0;
    switch (s->kind) {
    case SINK_PATH:
        remove_temp(s);
        return open_temp(s, err);
    case SINK_FD:
        s->fd_start = lseek(s->fd, 0, SEEK_CUR);
        return LTX_OK;
    case SINK_MEMORY:
        s->mem.len = 0;
        s->mem.dropped = 0;
        return LTX_OK;
    case SINK_CALLBACK:
        return LTX_OK;
    }
    return LTX_EINVAL;
}

static int write_all(int fd, const char *p, size_t len, int *saved_errno)
{
    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            *saved_errno = errno;
            return LTX_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return LTX_OK;
}

int ltx__sink_write(ltx_sink *s, const void *data, size_t len)
{
    int rc = LTX_OK;

    if (s->max_bytes && (len > s->max_bytes || s->written > s->max_bytes - len))
        return LTX_ESINKFULL;
    switch (s->kind) {
    case SINK_PATH:
    case SINK_FD:
        rc = s->fd < 0 ? LTX_EIO : write_all(s->fd, data, len, &s->last_errno);
        break;
    case SINK_CALLBACK:
        rc = s->fn(data, len, s->ud) ? LTX_ECANCELLED : LTX_OK;
        break;
    case SINK_MEMORY:
        if (s->mem.len + len > s->mem.limit)
            rc = LTX_ESINKFULL;
        else
            rc = ltx__buf_append(&s->mem, data, len);
        break;
    }
    if (rc == LTX_OK)
        s->written += len;
#if defined(__linux__)
    if (rc == LTX_OK && s->kind == SINK_PATH && !s->not_durable &&
        s->written - s->flushed >= WRITEBACK_EVERY) {
        /* asynchronous: starts the write-back, waits for nothing; failures show at fsync */
        (void)sync_file_range(s->fd, (off_t)s->flushed, (off_t)(s->written - s->flushed),
                              SYNC_FILE_RANGE_WRITE);
        s->flushed = s->written;
    }
#endif
    return rc;
}

int ltx__sink_rewind(ltx_sink *s)
{
    switch (s->kind) {
    case SINK_PATH:
        if (s->fd < 0 || ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) != 0)
            return LTX_EIO;
        s->flushed = 0;
        break;
    case SINK_FD:
        /* only a seekable fd can start over */
        if (s->fd_start < 0 || lseek(s->fd, s->fd_start, SEEK_SET) != s->fd_start)
            return s->written ? LTX_EPROTOCOL : LTX_OK;
        break;
    case SINK_CALLBACK:
        if (s->written)
            return LTX_EPROTOCOL;
        break;
    case SINK_MEMORY:
        s->mem.len = 0;
        break;
    }
    s->written = 0;
    return LTX_OK;
}

/*
 * Make the rename itself durable: fsync the directory that holds the output, or after a power
 * loss the directory may still hold the old name (or none), whatever fsync did for the data.
 * File systems that cannot sync a directory (EINVAL, ENOTSUP) have nothing more to give.
 */
static int sync_parent(const ltx_sink *s, int *error)
{
    const char *slash = strrchr(s->path, '/');
    char *dir = slash ? ltx__strndup(s->path, slash == s->path ? 1 : (size_t)(slash - s->path))
                      : ltx__strdup(".");
    int fd, rc = 0;

    if (!dir) {
        *error = ENOMEM;
        return -1;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0) {
        *error = errno;
        return -1;
    }
    if (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP) {
        *error = errno;
        rc = -1;
    }
    close(fd);
    return rc;
}

int ltx__sink_commit(ltx_sink *s, ltx_error **err)
{
    int failed;

    if (s->kind != SINK_PATH)
        return LTX_OK;
    if (s->fd < 0)
        return ltx__fail(err, LTX_EIO, "no output file is open");
    failed = !s->not_durable && fsync(s->fd) != 0;
    if (failed)
        s->last_errno = errno;
    if (close(s->fd) != 0 && !failed) { /* closed either way: never leak the descriptor */
        failed = 1;
        s->last_errno = errno;
    }
    s->fd = -1;
    if (failed) {
        remove_temp(s);
        return ltx__fail(err, LTX_EIO, "writing %s failed: %s", s->path, strerror(s->last_errno));
    }
    if (rename(s->temp_path, s->path) != 0) {
        s->last_errno = errno;
        remove_temp(s);
        return ltx__fail(err, LTX_EIO, "cannot rename the output to %s: %s", s->path,
                         strerror(s->last_errno));
    }
    free(s->temp_path);
    s->temp_path = NULL;
    if (!s->not_durable && sync_parent(s, &s->last_errno) != 0)
        return ltx__fail(err, LTX_EIO, "%s is written but its directory could not be synced to "
                                       "disk (%s): a power loss may undo its rename", s->path,
                         strerror(s->last_errno));
    return LTX_OK;
}

void ltx__sink_abort(ltx_sink *s)
{
    if (s->kind == SINK_PATH)
        remove_temp(s);
}

const char *ltx__sink_describe(const ltx_sink *s)
{
    return s->last_errno ? strerror(s->last_errno) : "the output refused the data";
}
