/* bench/ltx_batches.c — the batch stress: T threads each run their own batch on one shared client.
 *
 *   ltx_batches BASE_URL THREADS ENTRIES OUTDIR EXPECTED_FILE [POLL_MS]
 *
 * Each thread adds ENTRIES entries to its own batch (concurrency 8): every other one an
 * image-to-video from one local PNG of 1.2 MB that all threads share (uploaded once per
 * batch), the rest text-to-video; callback sinks compare every output with EXPECTED_FILE as
 * it arrives. For TSan and helgrind (bench/stress.sh): the batches share the client's pool,
 * share handle, poll schedule memory and log, each from its own thread.
 *
 * Prints "threads=T entries=N ok=N failed=N mismatched=N uploads_per_batch=F wall_s=F";
 * exits 1 unless every entry succeeded and matched.
 */
#include "bench.h"

#include <ltx/ltx.h>
#include <pthread.h>

#define MAX_THREADS 64L
#define MAX_PER 100000L
#define PNG_BYTES 1200000

typedef struct {
    const unsigned char *expected;
    size_t expected_len, got;
    int mismatched;
} check;

typedef struct {
    ltx_client *client;
    const char *png;
    long entries;
    const unsigned char *expected;
    size_t expected_len;
    long ok, failed, mismatched;
} job;

static int on_bytes(const void *data, size_t len, void *ud)
{
    check *k = ud;

    if (k->got + len > k->expected_len || memcmp(k->expected + k->got, data, len) != 0)
        k->mismatched = 1;
    k->got += len;
    return 0;
}

static ltx_request *request(int with_image, const char *png)
{
    ltx_request *r = NULL;

    if (ltx_request_new(&r, with_image ? LTX_ENDPOINT_IMAGE_TO_VIDEO : LTX_ENDPOINT_TEXT_TO_VIDEO) !=
            LTX_OK ||
        ltx_request_set_prompt(r, BENCH_PROMPT) != LTX_OK ||
        ltx_request_set_model(r, with_image ? "ltx-2-3-pro" : BENCH_MODEL) != LTX_OK ||
        ltx_request_set_duration(r, BENCH_DURATION) != LTX_OK ||
        ltx_request_set_resolution(r, BENCH_RESOLUTION) != LTX_OK ||
        (with_image && ltx_request_set_input_file(r, "image_uri", png) != LTX_OK)) {
        ltx_request_free(r);
        return NULL;
    }
    return r;
}

static void *run_batch(void *arg)
{
    job *j = arg;
    ltx_batch *b = NULL;
    ltx_sink **sinks = calloc((size_t)j->entries, sizeof(*sinks));
    check *checks = calloc((size_t)j->entries, sizeof(*checks));
    ltx_request *t2v = request(0, NULL), *i2v = request(1, j->png);
    ltx_error *err = NULL;
    int rc = LTX_ENOMEM;

    if (sinks && checks && t2v && i2v && ltx_batch_new(&b, j->client) == LTX_OK &&
        ltx_batch_set_concurrency(b, 8) == LTX_OK) {
        rc = LTX_OK;
        for (long i = 0; i < j->entries && rc == LTX_OK; i++) {
            checks[i].expected = j->expected;
            checks[i].expected_len = j->expected_len;
            if ((rc = ltx_sink_new_callback(&sinks[i], on_bytes, &checks[i])) == LTX_OK)
                rc = ltx_batch_add(NULL, b, i % 2 ? i2v : t2v, sinks[i], &err);
        }
        if (rc == LTX_OK)
            rc = ltx_batch_run(b, NULL, NULL, &err);
    }
    if (rc != LTX_OK)
        fprintf(stderr, "ltx_batches: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
    for (long i = 0; b && i < j->entries; i++) {
        if (ltx_batch_status(b, (size_t)i) != LTX_OK)
            j->failed++;
        else if (checks[i].mismatched || checks[i].got != j->expected_len)
            j->mismatched++;
        else
            j->ok++;
    }
    ltx_error_free(err);
    for (long i = 0; sinks && i < j->entries; i++)
        ltx_sink_free(sinks[i]);
    free(sinks);
    free(checks);
    ltx_request_free(t2v);
    ltx_request_free(i2v);
    ltx_batch_free(b);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t tids[MAX_THREADS];
    job jobs[MAX_THREADS];
    ltx_client *c = NULL;
    long threads, per, poll_ms, ok = 0, failed = 0, mismatched = 0;
    unsigned char *expected;
    size_t expected_len;
    char png[4096];
    double t0, t1;
    FILE *f;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: ltx_batches BASE_URL THREADS ENTRIES OUTDIR EXPECTED_FILE [POLL_MS]\n");
        return 2;
    }
    threads = bench_arg_long(argv[2], 1, MAX_THREADS, "THREADS");
    per = bench_arg_long(argv[3], 1, MAX_PER, "ENTRIES");
    poll_ms = argc == 7 ? bench_arg_long(argv[6], 1, 60000, "POLL_MS") : 1;
    if (!(expected = bench_slurp(argv[5], &expected_len)))
        return 1;
    snprintf(png, sizeof(png), "%s/batches-input.png", argv[4]);
    if (!(f = fopen(png, "wb")))
        return 1;
    fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
    for (long i = 8; i < PNG_BYTES; i++)
        fputc((int)(i % 251), f);
    fclose(f);
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK || ltx_client_new(&c, BENCH_KEY, NULL) != LTX_OK ||
        ltx_client_set_base_url(c, argv[1]) != LTX_OK ||
        ltx_client_set_poll_mode(c, LTX_POLL_FIXED) != LTX_OK ||
        ltx_client_set_poll_interval_ms(c, (uint32_t)poll_ms) != LTX_OK)
        return 1;
    t0 = bench_now_s();
    for (long t = 0; t < threads; t++) {
        jobs[t] = (job){c, png, per, expected, expected_len, 0, 0, 0};
        if (pthread_create(&tids[t], NULL, run_batch, &jobs[t]) != 0)
            return 1;
    }
    for (long t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        ok += jobs[t].ok;
        failed += jobs[t].failed;
        mismatched += jobs[t].mismatched;
    }
    t1 = bench_now_s();
    printf("threads=%ld entries=%ld ok=%ld failed=%ld mismatched=%ld wall_s=%.6f\n", threads,
           threads * per, ok, failed, mismatched, t1 - t0);
    ltx_client_free(c);
    ltx_global_cleanup();
    free(expected);
    remove(png);
    return ok == threads * per ? 0 : 1;
}
