/* bench/ltx_ttv.c — time to video: jobs followed by one schedule, for bench/time-to-video.sh.
 *
 *   ltx_ttv BASE_URL fixed|adaptive client|single|batch LEARN MEASURE
 *
 * client: one long-lived client runs LEARN jobs at once (what it learns from), then MEASURE
 *         jobs at once, each ltx_generate() on its own thread;
 * single: MEASURE jobs at once, each on a client of its own that has seen no job (LEARN
 *         is ignored);
 * batch:  one client runs a batch of LEARN entries (ltx_batch_run(), all in flight), then
 *         a batch of MEASURE entries.
 * The poll interval is the default 5 s; `fixed` is LTX_POLL_FIXED, `adaptive` the default.
 * Prints "measured JOB_ID" for each measured job: the script asks ltx-mock (GET /_mock/jobs)
 * how long each one's download started after it completed, and how many polls it got.
 */
#include "bench.h"

#include <ltx/ltx.h>
#include <pthread.h>

#define MAX_JOBS 256

typedef struct {
    ltx_client *client; /* shared, or NULL: a client of its own */
    const char *base;
    int mode;
    char id[128];
    int rc;
} run;

static int on_progress(const ltx_progress *p, void *ud)
{
    run *r = ud;

    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED && ltx_progress_job_id(p))
        snprintf(r->id, sizeof(r->id), "%s", ltx_progress_job_id(p));
    return 0;
}

static ltx_client *client_new(const char *base, int mode)
{
    ltx_client *c = NULL;

    if (ltx_client_new(&c, BENCH_KEY, NULL) != LTX_OK ||
        ltx_client_set_base_url(c, base) != LTX_OK || ltx_client_set_poll_mode(c, mode) != LTX_OK ||
        ltx_client_set_deadline_ms(c, 600000) != LTX_OK) {
        fprintf(stderr, "ltx_ttv: cannot make a client\n");
        exit(1);
    }
    return c;
}

static void *one(void *arg)
{
    run *r = arg;
    ltx_client *c = r->client ? r->client : client_new(r->base, r->mode);
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    r->rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO);
    if (r->rc == LTX_OK && (r->rc = ltx_request_set_prompt(req, BENCH_PROMPT)) == LTX_OK &&
        (r->rc = ltx_request_set_model(req, BENCH_MODEL)) == LTX_OK &&
        (r->rc = ltx_request_set_duration(req, BENCH_DURATION)) == LTX_OK &&
        (r->rc = ltx_request_set_resolution(req, BENCH_RESOLUTION)) == LTX_OK &&
        (r->rc = ltx_sink_new_memory(&sink, 64u << 20)) == LTX_OK)
        r->rc = ltx_generate(c, req, sink, on_progress, r, &err);
    if (r->rc != LTX_OK)
        fprintf(stderr, "ltx_ttv: %s\n", err ? ltx_error_message(err) : ltx_strerror(r->rc));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    if (!r->client)
        ltx_client_free(c);
    return NULL;
}

/* n generations at once; returns how many failed. */
static int wave(run *runs, long n, ltx_client *shared, const char *base, int mode)
{
    pthread_t t[MAX_JOBS];
    int failed = 0;

    for (long i = 0; i < n; i++) {
        memset(&runs[i], 0, sizeof(runs[i]));
        runs[i].client = shared;
        runs[i].base = base;
        runs[i].mode = mode;
        if (pthread_create(&t[i], NULL, one, &runs[i]) != 0) {
            fprintf(stderr, "ltx_ttv: pthread_create failed\n");
            exit(1);
        }
    }
    for (long i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        failed += runs[i].rc != LTX_OK;
    }
    return failed;
}

static int batch_on_progress(const ltx_progress *p, void *ud)
{
    run *runs = ud;
    size_t i = ltx_progress_batch_index(p);

    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED && ltx_progress_job_id(p) && i < MAX_JOBS)
        snprintf(runs[i].id, sizeof(runs[i].id), "%s", ltx_progress_job_id(p));
    return 0;
}

/* n generations in one batch on c; returns how many failed. */
static int batch_wave(run *runs, long n, ltx_client *c)
{
    ltx_sink *sinks[MAX_JOBS] = {0};
    ltx_batch *b = NULL;
    ltx_request *req = NULL;
    ltx_error *err = NULL;
    int rc, failed = 0;

    memset(runs, 0, sizeof(run) * (size_t)n);
    rc = ltx_batch_new(&b, c);
    if (rc == LTX_OK)
        rc = ltx_batch_set_concurrency(b, (unsigned)n);
    if (rc == LTX_OK)
        rc = ltx_batch_set_progress(b, batch_on_progress, runs);
    if (rc == LTX_OK && (rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) == LTX_OK &&
        (rc = ltx_request_set_prompt(req, BENCH_PROMPT)) == LTX_OK &&
        (rc = ltx_request_set_model(req, BENCH_MODEL)) == LTX_OK &&
        (rc = ltx_request_set_duration(req, BENCH_DURATION)) == LTX_OK)
        rc = ltx_request_set_resolution(req, BENCH_RESOLUTION);
    for (long i = 0; rc == LTX_OK && i < n; i++)
        if ((rc = ltx_sink_new_memory(&sinks[i], 64u << 20)) == LTX_OK)
            rc = ltx_batch_add(NULL, b, req, sinks[i], &err);
    if (rc == LTX_OK)
        rc = ltx_batch_run(b, NULL, NULL, &err);
    if (rc != LTX_OK)
        fprintf(stderr, "ltx_ttv: batch: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
    for (long i = 0; i < n; i++) {
        runs[i].rc = b ? ltx_batch_status(b, (size_t)i) : rc;
        failed += runs[i].rc != LTX_OK;
    }
    ltx_error_free(err);
    ltx_batch_free(b);
    for (long i = 0; i < n; i++)
        ltx_sink_free(sinks[i]);
    ltx_request_free(req);
    return failed;
}

int main(int argc, char **argv)
{
    static run runs[MAX_JOBS];
    ltx_client *shared = NULL;
    long learn, measure;
    int mode, failed = 0;

    if (argc != 6) {
        fprintf(stderr, "usage: ltx_ttv BASE_URL fixed|adaptive client|single|batch LEARN "
                        "MEASURE\n");
        return 2;
    }
    mode = strcmp(argv[2], "fixed") == 0 ? LTX_POLL_FIXED : LTX_POLL_ADAPTIVE;
    learn = bench_arg_long(argv[4], 0, MAX_JOBS, "LEARN");
    measure = bench_arg_long(argv[5], 1, MAX_JOBS, "MEASURE");
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if (strcmp(argv[3], "batch") == 0) {
        shared = client_new(argv[1], mode);
        if (learn)
            failed += batch_wave(runs, learn, shared);
        failed += batch_wave(runs, measure, shared);
    } else {
        if (strcmp(argv[3], "client") == 0) {
            shared = client_new(argv[1], mode);
            if (learn)
                failed += wave(runs, learn, shared, argv[1], mode);
        }
        failed += wave(runs, measure, shared, argv[1], mode);
    }
    for (long i = 0; i < measure; i++)
        if (runs[i].rc == LTX_OK)
            printf("measured %s\n", runs[i].id);
    ltx_client_free(shared);
    ltx_global_cleanup();
    return failed ? 1 : 0;
}
