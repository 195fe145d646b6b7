/* fuzz/fuzz_retry_after.c — Retry-After values: delta-seconds and HTTP-dates, at any "now". */
#include "fuzz.h"
#include "call.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t nows[] = {0, 1795694400, -1, INT64_MIN, INT64_MAX, 253402300799};
    char *s = fuzz_string(data, size);

    if (!s)
        return 0;
    for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
        int64_t ms = ltx__retry_after_parse_ms(s, nows[i]);

        if (ms < -1)
            abort(); /* -1 (absent or garbage), or a delay */
    }
    free(s);
    return 0;
}
