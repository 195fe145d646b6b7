/* tests/integration/test_eventloop.c — a batch driven from the caller's own poll(2) loop through
 * the socket callback, ltx_batch_timeout_ms() and ltx_batch_perform(), with entries added while
 * it runs; ltx_batch_wakeup() from another thread; the cancel handle in such a loop. */
#define _GNU_SOURCE
#include "itest.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ENTRIES 50
#define FIRST 20       /* added before the run; the rest while it runs */
#define AT_ONCE 4
#define MAX_FDS 64

/* The caller's side of the socket callback: the set its poll(2) watches. */
static struct pollfd fds[MAX_FDS];
static size_t n_fds;
static unsigned bad_fds;

static void on_socket(int fd, int events, void *ud)
{
    size_t i;

    (void)ud;
    for (i = 0; i < n_fds && fds[i].fd != fd; i++)
        ;
    if (events & LTX_POLL_REMOVE) {
        if (i < n_fds)
            fds[i] = fds[--n_fds];
        return;
    }
    if (fcntl(fd, F_GETFD) == -1)
        bad_fds++;
    if (i == n_fds) {
        ck_assert_uint_lt(n_fds, MAX_FDS);
        n_fds++;
    }
    fds[i].fd = fd;
    fds[i].events = (short)((events & LTX_POLL_IN ? POLLIN : 0) | (events & LTX_POLL_OUT ? POLLOUT : 0));
}

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One turn of the loop: wait as told, then hand over what is ready. Returns perform's status;
 * *left the entries not yet ended. longest_wait receives the longest poll(2). */
static int loop_turn(ltx_batch *b, size_t *left, ltx_error **err, uint64_t *waited)
{
    struct pollfd ready[MAX_FDS];
    size_t k = 0;
    long timeout;
    uint64_t t0 = mono_ms();
    int n, rc = LTX_OK;

    ck_assert_int_eq(ltx_batch_timeout_ms(&timeout, b), LTX_OK);
    n = poll(fds, n_fds, timeout > 5000 ? 5000 : (int)timeout);
    if (waited)
        *waited = mono_ms() - t0;
    ck_assert_int_ge(n, 0);
    if (n == 0)
        return ltx_batch_perform(left, b, -1, 0, err);
    for (size_t i = 0; i < n_fds; i++)
        if (fds[i].revents)
            ready[k++] = fds[i];
    for (size_t i = 0; i < k && rc == LTX_OK; i++) {
        int ev = (ready[i].revents & POLLIN ? LTX_POLL_IN : 0) |
                 (ready[i].revents & POLLOUT ? LTX_POLL_OUT : 0) |
                 (ready[i].revents & (POLLERR | POLLHUP) ? LTX_POLL_ERR : 0);

        rc = ltx_batch_perform(left, b, ready[i].fd, ev, err);
        if (!*left)
            break;
    }
    return rc;
}

static ltx_sink *sinks[ENTRIES];
static unsigned in_flight, max_in_flight, n_done, n_ok;
static int submitted[ENTRIES];

static int on_progress(const ltx_progress *p, void *ud)
{
    size_t i = ltx_progress_batch_index(p);

    (void)ud;
    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED) {
        ck_assert(!submitted[i]);
        submitted[i] = 1;
        if (++in_flight > max_in_flight)
            max_in_flight = in_flight;
    }
    return 0;
}

static int on_done(size_t i, int status, const ltx_error *err, const char *job_id, void *ud)
{
    (void)err;
    (void)job_id;
    (void)ud;
    if (submitted[i])
        in_flight--;
    n_done++;
    n_ok += status == LTX_OK;
    return 0;
}

static void add_entry(ltx_batch *b, size_t i)
{
    ltx_request *req = itest_t2v(0);
    char name[32];
    size_t index = 0;

    snprintf(name, sizeof(name), "out-%zu.mp4", i);
    ck_assert_int_eq(ltx_sink_new_path(&sinks[i], itest_path(name)), LTX_OK);
    ck_assert_int_eq(ltx_batch_add(&index, b, req, sinks[i], NULL), LTX_OK);
    ck_assert_uint_eq(index, i);
    ltx_request_free(req);
}

static ltx_batch *loop_batch(void)
{
    ltx_batch *b = NULL;

    n_fds = 0;
    bad_fds = 0;
    in_flight = max_in_flight = n_done = n_ok = 0;
    memset(submitted, 0, sizeof(submitted));
    memset(sinks, 0, sizeof(sinks));
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, AT_ONCE), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_progress(b, on_progress, NULL), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_socket_fn(b, on_socket, NULL), LTX_OK);
    return b;
}

