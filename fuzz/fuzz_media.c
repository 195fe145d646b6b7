/* fuzz/fuzz_media.c — the media-duration readers (MP4/MOV boxes, WAV chunks, MP3 frames and
 * tags): a local file a user passes to an estimate can hold anything. */
#include "fuzz.h"
#include "pricing.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ltx_media_info info = {.duration_ms = -2};
    ltx_error *e = NULL;
    int rc = ltx__media_probe_mem(&info, data, size, &e);

    /* a duration, or LTX_EINVAL with a reason; never a negative length */
    if (rc == LTX_OK ? (e != NULL || info.duration_ms < 0 || !info.format)
                     : (rc != LTX_EINVAL || e == NULL || info.duration_ms != -2))
        abort();
    ltx_error_free(e);
    return 0;
}
