/* fuzz/fuzz_answers.c — every JSON answer the library reads: the error envelope, a job's
 * created and status documents, and the upload answer. */
#include "codec.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ltx__codec_global_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char *type = NULL, *message = NULL, *id = NULL, *created_at = NULL;
    ltx_job_doc job;
    ltx_upload_doc up;

    ltx__envelope_parse(body, size, &type, &message);
    free(type);
    free(message);
    if (ltx__job_created_parse(body, size, &id, &created_at) == LTX_OK && (!id || !*id))
        abort();
    free(id);
    free(created_at);
    if (ltx__job_status_parse(body, size, &job) == LTX_OK) {
        if (!job.status)
            abort();
        for (size_t i = 0; i < job.n_results; i++) /* every result kept is a key and a URL */
            if (!job.result_keys[i] || !job.result_urls[i])
                abort();
        ltx__job_doc_free(&job);
    }
    if (ltx__upload_parse(body, size, &up) == LTX_OK) {
        if (!up.upload_url || !up.storage_uri)
            abort();
        ltx__upload_doc_free(&up);
    }
    return 0;
}
