/* tests/alloc/test_alloc.c — allocation failures, curl's torture mode for libltx: each scenario
 * runs again and again with the Nth allocation failing, N = 1, 2, 3, ... until a run meets no
 * failure. Every run must end with success or a clean error: no crash, no leak, no partial or
 * temporary file, and a possibly-executed flag (or a job id to resume with) whenever the mock
 * accepted a job the call then failed to deliver.
 *
 * The program replaces malloc, calloc and realloc (glibc supports that) with wrappers that count
 * the allocations of the thread running the scenario only: the in-process ltx-mock answers from
 * its own threads and never fails. Allocations made during a run are tracked until freed, so a
 * leak is seen without valgrind (which replaces malloc itself; this test does not run under it,
 * nor under ASan, whose allocator it would fight).
 *
 * LTX_ALLOC_STRIDE=K tries every Kth N only (default 1: every N); CI runs the default. */
#define _GNU_SOURCE
#include <ltx/ltx.h>

#include "mock.h"

#include <dirent.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

/* ------------------------------------------------------------------ the allocator */

static __thread int armed;            /* this thread's allocations count */
static __thread unsigned long counted; /* allocations so far in this run */
static unsigned long fail_at;          /* the one to fail (0: none) */
static int failed_once;                /* the run met its failure */

/* Live allocations of armed threads, to find leaks: an open-addressed set of pointers. */
#define LIVE_SLOTS (1u << 20)
static void **live;
static unsigned long *live_index; /* which allocation of its run each one was */
static size_t nlive;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static void *const TOMBSTONE = (void *)1;

static size_t slot_of(const void *p)
{
    return (size_t)(((uintptr_t)p >> 4) * 2654435761u) & (LIVE_SLOTS - 1);
}

static void live_add(void *p)
{
    pthread_mutex_lock(&live_lock);
    for (size_t i = slot_of(p);; i = (i + 1) & (LIVE_SLOTS - 1))
        if (!live[i] || live[i] == TOMBSTONE) {
            live[i] = p;
            live_index[i] = counted;
            nlive++;
            break;
        }
    pthread_mutex_unlock(&live_lock);
}

static void live_remove(void *p)
{
    if (!live || !p)
        return;
    pthread_mutex_lock(&live_lock);
    if (nlive)
        for (size_t i = slot_of(p); live[i]; i = (i + 1) & (LIVE_SLOTS - 1))
            if (live[i] == p) {
                live[i] = TOMBSTONE;
                nlive--;
                break;
            }
    pthread_mutex_unlock(&live_lock);
}

/* Count this allocation; non-zero when it is the one to fail. */
static int should_fail(void)
{
    if (!armed)
        return 0;
    ++counted;
    if (getenv("LTX_ALLOC_TRACE")) { /* "N:K": where the Kth allocation of run N is made */
        const char *t = getenv("LTX_ALLOC_TRACE");

        if (strtoul(t, NULL, 10) == fail_at && strchr(t, ':') &&
            strtoul(strchr(t, ':') + 1, NULL, 10) == counted) {
            void *frames[32];

            backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
        }
    }
    if (counted == fail_at) {
        failed_once = 1;
        if (getenv("LTX_ALLOC_DEBUG") && /* where: backtrace_symbols_fd() does not allocate */
            strtoul(getenv("LTX_ALLOC_DEBUG"), NULL, 10) == fail_at) {
            void *frames[32];

            backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
        }
        return 1;
    }
    return 0;
}

