/* tests/integration/test_threads.c — one client shared by many threads at once: every thread gets
 * its own whole video, and nothing is shared but what the client promises to share. Run it under
 * TSan or helgrind to check the promise (see README). */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 16
#define CALLS_PER_THREAD 3
#define SINK_CAP (16u * 1024u * 1024u)

typedef struct {
    pthread_t thread;
    unsigned number;
    unsigned ok;       /* calls whose output was exactly the mock's video */
    int last_rc;
    char message[256]; /* the first failure, for the report */
} worker;

static const unsigned char *want;
static size_t want_len;

/* The fixture's log check may not run on these threads (Check's asserts are not thread-safe):
 * count the lines that would fail it, under a lock, and assert on the main thread. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned log_lines, leaked_lines;

static void count_log_line(int level, const char *line, void *ud)
{
    int leaked = strstr(line, ITEST_KEY) || strstr(line, "Bearer") || strstr(line, "withheld");

    (void)level;
    (void)ud;
    pthread_mutex_lock(&log_lock);
    log_lines++;
    leaked_lines += leaked != 0;
    pthread_mutex_unlock(&log_lock);
}

/* A valid text-to-video request, built on the calling thread (Check's asserts are not used). */
static int make_request(ltx_request **out, const char *prompt)
{
    ltx_request *req = NULL;
    int rc;

    if ((rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) != LTX_OK ||
        (rc = ltx_request_set_prompt(req, prompt)) != LTX_OK ||
        (rc = ltx_request_set_model(req, LTX_MODEL_LTX_2_3_FAST)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, 6)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, "1920x1080")) != LTX_OK) {
        ltx_request_free(req);
        req = NULL;
    }
    *out = req;
    return rc;
}

static void *work(void *arg)
{
    worker *wk = arg;
    ltx_request *req = NULL;

    /* requests and sinks are per thread; the client is the one shared object */
    if ((wk->last_rc = make_request(&req, "A lighthouse at dusk, from many threads")) != LTX_OK)
        return NULL;
    for (unsigned i = 0; i < CALLS_PER_THREAD; i++) {
        ltx_sink *sink = NULL;
        ltx_error *err = NULL;
        const void *data;
        size_t len;

        if ((wk->last_rc = ltx_sink_new_memory(&sink, SINK_CAP)) != LTX_OK)
            break;
        wk->last_rc = ltx_generate(client, req, sink, NULL, NULL, &err);
        if (wk->last_rc == LTX_OK && ltx_sink_memory_data(&data, &len, sink) == LTX_OK &&
            len == want_len && memcmp(data, want, len) == 0)
            wk->ok++;
        else if (!wk->message[0])
            snprintf(wk->message, sizeof(wk->message), "thread %u call %u: %s", wk->number, i,
                     err ? ltx_error_message(err) : ltx_strerror(wk->last_rc));
        ltx_error_free(err);
        ltx_sink_free(sink);
    }
    ltx_request_free(req);
    return NULL;
}

START_TEST(one_client_serves_many_threads_at_once)
{
    worker workers[THREADS];

    memset(workers, 0, sizeof(workers));
    want = lmock_video(mock, &want_len);
    log_lines = leaked_lines = 0;
    /* configure first, then share: the setters must not race with calls */
    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_DEBUG, count_log_line, NULL), LTX_OK);
    for (unsigned i = 0; i < THREADS; i++) {
        workers[i].number = i;
        ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, work, &workers[i]), 0);
    }
    for (unsigned i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(workers[i].thread, NULL), 0);
    for (unsigned i = 0; i < THREADS; i++)
        ck_assert_msg(workers[i].ok == CALLS_PER_THREAD, "%s", workers[i].message);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), THREADS * CALLS_PER_THREAD);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), THREADS * CALLS_PER_THREAD);
    ck_assert_uint_eq(lmock_downloads_with_auth(mock), 0);
    ck_assert_uint_gt(log_lines, 0);
    ck_assert_uint_eq(leaked_lines, 0);
}
END_TEST

/* A batch on one thread while other threads use the same client. */
typedef struct {
    pthread_t thread;
    int rc;
    unsigned ok;
} batcher;

static void *run_batch(void *arg)
{
    enum { N = 6 };
    batcher *bt = arg;
    ltx_batch *b = NULL;
    ltx_request *req = NULL;
    ltx_sink *sinks[N] = {NULL};

    if ((bt->rc = ltx_batch_new(&b, client)) == LTX_OK &&
        (bt->rc = ltx_batch_set_concurrency(b, 3)) == LTX_OK &&
        (bt->rc = make_request(&req, "A batch beside the threads")) == LTX_OK) {
        for (unsigned i = 0; i < N && bt->rc == LTX_OK; i++)
            if ((bt->rc = ltx_sink_new_memory(&sinks[i], SINK_CAP)) == LTX_OK)
                bt->rc = ltx_batch_add(NULL, b, req, sinks[i], NULL);
        if (bt->rc == LTX_OK)
            bt->rc = ltx_batch_run(b, NULL, NULL, NULL);
    }
    for (unsigned i = 0; i < N; i++) {
        const void *data;
        size_t len;

        if (sinks[i] && ltx_sink_memory_data(&data, &len, sinks[i]) == LTX_OK &&
            len == want_len && memcmp(data, want, len) == 0)
            bt->ok++;
        ltx_sink_free(sinks[i]);
    }
    ltx_request_free(req);
    ltx_batch_free(b);
    return NULL;
}

START_TEST(a_batch_shares_the_client_with_other_threads)
{
    enum { OTHERS = 4 };
    worker workers[OTHERS];
    batcher bt = {0};

    memset(workers, 0, sizeof(workers));
    want = lmock_video(mock, &want_len);
    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_DEBUG, count_log_line, NULL), LTX_OK);
    ck_assert_int_eq(pthread_create(&bt.thread, NULL, run_batch, &bt), 0);
    for (unsigned i = 0; i < OTHERS; i++) {
        workers[i].number = i;
        ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, work, &workers[i]), 0);
    }
    ck_assert_int_eq(pthread_join(bt.thread, NULL), 0);
    for (unsigned i = 0; i < OTHERS; i++)
        ck_assert_int_eq(pthread_join(workers[i].thread, NULL), 0);
    ck_assert_int_eq(bt.rc, LTX_OK);
    ck_assert_uint_eq(bt.ok, 6);
    for (unsigned i = 0; i < OTHERS; i++)
        ck_assert_msg(workers[i].ok == CALLS_PER_THREAD, "%s", workers[i].message);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 6 + OTHERS * CALLS_PER_THREAD);
    ck_assert_uint_eq(leaked_lines, 0);
}
END_TEST

Suite *suite_threads(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("one client, many threads");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_client_serves_many_threads_at_once);
    tcase_add_test(tc, a_batch_shares_the_client_with_other_threads);
    suite_add_tcase(s, tc);
    return s;
}
