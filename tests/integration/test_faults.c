/* tests/integration/test_faults.c — what the network and the server can do wrong, and what the
 * user sees then: never a second billed submit, never a partial file, never a hang. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void fault(lmock_fault_kind kind, const char *method, const char *path, int status,
                  unsigned times)
{
    lmock_fault f = {0};

    f.kind = kind;
    f.method = method;
    f.path_prefix = path;
    f.status = status;
    f.times = times;
    f.delay_ms = 3000;
    lmock_fault_add(mock, &f);
}

static int generate(int sync, ltx_error **err)
{
    ltx_request *req = itest_t2v(sync);
    ltx_sink *sink = NULL;
    int rc;

    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    rc = ltx_generate(client, req, sink, NULL, NULL, err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    return rc;
}

START_TEST(a_429_without_retry_after_is_retried_with_backoff)
{
    fault(LMOCK_FAULT_STATUS, "POST", "/v2/text-to-video", 429, 1);
    ck_assert_int_eq(generate(0, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 2);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
}
END_TEST

START_TEST(a_503_storm_that_passes_is_weathered)
{
    ck_assert_int_eq(ltx_client_set_retry(client, 6, 1, 5), LTX_OK);
    fault(LMOCK_FAULT_STATUS, NULL, "/v2/", 503, 5); /* submits and polls alike */
    ck_assert_int_eq(generate(0, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
}
END_TEST

START_TEST(a_reset_after_the_submit_was_sent_is_never_retried)
{
    ltx_error *err = NULL;

    /* the server read the request (and, like a real one may have, created the job) */
    fault(LMOCK_FAULT_RESET_AFTER_BODY, "POST", "/v2/text-to-video", 0, 5);
    ck_assert_int_eq(generate(0, &err), LTX_ENETWORK);
    ck_assert(ltx_error_possibly_executed(err));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "may bill"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
}
END_TEST

START_TEST(a_reset_on_a_reused_connection_is_not_sent_again)
{
    ltx_error *err = NULL;

    /* libcurl resends a request by itself when a reused connection dies before any answer;
     * this server read the submit first, so that resend would be a second billed job */
    ck_assert_int_eq(generate(0, NULL), LTX_OK); /* leaves a kept-alive connection */
    ck_assert_uint_eq(lmock_connections(mock), 1); /* which the next submit reuses */
    lmock_reset_counters(mock);
    fault(LMOCK_FAULT_RESET_AFTER_BODY, "POST", "/v2/text-to-video", 0, 5);
    ck_assert_int_eq(generate(0, &err), LTX_ENETWORK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert(ltx_error_possibly_executed(err));
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "may bill"));
    ltx_error_free(err);
}
END_TEST

/* A TCP socket bound to a free port on 127.0.0.1; its base URL goes to url. */
static int loopback_socket(char *url, size_t url_len)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int s = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(s, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    snprintf(url, url_len, "http://127.0.0.1:%u", ntohs(sa.sin_port));
    return s;
}

/* A one-shot server on a raw socket: it answers the first submit, reads all of the second, then
 * stops listening and resets that connection. libcurl's own resend then meets a refused
 * connect before it ever asks to rewind the body. */
typedef struct {
    int listener;
    int posts; /* complete submits read */
} vanishing_server;

static int read_request(int fd)
{
    char buf[8192];
    size_t have = 0;
    char *end, *cl;
    ssize_t n;

    for (;;) { /* libcurl's headers: "\r\n\r\n" ends them, "Content-Length:" sizes the body */
        if (have == sizeof(buf) - 1 || (n = read(fd, buf + have, sizeof(buf) - 1 - have)) <= 0)
            return -1;
        have += (size_t)n;
        buf[have] = '\0';
        if ((end = strstr(buf, "\r\n\r\n")))
            break;
    }
    cl = strstr(buf, "Content-Length:");
    for (size_t want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
         have < want;) {
        if ((n = read(fd, buf, sizeof(buf) < want - have ? sizeof(buf) : want - have)) <= 0)
            return -1;
        have += (size_t)n;
    }
    return 0;
}

static void *vanishing_serve(void *arg)
{
    static const char accepted[] =
        "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 81\r\n\r\n"
        "{\"id\":\"0b7c3a52-6c64-4f0e-9c43-3f2a4d1e8b10\",\"created_at\":\"2026-11-26T12:00:00Z\"}";
    vanishing_server *v = arg;
    struct linger hard = {1, 0};
    int fd = accept(v->listener, NULL, NULL);

    if (fd < 0)
        return NULL;
    if (read_request(fd) == 0) {
        v->posts++;
        if (write(fd, accepted, sizeof(accepted) - 1) < 0)
            v->posts = -100;
        if (read_request(fd) == 0)
            v->posts++;
    }
    close(v->listener); /* nothing listens any more: the resend's connect is refused */
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    close(fd); /* RST, no answer */
    return NULL;
}

