/* tests/integration/test_hostile.c — a hostile or broken server, and settings that would leak:
 * the key never leaves in clear text or in a message, a server's id never becomes another call,
 * and failures no retry can mend are classed as such and tried once. */
#define _GNU_SOURCE /* memmem */
#include "itest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A listening TCP socket on a free port of 127.0.0.1. */
static int listener(unsigned short *port)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int s = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(s, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    ck_assert_int_eq(listen(s, 8), 0);
    *port = ntohs(sa.sin_port);
    return s;
}

/* Did anything connect to the listener? (non-blocking: a connection waits in the backlog) */
static int someone_connected(int s)
{
    int fd, flags = fcntl(s, F_GETFL);

    fcntl(s, F_SETFL, flags | O_NONBLOCK);
    fd = accept(s, NULL, NULL);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

static ltx_client *new_client(const char *base_url)
{
    ltx_client *c = NULL;

    ck_assert_int_eq(ltx_client_new(&c, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(c, base_url), LTX_OK);
    ck_assert_int_eq(ltx_client_set_retry(c, 3, 1, 2), LTX_OK);
    /* the calls here end on their own; the deadline only bounds a regression, and is generous
     * because TLS setup under valgrind on a loaded machine can take seconds */
    ck_assert_int_eq(ltx_client_set_deadline_ms(c, 10000), LTX_OK);
    return c;
}

/* ------------------------------------------------------------------ 1: the key in clear text */

START_TEST(plain_http_to_a_remote_host_is_refused_before_any_byte)
{
    unsigned short port;
    int proxy = listener(&port);
    char proxy_url[64];
    ltx_client *c = new_client("http://api.ltx.video");
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    /* a proxy on this machine sees what would have left it */
    snprintf(proxy_url, sizeof(proxy_url), "http://127.0.0.1:%u", port);
    ck_assert_int_eq(ltx_client_set_proxy(c, proxy_url), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(c, 300), LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, c, req, &err), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "plain http://"));
    ck_assert(!ltx_error_possibly_executed(err));
    ck_assert(!someone_connected(proxy));
    ltx_error_free(err);
    err = NULL;

    /* explicitly allowed: it goes (and the silent proxy lets the deadline end it) */
    ck_assert_int_eq(ltx_client_allow_insecure_http(c, 1), LTX_OK);
    ck_assert_int_eq(ltx_job_open_by_name(&job, c, "text-to-video", "abc", NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_refresh(job, &err), LTX_ETIMEDOUT);
    ck_assert(someone_connected(proxy));
    ltx_job_free(job);
    ltx_error_free(err);
    ltx_request_free(req);
    ltx_client_free(c);
    close(proxy);
}
END_TEST

START_TEST(loopback_hosts_need_no_permission)
{
    static const char *const hosts[] = {"localhost", "127.0.0.1"}; /* the mock has no IPv6 */
    unsigned short port = lmock_port(mock);

    for (size_t i = 0; i < 2; i++) { /* the mock listens on IPv4 only */
        char url[64];
        ltx_client *c;
        ltx_request *req = itest_t2v(0);
        ltx_job *job = NULL;

        snprintf(url, sizeof(url), "http://%s:%u", hosts[i], port);
        c = new_client(url);
        ck_assert_int_eq(ltx_submit(&job, c, req, NULL), LTX_OK);
        ltx_job_free(job);
        ltx_request_free(req);
        ltx_client_free(c);
    }
}
END_TEST

/* ------------------------------------------------------------------ 2: the id of a 202 answer */

static void accept_with_id(const char *json_id)
{
    lmock_fault f = {0};
    char body[256];

    snprintf(body, sizeof(body), "{\"id\":%s,\"created_at\":\"2026-11-26T12:00:00Z\"}", json_id);
    f.kind = LMOCK_FAULT_BODY;
    f.method = "POST";
    f.path_prefix = "/v2/text-to-video";
    f.status = 202;
    f.body = body;
    lmock_fault_add(mock, &f);
}

START_TEST(an_accepted_id_that_is_not_a_path_segment_is_a_protocol_error)
{
    static const struct {
        const char *json, *shown;
    } ids[] = {
        {"\"../../v1/upload\"", "\"../../v1/upload\""},
        {"\"abc?x=1\"", "\"abc?x=1\""},
        {"\"abc#frag\"", "\"abc#frag\""},
        {"\"\\u001b[2Jgone\"", "\\x1b[2Jgone"},
        {"\"..\"", "\"..\""},
        {"\"a/b\"", "a/b"},
    };

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        ltx_request *req = itest_t2v(0);
        ltx_sink *sink = NULL;
        ltx_error *err = NULL;

        accept_with_id(ids[i].json);
        ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
        ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EPROTOCOL);
        ck_assert_msg(ltx_error_possibly_executed(err), "%s", ltx_error_message(err));
        ck_assert_msg(strstr(ltx_error_message(err), ids[i].shown), "%s",
                      ltx_error_message(err));
        ck_assert_msg(!strchr(ltx_error_message(err), '\x1b'), "%s", ltx_error_message(err));
        ltx_error_free(err);
        ltx_sink_free(sink);
        ltx_request_free(req);
    }
    /* no id was ever used: no poll, and no authenticated call to another API path */
    ck_assert_uint_eq(lmock_count(mock, "GET", NULL), 0);
    ck_assert_uint_eq(lmock_count(mock, NULL, "/v1/upload"), 0);
    ck_assert_int_eq(itest_dir_entries(), 0);
}
END_TEST

