/* tests/integration/test_cancel.c — a cancel handle stops every blocking call wherever it is, from
 * another thread or from a signal handler, and the error says what the cancel means for billing.
 * Each scenario runs twice: _i == 0 triggers from a second thread, _i == 1 from a signal handler
 * run on the blocked thread itself (a second thread sends it SIGUSR1 with pthread_kill). */
#define _GNU_SOURCE
#include "itest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The issue asks for 100 ms; the bench shows that. Here a generous bound for a loaded machine. */
#define RETURN_BOUND_MS 2000u
#define PNG_MAGIC "\x89PNG\r\n\x1a\n"

static ltx_cancel *cancel;
static ltx_cancel *volatile signal_target;

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_signal(int sig)
{
    (void)sig;
    ltx_cancel_trigger(signal_target);
}

typedef struct {
    pthread_t thread;
    pthread_t target;      /* the blocked thread, for the signal */
    int by_signal;
    const char *method;    /* fire once the mock counted a request here ...     */
    const char *path;
    unsigned settle_ms;    /* ... and this long after it                           */
    unsigned count;        /* requests to see there first (0: 1)                   */
    uint64_t fired_at;     /* when the trigger was pulled (0: never)               */
} trigger;

static void *trigger_main(void *ud)
{
    trigger *t = ud;
    uint64_t give_up = mono_ms() + 20000u;

    while (t->path && lmock_count(mock, t->method, t->path) < (t->count ? t->count : 1) &&
           mono_ms() < give_up)
        usleep(2000);
    usleep(t->settle_ms * 1000u);
    t->fired_at = mono_ms();
    if (t->by_signal)
        pthread_kill(t->target, SIGUSR1);
    else
        ltx_cancel_trigger(cancel);
    return NULL;
}

/* Pull the trigger once the mock has seen method+path (NULL: at once), settle_ms later. */
static void arm_after(trigger *t, int by_signal, const char *method, const char *path,
                      unsigned count, unsigned settle_ms)
{
    memset(t, 0, sizeof(*t));
    t->count = count;
    t->target = pthread_self();
    t->by_signal = by_signal;
    t->method = method;
    t->path = path;
    t->settle_ms = settle_ms;
    ck_assert_int_eq(pthread_create(&t->thread, NULL, trigger_main, t), 0);
}

static void arm(trigger *t, int by_signal, const char *method, const char *path,
                unsigned settle_ms)
{
    arm_after(t, by_signal, method, path, 1, settle_ms);
}

/* Join the trigger and check the call returned soon after it fired. */
static uint64_t returned(trigger *t)
{
    uint64_t now = mono_ms(), took;

    pthread_join(t->thread, NULL);
    ck_assert_msg(t->fired_at != 0, "the trigger never fired");
    took = now - t->fired_at;
    ck_assert_msg(took <= RETURN_BOUND_MS, "returned %llu ms after the cancel",
                  (unsigned long long)took);
    return took;
}

static void setup(void)
{
    struct sigaction sa;

    itest_setup();
    ck_assert_int_eq(ltx_cancel_new(&cancel), LTX_OK);
    signal_target = cancel;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: the blocked poll(2) sees EINTR */
    sigaction(SIGUSR1, &sa, NULL);
}

static void teardown(void)
{
    signal(SIGUSR1, SIG_IGN);
    signal_target = NULL;
    ltx_cancel_free(cancel);
    cancel = NULL;
    itest_teardown();
}

static ltx_request *cancellable_t2v(void)
{
    ltx_request *req = itest_t2v(0);

    ck_assert_int_eq(ltx_request_set_cancel(req, cancel), LTX_OK);
    return req;
}

static void fault(lmock_fault_kind kind, const char *method, const char *path, unsigned delay_ms)
{
    lmock_fault f = {0};

    f.kind = kind;
    f.method = method;
    f.path_prefix = path;
    f.delay_ms = delay_ms;
    f.times = 1;
    lmock_fault_add(mock, &f);
}

