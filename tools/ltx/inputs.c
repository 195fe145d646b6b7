/* tools/ltx/inputs.c — what ltx reads besides its arguments: prompts from standard input or a
 * file, and the API key from a file. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A prompt is at most 5000 characters, each at most 4 bytes; some room for the newline. */
#define PROMPT_BYTES_MAX (5000 * 4 + 16)
#define KEY_BYTES_MAX 4096

static int say_why(char *why, size_t len, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int say_why(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* The whole of f, up to max bytes: 0, or -1 with *too_long or errno. */
static int slurp(FILE *f, size_t max, char **out, size_t *out_len, int *too_long)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);

    *too_long = 0;
    if (!buf)
        return -1;
    for (;;) {
        size_t got;

        if (len + 1 == cap) {
            char *bigger = cap > max ? NULL : realloc(buf, cap * 2);

            if (!bigger) {
                *too_long = cap > max;
                free(buf);
                return -1;
            }
            buf = bigger;
            cap *= 2;
        }
        got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f) || len > max) {
        *too_long = len > max;
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

/* Read path ("-": standard input) whole; on failure, why says so, naming what it was. */
static int read_whole(const char *path, const char *what, size_t max, char **out, size_t *len,
                      char *why, size_t why_len)
{
    int to_stdin = strcmp(path, "-") == 0, too_long, rc, saved;
    FILE *f = to_stdin ? stdin : fopen(path, "rb");

    if (!f)
        return say_why(why, why_len, "cannot read the %s file %s: %s", what, path, strerror(errno));
    rc = slurp(f, max, out, len, &too_long);
    saved = errno;
    if (!to_stdin)
        fclose(f);
    if (rc && too_long)
        return say_why(why, why_len, "the %s from %s is too long", what,
                       to_stdin ? "standard input" : path);
    if (rc)
        return say_why(why, why_len, "cannot read the %s from %s: %s", what,
                       to_stdin ? "standard input" : path, strerror(saved));
    return 0;
}

/* Is s (of len bytes) UTF-8 text without NUL bytes? */
static int is_utf8_text(const char *s, size_t len)
{
    uint32_t cp;

    if (strlen(s) != len)
        return 0;
    for (size_t n; *s; s += n)
        if ((n = cli_utf8_next(s, &cp)) == 0)
            return 0;
    return 1;
}

int cli_check_prompt(const char *prompt, char *why, size_t why_len)
{
    if (strcmp(prompt, "-") == 0)
        return say_why(why, why_len,
                       "a prompt of '-' is not sent: give the text, or read it "
                       "with --prompt - (standard input) or --prompt-file FILE");
    return 0;
}

int cli_read_prompt(char **out, const char *path, char *why, size_t why_len)
{
    const char *from = strcmp(path, "-") == 0 ? "standard input" : path;
    char *text = NULL;
    size_t len = 0;

    *out = NULL;
    if (read_whole(path, "prompt", PROMPT_BYTES_MAX, &text, &len, why, why_len) != 0 || !text)
        return -1;
    if (!is_utf8_text(text, len)) {
        free(text);
        return say_why(why, why_len, "the prompt from %s is not UTF-8 text", from);
    }
    while (len && text[len - 1] == '\n') { /* what an editor or echo ends a file with */
        text[--len] = '\0';
        if (len && text[len - 1] == '\r')
            text[--len] = '\0';
    }
    if (!len || cli_check_prompt(text, why, why_len) != 0) {
        if (!len)
            say_why(why, why_len, "the prompt from %s is empty", from);
        free(text);
        return -1;
    }
    *out = text;
    return 0;
}

int cli_read_key_file(char **out, const char *path, char *why, size_t why_len)
{
    char *text = NULL, *start, *end;
    size_t len = 0;

    *out = NULL;
    if (read_whole(path, "API key", KEY_BYTES_MAX, &text, &len, why, why_len) != 0 || !text)
        return -1;
    start = text + strspn(text, " \t\r\n");
    end = start + strlen(start);
    while (end > start && strchr(" \t\r\n", end[-1]))
        end--;
    *end = '\0';
    if (start == end || strlen(start) != (size_t)(end - start) || strpbrk(start, "\r\n")) {
        int empty = start == end;

        cli_wipe(text, len);
        free(text);
        return say_why(why, why_len, "the API key file %s %s", path,
                       empty ? "is empty" : "holds more than one line");
    }
    len = (size_t)(end - start);
    memmove(text, start, len + 1);
    cli_wipe(text + len + 1, strlen(text + len + 1)); /* what trimming left behind */
    *out = text;
    return 0;
}

void cli_wipe(char *s, size_t len)
{
    if (s)
        for (volatile char *p = s; p < s + len; p++)
            *p = 0;
}
