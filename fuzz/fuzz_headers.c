/* fuzz/fuzz_headers.c — response header lines as libcurl hands them over (not NUL-terminated),
 * one input split at its newlines into a sequence of lines. */
#include "fuzz.h"
#include "http.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ltx_http_resp rs;
    size_t at = 0;

    memset(&rs, 0, sizeof(rs));
    rs.content_length = -1;
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
        /* an exact-size copy: a read past the line is a read past the allocation */
        char *line = malloc(len);

        if (!line)
            break;
        memcpy(line, data + at, len);
        ltx__http_header_line(&rs, line, len);
        free(line);
        at += len;
    }
    if (rs.http_status < 0 || rs.http_status > 999 || rs.content_length < -1)
        abort();
    ltx__http_resp_free(&rs);
    return 0;
}
