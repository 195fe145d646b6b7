/* tests/integration/test_batch_files.c — a batch's local files and its scale: a file used by
 * several entries is uploaded once, uploads wait for a place like submits, nothing is sent
 * when entries are added, and a batch of 20,000 entries runs to its end. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PNG_MAGIC "\x89PNG\r\n\x1a\n"
#define BIG 1200000 /* above the inline limit: uploaded */

/* A PNG of `size` bytes whose content depends on seed. */
static void make_png(const char *path, size_t size, unsigned seed)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fwrite(PNG_MAGIC, 1, 8, f);
    for (size_t i = 8; i < size; i++)
        fputc((int)((i * 7 + seed) % 251), f);
    fclose(f);
}

static ltx_request *i2v(const char *path)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_IMAGE_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "The lighthouse beam sweeps the sea"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 6), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1920x1080"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(r, "image_uri", path), LTX_OK);
    return r;
}

static void add_i2v(ltx_batch *b, const char *path, ltx_sink **sink, unsigned i)
{
    char name[32];
    ltx_request *req = i2v(path);

    snprintf(name, sizeof(name), "out-%u.mp4", i);
    ck_assert_int_eq(ltx_sink_new_path(sink, itest_path(name)), LTX_OK);
    ck_assert_int_eq(ltx_batch_add(NULL, b, req, *sink, NULL), LTX_OK);
    ltx_request_free(req); /* the batch keeps what it needs */
}

START_TEST(a_file_used_by_several_entries_is_uploaded_once)
{
    enum { N = 6 };
    char a[512], link_a[512], c[512], small[512];
    ltx_sink *sinks[N];
    ltx_batch *b = NULL;
    ltx_error *err = NULL;

    snprintf(a, sizeof(a), "%s", itest_path("a.png"));
    snprintf(link_a, sizeof(link_a), "%s", itest_path("a-again.png"));
    snprintf(c, sizeof(c), "%s", itest_path("c.png"));
    snprintf(small, sizeof(small), "%s", itest_path("small.png"));
    make_png(a, BIG, 1);
    ck_assert_int_eq(link(a, link_a), 0); /* another name, the same file */
    make_png(c, BIG, 2);                  /* the same size, another file */
    make_png(small, 4000, 3);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 3), LTX_OK);
    add_i2v(b, a, &sinks[0], 0);
    add_i2v(b, a, &sinks[1], 1);
    add_i2v(b, link_a, &sinks[2], 2);
    add_i2v(b, c, &sinks[3], 3);
    add_i2v(b, a, &sinks[4], 4);
    add_i2v(b, small, &sinks[5], 5);
    /* adding checks the files and sends nothing */
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_OK);
    ck_assert_ptr_null(err);
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_OK);
    /* a.png (under two names) and c.png: two uploads for five entries; small.png inline */
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/upload"), 2);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 2);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), N);
    ltx_batch_free(b);
    for (unsigned i = 0; i < N; i++)
        ltx_sink_free(sinks[i]);
}
END_TEST

/* The caller's own poll(2) loop: the set the socket callback keeps, and one turn of it. */
#define MAX_FDS 64
static struct pollfd fds[MAX_FDS];
static size_t n_fds;

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
    if (i == n_fds) {
        ck_assert_uint_lt(n_fds, MAX_FDS);
        n_fds++;
    }
    fds[i].fd = fd;
    fds[i].events =
        (short)((events & LTX_POLL_IN ? POLLIN : 0) | (events & LTX_POLL_OUT ? POLLOUT : 0));
}

/* One turn; *rc is what ltx_batch_perform() answered (the run's result on the last turn). */
static size_t turn_rc(ltx_batch *b, int *rc)
{
    struct pollfd ready[MAX_FDS];
    long wait = 0;
    size_t left = 1, k = 0;
    int n;

    ck_assert_int_eq(ltx_batch_timeout_ms(&wait, b), LTX_OK);
    n = poll(fds, n_fds, wait < 0 || wait > 50 ? 50 : (int)wait);
    *rc = LTX_OK;
    if (n <= 0) {
        *rc = ltx_batch_perform(&left, b, -1, 0, NULL);
        return left;
    }
    for (size_t i = 0; i < n_fds; i++)
        if (fds[i].revents)
            ready[k++] = fds[i];
    for (size_t i = 0; i < k && left; i++) {
        int ev = (ready[i].revents & POLLIN ? LTX_POLL_IN : 0) |
                 (ready[i].revents & POLLOUT ? LTX_POLL_OUT : 0) |
                 (ready[i].revents & (POLLERR | POLLHUP) ? LTX_POLL_ERR : 0);

        *rc = ltx_batch_perform(&left, b, ready[i].fd, ev, NULL);
        if (*rc != LTX_OK)
            break;
    }
    return left;
}