START_TEST(fifty_entries_from_a_poll_loop_added_while_it_runs)
{
    ltx_batch *b = loop_batch();
    size_t added = FIRST, left = 1;
    ltx_error *err = NULL;
    unsigned turns = 0;
    int rc = LTX_OK;

    for (size_t i = 0; i < FIRST; i++)
        add_entry(b, i);
    ck_assert_int_eq(ltx_batch_start(b, on_done, NULL, NULL), LTX_OK);
    ck_assert_uint_ge(n_fds, 1); /* at least the batch's wakeup descriptor */
    while (left) {
        rc = loop_turn(b, &left, &err, NULL);
        ck_assert_int_eq(rc, LTX_OK);
        /* feed the running batch: one more entry each time one ended, until fifty */
        while (left && added < ENTRIES && added < FIRST + n_done)
            add_entry(b, added++);
        ck_assert_uint_lt(++turns, 1000000u);
    }
    ck_assert_int_eq(rc, LTX_OK);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(added, ENTRIES);
    ck_assert_uint_eq(n_done, ENTRIES);
    ck_assert_uint_eq(n_ok, ENTRIES);
    ck_assert_uint_le(max_in_flight, AT_ONCE);
    ck_assert_uint_ge(max_in_flight, 2);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), ENTRIES); /* each submitted once */
    ck_assert_uint_eq(lmock_jobs_accepted(mock), ENTRIES);
    for (size_t i = 0; i < ENTRIES; i++) {
        char name[32];

        snprintf(name, sizeof(name), "out-%zu.mp4", i);
        ck_assert_msg(itest_is_mock_video(itest_path(name)), "%s is not the video", name);
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_OK);
        ltx_sink_free(sinks[i]);
    }
    ck_assert_int_eq(itest_dir_entries(), ENTRIES); /* and no temporary file */
    ck_assert_uint_eq(n_fds, 0);                    /* every descriptor was taken back */
    ck_assert_uint_eq(bad_fds, 0);
    /* the run is over: the calls say so, and the batch may run again */
    {
        long t = 0;

        ck_assert_int_eq(ltx_batch_timeout_ms(&t, b), LTX_OK);
        ck_assert_int_eq(t, -1);
        ck_assert_int_eq(ltx_batch_perform(&left, b, -1, 0, NULL), LTX_EINVAL);
    }
    ltx_batch_free(b);
}
END_TEST

static void *wake_later(void *ud)
{
    usleep(200 * 1000);
    ltx_batch_wakeup(ud);
    return NULL;
}

START_TEST(wakeup_from_another_thread_ends_the_loops_wait)
{
    ltx_batch *b = loop_batch();
    ltx_cancel *cancel = NULL;
    size_t left = 1;
    uint64_t waited = 0;
    ltx_error *err = NULL;
    pthread_t th;
    long timeout;

    lmock_hold(mock, 1);
    /* the fixed schedule: one poll at once, the next a minute later (the adaptive one would
     * come back after 1, 3, 9 and 27 s, and this is about the wait, not the schedule) */
    ck_assert_int_eq(ltx_client_set_poll_mode(client, LTX_POLL_FIXED), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 60000), LTX_OK);
    add_entry(b, 0);
    ck_assert_int_eq(ltx_cancel_new(&cancel), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_cancel(b, cancel), LTX_OK);
    ck_assert_int_eq(ltx_batch_start(b, on_done, NULL, NULL), LTX_OK);
    /* until the job is submitted and polled once: then only the next poll, in 60 s, is due */
    while (lmock_count(mock, "GET", "/v2/") == 0 || n_fds > 2 ||
           (ltx_batch_timeout_ms(&timeout, b), timeout < 30000)) {
        ck_assert_int_eq(loop_turn(b, &left, NULL, NULL), LTX_OK);
        ck_assert_uint_gt(left, 0);
    }
    ck_assert_int_eq(pthread_create(&th, NULL, wake_later, b), 0);
    ck_assert_int_eq(loop_turn(b, &left, NULL, &waited), LTX_OK);
    pthread_join(th, NULL);
    ck_assert_msg(waited < 3000, "the wait lasted %llu ms", (unsigned long long)waited);
    ck_assert_uint_eq(left, 1);
    /* the wakeup was taken: the loop would wait again */
    ck_assert_int_eq(ltx_batch_timeout_ms(&timeout, b), LTX_OK);
    ck_assert_int_gt(timeout, 1000);
    /* and the cancel handle ends the run from the same loop */
    ltx_cancel_trigger(cancel);
    ck_assert_int_eq(loop_turn(b, &left, &err, NULL), LTX_ECANCELLED);
    ck_assert_uint_eq(left, 0);
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_ECANCELLED);
    ck_assert_ptr_nonnull(ltx_batch_job_id(b, 0));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1);
    ck_assert_uint_eq(n_fds, 0);
    ltx_error_free(err);
    ltx_sink_free(sinks[0]);
    ltx_batch_free(b);
    ltx_cancel_free(cancel);
}
END_TEST