/* An older file at the output path, to prove a cancelled download leaves it as it was. */
static const char *older_file(void)
{
    const char *path = itest_path("out.mp4");
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fputs("an older video", f);
    fclose(f);
    return path;
}

static void assert_older_file_intact(void)
{
    size_t len = 0;
    unsigned char *data = itest_read(itest_path("out.mp4"), &len);

    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(len, strlen("an older video"));
    ck_assert(memcmp(data, "an older video", len) == 0);
    free(data);
    ck_assert_int_eq(itest_dir_entries(), 1); /* no temporary file left beside it */
}

/* ------------------------------------------------------------------ generate */

START_TEST(generate_cancelled_while_sleeping_between_polls)
{
    ltx_request *req = cancellable_t2v();
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    trigger t;

    lmock_hold(mock, 1);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 60000), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_path(&sink, older_file()), LTX_OK);
    arm(&t, _i, "GET", "/v2/text-to-video/", 50);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_int_eq(ltx_error_code(err), LTX_ECANCELLED);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    /* accepted for certain: the job runs on and is billed, which the flag says (libltx(7)) */
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "billed"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "resume with its id"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/v2/"), 1);
    assert_older_file_intact();
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(generate_cancelled_in_a_slow_submit_may_have_run)
{
    ltx_request *req = cancellable_t2v();
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    trigger t;

    fault(LMOCK_FAULT_DELAY, "POST", "/v2/", 3000);
    ck_assert_int_eq(ltx_sink_new_path(&sink, older_file()), LTX_OK);
    arm(&t, _i, "POST", "/v2/", 50);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ck_assert_ptr_null(ltx_error_job_id(err)); /* no answer, so no id */
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "may have created the job"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "no cancel endpoint"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1); /* never sent again */
    assert_older_file_intact();
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(generate_cancelled_in_a_retry_backoff)
{
    ltx_request *req = cancellable_t2v();
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};
    trigger t;

    f.kind = LMOCK_FAULT_STATUS;
    f.method = "POST";
    f.path_prefix = "/v2/";
    f.status = 429;
    f.retry_after = "30"; /* the backoff: 30 s */
    f.times = 1;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1u << 20), LTX_OK);
    arm(&t, _i, "POST", "/v2/", 100);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 0); /* a 429 created nothing */
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "waiting to retry"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(generate_cancelled_while_downloading_leaves_no_partial_file)
{
    ltx_request *req = cancellable_t2v();
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    trigger t;

    fault(LMOCK_FAULT_STALL, "GET", "/results/", 3000); /* half the video, then silence */
    ck_assert_int_eq(ltx_sink_new_path(&sink, older_file()), LTX_OK);
    arm(&t, _i, "GET", "/results/", 200);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "downloading"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1);
    assert_older_file_intact();
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(generate_v1_cancelled_while_the_video_streams)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    trigger t;

    ck_assert_int_eq(ltx_request_set_cancel(req, cancel), LTX_OK);
    fault(LMOCK_FAULT_STALL, "POST", "/v1/", 3000);
    ck_assert_int_eq(ltx_sink_new_path(&sink, older_file()), LTX_OK);
    arm(&t, _i, "POST", "/v1/", 200);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/"), 1);
    assert_older_file_intact();
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* A large local image goes through the upload flow inside ltx_generate(): cancellable too. */
START_TEST(generate_cancelled_while_uploading_its_input_submits_nothing)
{
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    const char *png = itest_path("big.png");
    FILE *f = fopen(png, "wb");
    trigger t;

    ck_assert_ptr_nonnull(f);
    fwrite(PNG_MAGIC, 1, 8, f);
    for (size_t i = 8; i < 1200000; i++)
        fputc((int)(i * 7 % 251), f);
    fclose(f);
    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_IMAGE_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(req, "The lighthouse beam sweeps the sea"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(req, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(req, 6), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(req, "1920x1080"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(req, "image_uri", png), LTX_OK);
    ck_assert_int_eq(ltx_request_set_cancel(req, cancel), LTX_OK);
    fault(LMOCK_FAULT_DELAY, "PUT", "/uploads/", 3000);
    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1u << 20), LTX_OK);
    arm(&t, _i, "PUT", "/uploads/", 50);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 0);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* ------------------------------------------------------------------ submit, wait, refresh, download */

