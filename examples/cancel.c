/* examples/cancel.c — stop a generation from a second thread, and from Ctrl-C (SIGINT).
 *
 *   LTX_API_KEY=... ./cancel "A lighthouse at dusk" out.mp4
 *
 * First a generation is cancelled by a second thread as soon as the API has accepted it; then
 * one is cancelled by SIGINT (the program sends it to itself, as Ctrl-C would); then, with the
 * handle reset, the generation runs to its end and writes out.mp4 (press Ctrl-C to stop it).
 * A cancel stops the call within about 100 ms, wherever it is. The API has no cancel
 * endpoint: an accepted job keeps running on the server and is billed, and the error gives
 * its id to resume it with. LTX_BASE_URL points it at another host, such as a local ltx-mock.
 */
#define _POSIX_C_SOURCE 200809L
#include <ltx/ltx.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static ltx_cancel *stop; /* one handle, shared by the thread and the signal handler */

static void on_sigint(int sig)
{
    (void)sig;
    ltx_cancel_trigger(stop); /* async-signal-safe */
}

/* The second thread: waits until the job is accepted, then cancels. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t accepted_cond = PTHREAD_COND_INITIALIZER;
static int accepted, by_signal;

static void *canceller(void *ud)
{
    (void)ud;
    pthread_mutex_lock(&lock);
    while (!accepted)
        pthread_cond_wait(&accepted_cond, &lock);
    pthread_mutex_unlock(&lock);
    if (by_signal)
        kill(getpid(), SIGINT); /* what Ctrl-C does */
    else
        ltx_cancel_trigger(stop);
    return NULL;
}

static int on_progress(const ltx_progress *p, void *ud)
{
    (void)ud;
    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED) {
        printf("  job %s accepted\n", ltx_progress_job_id(p));
        pthread_mutex_lock(&lock);
        accepted = 1;
        pthread_cond_signal(&accepted_cond);
        pthread_mutex_unlock(&lock);
    }
    return 0; /* go on */
}

static int generate(ltx_client *client, ltx_request *req, const char *path, int cancel_how)
{
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    pthread_t thread;
    int rc;

    if ((rc = ltx_sink_new_path(&sink, path)) != LTX_OK)
        return rc;
    accepted = 0;
    by_signal = cancel_how == 2;
    if (cancel_how)
        pthread_create(&thread, NULL, canceller, NULL);
    rc = ltx_generate(client, req, sink, on_progress, NULL, &err);
    if (cancel_how)
        pthread_join(thread, NULL);
    if (rc == LTX_ECANCELLED)
        printf("  cancelled: %s\n", ltx_error_message(err));
    else if (rc != LTX_OK)
        fprintf(stderr, "cancel: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
    else
        printf("  wrote %s\n", path);
    ltx_error_free(err);
    ltx_sink_free(sink);
    return rc;
}

int main(int argc, char **argv)
{
    ltx_client *client = NULL;
    ltx_request *req = NULL;
    ltx_error *err = NULL;
    struct sigaction sa;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PROMPT OUTPUT.mp4\n", argv[0]);
        return 2;
    }
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK || ltx_cancel_new(&stop) != LTX_OK)
        return 1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    if ((rc = ltx_client_new_from_env(&client, &err)) != LTX_OK)
        goto out;
    if ((rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) != LTX_OK ||
        (rc = ltx_request_set_prompt(req, argv[1])) != LTX_OK ||
        (rc = ltx_request_set_model(req, LTX_MODEL_LTX_2_3_FAST)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, 6)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, "1920x1080")) != LTX_OK ||
        (rc = ltx_request_set_cancel(req, stop)) != LTX_OK)
        goto out;

    printf("1. cancelled from a second thread:\n");
    if ((rc = generate(client, req, argv[2], 1)) != LTX_ECANCELLED)
        goto out;
    ltx_cancel_reset(stop); /* the handle is reusable once no call watches it */
    printf("2. cancelled by SIGINT:\n");
    if ((rc = generate(client, req, argv[2], 2)) != LTX_ECANCELLED)
        goto out;
    ltx_cancel_reset(stop);
    printf("3. to the end (Ctrl-C stops it):\n");
    rc = generate(client, req, argv[2], 0);
out:
    if (rc != LTX_OK && err)
        fprintf(stderr, "cancel: %s\n", ltx_error_message(err));
    ltx_error_free(err);
    ltx_request_free(req);
    ltx_client_free(client);
    ltx_cancel_free(stop);
    ltx_global_cleanup();
    return rc == LTX_OK ? 0 : 1;
}