static size_t turn(ltx_batch *b)
{
    int rc;
    size_t left = turn_rc(b, &rc);

    ck_assert_int_eq(rc, LTX_OK);
    return left;
}

/* The submit's body, read as soon as the job is accepted (its polls share the path). */
static char *submitted_body;

static int keep_body(const ltx_progress *p, void *ud)
{
    (void)ud;
    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED && !submitted_body)
        submitted_body = lmock_last_body(mock, "/v2/image-to-video");
    return 0;
}

START_TEST(a_small_file_goes_inline_in_a_body_built_at_submit)
{
    ltx_sink *sink = NULL;
    ltx_batch *b = NULL;

    make_png(itest_path("small.png"), 4000, 3);
    submitted_body = NULL;
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_progress(b, keep_body, NULL), LTX_OK);
    add_i2v(b, itest_path("small.png"), &sink, 0);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/upload"), 0);
    ck_assert_ptr_nonnull(submitted_body);
    /* the other fields as the encoder wrote them, the file's bytes in its place */
    ck_assert_ptr_nonnull(
        strstr(submitted_body, "\"prompt\":\"The lighthouse beam sweeps the sea\""));
    ck_assert_ptr_nonnull(
        strstr(submitted_body, "\"image_uri\":\"data:image/png;base64,iVBORw0KGgo"));
    ck_assert_ptr_null(strstr(submitted_body, "ltx-batch-local-file"));
    free(submitted_body);
    ltx_batch_free(b);
    ltx_sink_free(sink);
}
END_TEST

START_TEST(uploads_wait_for_a_place_like_submits)
{
    enum { N = 4, AT_ONCE = 2 };
    ltx_sink *sinks[N];
    ltx_batch *b = NULL;
    unsigned turns = 0;
    size_t left = N;

    lmock_hold(mock, 1); /* no job ends: the two first entries keep their places */
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 20), LTX_OK);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, AT_ONCE), LTX_OK);
    n_fds = 0;
    ck_assert_int_eq(ltx_batch_set_socket_fn(b, on_socket, NULL), LTX_OK);
    for (unsigned i = 0; i < N; i++) {
        char name[32];

        snprintf(name, sizeof(name), "in-%u.png", i);
        make_png(itest_path(name), BIG, i);
        add_i2v(b, itest_path(name), &sinks[i], i);
    }
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 0);
    ck_assert_int_eq(ltx_batch_start(b, NULL, NULL, NULL), LTX_OK);
    while (lmock_jobs_accepted(mock) < AT_ONCE) {
        ck_assert_uint_lt(turns++, 10000);
        turn(b);
    }
    /* both places are taken by running jobs: the other files wait, not uploaded */
    for (unsigned i = 0; i < 20; i++)
        turn(b);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/upload"), AT_ONCE);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), AT_ONCE);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), AT_ONCE);
    lmock_hold(mock, 0);
    for (turns = 0; left; turns++) {
        ck_assert_uint_lt(turns, 100000);
        left = turn(b);
    }
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), N);
    ltx_batch_free(b);
    for (unsigned i = 0; i < N; i++)
        ltx_sink_free(sinks[i]);
}
END_TEST

START_TEST(a_failed_upload_fails_every_entry_that_needs_the_file_and_no_other)
{
    enum { N = 4 };
    ltx_sink *sinks[N];
    ltx_batch *b = NULL;
    ltx_error *err = NULL;

    make_png(itest_path("shared.png"), BIG, 1);
    make_png(itest_path("other.png"), BIG, 2);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 1), LTX_OK); /* one after another */
    add_i2v(b, itest_path("shared.png"), &sinks[0], 0);
    add_i2v(b, itest_path("shared.png"), &sinks[1], 1);
    add_i2v(b, itest_path("other.png"), &sinks[2], 2);
    add_i2v(b, itest_path("shared.png"), &sinks[3], 3);
    /* the first PUT is refused for good (403 is not retried); the second goes through */
    itest_fault("PUT", "/uploads/", 403, 1);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_EJOBFAILED);
    ltx_error_free(err);
    ck_assert_int_ne(ltx_batch_status(b, 0), LTX_OK);
    ck_assert_int_ne(ltx_batch_status(b, 1), LTX_OK);
    ck_assert_int_eq(ltx_batch_status(b, 2), LTX_OK);
    ck_assert_int_ne(ltx_batch_status(b, 3), LTX_OK);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_batch_error(b, 1)), "shared.png"));
    ck_assert_ptr_null(ltx_batch_job_id(b, 1)); /* nothing was submitted for it */
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 2);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_batch_free(b);
    for (unsigned i = 0; i < N; i++)
        ltx_sink_free(sinks[i]);
}
END_TEST

