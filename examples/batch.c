/* examples/batch.c — several videos from one thread at once: a batch with a concurrency bound.
 *
 *   LTX_API_KEY=... ./batch "A lighthouse at dusk" out.mp4
 *
 * writes out.mp4, out.mp4.1 and out.mp4.2, three takes of the same prompt, at
 * most two generations running at a time. Job ids are printed as soon as the
 * API accepts them: with `ltx_batch_add_job()` a later run could resume them.
 * LTX_BASE_URL points it at another host, such as a local ltx-mock.
 */
#include <ltx/ltx.h>

#include <stdio.h>

#define TAKES 3
#define AT_ONCE 2

static int on_progress(const ltx_progress *p, void *userdata)
{
    (void)userdata;
    if (ltx_progress_stage(p) == LTX_STAGE_SUBMITTED)
        printf("take %zu: job %s\n", ltx_progress_batch_index(p), ltx_progress_job_id(p));
    return 0;
}

static int on_done(size_t index, int status, const ltx_error *err, const char *job_id,
                   void *userdata)
{
    (void)userdata;
    if (status == LTX_OK)
        printf("take %zu: done (job %s)\n", index, job_id);
    else
        fprintf(stderr, "take %zu: %s\n", index, ltx_error_message(err));
    return 0; /* go on with the others */
}

int main(int argc, char **argv)
{
    ltx_client *client = NULL;
    ltx_request *req = NULL;
    ltx_batch *batch = NULL;
    ltx_sink *sinks[TAKES] = {NULL};
    ltx_error *err = NULL;
    char paths[TAKES][4096];
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PROMPT OUTPUT.mp4\n", argv[0]);
        return 2;
    }
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new_from_env(&client, &err)) != LTX_OK)
        goto out;
    if ((rc = ltx_request_new(&req, LTX_ENDPOINT_TEXT_TO_VIDEO)) != LTX_OK ||
        (rc = ltx_request_set_prompt(req, argv[1])) != LTX_OK ||
        (rc = ltx_request_set_model(req, LTX_MODEL_LTX_2_3_FAST)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, 6)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, "1920x1080")) != LTX_OK ||
        (rc = ltx_batch_new(&batch, client)) != LTX_OK ||
        (rc = ltx_batch_set_concurrency(batch, AT_ONCE)) != LTX_OK ||
        (rc = ltx_batch_set_progress(batch, on_progress, NULL)) != LTX_OK)
        goto out;
    for (int i = 0; i < TAKES; i++) {
        if (i == 0)
            snprintf(paths[i], sizeof(paths[i]), "%s", argv[2]);
        else
            snprintf(paths[i], sizeof(paths[i]), "%s.%d", argv[2], i);
        /* the request is copied: the same one serves every take */
        if ((rc = ltx_sink_new_path(&sinks[i], paths[i])) != LTX_OK ||
            (rc = ltx_batch_add(NULL, batch, req, sinks[i], &err)) != LTX_OK)
            goto out;
    }
    rc = ltx_batch_run(batch, on_done, NULL, &err);
    for (int i = 0; rc == LTX_OK && i < TAKES; i++)
        printf("wrote %s (%llu bytes)\n", paths[i],
               (unsigned long long)ltx_sink_bytes_written(sinks[i]));
out:
    if (rc != LTX_OK)
        fprintf(stderr, "batch: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
    ltx_error_free(err);
    ltx_batch_free(batch);
    for (int i = 0; i < TAKES; i++)
        ltx_sink_free(sinks[i]);
    ltx_request_free(req);
    ltx_client_free(client);
    ltx_global_cleanup();
    return rc == LTX_OK ? 0 : 1;
}
