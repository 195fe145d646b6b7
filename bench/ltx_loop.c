/* bench/ltx_loop.c — N small generations through one client, one after another.
 *
 *   ltx_loop BASE_URL N OUTDIR [path|fd]
 *
 * Each: build the request, ltx_generate() into OUTDIR/ltx.mp4 (a path sink:
 * temporary file, fsync, rename; or an fd sink on that file), free. The client
 * polls every 1 ms, as raw_libcurl does. Only bench_run() is what the benchmark
 * counts (callgrind --toggle-collect=bench_run); client creation is outside it.
 *
 * Prints "generations=N requests=N connects=N bytes=N wall_s=F".
 */
#include "bench.h"

#include <fcntl.h>
#include <ltx/ltx.h>
#include <unistd.h>

#define POLL_MS 1u

static void on_attempt(const ltx_attempt *a, void *ud)
{
    (void)a;
    ++*(long *)ud;
}

__attribute__((noinline)) static int bench_run(ltx_client *c, long n, const char *out_path,
                                               int use_fd, uint64_t *bytes)
{
    for (long i = 0; i < n; i++) {
        ltx_request *req = NULL;
        ltx_sink *sink = NULL;
        ltx_error *err = NULL;
        int rc, fd = -1;

        if ((rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) == LTX_OK &&
            (rc = ltx_request_set_prompt(req, BENCH_PROMPT)) == LTX_OK &&
            (rc = ltx_request_set_model(req, BENCH_MODEL)) == LTX_OK &&
            (rc = ltx_request_set_duration(req, BENCH_DURATION)) == LTX_OK &&
            (rc = ltx_request_set_resolution(req, BENCH_RESOLUTION)) == LTX_OK) {
            if (use_fd) {
                fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                rc = fd < 0 ? LTX_EIO : ltx_sink_new_fd(&sink, fd);
            } else {
                rc = ltx_sink_new_path(&sink, out_path);
            }
        }
        if (rc == LTX_OK)
            rc = ltx_generate(c, req, sink, NULL, NULL, &err);
        if (rc == LTX_OK)
            *bytes += ltx_sink_bytes_written(sink);
        else
            fprintf(stderr, "ltx_loop: generation %ld: %s\n", i,
                    err ? ltx_error_message(err) : ltx_strerror(rc));
        ltx_error_free(err);
        ltx_sink_free(sink);
        if (fd >= 0)
            close(fd);
        ltx_request_free(req);
        if (rc != LTX_OK)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    ltx_client *c = NULL;
    ltx_error *err = NULL;
    char out_path[4096];
    uint64_t bytes = 0;
    long n, attempts = 0;
    double t0, t1;
    int rc;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: ltx_loop BASE_URL N OUTDIR [path|fd]\n");
        return 2;
    }
    n = bench_arg_long(argv[2], 0, BENCH_MAX_ITERATIONS, "N");
    snprintf(out_path, sizeof(out_path), "%s/ltx.mp4", argv[3]);
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new(&c, BENCH_KEY, &err)) != LTX_OK ||
        (rc = ltx_client_set_base_url(c, argv[1])) != LTX_OK ||
        (rc = ltx_client_set_poll_interval_ms(c, POLL_MS)) != LTX_OK ||
        (rc = ltx_client_set_attempt_hook(c, on_attempt, &attempts)) != LTX_OK) {
        fprintf(stderr, "ltx_loop: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
        return 1;
    }
    t0 = bench_now_s();
    rc = bench_run(c, n, out_path, argc == 5 && strcmp(argv[4], "fd") == 0, &bytes);
    t1 = bench_now_s();
    ltx_client_free(c);
    ltx_global_cleanup();
    if (rc != 0)
        return 1;
    printf("generations=%ld requests=%ld connects=%ld bytes=%llu wall_s=%.6f\n", n, attempts,
           bench_connects_or_none(), (unsigned long long)bytes, t1 - t0);
    return 0;
}
