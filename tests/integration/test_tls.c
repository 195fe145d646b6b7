/* tests/integration/test_tls.c — TLS verification against a test HTTPS server whose CA is made at
 * test time, through the library, the ltx command and its environment; and a proxy that carries
 * API and download traffic. The server is libmicrohttpd with GnuTLS; the certificates come from
 * the openssl command (the tests say so and pass when it is missing: CI installs it). */
#define _GNU_SOURCE /* mkdtemp, memmem */
#include "itest.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIDEO_BYTES "not really a video, but bytes over TLS"

static char certdir[256];
static char *ca_pem, *good_key, *good_cert, *wrong_key, *wrong_cert;

static char *slurp(const char *name)
{
    char path[512];
    size_t len;
    char *data;

    snprintf(path, sizeof(path), "%s/%s", certdir, name);
    data = (char *)itest_read(path, &len);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    data = realloc(data, len + 1);
    data[len] = '\0';
    return data;
}

/* A CA, a server certificate for 127.0.0.1 and localhost signed by it, and one for another
 * name; 0 when the openssl command is missing. */
static int make_certificates(void)
{
    char cmd[2048];
    const char *base = getenv("TMPDIR");

    if (system("command -v openssl >/dev/null 2>&1") != 0)
        return 0;
    snprintf(certdir, sizeof(certdir), "%s/ltx-tls-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(certdir));
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && exec >log 2>&1 && "
             "EC='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
             "openssl req -x509 $EC -keyout ca.key -out ca.pem -days 2 -subj /CN=ltx-test-ca && "
             "for n in good wrong; do "
             "  if [ $n = good ]; then cn=127.0.0.1 san='IP:127.0.0.1,DNS:localhost'; "
             "  else cn=wrong.example san=DNS:wrong.example; fi; "
             "  printf 'subjectAltName=%%s\\n' \"$san\" >$n.ext && "
             "  openssl req $EC -keyout $n.key -out $n.csr -subj /CN=$cn && "
             "  openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
             "    -out $n.pem -days 2 -extfile $n.ext || exit 1; "
             "done && mkdir capath && cp ca.pem capath/$(openssl x509 -hash -noout -in ca.pem).0",
             certdir);
    ck_assert_msg(system(cmd) == 0, "openssl failed; see %s/log", certdir);
    ca_pem = slurp("ca.pem");
    good_key = slurp("good.key");
    good_cert = slurp("good.pem");
    wrong_key = slurp("wrong.key");
    wrong_cert = slurp("wrong.pem");
    return 1;
}

static const char *cert_path(const char *name)
{
    static char path[512];

    snprintf(path, sizeof(path), "%s/%s", certdir, name);
    return path;
}

static void remove_certificates(void)
{
    char cmd[512];

    if (!certdir[0])
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", certdir);
    ck_assert_int_eq(system(cmd), 0);
    free(ca_pem);
    free(good_key);
    free(good_cert);
    free(wrong_key);
    free(wrong_cert);
    certdir[0] = '\0';
}

/* ------------------------------------------------------------------ the HTTPS server */

typedef struct {
    struct MHD_Daemon *d;
    unsigned short port;
    unsigned requests, downloads, with_auth;
    char result_host[32]; /* the host name in the result URL */
} tls_server;

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
    tls_server *s = cls;
    struct MHD_Response *r;
    char body[512];
    enum MHD_Result ret;

    (void)method;
    (void)version;
    (void)data;
    (void)data_size;
    if (!*state) { /* the headers: wait for the (empty) body */
        *state = s;
        return MHD_YES;
    }
    __atomic_add_fetch(&s->requests, 1, __ATOMIC_SEQ_CST);
    if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"))
        __atomic_add_fetch(&s->with_auth, 1, __ATOMIC_SEQ_CST);
    if (strncmp(url, "/results/", 9) == 0) {
        __atomic_add_fetch(&s->downloads, 1, __ATOMIC_SEQ_CST);
        r = MHD_create_response_from_buffer(strlen(VIDEO_BYTES), (void *)VIDEO_BYTES,
                                            MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Content-Type", "video/mp4");
    } else {
        snprintf(body, sizeof(body),
                 "{\"id\":\"abc\",\"status\":\"completed\",\"result\":"
                 "{\"video_url\":\"https://%s:%u/results/abc.mp4\"}}",
                 s->result_host, s->port);
        r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(r, "Content-Type", "application/json");
    }
    ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static void tls_start(tls_server *s, const char *key, const char *cert)
{
    const union MHD_DaemonInfo *info;

    memset(s, 0, sizeof(*s));
    snprintf(s->result_host, sizeof(s->result_host), "127.0.0.1");
    s->d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                            NULL, NULL, answer, s, MHD_OPTION_HTTPS_MEM_KEY, key,
                            MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_END);
    ck_assert_ptr_nonnull(s->d);
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    ck_assert_ptr_nonnull(info);
    s->port = info->port;
}