void *malloc(size_t size)
{
    void *p;

    if (should_fail())
        return NULL;
    p = __libc_malloc(size);
    if (p && armed)
        live_add(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p;

    if (should_fail())
        return NULL;
    p = __libc_calloc(n, size);
    if (p && armed)
        live_add(p);
    return p;
}

void *realloc(void *old, size_t size)
{
    void *p;

    if (should_fail())
        return NULL;
    p = __libc_realloc(old, size);
    if (p || !size) {
        live_remove(old);
        if (p && armed)
            live_add(p);
    }
    return p;
}

void free(void *p)
{
    live_remove(p);
    __libc_free(p);
}

/* ------------------------------------------------------------------ scenarios */

static lmock *mock;
static char dir[256], wav[300];
static int problems;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "test_alloc: %s: N=%lu: ", scenario, fail_at);                         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            problems++;                                                                            \
        }                                                                                          \
    } while (0)

static const char *scenario;

/* A run takes milliseconds; one that reaches this deadline hung on its failed allocation. */
#define DEADLINE_MS 5000u

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *path_in(const char *name)
{
    static char path[600];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

/* The directory holds only whole videos (named out*.mp4) and the input file. */
static void check_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "in.wav") == 0)
            continue;
        CHECK(strncmp(e->d_name, "out", 3) == 0 && strstr(e->d_name, ".mp4") &&
                  !strstr(e->d_name, ".part"),
              "a stray file %s", e->d_name);
        unlink(path_in(e->d_name));
    }
    if (d)
        closedir(d);
}

static ltx_client *make_client(void)
{
    ltx_client *c = NULL;

    if (ltx_client_new(&c, "test-key", NULL) != LTX_OK)
        return NULL;
    if (ltx_client_set_base_url(c, lmock_base_url(mock)) != LTX_OK ||
        ltx_client_set_poll_interval_ms(c, 2) != LTX_OK ||
        ltx_client_set_retry(c, 1, 1, 2) != LTX_OK ||
        ltx_client_set_deadline_ms(c, DEADLINE_MS) != LTX_OK) {
        ltx_client_free(c);
        return NULL;
    }
    return c;
}

/* A clean end: success, or an error whose details exist unless memory itself ran out; when a
 * job was accepted and not delivered, the caller learns it may be billed or how to resume. */
static void check_outcome(int rc, const ltx_error *err, unsigned accepted_before)
{
    int accepted = lmock_jobs_accepted(mock) > accepted_before;

    CHECK(rc <= 0 || (rc >= 400 && rc < 600), "status %d", rc);
    if (rc == LTX_OK)
        return;
    CHECK(err || rc == LTX_ENOMEM, "status %d without an error", rc);
    if (accepted && err)
        CHECK(ltx_error_possibly_executed(err) || ltx_error_job_id(err),
              "a job was accepted, yet the error (%s) says neither possibly executed nor "
              "its id", ltx_error_message(err));
}

/* A generation with an upload: audio-to-video from a local WAV file. */
static int generation_with_upload(void)
{
    ltx_client *c = make_client();
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    unsigned before = lmock_jobs_accepted(mock);
    int rc = LTX_ENOMEM;

    if (c && ltx_request_new(&req, LTX_ENDPOINT_AUDIO_TO_VIDEO) == LTX_OK &&
        ltx_request_set_prompt(req, "A choir in a cathedral") == LTX_OK &&
        ltx_request_set_input_file(req, "audio_uri", wav) == LTX_OK &&
        ltx_sink_new_path(&sink, path_in("out.mp4")) == LTX_OK)
        rc = ltx_generate(c, req, sink, NULL, NULL, &err);
    check_outcome(rc, err, before);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    ltx_client_free(c);
    return rc;
}

