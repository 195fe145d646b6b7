/* fuzz/fuzz_batch.c — ltx batch's own parsers: lines of a batch file and journal records.
 * The input is a batch file, then a NUL byte, then a journal. The target links the command's
 * batch files (tools/ltx/batch*.c) and calls their parsers through tools/ltx/batch.h. */
#define _GNU_SOURCE
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return ltx_global_init(LTX_GLOBAL_DEFAULT) == LTX_OK ? 0 : (abort(), 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct batch_config cfg;
    struct batch b;
    struct entry **sorted = NULL;
    const uint8_t *nul = memchr(data, '\0', size);
    size_t lines_len = nul ? (size_t)(nul - data) : size;
    char *text;
    unsigned line = 0;

    /* media fields name local files, which the library opens and reads: not from a fuzzer */
    if (memmem(data, size, "uri", 3) || memmem(data, size, "\\u00", 4))
        return 0;
    memset(&cfg, 0, sizeof(cfg));
    memset(&b, 0, sizeof(b));
    cfg.input = "fuzz.jsonl";
    cfg.output_dir = "out";
    cfg.quiet = 1;
    b.cfg = &cfg;
    b.output_dir = "out";
    b.journal_fd = -1;
    if (!(text = fuzz_string(data, lines_len)))
        return 0;
    for (char *p = text, *end; *p; p = end + (*end != '\0')) {
        end = p + strcspn(p, "\n");
        line++;
        if (end > p)
            parse_line(&b, line, p, (size_t)(end - p));
        if (!*end)
            break;
    }
    free(text);
    if (b.n && !(sorted = calloc(b.n, sizeof(*sorted))))
        goto out;
    check_duplicates(&b, sorted);
    if (!b.nproblems && nul) { /* the journal is read only for a valid batch file */
        const char *j = (const char *)nul + 1, *jend = (const char *)data + size;
        size_t strangers = 0;

        while (j < jend) {
            const char *nl = memchr(j, '\n', (size_t)(jend - j));
            size_t len = nl ? (size_t)(nl - j) : (size_t)(jend - j);
            json_t *rec = json_loadb(j, len, JSON_REJECT_DUPLICATES, NULL);

            if (rec && json_is_object(rec))
                (void)apply_record(&b, sorted, rec, &strangers);
            json_decref(rec);
            j += len + 1;
        }
        for (size_t i = 0; i < b.n; i++) /* what planning reads: an entry stays consistent */
            if (b.entries[i].jstate == J_ACCEPTED && !b.entries[i].job_id)
                abort();
    }
out:
    free(sorted);
    b.output_dir = NULL;
    free_batch(&b);
    return 0;
}