/* ------------------------------------------------------------------ 7: server text is redacted */

static void assert_no_secret(const char *what, const char *text)
{
    if (!text)
        return;
    ck_assert_msg(!strstr(text, ITEST_KEY), "the key is in %s: %s", what, text);
    ck_assert_msg(!strstr(text, "hunter2"), "a password is in %s: %s", what, text);
    ck_assert_msg(!strstr(text, "sig=s3cret"), "a query is in %s: %s", what, text);
}

START_TEST(a_401_quoting_the_key_does_not_put_it_in_the_error)
{
    lmock_fault f = {0};
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    const void *body;
    size_t len;

    f.kind = LMOCK_FAULT_STATUS;
    f.method = "POST";
    f.status = 401;
    f.message = "bad key test-key (header \"Authorization: Bearer test-key\"; see "
                "https://user:hunter2@docs.example/keys?sig=s3cret)";
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_EAUTH);
    assert_no_secret("the message", ltx_error_message(err));
    assert_no_secret("the API message", ltx_error_api_message(err));
    body = ltx_error_body(err, &len);
    ck_assert_ptr_nonnull(body);
    ck_assert_ptr_null(memmem(body, len, ITEST_KEY, strlen(ITEST_KEY)));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "bad key"));
    ltx_error_free(err);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_failed_job_quoting_the_key_does_not_put_it_in_the_error)
{
    lmock_fault f = {0};
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    f.kind = LMOCK_FAULT_JOB_FAIL;
    f.method = "POST";
    f.message = "worker rejected Bearer test-key";
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EJOBFAILED);
    assert_no_secret("the message", ltx_error_message(err));
    assert_no_secret("the API message", ltx_error_api_message(err));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "worker rejected"));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

static unsigned leaked_lines;

static void catch_userinfo(int level, const char *line, void *ud)
{
    (void)level;
    (void)ud;
    if (strstr(line, "hunter2"))
        leaked_lines++;
}

START_TEST(url_userinfo_never_reaches_a_log_line)
{
    char url[128];
    ltx_client *c;
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    snprintf(url, sizeof(url), "http://user:hunter2@127.0.0.1:%u", lmock_port(mock));
    c = new_client(url);
    ck_assert_int_eq(ltx_client_set_log(c, LTX_LOG_DEBUG, catch_userinfo, NULL), LTX_OK);
    leaked_lines = 0;
    (void)ltx_submit(&job, c, req, &err);
    assert_no_secret("the message", err ? ltx_error_message(err) : NULL);
    ck_assert_uint_eq(leaked_lines, 0);
    ltx_job_free(job);
    ltx_error_free(err);
    ltx_request_free(req);
    ltx_client_free(c);
}
END_TEST

/* ------------------------------------------------------------------ 8: a reused handle */