START_TEST(a_submit_whose_resend_cannot_connect_is_not_sent_again)
{
    vanishing_server v = {0};
    pthread_t t;
    ltx_client *c = NULL;
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    char url[64];

    v.listener = loopback_socket(url, sizeof(url));
    ck_assert_int_eq(listen(v.listener, 4), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, vanishing_serve, &v), 0);
    ck_assert_int_eq(ltx_client_new(&c, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(c, url), LTX_OK);
    ck_assert_int_eq(ltx_client_set_retry(c, 2, 1, 2), LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, c, req, NULL), LTX_OK);
    ltx_job_free(job);
    ck_assert_int_eq(ltx_submit(&job, c, req, &err), LTX_ENETWORK);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(v.posts, 2); /* the server read both submits whole */
    /* the body had gone out: the outcome is unknown, and our policy never repeats a submit */
    ck_assert(ltx_error_possibly_executed(err));
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ltx_error_free(err);
    ltx_request_free(req);
    ltx_client_free(c);
}
END_TEST

START_TEST(a_submit_answer_cut_short_is_never_retried)
{
    ltx_error *err = NULL;

    fault(LMOCK_FAULT_TRUNCATE, "POST", "/v2/text-to-video", 0, 5);
    ck_assert_int_eq(generate(0, &err), LTX_ENETWORK);
    ck_assert(ltx_error_possibly_executed(err));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ltx_error_free(err);
}
END_TEST

START_TEST(polls_survive_resets_and_short_answers)
{
    fault(LMOCK_FAULT_RESET, "GET", "/v2/text-to-video/", 0, 1);
    fault(LMOCK_FAULT_TRUNCATE, "GET", "/v2/text-to-video/", 0, 1);
    ck_assert_int_eq(generate(0, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
}
END_TEST

START_TEST(a_server_that_is_down_is_retried_as_not_sent)
{
    ltx_client *down = NULL;
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    char url[64];

    /* a port that was free a moment ago: nothing listens there, so connect is refused */
    close(loopback_socket(url, sizeof(url)));
    ck_assert_int_eq(ltx_client_new(&down, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(down, url), LTX_OK);
    ck_assert_int_eq(ltx_client_set_retry(down, 2, 1, 2), LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, down, req, &err), LTX_ENETWORK);
    /* nothing left this machine, so even a billed call may be repeated, and was */
    ck_assert_uint_eq(ltx_error_attempts(err), 3);
    ck_assert(!ltx_error_possibly_executed(err));
    ck_assert_ptr_nonnull(ltx_error_transport_message(err));
    ltx_error_free(err);
    ltx_request_free(req);
    ltx_client_free(down);
}
END_TEST

START_TEST(chunked_answers_are_read_whole)
{
    fault(LMOCK_FAULT_CHUNKED, "GET", "/results/", 0, 1);
    ck_assert_int_eq(generate(0, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    fault(LMOCK_FAULT_CHUNKED, "POST", "/v1/text-to-video", 0, 1);
    ck_assert_int_eq(generate(1, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
}
END_TEST

START_TEST(a_huge_error_body_is_kept_bounded)
{
    ltx_error *err = NULL;
    lmock_fault f = {0};
    size_t len = 0;

    f.kind = LMOCK_FAULT_HUGE_BODY;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.status = 400;
    f.size = 10u * 1024u * 1024u;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(generate(0, &err), LTX_EBADREQUEST);
    ck_assert_ptr_nonnull(ltx_error_body(err, &len));
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_le(len, 64u * 1024u);
    ck_assert_int_eq(ltx_error_http_status(err), 400);
    ltx_error_free(err);
}
END_TEST

START_TEST(a_redirect_to_another_host_is_not_followed_and_gets_no_key)
{
    lmock_options opts;
    lmock *other;
    lmock_fault f = {0};
    ltx_error *err = NULL;
    char location[128];

    lmock_options_init(&opts);
    opts.quiet = 1;
    other = lmock_start(&opts);
    ck_assert_ptr_nonnull(other);
    snprintf(location, sizeof(location), "%s/v2/text-to-video", lmock_base_url(other));
    f.kind = LMOCK_FAULT_REDIRECT;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.status = 307;
    f.location = location;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(generate(0, &err), LTX_EPROTOCOL);
    ck_assert_int_eq(ltx_error_http_status(err), 307);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "not followed"));
    ck_assert_uint_eq(lmock_count(other, NULL, NULL), 0);
    ltx_error_free(err);
    lmock_stop(other);
}
END_TEST

START_TEST(waiting_ends_at_the_deadline_with_the_job_id)
{
    lmock_options opts;
    lmock *slow;
    ltx_error *err = NULL;

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.pending_ms = 60000;
    slow = lmock_start(&opts);
    ck_assert_ptr_nonnull(slow);
    ck_assert_int_eq(ltx_client_set_base_url(client, lmock_base_url(slow)), LTX_OK);
    /* long enough for the submit even under valgrind, short next to the job's minute */
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, 3000), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 200), LTX_OK);
    ck_assert_int_eq(generate(0, &err), LTX_ETIMEDOUT);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    /* "pending", or "queued" when the deadline came before the first poll's answer */
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "at the deadline; it keeps running"));
    ck_assert_uint_eq(lmock_jobs_accepted(slow), 1);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    lmock_stop(slow);
}
END_TEST

