/* tests/integration/test_batch.c — many jobs from one thread: the bound holds, every entry ends
 * once, faults stay with their entry, and a submit of unknown outcome is never sent twice. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 16
#define NO_ENTRY SIZE_MAX

/* What the callbacks saw. */
typedef struct {
    unsigned done_calls[MAX_ENTRIES];
    int status[MAX_ENTRIES];
    int possibly_executed[MAX_ENTRIES];
    unsigned attempts[MAX_ENTRIES];
    char job_id[MAX_ENTRIES][80];
    int submitted[MAX_ENTRIES];
    unsigned n_done;
    unsigned in_flight, max_in_flight; /* submitted and not ended, as announced        */
    unsigned max_server_unfinished;    /* jobs the mock accepted minus entries ended   */
    unsigned ended_with_job;
    int stage_order_ok;                /* SUBMITTED came before any other stage        */
    size_t cancel_at;                  /* cancel this entry at its first WAITING       */
    size_t break_download_of;          /* script a fault on this entry's result URL    */
    lmock_fault_kind break_kind;       /* which (default: resets, always)              */
    unsigned break_times;
    int stop_after_first;              /* done returns non-zero once                   */
    unsigned release_at;               /* lmock_hold(mock, 0) once this many accepted  */
} watch;

static watch w;

static void watch_reset(void)
{
    memset(&w, 0, sizeof(w));
    w.cancel_at = NO_ENTRY;
    w.break_download_of = NO_ENTRY;
    w.break_kind = LMOCK_FAULT_RESET;
    w.break_times = 100;
    w.stage_order_ok = 1;
}

static void note_server_view(void)
{
    unsigned accepted = lmock_jobs_accepted(mock);
    unsigned unfinished = accepted - w.ended_with_job;

    if (unfinished > w.max_server_unfinished)
        w.max_server_unfinished = unfinished;
}

static int on_progress(const ltx_progress *p, void *ud)
{
    size_t i = ltx_progress_batch_index(p);

    (void)ud;
    ck_assert_uint_lt(i, MAX_ENTRIES);
    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTING)
        return 0;
    ck_assert_ptr_nonnull(ltx_progress_job_id(p));
    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED) {
        ck_assert(!w.submitted[i]);
        w.submitted[i] = 1;
        snprintf(w.job_id[i], sizeof(w.job_id[i]), "%s", ltx_progress_job_id(p));
        if (++w.in_flight > w.max_in_flight)
            w.max_in_flight = w.in_flight;
        if (w.release_at && lmock_jobs_accepted(mock) >= w.release_at)
            lmock_hold(mock, 0);
        if (i == w.break_download_of) {
            char path[128];
            lmock_fault f = {0};

            snprintf(path, sizeof(path), "/results/%s", ltx_progress_job_id(p));
            f.kind = w.break_kind;
            f.method = "GET";
            f.path_prefix = path;
            f.times = w.break_times;
            lmock_fault_add(mock, &f);
        }
    } else if (!w.submitted[i]) {
        w.stage_order_ok = 0;
    }
    note_server_view();
    return ltx_progress_stage(p) == LTX_STAGE_WAITING && i == w.cancel_at;
}

static int on_done(size_t i, int status, const ltx_error *err, const char *job_id, void *ud)
{
    (void)ud;
    ck_assert_uint_lt(i, MAX_ENTRIES);
    w.done_calls[i]++;
    w.n_done++;
    w.status[i] = status;
    if (status == LTX_OK) {
        ck_assert_ptr_null(err);
    } else {
        ck_assert_ptr_nonnull(err);
        ck_assert_int_eq(ltx_error_code(err), status);
        w.possibly_executed[i] = ltx_error_possibly_executed(err);
        w.attempts[i] = ltx_error_attempts(err);
    }
    if (job_id) {
        if (w.job_id[i][0])
            ck_assert_str_eq(job_id, w.job_id[i]);
        else
            snprintf(w.job_id[i], sizeof(w.job_id[i]), "%s", job_id);
    }
    if (w.submitted[i]) {
        w.in_flight--;
        w.ended_with_job++;
    }
    note_server_view();
    return w.stop_after_first;
}