/* A job that fails on the server: LTX_EJOBFAILED is the success of this scenario. */
static int failed_job(void)
{
    ltx_client *c = make_client();
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    unsigned before = lmock_jobs_accepted(mock);
    lmock_fault f = {0};
    int rc = LTX_ENOMEM;

    f.kind = LMOCK_FAULT_JOB_FAIL;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.times = 1;
    armed = 0; /* the mock's own allocations never fail */
    lmock_faults_clear(mock);
    lmock_fault_add(mock, &f);
    armed = 1;
    if (c && ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO) == LTX_OK &&
        ltx_request_set_prompt(req, "A lighthouse at dusk") == LTX_OK &&
        ltx_request_set_model(req, "ltx-2-3-fast") == LTX_OK &&
        ltx_request_set_duration(req, 6) == LTX_OK &&
        ltx_request_set_resolution(req, "1920x1080") == LTX_OK &&
        ltx_sink_new_path(&sink, path_in("out.mp4")) == LTX_OK)
        rc = ltx_generate(c, req, sink, NULL, NULL, &err);
    armed = 0;
    lmock_faults_clear(mock);
    armed = 1;
    if (rc != LTX_EJOBFAILED)
        check_outcome(rc, err, before);
    else
        CHECK(err == NULL || ltx_error_job_id(err) || strstr(ltx_error_message(err), "job "),
              "a failed job that names no job");
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    ltx_client_free(c);
    return rc == LTX_EJOBFAILED ? LTX_OK : rc;
}

/* A batch of three text-to-video entries. */
static int batch_of_three(void)
{
    ltx_client *c = make_client();
    ltx_batch *b = NULL;
    ltx_request *req = NULL;
    ltx_sink *sinks[3] = {NULL, NULL, NULL};
    ltx_error *err = NULL;
    unsigned before = lmock_jobs_accepted(mock);
    int rc = LTX_ENOMEM, ok = c && ltx_batch_new(&b, c) == LTX_OK;

    ok = ok && ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO) == LTX_OK &&
         ltx_request_set_prompt(req, "A lighthouse at dusk") == LTX_OK &&
         ltx_request_set_model(req, "ltx-2-3-fast") == LTX_OK &&
         ltx_request_set_duration(req, 6) == LTX_OK &&
         ltx_request_set_resolution(req, "1920x1080") == LTX_OK;
    for (int i = 0; i < 3 && ok; i++) {
        char name[16];

        snprintf(name, sizeof(name), "out%d.mp4", i);
        ok = ltx_sink_new_path(&sinks[i], path_in(name)) == LTX_OK &&
             ltx_batch_add(NULL, b, req, sinks[i], NULL) == LTX_OK;
    }
    if (ok)
        rc = ltx_batch_run(b, NULL, NULL, &err);
    if (ok && rc != LTX_OK) {
        /* every job the mock accepted is known to the caller by its id, or the entry that may
         * have created it says so */
        unsigned accepted = lmock_jobs_accepted(mock) - before, known = 0, flagged = 0;

        for (size_t i = 0; i < 3; i++) {
            const ltx_error *e = ltx_batch_error(b, i);
            int st = ltx_batch_status(b, i);

            if (getenv("LTX_ALLOC_DEBUG"))
                fprintf(stderr, "entry %zu: %d %s %s\n", i, st, ltx_batch_job_id(b, i),
                        e ? ltx_error_message(e) : "-");
            known += ltx_batch_job_id(b, i) != NULL;
            flagged += !ltx_batch_job_id(b, i) && e && ltx_error_possibly_executed(e);
        }
        CHECK(known + flagged >= accepted, "%u jobs accepted, %u known by id, %u flagged (%d: %s)",
              accepted, known, flagged, rc, err ? ltx_error_message(err) : "no error");
        CHECK(err || rc == LTX_ENOMEM, "status %d without an error", rc);
    }
    ltx_error_free(err);
    ltx_batch_free(b);
    for (int i = 0; i < 3; i++)
        ltx_sink_free(sinks[i]);
    ltx_request_free(req);
    ltx_client_free(c);
    return rc;
}

/* Run a scenario with the Nth allocation failing for every N until one run meets no failure. */
static unsigned long first_n = 1;