START_TEST(a_poll_cut_short_by_the_deadline_says_the_job_keeps_running)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    /* the poll's answer is held 3 s, past the 1.5 s deadline: the call ends mid-poll */
    fault(LMOCK_FAULT_DELAY, "GET", "/v2/text-to-video/", 0, 1);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(client, 1500), LTX_OK);
    ck_assert_int_eq(ltx_job_wait(job, 0, NULL, NULL, &err), LTX_ETIMEDOUT);
    ck_assert_str_eq(ltx_error_job_id(err), ltx_job_id(job));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), ltx_job_id(job)));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "still queued at the deadline"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "resume with its id"));
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(an_expired_job_reads_as_not_found)
{
    lmock_options opts;
    lmock *m;
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.expire_ms = 1;
    m = lmock_start(&opts);
    ck_assert_int_eq(ltx_client_set_base_url(client, lmock_base_url(m)), LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_wait(job, 0, NULL, NULL, NULL), LTX_OK);
    nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL); /* past expire_ms */
    ck_assert_int_eq(ltx_job_refresh(job, &err), LTX_ENOTFOUND);
    ck_assert_str_eq(ltx_error_job_id(err), ltx_job_id(job));
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_request_free(req);
    lmock_stop(m);
}
END_TEST

START_TEST(per_call_settings_override_the_client)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    /* the client retries twice; this one request not at all */
    ck_assert_int_eq(ltx_request_set_retry(req, 0, 1, 1), LTX_OK);
    fault(LMOCK_FAULT_STATUS, "POST", "/v2/text-to-video", 429, 5);
    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_ERATELIMIT);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ltx_error_free(err);
    err = NULL;
    ltx_request_free(req);

    /* the client may repeat a v1 504; this request may not */
    req = itest_t2v(1);
    ck_assert_int_eq(ltx_request_set_retry_unknown_outcome(req, 0), LTX_OK);
    fault(LMOCK_FAULT_STATUS, "POST", "/v1/text-to-video", 504, 5);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EGATEWAYTIMEOUT);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/text-to-video"), 1);
    ck_assert(ltx_error_possibly_executed(err));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);

    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_deadline_ms(req, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_retry(req, 1, 0, 10), LTX_EINVAL);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_per_call_deadline_ends_the_wait)
{
    lmock_options opts;
    lmock *slow;
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.pending_ms = 60000;
    slow = lmock_start(&opts);
    ck_assert_int_eq(ltx_client_set_base_url(client, lmock_base_url(slow)), LTX_OK);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(client, 200), LTX_OK);
    /* the client allows a minute; this call 3 s */
    ck_assert_int_eq(ltx_request_set_deadline_ms(req, 3000), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ETIMEDOUT);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    lmock_stop(slow);
}
END_TEST

Suite *suite_faults(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("network and server faults");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_429_without_retry_after_is_retried_with_backoff);
    tcase_add_test(tc, a_503_storm_that_passes_is_weathered);
    tcase_add_test(tc, a_reset_after_the_submit_was_sent_is_never_retried);
    tcase_add_test(tc, a_reset_on_a_reused_connection_is_not_sent_again);
    tcase_add_test(tc, a_submit_whose_resend_cannot_connect_is_not_sent_again);
    tcase_add_test(tc, a_submit_answer_cut_short_is_never_retried);
    tcase_add_test(tc, polls_survive_resets_and_short_answers);
    tcase_add_test(tc, a_server_that_is_down_is_retried_as_not_sent);
    tcase_add_test(tc, chunked_answers_are_read_whole);
    tcase_add_test(tc, a_huge_error_body_is_kept_bounded);
    tcase_add_test(tc, a_redirect_to_another_host_is_not_followed_and_gets_no_key);
    tcase_add_test(tc, waiting_ends_at_the_deadline_with_the_job_id);
    tcase_add_test(tc, a_poll_cut_short_by_the_deadline_says_the_job_keeps_running);
    tcase_add_test(tc, an_expired_job_reads_as_not_found);
    tcase_add_test(tc, per_call_settings_override_the_client);
    tcase_add_test(tc, a_per_call_deadline_ends_the_wait);
    suite_add_tcase(s, tc);
    return s;
}