/* A batch of n text-to-video entries writing out-<i>.mp4. */
static ltx_batch *batch_of(unsigned n, unsigned at_once, ltx_sink **sinks)
{
    ltx_batch *b = NULL;
    ltx_request *req = itest_t2v(0);

    watch_reset();
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, at_once), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_progress(b, on_progress, NULL), LTX_OK);
    for (unsigned i = 0; i < n; i++) {
        char name[32];
        size_t index = NO_ENTRY;

        snprintf(name, sizeof(name), "out-%u.mp4", i);
        ck_assert_int_eq(ltx_sink_new_path(&sinks[i], itest_path(name)), LTX_OK);
        ck_assert_int_eq(ltx_batch_add(&index, b, req, sinks[i], NULL), LTX_OK);
        ck_assert_uint_eq(index, i);
    }
    ltx_request_free(req);
    return b;
}

static void batch_done(ltx_batch *b, unsigned n, ltx_sink **sinks)
{
    ltx_batch_free(b);
    for (unsigned i = 0; i < n; i++)
        ltx_sink_free(sinks[i]);
}

static int out_is_video(unsigned i)
{
    char name[32];

    snprintf(name, sizeof(name), "out-%u.mp4", i);
    return itest_is_mock_video(itest_path(name));
}

static int out_exists(unsigned i)
{
    char name[32];
    size_t len;
    unsigned char *data;

    snprintf(name, sizeof(name), "out-%u.mp4", i);
    data = itest_read(itest_path(name), &len);
    free(data);
    return data != NULL;
}

START_TEST(twelve_jobs_four_at_a_time_all_arrive_whole)
{
    enum { N = 12, AT_ONCE = 4 };
    ltx_sink *sinks[N];
    ltx_batch *b = batch_of(N, AT_ONCE, sinks);
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, &err), LTX_OK);
    ck_assert_ptr_null(err);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_msg(out_is_video(i), "entry %u", i);
        ck_assert_uint_eq(w.done_calls[i], 1);
        ck_assert_int_eq(w.status[i], LTX_OK);
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_OK);
        ck_assert_str_eq(ltx_batch_job_id(b, i), w.job_id[i]);
        ck_assert_ptr_null(ltx_batch_error(b, i));
    }
    ck_assert(w.stage_order_ok);
    ck_assert_uint_ge(w.max_in_flight, 1);
    ck_assert_uint_le(w.max_in_flight, AT_ONCE);
    ck_assert_uint_le(w.max_server_unfinished, AT_ONCE);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), N);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), N);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), N);
    ck_assert_uint_eq(lmock_downloads_with_auth(mock), 0);
    ck_assert_int_eq(itest_dir_entries(), N);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(slow_jobs_run_side_by_side_up_to_the_bound)
{
    enum { N = 8 };
    ltx_sink *sinks[N];
    ltx_batch *b;

    /* The server's queue is held until all eight are accepted: no job can finish before the
     * last is submitted, so a batch that ran them one after another would never end. Holding
     * the queue, not timing it, keeps this true on a machine of any speed, valgrind included. */
    lmock_hold(mock, 1);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 50), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, 30000), LTX_OK);
    b = batch_of(N, N, sinks);
    w.release_at = N;
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_OK);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_msg(out_is_video(i), "entry %u", i);
        ck_assert_uint_eq(w.done_calls[i], 1);
    }
    ck_assert_uint_eq(w.max_in_flight, N);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), N);
    batch_done(b, N, sinks);
}
END_TEST

static void script_concurrency_limit(unsigned times)
{
    lmock_fault f = {0};

    f.kind = LMOCK_FAULT_STATUS;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.status = 429;
    f.error_type = "concurrency_limit_error";
    f.message = "Too many concurrent generations";
    f.times = times;
    lmock_fault_add(mock, &f);
}

