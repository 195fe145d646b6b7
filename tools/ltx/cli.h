/* tools/ltx/cli.h — what the source files of the ltx command share. */
#ifndef LTX_CLI_H
#define LTX_CLI_H

#include <ltx/ltx.h>

#include <jansson.h>

#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

#define PROGRAM "ltx"
/* The largest result written unless --max-size says otherwise: far above any video the API
 * makes (an HDR archive of 20 s of 4K frames), far below what fills a disk by surprise. */
#define CLI_DEFAULT_MAX_SIZE (UINT64_C(16) << 30)
#define MESSAGE_MAX 512

/* Exit codes, one per error class. ltx.1 EXIT STATUS documents the same table. */
enum {
    EXIT_OTHER = 1,
    EXIT_USAGE = 2,
    EXIT_REQUEST = 3,
    EXIT_AUTH = 4,
    EXIT_FUNDS = 5,
    EXIT_CONTENT = 6,
    EXIT_RATELIMIT = 7,
    EXIT_SERVER = 8,
    EXIT_NETWORK = 9,
    EXIT_TIMEOUT = 10,
    EXIT_JOBFAILED = 11,
    EXIT_IO = 12,
    EXIT_NOTFOUND = 13,
    EXIT_PROTOCOL = 14,
    EXIT_UNKNOWN_OUTCOME = 15, /* batch: submissions that may or may not have created a job */
    EXIT_INTERRUPTED = 130
};

/* Not an ltx_status: a bad command line or configuration found by ltx itself. */
#define CLI_STATUS_USAGE 1

/* The exit code and the --json "class" name of an ltx_status (or CLI_STATUS_USAGE). */
int cli_exit_code(int status);
const char *cli_class_name(int status);

/* Non-zero once SIGINT (or, with cli_catch_interrupts(1), SIGTERM) arrived. */
int cli_interrupted(void);
void cli_catch_interrupts(int also_sigterm);

/* Keep a copy of the API key for cli_redact() (NULL forgets it). */
void cli_set_secret(const char *key);
/*
 * A copy of s with the API key, Authorization values and what `what` names (LTX_REDACT_* of
 * lib/redact.h: URL userinfo, queries) replaced by "[redacted]": the library's own redaction,
 * for every message, log line, --json field and journal record. On failure to allocate, a
 * constant placeholder (never s); the caller frees the result with free().
 */
char *cli_redact(const char *s, unsigned what);
/* Terminal-safe copy of text that may come from the server or a file. */
void cli_put_safe(FILE *f, const char *s);
/* Length of the UTF-8 sequence at p (the C library's decoder) and its code point in *cp, or 0
 * when p starts no valid sequence. */
size_t cli_utf8_next(const char *p, uint32_t *cp);
/* A JSON string (jansson), with bytes that are not UTF-8 replaced by U+FFFD; null for NULL. */
json_t *cli_json_str(const char *s);
/* v as one compact, ASCII-only line (free() it), or NULL. */
char *cli_json_dump(const json_t *v);
/* v on one line of f, flushed; takes the reference. */
void cli_json_print(FILE *f, json_t *v);

/* The ltx_endpoint named by an API path segment or an ltx command name ("hdr"), or 0. */
int cli_endpoint_from_name(const char *name);
/* The API path segment a name given on the command line or in a batch line stands for: a
 * command name ("hdr"), an endpoint this release knows, or another safe path segment (an
 * endpoint this release does not know); NULL when it is none of these. */
const char *cli_endpoint_name(const char *name);

/*
 * Set a media field ("image_uri", ...) from what the user gave: a value that
 * starts with https://, http://, data: or ltx:// is a URI (the library checks
 * it and rejects http://); anything else is the path of a local file.
 */
int cli_set_media(ltx_request *req, const char *field, const char *value);
int cli_is_uri(const char *value);

/* inputs.c. Each returns 0, or -1 with why (a message for people) filled in. */
/* A prompt read whole from path ("-": standard input): UTF-8, its final newlines dropped, not
 * empty and not "-"; *out is freed with free(). */
int cli_read_prompt(char **out, const char *path, char *why, size_t why_len);
/* A prompt of exactly "-" is never sent (it is what `--prompt -` reads from). */
int cli_check_prompt(const char *prompt, char *why, size_t why_len);
/* The API key in path, blanks around it trimmed; wipe it with cli_wipe() before free(). */
int cli_read_key_file(char **out, const char *path, char *why, size_t why_len);
void cli_wipe(char *s, size_t len);

/* estimate.c: the price of a request before paying, from libltx's price table. */
struct cli_estimate {
    int known;
    int64_t micro_usd; /* -1 when unknown */
    char basis[256];   /* one line for people: how, or why it is unknown */
    char date[16];     /* the row's date, or the table's */
};
/* Load the price table once: the built-in one, completed by path (--prices, else $LTX_PRICES;
 * NULL: none). 0, or -1 with why. */
int cli_prices_open(const char *path, char *why, size_t why_len);
void cli_prices_close(void);
/* The estimate of req; 0, or -1 with why when the request itself is invalid. */
int cli_estimate(struct cli_estimate *out, const ltx_request *req, char *why, size_t why_len);
/* {"known":..,"usd":..,"micro_usd":..,"basis":..,"date":..} */
json_t *cli_json_estimate(const struct cli_estimate *est);
/* "$1.23" (or "unknown") into buf. */
const char *cli_format_usd(char *buf, size_t len, int64_t micro_usd);

/* ltx batch. */
struct batch_config {
    const char *input;      /* the JSON Lines file */
    const char *journal;    /* NULL: the default beside the outputs */
    const char *output_dir; /* NULL: "." */
    unsigned concurrency;
    int resubmit_unknown, retry_failed;
    int quiet, json;
    int dry_run;       /* check and estimate every entry, send nothing */
    int has_max_cost;  /* --max-cost given */
    int64_t max_cost;  /* micro-dollars */
    int allow_unknown; /* --allow-unknown-cost */
    int verbose;       /* -v: a line per event on standard error */
    int tty;           /* standard error is a terminal that can redraw a line */
    /* how long one entry may run from acceptance (or resumption) to the end of its download,
     * and keeps being submitted again after 429s; LTX_NO_LIMIT */
    uint32_t timeout_ms;
    uint64_t max_bytes; /* cap on each output (ltx_sink_set_max_bytes); 0: none */
    /* the command's own client factory and error printer; both return an exit code */
    void *ctx;
    int (*make_client)(void *ctx, ltx_client **out);
    int (*fail)(void *ctx, int status, const char *message);
};

#define BATCH_DEFAULT_CONCURRENCY 2u
#define BATCH_MAX_CONCURRENCY 64u

int cli_batch(const struct batch_config *cfg);

#endif