START_TEST(download_retries_after_refused_redirects_report_the_real_cause)
{
    lmock_fault f = {0};
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    /* a redirect to plain http is refused (downloads follow https only); each one aborts the
     * transfer, and the next attempt reuses the handle */
    f.kind = LMOCK_FAULT_REDIRECT;
    f.method = "GET";
    f.path_prefix = "/results/";
    f.location = "http://127.0.0.1:9/elsewhere.mp4";
    f.times = 2;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* ------------------------------------------------------------------ 9: classes not retried */

typedef struct {
    int fd;
    int connections;
} big_header_server;

static void *serve_big_header(void *arg)
{
    big_header_server *s = arg;
    size_t big = 1024 * 1024;
    char *line = malloc(big);
    int fd;

    memset(line, 'a', big);
    while ((fd = accept(s->fd, NULL, NULL)) >= 0) {
        char buf[4096];
        static const char head[] = "HTTP/1.1 202 Accepted\r\nX-Padding: ";

        s->connections++;
        (void)read(fd, buf, sizeof(buf));
        if (send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL) > 0)
            (void)send(fd, line, big, MSG_NOSIGNAL);
        close(fd);
    }
    free(line);
    return NULL;
}

START_TEST(a_huge_response_header_is_its_own_class_and_not_retried)
{
    big_header_server s = {0};
    unsigned short port;
    pthread_t t;
    char url[64];
    ltx_client *c;
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    s.fd = listener(&port);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
    ck_assert_int_eq(pthread_create(&t, NULL, serve_big_header, &s), 0);
    c = new_client(url);
    ck_assert_int_eq(ltx_job_open_by_name(&job, c, "text-to-video", "abc", NULL), LTX_OK);
    ck_assert_msg(ltx_job_refresh(job, &err) == LTX_EHEADER, "%s", ltx_error_message(err));
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ck_assert_str_eq(ltx_strerror(LTX_EHEADER), "response header too large");
    ltx_error_free(err);
    ltx_job_free(job);
    shutdown(s.fd, SHUT_RDWR);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    close(s.fd);
    ck_assert_int_eq(s.connections, 1);
    ltx_request_free(req);
    ltx_client_free(c);
}
END_TEST

START_TEST(a_tls_setup_failure_is_its_own_class_and_not_retried)
{
    unsigned short port;
    int s = listener(&port);
    char url[64];
    ltx_client *c;
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    snprintf(url, sizeof(url), "https://127.0.0.1:%u", port);
    c = new_client(url);
    ck_assert_int_eq(ltx_client_set_ca_file(c, "/nonexistent/ca.pem"), LTX_OK);
    ck_assert_int_eq(ltx_job_open_by_name(&job, c, "text-to-video", "abc", NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_refresh(job, &err), LTX_ETLS);
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_client_free(c);
    close(s);
}
END_TEST

START_TEST(a_malformed_url_is_its_own_class_and_not_retried)
{
    ltx_client *c = new_client("http://127.0.0.1:99999999");
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_job_open_by_name(&job, c, "text-to-video", "abc", NULL), LTX_OK);
    ck_assert_int_eq(ltx_job_refresh(job, &err), LTX_EURL);
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_client_free(c);
}
END_TEST

/* ------------------------------------------------------------------ 12: a result size cap */

START_TEST(a_result_past_the_sink_cap_stops_and_leaves_no_file)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_sink_set_max_bytes(sink, 1000), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_ESINKFULL);
    ck_assert_uint_le(ltx_sink_bytes_written(sink), 1000);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 1); /* not retried */
    ltx_error_free(err);
    err = NULL;
    /* a cap the video fits under changes nothing */
    ck_assert_int_eq(ltx_sink_set_max_bytes(sink, 1u << 30), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    ck_assert_int_eq(ltx_sink_set_max_bytes(NULL, 1), LTX_EINVAL);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

Suite *suite_hostile(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, plain_http_to_a_remote_host_is_refused_before_any_byte);
    tcase_add_test(tc, loopback_hosts_need_no_permission);
    tcase_add_test(tc, an_accepted_id_that_is_not_a_path_segment_is_a_protocol_error);
    tcase_add_test(tc, a_401_quoting_the_key_does_not_put_it_in_the_error);
    tcase_add_test(tc, a_failed_job_quoting_the_key_does_not_put_it_in_the_error);
    tcase_add_test(tc, url_userinfo_never_reaches_a_log_line);
    tcase_add_test(tc, download_retries_after_refused_redirects_report_the_real_cause);
    tcase_add_test(tc, a_huge_response_header_is_its_own_class_and_not_retried);
    tcase_add_test(tc, a_tls_setup_failure_is_its_own_class_and_not_retried);
    tcase_add_test(tc, a_malformed_url_is_its_own_class_and_not_retried);
    tcase_add_test(tc, a_result_past_the_sink_cap_stops_and_leaves_no_file);
    suite_add_tcase(s, tc);
    return s;
}