START_TEST(a_concurrency_limit_waits_for_another_entry_to_finish)
{
    enum { N = 3 };
    ltx_sink *sinks[N];
    ltx_batch *b;

    /* no retries: the 429 outlasts the policy at once, and the batch must hold the entry back */
    ck_assert_int_eq(ltx_client_set_retry(client, 0, 1, 1), LTX_OK);
    script_concurrency_limit(1);
    b = batch_of(N, 2, sinks);
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_OK);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_msg(out_is_video(i), "entry %u", i);
        ck_assert_uint_eq(w.done_calls[i], 1);
    }
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), N + 1);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), N);
    ck_assert_uint_le(w.max_in_flight, 2);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(a_concurrency_limit_with_nothing_of_ours_running_fails_that_entry)
{
    ltx_sink *sinks[1];
    ltx_batch *b;
    const ltx_error *e;

    ck_assert_int_eq(ltx_client_set_retry(client, 1, 1, 1), LTX_OK);
    script_concurrency_limit(2);
    b = batch_of(1, 2, sinks);
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_EJOBFAILED);
    ck_assert_int_eq(w.status[0], LTX_ERATELIMIT);
    e = ltx_batch_error(b, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(ltx_error_type(e), "concurrency_limit_error");
    ck_assert_int_eq(ltx_error_possibly_executed(e), 0);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 2);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 0);
    ck_assert_int_eq(itest_dir_entries(), 0);
    batch_done(b, 1, sinks);
}
END_TEST