static ltx_client *tls_client(const tls_server *s, const char *host)
{
    ltx_client *c = NULL;
    char url[64];

    snprintf(url, sizeof(url), "https://%s:%u", host, s->port);
    ck_assert_int_eq(ltx_client_new(&c, ITEST_KEY, NULL), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(c, url), LTX_OK);
    ck_assert_int_eq(ltx_client_set_retry(c, 3, 1, 2), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(c, 20000), LTX_OK);
    return c;
}

/* Poll job "abc" and download its result into memory. */
static int poll_and_download(ltx_client *c, ltx_error **err)
{
    ltx_job *job = NULL;
    ltx_sink *sink = NULL;
    int rc;

    ck_assert_int_eq(ltx_job_open_by_name(&job, c, "text-to-video", "abc", NULL), LTX_OK);
    rc = ltx_job_refresh(job, err);
    if (rc == LTX_OK) {
        const void *data;
        size_t len;

        ck_assert_int_eq(ltx_job_state(job), LTX_JOB_COMPLETED);
        ck_assert_int_eq(ltx_sink_new_memory(&sink, 1024), LTX_OK);
        rc = ltx_job_download(job, sink, NULL, NULL, err);
        if (rc == LTX_OK) {
            ck_assert_int_eq(ltx_sink_memory_data(&data, &len, sink), LTX_OK);
            ck_assert_uint_eq(len, strlen(VIDEO_BYTES));
            ck_assert(memcmp(data, VIDEO_BYTES, len) == 0);
        }
    }
    ltx_sink_free(sink);
    ltx_job_free(job);
    return rc;
}

START_TEST(a_server_the_default_trust_does_not_know_is_refused_as_tls)
{
    tls_server s;
    ltx_client *c;
    ltx_error *err = NULL;

    if (!make_certificates())
        return;
    tls_start(&s, good_key, good_cert);
    c = tls_client(&s, "127.0.0.1");
    ck_assert_int_eq(poll_and_download(c, &err), LTX_ETLS);
    ck_assert_uint_eq(ltx_error_attempts(err), 1); /* not retried */
    ck_assert_uint_eq(s.requests, 0);              /* and nothing was sent */
    ltx_error_free(err);
    ltx_client_free(c);
    MHD_stop_daemon(s.d);
    remove_certificates();
}
END_TEST

START_TEST(the_ca_set_through_the_library_is_trusted)
{
    tls_server s;
    ltx_client *c;
    ltx_error *err = NULL;

    if (!make_certificates())
        return;
    tls_start(&s, good_key, good_cert);
    c = tls_client(&s, "127.0.0.1");
    ck_assert_int_eq(ltx_client_set_ca_file(c, cert_path("ca.pem")), LTX_OK);
    ck_assert_msg(poll_and_download(c, &err) == LTX_OK, "%s", ltx_error_message(err));
    ck_assert_uint_eq(s.requests, 2);
    ck_assert_uint_eq(s.with_auth, 1); /* the poll; never the download */
    ltx_client_free(c);

    /* the same CA as a hashed directory */
    c = tls_client(&s, "localhost");
    ck_assert_int_eq(ltx_client_set_ca_path(c, cert_path("capath")), LTX_OK);
    ck_assert_int_eq(ltx_client_set_ca_file(c, cert_path("nothing-here.pem")), LTX_OK);
    ck_assert_int_eq(ltx_client_set_ca_file(c, NULL), LTX_OK);
    ck_assert_msg(poll_and_download(c, &err) == LTX_OK, "%s", ltx_error_message(err));
    ltx_client_free(c);
    MHD_stop_daemon(s.d);
    remove_certificates();
}
END_TEST

