/* examples/poll_loop.c — a batch driven from a poll(2) loop, beside standard input.
 *
 *   LTX_API_KEY=... ./poll_loop PREFIX
 *
 * Type a prompt and press Enter: its video is written to PREFIX.N (N counts from 0) while you
 * type more. "cancel N" stops generation N at once (a job the API accepted keeps running and
 * is billed; it prints its id). At the end of input the loop waits for what is still running,
 * then exits: 0 when every generation that was not cancelled succeeded.
 * The program's own loop waits for both standard input and the batch's descriptors, which the
 * batch names through its socket callback; ltx_batch_timeout_ms() says how long it may wait.
 * LTX_BASE_URL points it at another host, such as a local ltx-mock.
 */
#define _POSIX_C_SOURCE 200809L
#include <ltx/ltx.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FDS 64
#define MAX_JOBS 256

static struct pollfd fds[MAX_FDS]; /* fds[0] is standard input */
static nfds_t n_fds = 1;

/* The batch says what to watch. */
static void on_socket(int fd, int events, void *ud)
{
    nfds_t i;

    (void)ud;
    for (i = 1; i < n_fds && fds[i].fd != fd; i++)
        ;
    if (events & LTX_POLL_REMOVE) {
        if (i < n_fds)
            fds[i] = fds[--n_fds];
        return;
    }
    if (i == n_fds) {
        if (n_fds == MAX_FDS) {
            fprintf(stderr, "poll_loop: too many descriptors\n");
            exit(1);
        }
        n_fds++;
    }
    fds[i].fd = fd;
    fds[i].events = (short)((events & LTX_POLL_IN ? POLLIN : 0) | (events & LTX_POLL_OUT ? POLLOUT : 0));
}

static ltx_sink *sinks[MAX_JOBS];
static ltx_cancel *cancels[MAX_JOBS];
static size_t n_jobs;
static int failures, running;

static int on_done(size_t i, int status, const ltx_error *err, const char *job_id, void *ud)
{
    (void)ud;
    if (status == LTX_OK)
        printf("%zu: done (job %s)\n", i, job_id);
    else
        printf("%zu: %s\n", i, ltx_error_message(err));
    failures += status != LTX_OK && !ltx_cancel_triggered(cancels[i]);
    fflush(stdout);
    return 0;
}

static void add(ltx_batch *batch, const char *prefix, const char *prompt)
{
    ltx_request *req = NULL;
    ltx_error *err = NULL;
    char path[4096];

    if (n_jobs == MAX_JOBS) {
        printf("too many\n");
        return;
    }
    snprintf(path, sizeof(path), "%s.%zu", prefix, n_jobs);
    if (ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO) != LTX_OK ||
        ltx_request_set_prompt(req, prompt) != LTX_OK ||
        ltx_request_set_model(req, LTX_MODEL_LTX_2_3_FAST) != LTX_OK ||
        ltx_request_set_duration(req, 6) != LTX_OK ||
        ltx_request_set_resolution(req, "1920x1080") != LTX_OK ||
        ltx_cancel_new(&cancels[n_jobs]) != LTX_OK ||
        ltx_request_set_cancel(req, cancels[n_jobs]) != LTX_OK ||
        ltx_sink_new_path(&sinks[n_jobs], path) != LTX_OK ||
        ltx_batch_add(NULL, batch, req, sinks[n_jobs], &err) != LTX_OK) {
        printf("not added: %s\n", err ? ltx_error_message(err) : "out of memory");
        ltx_sink_free(sinks[n_jobs]);
        ltx_cancel_free(cancels[n_jobs]);
        sinks[n_jobs] = NULL;
        cancels[n_jobs] = NULL;
    } else {
        printf("%zu: %s -> %s\n", n_jobs, prompt, path);
        n_jobs++;
        /* a run ends when its last entry does; the next prompt starts another */
        if (!running && ltx_batch_start(batch, on_done, NULL, NULL) == LTX_OK)
            running = 1;
    }
    fflush(stdout);
    ltx_error_free(err);
    ltx_request_free(req);
}

/* One line from standard input: a prompt, or "cancel N". */
static void command(ltx_batch *batch, const char *prefix, char *line)
{
    size_t n;

    line[strcspn(line, "\r\n")] = '\0';
    if (!*line)
        return;
    if (sscanf(line, "cancel %zu", &n) == 1) {
        if (n < n_jobs)
            ltx_cancel_trigger(cancels[n]); /* the next ltx_batch_perform() ends it */
        else
            printf("no generation %zu\n", n);
        return;
    }
    add(batch, prefix, line);
}

int main(int argc, char **argv)
{
    ltx_client *client = NULL;
    ltx_batch *batch = NULL;
    ltx_error *err = NULL;
    size_t left = 1;
    int rc, input_open = 1, result = LTX_OK;
    char line[5100];

    if (argc != 2) {
        fprintf(stderr, "usage: %s PREFIX\n", argv[0]);
        return 2;
    }
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new_from_env(&client, &err)) != LTX_OK ||
        (rc = ltx_client_set_deadline_ms(client, LTX_NO_LIMIT)) != LTX_OK ||
        (rc = ltx_batch_new(&batch, client)) != LTX_OK ||
        (rc = ltx_batch_set_socket_fn(batch, on_socket, NULL)) != LTX_OK)
        goto out;
    fds[0].fd = STDIN_FILENO;
    fds[0].events = POLLIN;
    /* the loop: standard input and the batch's descriptors, until input ends and all is done */
    while (input_open || running) {
        struct pollfd ready[MAX_FDS];
        nfds_t k = 0;
        long timeout;
        int n;

        ltx_batch_timeout_ms(&timeout, batch); /* -1 (no limit) while no run goes on */
        n = poll(fds, n_fds, (int)timeout);
        if (n < 0)
            continue; /* EINTR */
        for (nfds_t i = 0; i < n_fds; i++)
            if (fds[i].revents)
                ready[k++] = fds[i];
        for (nfds_t i = 0; i < k || (n == 0 && i == 0); i++) {
            int fd = -1, events = 0;

            if (n > 0 && ready[i].fd == STDIN_FILENO) {
                if (fgets(line, sizeof(line), stdin)) {
                    command(batch, argv[1], line);
                } else {
                    input_open = 0;
                    fds[0].fd = -1; /* poll(2) ignores it from now on */
                }
            } else if (n > 0) {
                fd = ready[i].fd;
                events = (ready[i].revents & POLLIN ? LTX_POLL_IN : 0) |
                         (ready[i].revents & POLLOUT ? LTX_POLL_OUT : 0) |
                         (ready[i].revents & (POLLERR | POLLHUP) ? LTX_POLL_ERR : 0);
            }
            if (!running)
                continue;
            rc = ltx_batch_perform(&left, batch, fd, events, &err);
            if (!left) { /* the run is over */
                running = 0;
                if (rc != LTX_OK && rc != LTX_EJOBFAILED)
                    result = rc;
                ltx_error_free(err);
                err = NULL;
            }
        }
    }
    rc = result;
out:
    if (rc != LTX_OK && rc != LTX_EJOBFAILED && err)
        fprintf(stderr, "poll_loop: %s\n", ltx_error_message(err));
    ltx_error_free(err);
    ltx_batch_free(batch);
    for (size_t i = 0; i < n_jobs; i++) {
        ltx_sink_free(sinks[i]);
        ltx_cancel_free(cancels[i]);
    }
    ltx_client_free(client);
    ltx_global_cleanup();
    return failures || (rc != LTX_OK && rc != LTX_EJOBFAILED) ? 1 : 0;
}