START_TEST(a_500_on_a_submit_fails_that_entry_only_and_is_never_resent)
{
    enum { N = 3 };
    ltx_sink *sinks[N];
    ltx_batch *b;
    ltx_error *err = NULL;
    unsigned failed = 0, which = 0;

    itest_fault("POST", "/v2/text-to-video", 500, 1);
    b = batch_of(N, N, sinks);
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, &err), LTX_EJOBFAILED);
    ck_assert_int_eq(ltx_error_code(err), LTX_EJOBFAILED);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_uint_eq(w.done_calls[i], 1);
        if (w.status[i] == LTX_OK) {
            ck_assert(out_is_video(i));
            continue;
        }
        failed++;
        which = i;
        ck_assert_int_eq(w.status[i], LTX_ESERVER);
        ck_assert_int_eq(w.possibly_executed[i], 1);
        ck_assert_uint_eq(w.attempts[i], 1);
        ck_assert_ptr_null(ltx_batch_job_id(b, i));
        ck_assert(!out_exists(i));
    }
    ck_assert_uint_eq(failed, 1);
    ck_assert_int_eq(ltx_batch_status(b, which), LTX_ESERVER);
    /* three entries, three submits: the unknown one was not sent again */
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), N);
    ck_assert_int_eq(itest_dir_entries(), N - 1);
    ltx_error_free(err);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(a_job_added_by_id_is_followed_without_a_submit)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_sink *sink = NULL;
    ltx_batch *b = NULL;
    size_t index = NO_ENTRY;

    watch_reset();
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out-0.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_progress(b, on_progress, NULL), LTX_OK);
    ck_assert_int_eq(ltx_batch_add_job(&index, b, job, sink, NULL), LTX_OK);
    ck_assert_uint_eq(index, 0);
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_EINVAL); /* not run yet */
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_OK);
    ck_assert(out_is_video(0));
    ck_assert_uint_eq(w.done_calls[0], 1);
    ck_assert_str_eq(w.job_id[0], ltx_job_id(job));
    ck_assert_str_eq(ltx_batch_job_id(b, 0), ltx_job_id(job));
    ck_assert(!w.submitted[0]); /* no LTX_STAGE_SUBMITTED: nothing was submitted */
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    /* a second run has nothing left to do */
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(w.done_calls[0], 1);
    ltx_batch_free(b);
    ltx_sink_free(sink);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(cancelling_from_progress_stops_that_entry_only)
{
    enum { N = 3 };
    ltx_sink *sinks[N];
    ltx_batch *b = batch_of(N, N, sinks);
    const ltx_error *e;

    w.cancel_at = 1;
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_EJOBFAILED);
    ck_assert_int_eq(w.status[0], LTX_OK);
    ck_assert_int_eq(w.status[1], LTX_ECANCELLED);
    ck_assert_int_eq(w.status[2], LTX_OK);
    for (unsigned i = 0; i < N; i++)
        ck_assert_uint_eq(w.done_calls[i], 1);
    e = ltx_batch_error(b, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(ltx_error_job_id(e), w.job_id[1]); /* to resume it later */
    ck_assert(out_is_video(0));
    ck_assert(!out_exists(1));
    ck_assert(out_is_video(2));
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), N - 1);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(a_download_that_keeps_failing_leaves_no_file_for_its_entry)
{
    enum { N = 2 };
    ltx_sink *sinks[N];
    ltx_batch *b = batch_of(N, N, sinks);

    w.break_download_of = 0;
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_EJOBFAILED);
    ck_assert_int_eq(w.status[0], LTX_ENETWORK);
    ck_assert_int_eq(w.status[1], LTX_OK);
    ck_assert(!out_exists(0));
    ck_assert(out_is_video(1));
    ck_assert_int_eq(itest_dir_entries(), 1); /* no temporary file left behind */
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(the_deadline_covers_the_whole_run)
{
    enum { N = 3 };
    lmock_options opts;
    lmock *slow;
    ltx_sink *sinks[N];
    ltx_batch *b;
    ltx_error *err = NULL;

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.pending_ms = 60000;
    slow = lmock_start(&opts);
    ck_assert_ptr_nonnull(slow);
    ck_assert_int_eq(ltx_client_set_base_url(client, lmock_base_url(slow)), LTX_OK);
    /* the jobs take a minute; 5 s is room for two submits even under valgrind on a busy
     * machine (each takes milliseconds natively) */
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, 5000), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 50), LTX_OK);
    b = batch_of(N, 2, sinks);
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, &err), LTX_ETIMEDOUT);
    ck_assert_int_eq(ltx_error_code(err), LTX_ETIMEDOUT);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_uint_eq(w.done_calls[i], 1);
        ck_assert_int_eq(w.status[i], LTX_ETIMEDOUT);
    }
    /* two were submitted and keep running (their ids were told); the third never was */
    ck_assert_ptr_nonnull(ltx_batch_job_id(b, 0));
    ck_assert_ptr_nonnull(ltx_batch_job_id(b, 1));
    ck_assert_ptr_null(ltx_batch_job_id(b, 2));
    for (unsigned i = 0; i < 2; i++) /* whether a poll was in flight at the deadline or not */
        ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_batch_error(b, i)),
                                     "at the deadline; it keeps running"));
    ck_assert_uint_eq(lmock_jobs_accepted(slow), 2);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    batch_done(b, N, sinks);
    lmock_stop(slow);
}
END_TEST

