/* bench/whatif_writeback.c — measure a proposed sink change without editing lib/: start
 * the write-back of a file's pages while the download goes on, so that the fsync()
 * before the rename has little left to do.
 *
 * A path sink fsyncs its temporary file before renaming it (lib/sink.c
 * ltx__sink_commit()); for 1 GiB that flushes the whole file at the end, after the
 * last byte arrived. Linked with -rdynamic, this write() comes first in symbol lookup:
 * after every BENCH_WRITEBACK_MIB (default 8) MiB written to a regular file it asks the
 * kernel to start writing that range out (sync_file_range(SYNC_FILE_RANGE_WRITE),
 * Linux; it does not wait). Durability is unchanged: the final fsync() still runs.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FD 1024

static ssize_t (*real_write)(int, const void *, size_t);
static off_t every = 8 << 20;
static off_t pending[MAX_FD], flushed_to[MAX_FD];

__attribute__((constructor)) static void find_real(void)
{
    const char *env = getenv("BENCH_WRITEBACK_MIB");

    real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (env && atol(env) > 0)
        every = (off_t)atol(env) << 20;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    ssize_t n = real_write(fd, buf, len);
    struct stat st;

    if (n > 0 && fd > 2 && fd < MAX_FD) {
        pending[fd] += n;
        if (pending[fd] >= every && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            off_t end = lseek(fd, 0, SEEK_CUR);

            if (end > flushed_to[fd])
                sync_file_range(fd, flushed_to[fd], end - flushed_to[fd], SYNC_FILE_RANGE_WRITE);
            flushed_to[fd] = end;
            pending[fd] = 0;
        } else if (pending[fd] >= every) {
            pending[fd] = 0;
        }
    }
    return n;
}