/* A listener whose accept queue is full: the next connect hangs in SYN_SENT. */
static int hung_listener(unsigned short *port, int fillers[2])
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(fd, 0), 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    for (int i = 0; i < 2; i++) { /* the first fills the queue; the second's SYN is dropped */
        fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        (void)connect(fillers[i], (struct sockaddr *)&a, sizeof(a));
    }
    return fd;
}

START_TEST(submit_cancelled_while_connecting_sent_nothing)
{
    ltx_request *req = cancellable_t2v();
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    unsigned short port;
    int fillers[2], fd = hung_listener(&port, fillers);
    char url[64];
    trigger t;

    snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
    ck_assert_int_eq(ltx_client_set_base_url(client, url), LTX_OK);
    ck_assert_int_eq(ltx_client_set_connect_timeout_ms(client, 30000), LTX_OK);
    arm(&t, _i, NULL, NULL, 300);
    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_ptr_null(job);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 0);
    ck_assert_uint_eq(ltx_error_attempts(err), 0); /* the connect never completed */
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "nothing was created or billed"));
    ltx_error_free(err);
    ltx_request_free(req);
    close(fillers[0]);
    close(fillers[1]);
    close(fd);
}
END_TEST

START_TEST(submit_cancelled_waiting_for_the_answer)
{
    ltx_request *req = cancellable_t2v();
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    trigger t;

    fault(LMOCK_FAULT_DELAY, "POST", "/v2/", 3000);
    arm(&t, _i, "POST", "/v2/", 50);
    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_ptr_null(job);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1);
    ltx_error_free(err);
    ltx_request_free(req);
}
END_TEST

static ltx_job *submitted_job(void)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;

    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ltx_request_free(req);
    ck_assert_int_eq(ltx_job_set_cancel(job, cancel), LTX_OK);
    return job;
}

START_TEST(wait_cancelled_between_polls)
{
    ltx_job *job;
    ltx_error *err = NULL;
    trigger t;

    lmock_hold(mock, 1);
    job = submitted_job();
    arm(&t, _i, "GET", "/v2/", 50);
    ck_assert_int_eq(ltx_job_wait(job, 60000, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_str_eq(ltx_error_job_id(err), ltx_job_id(job));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "keeps running"));
    ltx_error_free(err);
    ltx_job_free(job);
}
END_TEST

START_TEST(refresh_cancelled_in_a_slow_poll)
{
    ltx_job *job = submitted_job();
    ltx_error *err = NULL;
    trigger t;

    fault(LMOCK_FAULT_DELAY, "GET", "/v2/", 3000);
    arm(&t, _i, "GET", "/v2/", 50);
    ck_assert_int_eq(ltx_job_refresh(job, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_str_eq(ltx_error_job_id(err), ltx_job_id(job));
    ltx_error_free(err);
    ltx_job_free(job);
}
END_TEST

START_TEST(download_cancelled_leaves_the_older_file)
{
    ltx_job *job = submitted_job();
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    trigger t;

    ck_assert_int_eq(ltx_job_wait(job, 0, NULL, NULL, NULL), LTX_OK);
    fault(LMOCK_FAULT_STALL, "GET", "/results/", 3000);
    ck_assert_int_eq(ltx_sink_new_path(&sink, older_file()), LTX_OK);
    arm(&t, _i, "GET", "/results/", 200);
    ck_assert_int_eq(ltx_job_download(job, sink, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_str_eq(ltx_error_job_id(err), ltx_job_id(job));
    assert_older_file_intact();
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_job_free(job);
}
END_TEST

/* ------------------------------------------------------------------ batch */

START_TEST(batch_cancelled_ends_every_entry_and_keeps_the_ids)
{
    ltx_batch *b = NULL;
    ltx_sink *sinks[4];
    ltx_error *err = NULL;
    trigger t;

    lmock_hold(mock, 1);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 4), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_cancel(b, cancel), LTX_OK);
    for (int i = 0; i < 4; i++) {
        ltx_request *req = itest_t2v(0);

        ck_assert_int_eq(ltx_sink_new_memory(&sinks[i], 1u << 20), LTX_OK);
        ck_assert_int_eq(ltx_batch_add(NULL, b, req, sinks[i], NULL), LTX_OK);
        ltx_request_free(req);
    }
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 60000), LTX_OK);
    /* every entry submitted and polled once: all four are between polls */
    arm_after(&t, _i, "GET", "/v2/", 4, 50);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "billed"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_ECANCELLED);
        ck_assert_ptr_nonnull(ltx_batch_job_id(b, i));
        ck_assert_str_eq(ltx_error_job_id(ltx_batch_error(b, i)), ltx_batch_job_id(b, i));
        ltx_sink_free(sinks[i]);
    }
    ltx_error_free(err);
    ltx_batch_free(b);
}
END_TEST