START_TEST(the_completion_callback_can_stop_the_run)
{
    enum { N = 4 };
    ltx_sink *sinks[N];
    ltx_batch *b = batch_of(N, 1, sinks);
    ltx_error *err = NULL;

    w.stop_after_first = 1;
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, &err), LTX_ECANCELLED);
    ck_assert_uint_eq(w.n_done, 1);
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_OK);
    for (unsigned i = 1; i < N; i++) {
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_ECANCELLED);
        ck_assert(!out_exists(i));
    }
    ck_assert_uint_le(lmock_count(mock, "POST", "/v2/text-to-video"), 2);
    ck_assert_int_eq(itest_dir_entries(), 1);
    ltx_error_free(err);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(a_dropped_download_resumes_with_range)
{
    enum { N = 2 };
    ltx_sink *sinks[N];
    ltx_batch *b = batch_of(N, N, sinks);
    char path[128], *range;

    w.break_download_of = 1;
    w.break_kind = LMOCK_FAULT_TRUNCATE;
    w.break_times = 1;
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_OK);
    for (unsigned i = 0; i < N; i++)
        ck_assert_msg(out_is_video(i), "entry %u", i);
    snprintf(path, sizeof(path), "/results/%s", w.job_id[1]);
    ck_assert_uint_eq(lmock_count(mock, "GET", path), 2);
    range = lmock_last_header(mock, path, "Range");
    ck_assert_ptr_nonnull(range);
    ck_assert_msg(strncmp(range, "bytes=", 6) == 0 && strcmp(range, "bytes=0-") != 0, "Range %s",
                  range);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), N + 1);
    ck_assert_int_eq(itest_dir_entries(), N);
    free(range);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(a_rate_limit_within_the_retries_is_absorbed_by_the_policy)
{
    enum { N = 3 };
    ltx_sink *sinks[N];
    ltx_batch *b;

    itest_fault("POST", "/v2/text-to-video", 429, 2);
    b = batch_of(N, N, sinks);
    ck_assert_int_eq(ltx_batch_run(b, on_done, NULL, NULL), LTX_OK);
    for (unsigned i = 0; i < N; i++)
        ck_assert_msg(out_is_video(i), "entry %u", i);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), N + 2);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), N);
    batch_done(b, N, sinks);
}
END_TEST

START_TEST(bad_arguments_add_nothing)
{
    ltx_batch *b = NULL;
    ltx_request *req = NULL, *sync = itest_t2v(1);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    size_t index = NO_ENTRY;

    ck_assert_int_eq(ltx_batch_new(&b, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1024), LTX_OK);
    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_batch_add(&index, b, req, sink, &err), LTX_EREQUEST); /* no prompt */
    ck_assert_ptr_nonnull(err);
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_batch_add(&index, b, sync, sink, &err), LTX_EINVAL);
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_batch_add_job(&index, b, NULL, sink, NULL), LTX_EINVAL);
    ck_assert_uint_eq(index, NO_ENTRY);
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_EINVAL);
    ck_assert_ptr_null(ltx_batch_job_id(b, 0));
    ck_assert_ptr_null(ltx_batch_error(b, 0));
    ck_assert_uint_eq(ltx_progress_batch_index(NULL), SIZE_MAX);
    /* an empty batch runs at once, and sends nothing */
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
    ltx_batch_free(b);
    ltx_batch_free(NULL);
    ltx_sink_free(sink);
    ltx_request_free(req);
    ltx_request_free(sync);
}
END_TEST

Suite *suite_batch(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batches over the multi interface");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, twelve_jobs_four_at_a_time_all_arrive_whole);
    tcase_add_test(tc, slow_jobs_run_side_by_side_up_to_the_bound);
    tcase_add_test(tc, a_concurrency_limit_waits_for_another_entry_to_finish);
    tcase_add_test(tc, a_concurrency_limit_with_nothing_of_ours_running_fails_that_entry);
    tcase_add_test(tc, a_500_on_a_submit_fails_that_entry_only_and_is_never_resent);
    tcase_add_test(tc, a_job_added_by_id_is_followed_without_a_submit);
    tcase_add_test(tc, cancelling_from_progress_stops_that_entry_only);
    tcase_add_test(tc, a_download_that_keeps_failing_leaves_no_file_for_its_entry);
    tcase_add_test(tc, a_dropped_download_resumes_with_range);
    tcase_add_test(tc, a_rate_limit_within_the_retries_is_absorbed_by_the_policy);
    tcase_add_test(tc, the_deadline_covers_the_whole_run);
    tcase_add_test(tc, the_completion_callback_can_stop_the_run);
    tcase_add_test(tc, bad_arguments_add_nothing);
    suite_add_tcase(s, tc);
    return s;
}