/* Two entries need the same uploaded file: the first uploads it, the second waits for it. One
 * of them is cancelled by its own handle after the first turn, while the upload is asked for. */
static void cancel_during_upload(unsigned which)
{
    enum { N = 2 };
    ltx_sink *sinks[N];
    ltx_cancel *cancels[N];
    ltx_batch *b = NULL;
    const ltx_error *e;
    unsigned turns = 0, other = 1 - which;
    size_t left = N;
    int rc;

    lmock_reset_counters(mock);
    make_png(itest_path("shared.png"), BIG, 7);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, N), LTX_OK);
    n_fds = 0;
    ck_assert_int_eq(ltx_batch_set_socket_fn(b, on_socket, NULL), LTX_OK);
    for (unsigned i = 0; i < N; i++) {
        char name[32];
        ltx_request *req = i2v(itest_path("shared.png"));

        ck_assert_int_eq(ltx_cancel_new(&cancels[i]), LTX_OK);
        ck_assert_int_eq(ltx_request_set_cancel(req, cancels[i]), LTX_OK);
        snprintf(name, sizeof(name), "out-%u.mp4", i);
        ck_assert_int_eq(ltx_sink_new_path(&sinks[i], itest_path(name)), LTX_OK);
        ck_assert_int_eq(ltx_batch_add(NULL, b, req, sinks[i], NULL), LTX_OK);
        ltx_request_free(req);
    }
    ck_assert_int_eq(ltx_batch_start(b, NULL, NULL, NULL), LTX_OK);
    /* the first turn starts both entries: entry 0 asks for the upload URL, entry 1 waits */
    ck_assert_int_eq(ltx_batch_perform(&left, b, -1, 0, NULL), LTX_OK);
    ck_assert_uint_eq(left, N);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 0);
    ck_assert_int_eq(ltx_cancel_trigger(cancels[which]), LTX_OK);
    while (left) {
        ck_assert_uint_lt(turns++, 100000);
        left = turn_rc(b, &rc);
        /* the last turn answers the run's result: one of the entries failed */
        ck_assert_int_eq(rc, left ? LTX_OK : LTX_EJOBFAILED);
    }
    ck_assert_int_eq(ltx_batch_status(b, which), LTX_ECANCELLED);
    e = ltx_batch_error(b, which);
    ck_assert_ptr_nonnull(e);
    /* the uploader's error is its upload's; the waiter's says nothing was sent */
    ck_assert_msg(strstr(ltx_error_message(e), which == 0 ? "create an upload: cancelled"
                                                          : "cancelled before it was submitted; "
                                                            "nothing was sent"),
                  "%s", ltx_error_message(e));
    ck_assert_ptr_null(ltx_batch_job_id(b, which));
    /* the other entry is not hurt: the file is uploaded once, by whoever still needs it */
    ck_assert_int_eq(ltx_batch_status(b, other), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path(other ? "out-1.mp4" : "out-0.mp4")));
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 1);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_batch_free(b);
    for (unsigned i = 0; i < N; i++) {
        ltx_sink_free(sinks[i]);
        ltx_cancel_free(cancels[i]);
    }
}

START_TEST(an_entry_cancelled_while_it_uploads_hands_the_file_to_the_one_waiting)
{
    cancel_during_upload(0);
}
END_TEST

START_TEST(an_entry_cancelled_while_it_waits_for_a_file_leaves_the_upload_alone)
{
    cancel_during_upload(1);
}
END_TEST

/* ---------------------------------------------------------------- files that change or fail */

/* A WAV file the request checks take; audio is always uploaded, however small. */
static void make_wav(const char *path)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fwrite("RIFF\x24\0\0\0WAVEfmt ", 1, 16, f);
    for (int i = 0; i < 2048; i++)
        fputc(0, f);
    fclose(f);
}

