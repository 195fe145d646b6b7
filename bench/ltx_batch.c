/* bench/ltx_batch.c — N generations from one thread with the batch API (ltx/batch.h).
 *
 *   ltx_batch BASE_URL N CONCURRENCY OUTDIR EXPECTED_FILE [POLL_MS]
 *
 * Adds N text-to-video entries, each into its own memory sink, runs them with at
 * most CONCURRENCY in flight, and checks every output byte for byte against
 * EXPECTED_FILE. wall_s covers ltx_batch_run() only (adding entries builds their
 * bodies and is not network time).
 *
 * Prints "entries=N concurrency=C ok=N failed=N mismatched=N connects=N wall_s=F
 * maxrss_kb=N"; exits 1 unless every entry succeeded and matched.
 */
#include "bench.h"

#include <ltx/batch.h>
#include <ltx/ltx.h>

#define MAX_ENTRIES 10000L
#define DEFAULT_POLL_MS 1L

typedef struct {
    long done_ok, done_failed;
} tally;

static int on_done(size_t index, int status, const ltx_error *err, const char *job_id, void *ud)
{
    tally *t = ud;

    if (status == LTX_OK) {
        t->done_ok++;
    } else {
        t->done_failed++;
        fprintf(stderr, "ltx_batch: entry %zu (job %s): %s\n", index, job_id ? job_id : "none",
                err ? ltx_error_message(err) : ltx_strerror(status));
    }
    return 0;
}

int main(int argc, char **argv)
{
    ltx_client *c = NULL;
    ltx_batch *batch = NULL;
    ltx_request *req = NULL;
    ltx_sink **sinks = NULL;
    ltx_error *err = NULL;
    tally t = {0, 0};
    unsigned char *expected;
    size_t expected_len;
    long n, conc, poll_ms, ok = 0, mismatched = 0;
    double t0 = 0, t1 = 0;
    int rc, status = 1;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: ltx_batch BASE_URL N CONCURRENCY OUTDIR EXPECTED_FILE [POLL_MS]\n");
        return 2;
    }
    n = bench_arg_long(argv[2], 1, MAX_ENTRIES, "N");
    conc = bench_arg_long(argv[3], 1, MAX_ENTRIES, "CONCURRENCY");
    poll_ms = argc == 7 ? bench_arg_long(argv[6], 1, 60000, "POLL_MS") : DEFAULT_POLL_MS;
    if (!(expected = bench_slurp(argv[5], &expected_len))) {
        perror(argv[5]);
        return 1;
    }
    if (!(sinks = calloc((size_t)n, sizeof(*sinks))))
        return 1;
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new(&c, BENCH_KEY, &err)) != LTX_OK ||
        (rc = ltx_client_set_base_url(c, argv[1])) != LTX_OK ||
        (rc = ltx_client_set_poll_interval_ms(c, (uint32_t)poll_ms)) != LTX_OK ||
        (rc = ltx_batch_new(&batch, c)) != LTX_OK ||
        (rc = ltx_batch_set_concurrency(batch, (unsigned)conc)) != LTX_OK ||
        (rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) != LTX_OK ||
        (rc = ltx_request_set_prompt(req, BENCH_PROMPT)) != LTX_OK ||
        (rc = ltx_request_set_model(req, BENCH_MODEL)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, BENCH_DURATION)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, BENCH_RESOLUTION)) != LTX_OK)
        goto fail;
    for (long i = 0; i < n; i++)
        if ((rc = ltx_sink_new_memory(&sinks[i], expected_len + 1)) != LTX_OK ||
            (rc = ltx_batch_add(NULL, batch, req, sinks[i], &err)) != LTX_OK)
            goto fail;
    t0 = bench_now_s();
    rc = ltx_batch_run(batch, on_done, &t, &err);
    t1 = bench_now_s();
    if (rc != LTX_OK && rc != LTX_EJOBFAILED)
        goto fail;
    for (long i = 0; i < n; i++) {
        const void *data;
        size_t len;

        if (ltx_batch_status(batch, (size_t)i) != LTX_OK)
            continue;
        if (ltx_sink_memory_data(&data, &len, sinks[i]) == LTX_OK && len == expected_len &&
            memcmp(data, expected, len) == 0)
            ok++;
        else
            mismatched++;
    }
    printf("entries=%ld concurrency=%ld ok=%ld failed=%ld mismatched=%ld connects=%ld "
           "wall_s=%.6f maxrss_kb=%ld\n",
           n, conc, ok, t.done_failed, mismatched, bench_connects_or_none(), t1 - t0,
           bench_maxrss_kb());
    status = ok == n ? 0 : 1;
    goto out;
fail:
    fprintf(stderr, "ltx_batch: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
out:
    ltx_error_free(err);
    for (long i = 0; i < n; i++)
        ltx_sink_free(sinks[i]);
    free(sinks);
    ltx_request_free(req);
    ltx_batch_free(batch);
    ltx_client_free(c);
    ltx_global_cleanup();
    free(expected);
    return status;
}
