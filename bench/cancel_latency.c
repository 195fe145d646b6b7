/* bench/cancel_latency.c — time from ltx_cancel_trigger() to the blocked call's return.
 *
 * Links the in-process ltx-mock (tools/ltx-mock/liblmock.a) so that each state can be set up
 * exactly: a call sleeping between two polls, a submit whose answer is late, a download that
 * stalls half way, a connect that hangs (a listener whose accept queue is full). A second
 * thread triggers the handle once the state is reached and notes the time; the main thread
 * notes when the call returned. Goal: 100 ms. Usage: cancel_latency [ROUNDS]  (default 20)
 */
#define _GNU_SOURCE
#include <ltx/ltx.h>

#include "mock.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static lmock *mock;
static ltx_client *client;
static ltx_cancel *cancel;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

typedef struct {
    const char *method, *path; /* wait until the mock has seen this many requests here */
    unsigned count;
    unsigned settle_ms;
    double fired;
} trig;

static void *trigger_main(void *ud)
{
    trig *t = ud;
    double give_up = now_ms() + 20000;

    while (t->path && lmock_count(mock, t->method, t->path) < t->count && now_ms() < give_up)
        usleep(1000);
    if (t->path && lmock_count(mock, t->method, t->path) < t->count)
        fprintf(stderr, "cancel_latency: the state was never reached\n");
    usleep(t->settle_ms * 1000u);
    t->fired = now_ms();
    ltx_cancel_trigger(cancel);
    return NULL;
}

static ltx_request *t2v(void)
{
    ltx_request *r = NULL;

    ltx_request_new(&r, LTX_ENDPOINT_TEXT_TO_VIDEO);
    ltx_request_set_prompt(r, "A lighthouse at dusk, waves rolling in");
    ltx_request_set_model(r, "ltx-2-3-fast");
    ltx_request_set_duration(r, 6);
    ltx_request_set_resolution(r, "1920x1080");
    ltx_request_set_cancel(r, cancel);
    return r;
}

static void fault(lmock_fault_kind kind, const char *method, const char *path, unsigned delay)
{
    lmock_fault f = {0};

    f.kind = kind;
    f.method = method;
    f.path_prefix = path;
    f.delay_ms = delay;
    f.times = 1;
    lmock_fault_add(mock, &f);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

enum { WAIT, SUBMIT, DOWNLOAD, CONNECT, N_STATES };
static const char *names[N_STATES] = {"sleeping between polls", "submit, answer late",
                                      "download stalled", "connect hanging"};

/* One round: returns the latency in ms, or -1 when the call did not end cancelled. */
static double round_of(int state, unsigned short hung_port)
{
    ltx_request *req = t2v();
    ltx_sink *sink = NULL;
    ltx_job *job = NULL;
    trig t = {0};
    pthread_t th;
    double done;
    int rc;

    lmock_reset(mock);
    ltx_cancel_reset(cancel);
    ltx_sink_new_memory(&sink, 64u << 20);
    t.count = 1;
    t.settle_ms = 20;
    switch (state) {
    case WAIT:
        lmock_hold(mock, 1);
        t.method = "GET", t.path = "/v2/";
        break;
    case SUBMIT:
        fault(LMOCK_FAULT_DELAY, "POST", "/v2/", 1500);
        t.method = "POST", t.path = "/v2/";
        break;
    case DOWNLOAD:
        fault(LMOCK_FAULT_STALL, "GET", "/results/", 1500);
        t.method = "GET", t.path = "/results/";
        t.settle_ms = 50;
        ltx_client_set_poll_interval_ms(client, 1);
        break;
    case CONNECT: {
        char url[64];

        snprintf(url, sizeof(url), "http://127.0.0.1:%u", hung_port);
        ltx_client_set_base_url(client, url);
        t.settle_ms = 100;
        break;
    }
    }
    pthread_create(&th, NULL, trigger_main, &t);
    if (state == CONNECT)
        rc = ltx_submit(&job, client, req, NULL);
    else
        rc = ltx_generate(client, req, sink, NULL, NULL, NULL);
    done = now_ms();
    pthread_join(th, NULL);
    if (state == CONNECT)
        ltx_client_set_base_url(client, lmock_base_url(mock));
    ltx_client_set_poll_interval_ms(client, 60000);
    ltx_job_free(job);
    ltx_sink_free(sink);
    ltx_request_free(req);
    return rc == LTX_ECANCELLED ? done - t.fired : -1;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    lmock_options opts;
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int lfd, fill;
    double *lat = calloc((size_t)rounds, sizeof(*lat));

    lmock_options_init(&opts);
    opts.quiet = 1;
    if (!lat || !(mock = lmock_start(&opts)) || ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK ||
        ltx_client_new(&client, "test-key", NULL) != LTX_OK || ltx_cancel_new(&cancel) != LTX_OK)
        return 1;
    ltx_client_set_base_url(client, lmock_base_url(mock));
    ltx_client_set_poll_interval_ms(client, 60000);
    ltx_client_set_connect_timeout_ms(client, 30000);
    /* a listener whose queue is full: connects to it hang */
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 0) ||
        getsockname(lfd, (struct sockaddr *)&a, &alen))
        return 1;
    fill = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)connect(fill, (struct sockaddr *)&a, sizeof(a));

    printf("%-24s %6s %9s %9s %9s %9s\n", "state", "rounds", "median_ms", "p90_ms", "max_ms",
           "goal");
    for (int s = 0; s < N_STATES; s++) {
        int ok = 0;

        for (int r = 0; r < rounds; r++) {
            double l = round_of(s, ntohs(a.sin_port));

            if (l >= 0)
                lat[ok++] = l;
        }
        if (!ok) {
            printf("%-24s %6d   never ended cancelled\n", names[s], rounds);
            continue;
        }
        qsort(lat, (size_t)ok, sizeof(*lat), cmp);
        printf("%-24s %6d %9.2f %9.2f %9.2f %9s\n", names[s], ok, lat[ok / 2],
               lat[(ok * 9) / 10 < ok ? (ok * 9) / 10 : ok - 1], lat[ok - 1],
               lat[ok - 1] <= 100.0 ? "met" : "MISSED");
        fflush(stdout);
    }
    close(fill);
    close(lfd);
    ltx_cancel_free(cancel);
    ltx_client_free(client);
    ltx_global_cleanup();
    lmock_stop(mock);
    free(lat);
    return 0;
}