static void add_a2v(ltx_batch *b, const char *path, ltx_sink **sink, unsigned i)
{
    ltx_request *r = NULL;
    char name[32];

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_AUDIO_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "A choir in a cathedral"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(r, "audio_uri", path), LTX_OK);
    snprintf(name, sizeof(name), "out-%u.mp4", i);
    ck_assert_int_eq(ltx_sink_new_path(sink, itest_path(name)), LTX_OK);
    ck_assert_int_eq(ltx_batch_add(NULL, b, r, *sink, NULL), LTX_OK);
    ltx_request_free(r);
}

START_TEST(a_batch_of_many_distinct_files_still_uploads_each_once)
{
    enum { FILES = 80, N = FILES + 1 }; /* more files than the batch's first table holds */
    ltx_sink *sinks[N];
    ltx_batch *b = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_ERROR, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 16), LTX_OK);
    for (unsigned i = 0; i < FILES; i++) {
        char name[32];

        snprintf(name, sizeof(name), "in-%u.wav", i);
        make_wav(itest_path(name));
        add_a2v(b, itest_path(name), &sinks[i], i);
    }
    /* the first file again, after the table grew: still known as the same file */
    add_a2v(b, itest_path("in-0.wav"), &sinks[FILES], FILES);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_OK);
    ck_assert_ptr_null(err);
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), FILES);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), N);
    ltx_batch_free(b);
    for (unsigned i = 0; i < N; i++)
        ltx_sink_free(sinks[i]);
}
END_TEST

START_TEST(a_small_file_gone_before_its_submit_fails_its_entry_alone)
{
    ltx_sink *sinks[2];
    ltx_batch *b = NULL;
    ltx_error *err = NULL;
    const ltx_error *e;

    make_png(itest_path("gone.png"), 4000, 1);
    make_png(itest_path("kept.png"), 4000, 2);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    add_i2v(b, itest_path("gone.png"), &sinks[0], 0);
    add_i2v(b, itest_path("kept.png"), &sinks[1], 1);
    /* inline files are read when the body is built, at submit: by then this one is gone */
    ck_assert_int_eq(unlink(itest_path("gone.png")), 0);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_EJOBFAILED);
    ltx_error_free(err);
    ck_assert_int_ne(ltx_batch_status(b, 0), LTX_OK);
    e = ltx_batch_error(b, 0);
    ck_assert_msg(strstr(ltx_error_message(e), "gone.png"), "%s", ltx_error_message(e));
    ck_assert_ptr_null(ltx_batch_job_id(b, 0));
    ck_assert_int_eq(ltx_batch_status(b, 1), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/image-to-video"), 1);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_batch_free(b);
    ltx_sink_free(sinks[0]);
    ltx_sink_free(sinks[1]);
}
END_TEST

START_TEST(an_upload_answer_without_its_url_fails_the_entry_before_any_put)
{
    ltx_sink *sink = NULL;
    ltx_batch *b = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};
    const ltx_error *e;

    make_png(itest_path("big.png"), BIG, 1);
    f.kind = LMOCK_FAULT_BODY;
    f.method = "POST";
    f.path_prefix = "/v1/upload";
    f.status = 200;
    f.body = "{\"storage_uri\": \"ltx://uploads/x\"}";
    f.content_type = "application/json";
    f.times = 1;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    add_i2v(b, itest_path("big.png"), &sink, 0);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_EJOBFAILED);
    ltx_error_free(err);
    ck_assert_int_eq(ltx_batch_status(b, 0), LTX_EPROTOCOL);
    e = ltx_batch_error(b, 0);
    ck_assert_msg(strstr(ltx_error_message(e), "create an upload: the answer lacks upload_url"),
                  "%s", ltx_error_message(e));
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 0);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 0);
    ltx_batch_free(b);
    ltx_sink_free(sink);
}
END_TEST

