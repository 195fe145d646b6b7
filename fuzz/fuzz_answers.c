/* fuzz/fuzz_answers.c — every JSON answer the library reads: the error envelope, a job's
 * created and status documents, and the upload answer. */
#include "codec.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ltx__codec_global_init();
    return 0;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The fast reader (lib/scan.c) and jansson must make the same of every text. */
static void compare_readers(const char *body, size_t size)
{
    ltx_job_doc fast, slow;
    char *id[2] = {NULL, NULL}, *created[2] = {NULL, NULL};
    int rf = ltx__job_status_parse(body, size, &fast);
    int rs = ltx__job_status_parse_slow(body, size, &slow);

    if (rf != rs)
        abort();
    if (rf == LTX_OK) {
        if (!same(fast.status, slow.status) || !same(fast.created_at, slow.created_at) ||
            !same(fast.completed_at, slow.completed_at) ||
            !same(fast.error_type, slow.error_type) ||
            !same(fast.error_message, slow.error_message) || fast.n_results != slow.n_results)
            abort();
        for (size_t i = 0; i < fast.n_results; i++)
            if (!same(fast.result_keys[i], slow.result_keys[i]) ||
                !same(fast.result_urls[i], slow.result_urls[i]))
                abort();
        ltx__job_doc_free(&fast);
        ltx__job_doc_free(&slow);
    }
    if (ltx__job_created_parse(body, size, &id[0], &created[0]) !=
            ltx__job_created_parse_slow(body, size, &id[1], &created[1]) ||
        !same(id[0], id[1]) || !same(created[0], created[1]))
        abort();
    for (int i = 0; i < 2; i++) {
        free(id[i]);
        free(created[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char *type = NULL, *message = NULL, *id = NULL, *created_at = NULL;
    ltx_job_doc job;
    ltx_upload_doc up;

    compare_readers(body, size);
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