/* Cancelled while both entries' downloads are in flight: the batch abandons the transfers
 * (ltx__http_multi_abandon), and ends each entry cancelled with its job id. */
START_TEST(batch_cancelled_mid_download_abandons_the_transfers)
{
    ltx_batch *b = NULL;
    ltx_sink *sinks[2];
    ltx_error *err = NULL;
    trigger t;

    fault(LMOCK_FAULT_STALL, "GET", "/results/", 3000); /* half the video, then silence */
    fault(LMOCK_FAULT_STALL, "GET", "/results/", 3000);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 10), LTX_OK);
    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 2), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_cancel(b, cancel), LTX_OK);
    for (int i = 0; i < 2; i++) {
        ltx_request *req = itest_t2v(0);

        ck_assert_int_eq(ltx_sink_new_memory(&sinks[i], 1u << 20), LTX_OK);
        ck_assert_int_eq(ltx_batch_add(NULL, b, req, sinks[i], NULL), LTX_OK);
        ltx_request_free(req);
    }
    arm_after(&t, _i, "GET", "/results/", 2, 100);
    ck_assert_int_eq(ltx_batch_run(b, NULL, NULL, &err), LTX_ECANCELLED);
    returned(&t);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 2); /* never asked again */
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(ltx_batch_status(b, i), LTX_ECANCELLED);
        ck_assert_ptr_nonnull(ltx_batch_job_id(b, i));
        ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_batch_error(b, i)), "cancel"));
        ltx_sink_free(sinks[i]);
    }
    ltx_error_free(err);
    ltx_batch_free(b);
}
END_TEST

/* ------------------------------------------------------------------ the handle itself */