START_TEST(a_file_gone_before_its_put_fails_every_entry_that_needs_it)
{
    enum { N = 2 };
    ltx_sink *sinks[N];
    ltx_batch *b = NULL;
    unsigned turns = 0;
    size_t left = N;
    int rc = LTX_OK;

    make_png(itest_path("gone.png"), BIG, 1);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    n_fds = 0;
    ck_assert_int_eq(ltx_batch_set_socket_fn(b, on_socket, NULL), LTX_OK);
    add_i2v(b, itest_path("gone.png"), &sinks[0], 0);
    add_i2v(b, itest_path("gone.png"), &sinks[1], 1);
    ck_assert_int_eq(ltx_batch_start(b, NULL, NULL, NULL), LTX_OK);
    /* the first turn asks for the upload URL; the file goes before the answer is read */
    ck_assert_int_eq(ltx_batch_perform(&left, b, -1, 0, NULL), LTX_OK);
    ck_assert_int_eq(unlink(itest_path("gone.png")), 0);
    while (left) {
        ck_assert_uint_lt(turns++, 100000);
        left = turn_rc(b, &rc);
        ck_assert_int_eq(rc, left ? LTX_OK : LTX_EJOBFAILED);
    }
    for (unsigned i = 0; i < N; i++) {
        const ltx_error *e = ltx_batch_error(b, i);

        ck_assert_int_ne(ltx_batch_status(b, i), LTX_OK);
        ck_assert_msg(e && strstr(ltx_error_message(e), "gone.png"), "entry %u: %s", i,
                      e ? ltx_error_message(e) : "no error");
        ck_assert_ptr_null(ltx_batch_job_id(b, i));
    }
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/upload"), 1); /* not asked for again */
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 0);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 0);
    ltx_batch_free(b);
    for (unsigned i = 0; i < N; i++)
        ltx_sink_free(sinks[i]);
}
END_TEST

/* ---------------------------------------------------------------- scale */

static int discard(const void *data, size_t len, void *ud)
{
    (void)data;
    *(size_t *)ud += len;
    return 0;
}

static int count_done(size_t i, int status, const ltx_error *err, const char *job_id, void *ud)
{
    unsigned *ok = ud;

    (void)i;
    (void)err;
    (void)job_id;
    ok[status == LTX_OK ? 0 : 1]++;
    return 0;
}

/* Under valgrind each request costs some hundred times more: a smaller batch proves the same. */
static unsigned scale_entries(void)
{
    const char *preload = getenv("LD_PRELOAD");

    return preload && strstr(preload, "vgpreload") ? 1000u : 20000u;
}

START_TEST(a_batch_of_twenty_thousand_entries_runs_to_its_end)
{
    unsigned n = scale_entries(), ok[2] = {0, 0};
    ltx_request *req = itest_t2v(0);
    ltx_sink **sinks = calloc(n, sizeof(*sinks));
    size_t bytes = 0, video_len = 0;
    ltx_batch *b = NULL;
    ltx_error *err = NULL;

    ck_assert_ptr_nonnull(sinks);
    lmock_video(mock, &video_len);
    /* quiet, no deadline, polls at once: what is measured is that every entry ends */
    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_ERROR, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, LTX_NO_LIMIT), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 1), LTX_OK);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 64), LTX_OK);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_int_eq(ltx_sink_new_callback(&sinks[i], discard, &bytes), LTX_OK);
        ck_assert_int_eq(ltx_batch_add(NULL, b, req, sinks[i], NULL), LTX_OK);
    }
    ck_assert_int_eq(ltx_batch_run(b, count_done, ok, &err), LTX_OK);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ok[0], n);
    ck_assert_uint_eq(ok[1], 0);
    ck_assert_uint_eq(bytes, (size_t)n * video_len);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), n);
    ck_assert_int_eq(ltx_batch_status(b, n - 1), LTX_OK);
    ltx_batch_free(b);
    for (unsigned i = 0; i < n; i++)
        ltx_sink_free(sinks[i]);
    free(sinks);
    ltx_request_free(req);
}
END_TEST

Suite *suite_batch_files(void)
{
    Suite *s = suite_create("batchfiles");
    TCase *tc = tcase_create("a batch's files and its scale");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, a_file_used_by_several_entries_is_uploaded_once);
    tcase_add_test(tc, a_small_file_goes_inline_in_a_body_built_at_submit);
    tcase_add_test(tc, uploads_wait_for_a_place_like_submits);
    tcase_add_test(tc, a_failed_upload_fails_every_entry_that_needs_the_file_and_no_other);
    tcase_add_test(tc, an_entry_cancelled_while_it_uploads_hands_the_file_to_the_one_waiting);
    tcase_add_test(tc, an_entry_cancelled_while_it_waits_for_a_file_leaves_the_upload_alone);
    tcase_add_test(tc, a_batch_of_many_distinct_files_still_uploads_each_once);
    tcase_add_test(tc, a_small_file_gone_before_its_submit_fails_its_entry_alone);
    tcase_add_test(tc, an_upload_answer_without_its_url_fails_the_entry_before_any_put);
    tcase_add_test(tc, a_file_gone_before_its_put_fails_every_entry_that_needs_it);
    tcase_add_test(tc, a_batch_of_twenty_thousand_entries_runs_to_its_end);
    suite_add_tcase(s, tc);
    return s;
}
