/* fuzz/fuzz_urls.c — base URLs, job ids, and the redaction of any text: what a user, a config
 * file or a server can hand to the setters and messages. */
#include "fuzz.h"
#include "private.h"
#include "redact.h"

static ltx_client *client;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK ||
        ltx_client_new(&client, "fuzz-key-0123456789", NULL) != LTX_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_string(data, size), *r;
    ltx_job *job = NULL;

    if (!s)
        return 0;
    (void)ltx__url_is_plain_remote(s);
    (void)ltx_client_set_base_url(client, s);
    if (ltx_job_open_by_name(&job, client, "text-to-video", s, NULL) == LTX_OK) {
        /* an accepted id needs no escaping in a URL path */
        if (strpbrk(ltx_job_id(job), "/?#%\\ \r\n") || ltx_job_id(job)[0] == '.')
            abort();
        ltx_job_free(job);
    }
    if ((r = ltx__redact(s, "fuzz-key-0123456789", LTX_REDACT_ALL))) {
        if (strstr(r, "fuzz-key-0123456789"))
            abort(); /* the key never survives */
        free(r);
    }
    if ((r = ltx__escape(s, 64))) {
        for (const char *p = r; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                abort();
        free(r);
    }
    free(s);
    return 0;
}
