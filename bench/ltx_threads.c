/* bench/ltx_threads.c — one client shared by T threads, each running ltx_generate() G times.
 *
 *   ltx_threads BASE_URL THREADS PER_THREAD OUTDIR EXPECTED_FILE [POLL_MS]
 *
 * Used by bench/concurrency.sh (T=32, G=1, a mock with a fixed job latency) and by
 * bench/stress.sh (T=32, G=200, under TSan and helgrind too). Every output is
 * checked byte for byte against EXPECTED_FILE (the video the mock serves). The
 * threads rotate through the four kinds of sink (path, fd, memory, callback) so
 * that each is exercised concurrently. Threads start together behind a barrier;
 * wall_s runs from the barrier to the last join.
 *
 * Prints "threads=T per_thread=G ok=N failed=N mismatched=N requests=N connects=N wall_s=F
 * maxrss_kb=N"; exits 1 unless every generation succeeded and matched.
 */
#include "bench.h"

#include <fcntl.h>
#include <ltx/ltx.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define MAX_THREADS 256
#define DEFAULT_POLL_MS 1L

typedef struct {
    const unsigned char *data;
    size_t len;
} blob;

typedef struct {
    blob expected;
    size_t at;   /* bytes compared so far */
    int differs; /* a byte differed, or too many bytes */
} cmp_state;

typedef struct {
    ltx_client *client;
    pthread_barrier_t *start;
    const char *outdir;
    blob expected;
    int index;
    long per_thread;
    long ok, failed, mismatched;
} worker;

static atomic_long n_attempts;

static void on_attempt(const ltx_attempt *a, void *ud)
{
    (void)a;
    (void)ud;
    atomic_fetch_add(&n_attempts, 1);
}

static int compare_chunk(const void *data, size_t len, void *ud)
{
    cmp_state *s = ud;

    if (s->at + len > s->expected.len || memcmp(s->expected.data + s->at, data, len) != 0)
        s->differs = 1;
    s->at += len;
    return 0;
}

static int same_as(const blob *want, const void *data, size_t len)
{
    return data && len == want->len && memcmp(data, want->data, len) == 0;
}

static int file_matches(const char *path, const blob *want)
{
    size_t len = 0;
    unsigned char *got = bench_slurp(path, &len);
    int same = same_as(want, got, len);

    free(got);
    return same;
}

/* One generation into the sink kind this iteration uses; 1 ok, 0 failed, -1 mismatched. */
static int one_generation(worker *w, long iteration)
{
    char path[4096];
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    cmp_state cmp = {w->expected, 0, 0};
    int kind = (int)((w->index + iteration) % 4), fd = -1, rc, result = 0;

    snprintf(path, sizeof(path), "%s/t%03d.mp4", w->outdir, w->index);
    if ((rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) != LTX_OK ||
        (rc = ltx_request_set_prompt(req, BENCH_PROMPT)) != LTX_OK ||
        (rc = ltx_request_set_model(req, BENCH_MODEL)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, BENCH_DURATION)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, BENCH_RESOLUTION)) != LTX_OK)
        goto out;
    switch (kind) {
    case 0:
        rc = ltx_sink_new_path(&sink, path);
        break;
    case 1:
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        rc = fd < 0 ? LTX_EIO : ltx_sink_new_fd(&sink, fd);
        break;
    case 2:
        rc = ltx_sink_new_memory(&sink, w->expected.len + 1);
        break;
    default:
        rc = ltx_sink_new_callback(&sink, compare_chunk, &cmp);
        break;
    }
    if (rc != LTX_OK)
        goto out;
    if ((rc = ltx_generate(w->client, req, sink, NULL, NULL, &err)) != LTX_OK)
        goto out;
    result = -1;
    if (ltx_sink_bytes_written(sink) != w->expected.len)
        goto out;
    switch (kind) {
    case 0:
    case 1:
        if (!file_matches(path, &w->expected))
            goto out;
        break;
    case 2: {
        const void *data;
        size_t len;

        if (ltx_sink_memory_data(&data, &len, sink) != LTX_OK ||
            !same_as(&w->expected, data, len))
            goto out;
        break;
    }
    default:
        if (cmp.differs || cmp.at != w->expected.len)
            goto out;
        break;
    }
    result = 1;
out:
    if (result == 0)
        fprintf(stderr, "ltx_threads: thread %d generation %ld: %s\n", w->index, iteration,
                err ? ltx_error_message(err) : ltx_strerror(rc));
    else if (result < 0)
        fprintf(stderr, "ltx_threads: thread %d generation %ld: output differs (sink kind %d)\n",
                w->index, iteration, kind);
    ltx_error_free(err);
    ltx_sink_free(sink);
    if (fd >= 0)
        close(fd);
    ltx_request_free(req);
    return result;
}

static void *run_worker(void *arg)
{
    worker *w = arg;

    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->per_thread; i++) {
        int r = one_generation(w, i);

        if (r > 0)
            w->ok++;
        else if (r < 0)
            w->mismatched++;
        else
            w->failed++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static worker workers[MAX_THREADS];
    static pthread_t tids[MAX_THREADS];
    pthread_barrier_t start;
    ltx_client *c = NULL;
    ltx_error *err = NULL;
    blob expected;
    long threads, per, poll_ms, ok = 0, failed = 0, mismatched = 0;
    double t0, t1;
    int rc;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: ltx_threads BASE_URL THREADS PER_THREAD OUTDIR EXPECTED_FILE "
                        "[POLL_MS]\n");
        return 2;
    }
    threads = bench_arg_long(argv[2], 1, MAX_THREADS, "THREADS");
    per = bench_arg_long(argv[3], 1, BENCH_MAX_ITERATIONS / threads, "PER_THREAD");
    poll_ms = argc == 7 ? bench_arg_long(argv[6], 1, 60000, "POLL_MS") : DEFAULT_POLL_MS;
    if (!(expected.data = bench_slurp(argv[5], &expected.len))) {
        perror(argv[5]);
        return 1;
    }
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new(&c, BENCH_KEY, &err)) != LTX_OK ||
        (rc = ltx_client_set_base_url(c, argv[1])) != LTX_OK ||
        (rc = ltx_client_set_poll_interval_ms(c, (uint32_t)poll_ms)) != LTX_OK ||
        (rc = ltx_client_set_attempt_hook(c, on_attempt, NULL)) != LTX_OK) {
        fprintf(stderr, "ltx_threads: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
        return 1;
    }
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (long i = 0; i < threads; i++) {
        workers[i] = (worker){c, &start, argv[4], expected, (int)i, per, 0, 0, 0};
        if (pthread_create(&tids[i], NULL, run_worker, &workers[i]) != 0) {
            fprintf(stderr, "ltx_threads: cannot start thread %ld\n", i);
            return 1;
        }
    }
    pthread_barrier_wait(&start);
    t0 = bench_now_s();
    for (long i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        ok += workers[i].ok;
        failed += workers[i].failed;
        mismatched += workers[i].mismatched;
    }
    t1 = bench_now_s();
    pthread_barrier_destroy(&start);
    ltx_client_free(c);
    ltx_global_cleanup();
    free((void *)expected.data);
    printf("threads=%ld per_thread=%ld ok=%ld failed=%ld mismatched=%ld requests=%ld "
           "connects=%ld wall_s=%.6f maxrss_kb=%ld\n",
           threads, per, ok, failed, mismatched, atomic_load(&n_attempts), bench_connects_or_none(), t1 - t0,
           bench_maxrss_kb());
    return ok == threads * per ? 0 : 1;
}
