/* bench/ltx_download.c — one large result through libltx, for comparison with `curl -o`.
 *
 *   ltx_download generate BASE_URL OUT [path|fd]   ltx_generate(): submit, wait, download
 *   ltx_download job BASE_URL JOB_ID OUT [path|fd] ltx_job_open() + ltx_job_download() only
 *   ltx_download url BASE_URL                      submit and wait; print the result URL
 *
 * Prints "wall_s=F bytes=N commit_s=F maxrss_kb=N". commit_s is the time between the
 * last in-stream progress report (at most 256 KiB before the end) and the report made
 * after the sink committed: mostly fsync, close and rename of a path sink. The peak RSS that the benchmark compares is
 * taken by bench/runstat from outside, the same way as curl's.
 */
#include "bench.h"

#include <fcntl.h>
#include <ltx/ltx.h>
#include <unistd.h>

#define POLL_MS 1u

typedef struct {
    double t_prev; /* the report before the last: the stream's end, within 256 KiB */
    double t_last; /* the last report, made after the sink committed */
} dl_times;

static int on_progress(const ltx_progress *p, void *ud)
{
    dl_times *t = ud;

    if (ltx_progress_stage(p) == LTX_STAGE_DOWNLOADING) {
        t->t_prev = t->t_last;
        t->t_last = bench_now_s();
    }
    return 0;
}

static int fail(const char *what, int rc, ltx_error *err)
{
    fprintf(stderr, "ltx_download: %s: %s\n", what, err ? ltx_error_message(err) : ltx_strerror(rc));
    ltx_error_free(err);
    return 1;
}

static int new_request(ltx_request **req)
{
    int rc;

    if ((rc = ltx_request_new(req, LTX_ENDPOINT_TEXT_TO_VIDEO)) == LTX_OK &&
        (rc = ltx_request_set_prompt(*req, BENCH_PROMPT)) == LTX_OK &&
        (rc = ltx_request_set_model(*req, BENCH_MODEL)) == LTX_OK &&
        (rc = ltx_request_set_duration(*req, BENCH_DURATION)) == LTX_OK)
        rc = ltx_request_set_resolution(*req, BENCH_RESOLUTION);
    return rc;
}

static int new_sink(ltx_sink **sink, const char *path, const char *kind, int *fd)
{
    *fd = -1;
    if (!kind || strcmp(kind, "path") == 0)
        return ltx_sink_new_path(sink, path);
    if (strcmp(kind, "path-fast") == 0) { /* no write-back, no fsync: like curl -o */
        int rc = ltx_sink_new_path(sink, path);

        return rc == LTX_OK ? ltx_sink_set_durable(*sink, 0) : rc;
    }
    *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (*fd < 0) {
        perror(path);
        return LTX_EIO;
    }
    return ltx_sink_new_fd(sink, *fd);
}

int main(int argc, char **argv)
{
    ltx_client *c = NULL;
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    dl_times t = {0, 0};
    double t0, t1;
    int rc, fd = -1, status = 1;
    const char *mode = argc > 2 ? argv[1] : "";

    if (!((strcmp(mode, "generate") == 0 && (argc == 4 || argc == 5)) ||
          (strcmp(mode, "job") == 0 && (argc == 5 || argc == 6)) ||
          (strcmp(mode, "url") == 0 && argc == 3))) {
        fprintf(stderr, "usage: ltx_download generate|job|url BASE_URL ...\n");
        return 2;
    }
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new(&c, BENCH_KEY, &err)) != LTX_OK ||
        (rc = ltx_client_set_base_url(c, argv[2])) != LTX_OK ||
        (rc = ltx_client_set_poll_interval_ms(c, POLL_MS)) != LTX_OK) {
        status = fail("client", rc, err);
        goto out;
    }
    if (strcmp(mode, "url") == 0) {
        if ((rc = new_request(&req)) != LTX_OK || (rc = ltx_submit(&job, c, req, &err)) != LTX_OK ||
            (rc = ltx_job_wait(job, POLL_MS, NULL, NULL, &err)) != LTX_OK) {
            status = fail("submit", rc, err);
            goto out;
        }
        printf("%s %s\n", ltx_job_id(job), ltx_job_result_url(job, NULL));
        status = 0;
        goto out;
    }
    if (strcmp(mode, "generate") == 0) {
        if ((rc = new_request(&req)) != LTX_OK ||
            (rc = new_sink(&sink, argv[3], argc == 5 ? argv[4] : NULL, &fd)) != LTX_OK) {
            status = fail("setup", rc, NULL);
            goto out;
        }
        t0 = bench_now_s();
        rc = ltx_generate(c, req, sink, on_progress, &t, &err);
    } else {
        if ((rc = ltx_job_open_by_name(&job, c, "text-to-video", argv[3], &err)) != LTX_OK ||
            (rc = ltx_job_refresh(job, &err)) != LTX_OK ||
            (rc = new_sink(&sink, argv[4], argc == 6 ? argv[5] : NULL, &fd)) != LTX_OK) {
            status = fail("setup", rc, err);
            goto out;
        }
        t0 = bench_now_s();
        rc = ltx_job_download(job, sink, on_progress, &t, &err);
    }
    t1 = bench_now_s();
    if (rc != LTX_OK) {
        status = fail(mode, rc, err);
        goto out;
    }
    printf("wall_s=%.6f bytes=%llu commit_s=%.6f maxrss_kb=%ld\n", t1 - t0,
           (unsigned long long)ltx_sink_bytes_written(sink),
           t.t_prev ? t.t_last - t.t_prev : -1.0, bench_maxrss_kb());
    status = 0;
out:
    ltx_sink_free(sink);
    if (fd >= 0)
        close(fd);
    ltx_job_free(job);
    ltx_request_free(req);
    ltx_client_free(c);
    ltx_global_cleanup();
    return status;
}
