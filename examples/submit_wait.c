/* examples/submit_wait.c — the job flow by hand: submit, keep the id, wait with progress, download.
 *
 *   LTX_API_KEY=... ./submit_wait "A lighthouse at dusk" out.mp4
 *
 * The id is printed as soon as the API accepts the job: a program that stores it can resume
 * after a crash with ltx_job_open() instead of paying for a second generation.
 */
#include <ltx/ltx.h>

#include <stdio.h>

static int show(const ltx_progress *p, void *userdata)
{
    (void)userdata;
    if (ltx_progress_stage(p) == LTX_STAGE_WAITING)
        fprintf(stderr, "job %s: %s after %llu ms\n", ltx_progress_job_id(p),
                ltx_progress_status(p), (unsigned long long)ltx_progress_elapsed_ms(p));
    return 0; /* non-zero would stop waiting (the job itself keeps running) */
}

int main(int argc, char **argv)
{
    ltx_client *client = NULL;
    ltx_request *req = NULL;
    ltx_job *job = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
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
        (rc = ltx_request_set_model(req, LTX_MODEL_LTX_2_3_PRO)) != LTX_OK ||
        (rc = ltx_request_set_duration(req, 8)) != LTX_OK ||
        (rc = ltx_request_set_resolution(req, "1080x1920")) != LTX_OK ||
        (rc = ltx_request_set_camera_motion(req, "dolly_in")) != LTX_OK)
        goto out;
    if ((rc = ltx_submit(&job, client, req, &err)) != LTX_OK)
        goto out;
    printf("submitted %s job %s\n", ltx_job_endpoint_name(job), ltx_job_id(job));
    if ((rc = ltx_job_wait(job, 0, show, NULL, &err)) != LTX_OK)
        goto out;
    if ((rc = ltx_sink_new_path(&sink, argv[2])) != LTX_OK)
        goto out;
    if ((rc = ltx_job_download(job, sink, NULL, NULL, &err)) == LTX_OK)
        printf("wrote %s (%llu bytes)\n", argv[2],
               (unsigned long long)ltx_sink_bytes_written(sink));
out:
    if (rc != LTX_OK)
        fprintf(stderr, "submit_wait: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_job_free(job);
    ltx_request_free(req);
    ltx_client_free(client);
    ltx_global_cleanup();
    return rc == LTX_OK ? 0 : 1;
}