START_TEST(a_certificate_for_another_name_is_refused_even_with_the_ca)
{
    tls_server s;
    ltx_client *c;
    ltx_error *err = NULL;

    if (!make_certificates())
        return;
    tls_start(&s, wrong_key, wrong_cert);
    c = tls_client(&s, "127.0.0.1");
    ck_assert_int_eq(ltx_client_set_ca_file(c, cert_path("ca.pem")), LTX_OK);
    ck_assert_int_eq(poll_and_download(c, &err), LTX_ETLS);
    ck_assert_uint_eq(ltx_error_attempts(err), 1);
    ck_assert_uint_eq(s.requests, 0);
    ltx_error_free(err);
    ltx_client_free(c);
    MHD_stop_daemon(s.d);
    remove_certificates();
}
END_TEST

/* Run the ltx command with an environment assignment (or ""); its exit status, stdout in out. */
static int run_ltx(const char *env, const char *args, char *out, size_t out_len)
{
    const char *builddir = getenv("top_builddir");
    char cmd[2048];
    FILE *p;
    size_t n;
    int st;

    snprintf(cmd, sizeof(cmd), "%s LTX_API_KEY=%s %s/tools/ltx/ltx %s 2>&1", env, ITEST_KEY,
             builddir && *builddir ? builddir : ".", args);
    ck_assert_ptr_nonnull(p = popen(cmd, "r"));
    n = fread(out, 1, out_len - 1, p);
    out[n] = '\0';
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(the_ltx_command_takes_the_ca_from_its_option_and_its_environment)
{
    tls_server s;
    char args[1024], out[4096];

    if (!make_certificates())
        return;
    tls_start(&s, good_key, good_cert);
    snprintf(args, sizeof(args), "status text-to-video abc --json --base-url https://127.0.0.1:%u",
             s.port);
    ck_assert_int_eq(run_ltx("", args, out, sizeof(out)), 9);
    ck_assert_msg(strstr(out, "\"class\":\"tls\""), "%s", out);
    snprintf(args, sizeof(args),
             "status text-to-video abc --json --base-url https://127.0.0.1:%u --ca-file %s",
             s.port, cert_path("ca.pem"));
    ck_assert_msg(run_ltx("", args, out, sizeof(out)) == 0, "%s", out);
    ck_assert_msg(strstr(out, "completed"), "%s", out);
    snprintf(args, sizeof(args), "status text-to-video abc --json --base-url https://127.0.0.1:%u",
             s.port);
    {
        char env[600];

        snprintf(env, sizeof(env), "LTX_CA_FILE=%s", cert_path("ca.pem"));
        ck_assert_msg(run_ltx(env, args, out, sizeof(out)) == 0, "%s", out);
        snprintf(env, sizeof(env), "LTX_CA_PATH=%s", cert_path("capath"));
        ck_assert_msg(run_ltx(env, args, out, sizeof(out)) == 0, "%s", out);
    }
    MHD_stop_daemon(s.d);
    remove_certificates();
}
END_TEST

/* ------------------------------------------------------------------ a CONNECT proxy */

typedef struct {
    int listener;
    unsigned connects;
    char targets[8][80]; /* host:port of each CONNECT */
    int stop;
} proxy;

static void relay(int a, int b)
{
    char buf[16384];

    for (;;) {
        struct pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};

        if (poll(fds, 2, 5000) <= 0)
            return;
        for (int i = 0; i < 2; i++) {
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = read(fds[i].fd, buf, sizeof(buf));

                if (n <= 0 || send(i ? a : b, buf, (size_t)n, MSG_NOSIGNAL) != n)
                    return;
            }
        }
    }
}