static int release_on_first_end(size_t i, int status, const ltx_error *err, const char *job_id,
                                void *ud)
{
    (void)i;
    (void)status;
    (void)err;
    (void)job_id;
    (void)ud;
    lmock_hold(mock, 0);
    return 0;
}

static void *trigger_after_polls(void *ud)
{
    while (lmock_count(mock, "GET", "/v2/") < 6)
        usleep(2000);
    usleep(20 * 1000);
    ltx_cancel_trigger(ud);
    return NULL;
}

/* A request's own handle stops its entry alone, at once, in ltx_batch_run() too. */
START_TEST(a_requests_own_handle_stops_its_entry_only)
{
    ltx_batch *b = NULL;
    ltx_cancel *mine = NULL;
    pthread_t th;

    ck_assert_int_eq(ltx_cancel_new(&mine), LTX_OK);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 3), LTX_OK);
    lmock_hold(mock, 1);
    for (size_t i = 0; i < 3; i++) {
        ltx_request *req = itest_t2v(0);
        char name[32];

        snprintf(name, sizeof(name), "out-%zu.mp4", i);
        if (i == 1)
            ck_assert_int_eq(ltx_request_set_cancel(req, mine), LTX_OK);
        ck_assert_int_eq(ltx_sink_new_path(&sinks[i], itest_path(name)), LTX_OK);
        ck_assert_int_eq(ltx_batch_add(NULL, b, req, sinks[i], NULL), LTX_OK);
        ltx_request_free(req);
    }
    ck_assert_int_eq(pthread_create(&th, NULL, trigger_after_polls, mine), 0);
    /* entry 1 ends first, by its handle; its end releases the queue for the others */
    ck_assert_int_eq(ltx_batch_run(b, release_on_first_end, NULL, NULL), LTX_EJOBFAILED);
    pthread_join(th, NULL);
    ck_assert_int_eq(ltx_batch_status(b, 1), LTX_ECANCELLED);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_batch_error(b, 1)), "billed"));
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_OK);
    ck_assert_int_eq(ltx_batch_status(b, 2), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out-0.mp4")));
    ck_assert(itest_is_mock_video(itest_path("out-2.mp4")));
    ck_assert_int_eq(itest_dir_entries(), 2);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 3);
    for (size_t i = 0; i < 3; i++)
        ltx_sink_free(sinks[i]);
    ltx_batch_free(b);
    ltx_cancel_free(mine);
}
END_TEST

START_TEST(the_calls_refuse_a_batch_that_is_not_running)
{
    ltx_batch *b = loop_batch();
    size_t left = 7;
    long t = 0;

    ck_assert_int_eq(ltx_batch_perform(&left, b, -1, 0, NULL), LTX_EINVAL);
    ck_assert_uint_eq(left, 0);
    ck_assert_int_eq(ltx_batch_timeout_ms(&t, b), LTX_OK);
    ck_assert_int_eq(t, -1);
    ck_assert_int_eq(ltx_batch_timeout_ms(NULL, b), LTX_EINVAL);
    ck_assert_int_eq(ltx_batch_timeout_ms(&t, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_batch_wakeup(NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_batch_wakeup(b), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_socket_fn(NULL, on_socket, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_batch_start(NULL, NULL, NULL, NULL), LTX_EINVAL);
    ltx_batch_free(b);
}
END_TEST

Suite *suite_eventloop(void)
{
    Suite *s = suite_create("eventloop");
    TCase *tc = tcase_create("eventloop");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fifty_entries_from_a_poll_loop_added_while_it_runs);
    tcase_add_test(tc, wakeup_from_another_thread_ends_the_loops_wait);
    tcase_add_test(tc, a_requests_own_handle_stops_its_entry_only);
    tcase_add_test(tc, the_calls_refuse_a_batch_that_is_not_running);
    suite_add_tcase(s, tc);
    return s;
}
