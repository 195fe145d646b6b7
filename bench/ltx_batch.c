/* bench/ltx_batch.c — N generations from one thread with the batch API (ltx/batch.h).
 *
 *   ltx_batch BASE_URL N CONCURRENCY OUTDIR EXPECTED_FILE [POLL_MS]
 *
 * Adds N text-to-video entries, each into its own callback sink that compares the
 * bytes with EXPECTED_FILE as they arrive (100,000 outputs are not kept in memory),
 * runs them with at most CONCURRENCY in flight, and counts the outputs that matched
 * byte for byte. wall_s covers ltx_batch_run() only (adding entries builds their
 * bodies and is not network time). BENCH_FIXED_POLL=1 in the environment sets the
 * client's fixed poll schedule (LTX_POLL_FIXED) instead of the adaptive default.
 *
 * Prints "entries=N concurrency=C ok=N failed=N mismatched=N connects=N wall_s=F
 * maxrss_kb=N"; exits 1 unless every entry succeeded and matched.
 */
#include "bench.h"

#include <ltx/batch.h>
#include <ltx/ltx.h>

#define MAX_ENTRIES 1000000L
#define DEFAULT_POLL_MS 1L

typedef struct {
    long done_ok, done_failed;
} tally;

/* One entry's output, compared as it arrives. */
typedef struct {
    const unsigned char *expected;
    size_t expected_len, got;
    int mismatched;
} check;

static int on_bytes(const void *data, size_t len, void *ud)
{
    check *k = ud;

    if (k->got + len > k->expected_len || memcmp(k->expected + k->got, data, len) != 0)
        k->mismatched = 1;
    k->got += len;
    return 0;
}

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
    check *checks = NULL;
    const char *fixed = getenv("BENCH_FIXED_POLL");
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
    if (!(sinks = calloc((size_t)n, sizeof(*sinks))) || !(checks = calloc((size_t)n, sizeof(*checks))))
        return 1;
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new(&c, BENCH_KEY, &err)) != LTX_OK ||
        (rc = ltx_client_set_base_url(c, argv[1])) != LTX_OK ||
        (rc = ltx_client_set_poll_interval_ms(c, (uint32_t)poll_ms)) != LTX_OK ||
        /* 100,000 entries under callgrind outlast the default 30 minutes */
        (rc = ltx_client_set_deadline_ms(c, LTX_NO_LIMIT)) != LTX_OK ||
        (fixed && *fixed == '1' && (rc = ltx_client_set_poll_mode(c, LTX_POLL_FIXED)) != LTX_OK) ||
        (rc = ltx_batch_new(&batch, c)) != LTX_OK ||
        (rc = ltx_batch_set_concurrency(batch, (unsigned)conc)) != LTX_OK ||
        (rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) != LTX_OK ||
        (rc = ltx_request_set_prompt(req, BENCH_PROMPT)) != LTX_OK ||
        (rc = ltx_request_set_model(req, BENCH_MODEL)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, BENCH_DURATION)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, BENCH_RESOLUTION)) != LTX_OK)
        goto fail;
    for (long i = 0; i < n; i++) {
        checks[i].expected = expected;
        checks[i].expected_len = expected_len;
        if ((rc = ltx_sink_new_callback(&sinks[i], on_bytes, &checks[i])) != LTX_OK ||
            (rc = ltx_batch_add(NULL, batch, req, sinks[i], &err)) != LTX_OK)
            goto fail;
    }
    t0 = bench_now_s();
    rc = ltx_batch_run(batch, on_done, &t, &err);
    t1 = bench_now_s();
    if (rc != LTX_OK && rc != LTX_EJOBFAILED)
        goto fail;
    for (long i = 0; i < n; i++) {
        if (ltx_batch_status(batch, (size_t)i) != LTX_OK)
            continue;
        if (!checks[i].mismatched && checks[i].got == expected_len)
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
    free(checks);
    ltx_request_free(req);
    ltx_batch_free(batch);
    ltx_client_free(c);
    ltx_global_cleanup();
    free(expected);
    return status;
}