static void *serve_connection(void *arg)
{
    proxy *px = ((void **)arg)[0];
    int fd = (int)(intptr_t)((void **)arg)[1];
    char head[4096], host[64];
    size_t have = 0;
    unsigned port;
    int up = -1;

    free(arg);
    while (have < sizeof(head) - 1) {
        ssize_t n = read(fd, head + have, sizeof(head) - 1 - have);

        if (n <= 0)
            break;
        have += (size_t)n;
        head[have] = '\0';
        if (strstr(head, "\r\n\r\n"))
            break;
    }
    head[have] = '\0';
    if (sscanf(head, "CONNECT %63[^:]:%u ", host, &port) == 2) {
        struct sockaddr_in sa = {0};
        unsigned k = __atomic_fetch_add(&px->connects, 1, __ATOMIC_SEQ_CST);

        if (k < 8)
            snprintf(px->targets[k], sizeof(px->targets[k]), "%s:%u", host, port);
        sa.sin_family = AF_INET;
        sa.sin_port = htons((unsigned short)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* every test host is this machine */
        up = socket(AF_INET, SOCK_STREAM, 0);
        if (up >= 0 && connect(up, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";

            if (send(fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL) > 0)
                relay(fd, up);
        }
    }
    if (up >= 0)
        close(up);
    close(fd);
    return NULL;
}

static void *proxy_serve(void *arg)
{
    proxy *px = arg;
    int fd;

    while ((fd = accept(px->listener, NULL, NULL)) >= 0) {
        void **pass = malloc(2 * sizeof(*pass));
        pthread_t t;

        pass[0] = px;
        pass[1] = (void *)(intptr_t)fd;
        pthread_create(&t, NULL, serve_connection, pass);
        pthread_detach(t);
    }
    return NULL;
}

START_TEST(api_and_download_traffic_go_through_the_proxy)
{
    tls_server s;
    proxy px = {0};
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    pthread_t t;
    char url[64];
    ltx_client *c;
    ltx_error *err = NULL;

    if (!make_certificates())
        return;
    /* a package build (debhelper) sets no_proxy=localhost, which libcurl also applies to
     * 127.0.0.1 and which would send the traffic around the proxy under test */
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    tls_start(&s, good_key, good_cert);
    snprintf(s.result_host, sizeof(s.result_host), "localhost"); /* its own connection */
    px.listener = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(px.listener, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(px.listener, (struct sockaddr *)&sa, &len), 0);
    ck_assert_int_eq(listen(px.listener, 8), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, proxy_serve, &px), 0);

    c = tls_client(&s, "127.0.0.1");
    ck_assert_int_eq(ltx_client_set_ca_file(c, cert_path("ca.pem")), LTX_OK);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", ntohs(sa.sin_port));
    ck_assert_int_eq(ltx_client_set_proxy(c, url), LTX_OK);
    ck_assert_msg(poll_and_download(c, &err) == LTX_OK, "%s", ltx_error_message(err));
    ck_assert_uint_eq(s.requests, 2);
    ck_assert_uint_eq(px.connects, 2);
    snprintf(url, sizeof(url), "127.0.0.1:%u", s.port);
    ck_assert_str_eq(px.targets[0], url); /* the API poll */
    snprintf(url, sizeof(url), "localhost:%u", s.port);
    ck_assert_str_eq(px.targets[1], url); /* the result download */
    ltx_client_free(c);
    shutdown(px.listener, SHUT_RDWR);
    close(px.listener);
    pthread_join(t, NULL);
    MHD_stop_daemon(s.d);
    remove_certificates();
}
END_TEST

Suite *suite_tls(void)
{
    Suite *s = suite_create("tls");
    TCase *tc = tcase_create("tls");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_server_the_default_trust_does_not_know_is_refused_as_tls);
    tcase_add_test(tc, the_ca_set_through_the_library_is_trusted);
    tcase_add_test(tc, a_certificate_for_another_name_is_refused_even_with_the_ca);
    tcase_add_test(tc, the_ltx_command_takes_the_ca_from_its_option_and_its_environment);
    tcase_add_test(tc, api_and_download_traffic_go_through_the_proxy);
    suite_add_tcase(s, tc);
    return s;
}