static void torture(const char *name, int (*fn)(void), unsigned long stride)
{
    unsigned long runs = 0;

    scenario = name;
    for (fail_at = first_n;; fail_at += stride) {
        uint64_t start = now_ms();
        int rc;

        failed_once = 0;
        counted = 0;
        armed = 1;
        rc = fn();
        armed = 0;
        runs++;
        CHECK(now_ms() - start < DEADLINE_MS / 2, "the run took %llu ms (status %d): it hung",
              (unsigned long long)(now_ms() - start), rc);
        /* libcurl's resolver thread may free what this thread allocated a moment later: on a
         * loaded machine that moment can be long, so wait up to 5 s (no wait when none is live) */
        for (int i = 0; i < 500 && nlive; i++)
            usleep(10000);
        /* a submit this run gave up on may still be turning into a job on the mock's threads:
         * let its count stand still, or the next run would count that job as its own */
        for (unsigned last = lmock_jobs_accepted(mock), i = 0; i < 100; i++) {
            usleep(5000);
            if (lmock_jobs_accepted(mock) == last && i >= 3)
                break;
            last = lmock_jobs_accepted(mock);
        }
        if (nlive) {
            CHECK(0, "%zu allocations leaked (status %d)", nlive, rc);
            for (size_t i = 0; i < LIVE_SLOTS; i++)
                if (live[i] && live[i] != TOMBSTONE)
                    fprintf(stderr, "  the allocation number %lu of this run (LTX_ALLOC_TRACE=%lu:%lu "
                                    "shows where)\n", live_index[i], fail_at, live_index[i]);
            memset(live, 0, LIVE_SLOTS * sizeof(*live));
            nlive = 0;
        }
        check_files();
        if (!failed_once) {
            CHECK(rc == LTX_OK, "the run without any failure ended with %d", rc);
            break;
        }
    }
    printf("test_alloc: %s: %lu runs, %lu allocations, every one failed once%s\n", name, runs,
           counted, stride > 1 ? " (with a stride)" : "");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR"), *s = getenv("LTX_ALLOC_STRIDE");
    unsigned long stride = s && *s ? strtoul(s, NULL, 10) : 1;
    const char *only = getenv("LTX_ALLOC_ONLY"); /* debugging: scenario index and N, "2:801" */
    lmock_options opts;
    FILE *f;

    if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload")) {
        puts("test_alloc: under valgrind, which replaces malloc itself; skipped");
        return 77;
    }
    if (!stride)
        stride = 1;
    live = __libc_calloc(LIVE_SLOTS, sizeof(*live));
    live_index = __libc_calloc(LIVE_SLOTS, sizeof(*live_index));
    snprintf(dir, sizeof(dir), "%s/ltx-alloc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!live || !live_index || !mkdtemp(dir))
        return 1;
    snprintf(wav, sizeof(wav), "%s/in.wav", dir);
    if (!(f = fopen(wav, "wb")))
        return 1;
    fwrite("RIFF\x24\0\0\0WAVEfmt ", 1, 16, f);
    for (int i = 0; i < 2048; i++)
        fputc(i & 0xff, f);
    fclose(f);
    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.pending_polls = 1;
    opts.processing_polls = 1;
    if (!(mock = lmock_start(&opts)) || ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;

    if (only) { /* one scenario, one N, then the run without failure */
        int (*const fns[])(void) = {generation_with_upload, failed_job, batch_of_three};
        unsigned which = (unsigned)strtoul(only, NULL, 10);

        first_n = strtoul(strchr(only, ':') ? strchr(only, ':') + 1 : "1", NULL, 10);
        if (which > 2)
            return 2;
        torture("one", fns[which], 1000000);
    } else {
        torture("a generation with an upload", generation_with_upload, stride);
        torture("a failed job", failed_job, stride);
        torture("a batch of three", batch_of_three, stride);
    }

    ltx_global_cleanup();
    lmock_stop(mock);
    unlink(wav);
    rmdir(dir);
    printf("test_alloc: %d problem%s\n", problems, problems == 1 ? "" : "s");
    return problems ? 1 : 0;
}