START_TEST(a_triggered_handle_sends_nothing_until_reset)
{
    ltx_request *req = cancellable_t2v();
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_cancel_triggered(cancel), 0);
    ck_assert_int_eq(ltx_cancel_trigger(cancel), LTX_OK);
    ck_assert_int_eq(ltx_cancel_trigger(cancel), LTX_OK); /* twice is harmless */
    ck_assert_int_eq(ltx_cancel_triggered(cancel), 1);
    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1u << 20), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ECANCELLED);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "before the request was sent"));
    ck_assert_uint_eq(ltx_error_attempts(err), 0);
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_cancel_reset(cancel), LTX_OK);
    ck_assert_int_eq(ltx_cancel_triggered(cancel), 0);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), 1);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(null_handles_are_refused_or_read_as_untriggered)
{
    ck_assert_int_eq(ltx_cancel_new(NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_cancel_trigger(NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_cancel_reset(NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_cancel_triggered(NULL), 0);
    ck_assert_int_eq(ltx_request_set_cancel(NULL, cancel), LTX_EINVAL);
    ck_assert_int_eq(ltx_job_set_cancel(NULL, cancel), LTX_EINVAL);
    ck_assert_int_eq(ltx_batch_set_cancel(NULL, cancel), LTX_EINVAL);
    ltx_cancel_free(NULL);
}
END_TEST

/* One handle shared by many threads' calls: one trigger stops them all. */
#define SHARED_THREADS 6
static void *blocked_generate(void *ud)
{
    int *rc = ud;
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;

    ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO);
    ltx_request_set_prompt(req, "A kite over the dunes");
    ltx_request_set_model(req, LTX_MODEL_LTX_2_3_FAST);
    ltx_request_set_duration(req, 6);
    ltx_request_set_resolution(req, "1920x1080");
    ltx_request_set_cancel(req, cancel);
    ltx_sink_new_memory(&sink, 1u << 20);
    *rc = ltx_generate(client, req, sink, NULL, NULL, NULL);
    ltx_sink_free(sink);
    ltx_request_free(req);
    return NULL;
}

START_TEST(one_trigger_stops_calls_in_many_threads)
{
    pthread_t th[SHARED_THREADS];
    int rc[SHARED_THREADS];
    uint64_t fired, took;

    lmock_hold(mock, 1);
    ck_assert_int_eq(ltx_client_set_log(client, LTX_LOG_ERROR, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 60000), LTX_OK);
    for (int i = 0; i < SHARED_THREADS; i++)
        pthread_create(&th[i], NULL, blocked_generate, &rc[i]);
    while (lmock_count(mock, "GET", "/v2/") < SHARED_THREADS)
        usleep(2000);
    fired = mono_ms();
    ltx_cancel_trigger(cancel);
    for (int i = 0; i < SHARED_THREADS; i++)
        pthread_join(th[i], NULL);
    took = mono_ms() - fired;
    ck_assert_msg(took <= RETURN_BOUND_MS, "took %llu ms", (unsigned long long)took);
    for (int i = 0; i < SHARED_THREADS; i++)
        ck_assert_int_eq(rc[i], LTX_ECANCELLED);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/"), SHARED_THREADS);
}
END_TEST

Suite *suite_cancel(void)
{
    Suite *s = suite_create("cancel");
    TCase *tc = tcase_create("cancel");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, generate_cancelled_while_sleeping_between_polls, 0, 2);
    tcase_add_loop_test(tc, generate_cancelled_in_a_slow_submit_may_have_run, 0, 2);
    tcase_add_loop_test(tc, generate_cancelled_in_a_retry_backoff, 0, 2);
    tcase_add_loop_test(tc, generate_cancelled_while_downloading_leaves_no_partial_file, 0, 2);
    tcase_add_loop_test(tc, generate_v1_cancelled_while_the_video_streams, 0, 2);
    tcase_add_loop_test(tc, generate_cancelled_while_uploading_its_input_submits_nothing, 0, 2);
    tcase_add_loop_test(tc, submit_cancelled_while_connecting_sent_nothing, 0, 2);
    tcase_add_loop_test(tc, submit_cancelled_waiting_for_the_answer, 0, 2);
    tcase_add_loop_test(tc, wait_cancelled_between_polls, 0, 2);
    tcase_add_loop_test(tc, refresh_cancelled_in_a_slow_poll, 0, 2);
    tcase_add_loop_test(tc, download_cancelled_leaves_the_older_file, 0, 2);
    tcase_add_loop_test(tc, batch_cancelled_ends_every_entry_and_keeps_the_ids, 0, 2);
    tcase_add_loop_test(tc, batch_cancelled_mid_download_abandons_the_transfers, 0, 2);
    tcase_add_test(tc, a_triggered_handle_sends_nothing_until_reset);
    tcase_add_test(tc, null_handles_are_refused_or_read_as_untriggered);
    tcase_add_test(tc, one_trigger_stops_calls_in_many_threads);
    suite_add_tcase(s, tc);
    return s;
}
