/* tools/ltx/output.c — what the ltx command prints: exit classes, safe text, JSON lines, the
 * progress line and failure reports. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cmd.h"
#include "redact.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <locale.h>
#include <pthread.h>
#include <wchar.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ------------------------------------------------------------------ exit status */

#define STATUS_USAGE CLI_STATUS_USAGE

static const struct exit_class exit_classes[] = {
    {STATUS_USAGE, EXIT_USAGE, "usage", 0},
    {LTX_EINVAL, EXIT_REQUEST, "invalid_request", 0},
    {LTX_EREQUEST, EXIT_REQUEST, "invalid_request", 0},
    {LTX_EBADREQUEST, EXIT_REQUEST, "invalid_request", 0},
    {LTX_ETOOLARGE, EXIT_REQUEST, "invalid_request", 0},
    {LTX_EAUTH, EXIT_AUTH, "authentication", 0},
    {LTX_EFORBIDDEN, EXIT_AUTH, "authentication", 0},
    {LTX_EFUNDS, EXIT_FUNDS, "insufficient_funds", 0},
    {LTX_ECONTENT, EXIT_CONTENT, "content_filtered", 0},
    {LTX_ERATELIMIT, EXIT_RATELIMIT, "rate_limited", 1},
    {LTX_ESERVER, EXIT_SERVER, "server", 1},
    {LTX_EBADGATEWAY, EXIT_SERVER, "server", 1},
    {LTX_EUNAVAILABLE, EXIT_SERVER, "server", 1},
    {LTX_EGATEWAYTIMEOUT, EXIT_SERVER, "server", 1},
    {LTX_EHTTP, EXIT_SERVER, "server", 1},
    {LTX_ENETWORK, EXIT_NETWORK, "network", 1},
    {LTX_ETIMEDOUT, EXIT_TIMEOUT, "timeout", 1},
    {LTX_EJOBFAILED, EXIT_JOBFAILED, "job_failed", 0},
    {LTX_EIO, EXIT_IO, "io", 1},
    {LTX_ESINKFULL, EXIT_IO, "io", 1},
    {LTX_ENOTFOUND, EXIT_NOTFOUND, "not_found", 0},
    {LTX_EPROTOCOL, EXIT_PROTOCOL, "protocol", 1},
    {LTX_EHEADER, EXIT_PROTOCOL, "protocol", 0},
    {LTX_ETLS, EXIT_NETWORK, "tls", 0},
    {LTX_EURL, EXIT_REQUEST, "invalid_request", 0},
    {LTX_ECANCELLED, EXIT_INTERRUPTED, "interrupted", 1},
    {LTX_ENOMEM, EXIT_OTHER, "other", 0},
    {LTX_EINIT, EXIT_OTHER, "other", 0},
};

static const struct exit_class other_http_class = {LTX_EHTTP, EXIT_SERVER, "server", 1};
static const struct exit_class other_class = {0, EXIT_OTHER, "other", 0};

const struct exit_class *exit_class_of(int status)
{
    for (size_t i = 0; i < sizeof(exit_classes) / sizeof(exit_classes[0]); i++)
        if (exit_classes[i].status == status)
            return &exit_classes[i];
    return status >= 100 ? &other_http_class : &other_class;
}

int cli_exit_code(int status)
{
    return exit_class_of(status)->exit_code;
}

const char *cli_class_name(int status)
{
    return exit_class_of(status)->name;
}

/* ------------------------------------------------------------------ interrupts */

/* Set by the signal handler, read by every thread: a lock-free atomic may be both. */
static atomic_int interrupted;

int cli_interrupted(void)
{
    return atomic_load(&interrupted) != 0;
}

/* ------------------------------------------------------------------ output helpers */

static char *cli_secret;

void cli_set_secret(const char *key)
{
    if (cli_secret) {
        for (volatile char *p = cli_secret; *p; p++)
            *p = 0;
        free(cli_secret);
    }
    cli_secret = key ? strdup(key) : NULL;
}

char *cli_redact(const char *s, unsigned what)
{
    char *out = s ? ltx__redact(s, cli_secret, what) : NULL;

    return out ? out : strdup("[message withheld: out of memory]");
}

/* The C library's UTF-8 decoder, whatever the user's locale; (locale_t)0 where it has none. */
static locale_t loc_holder;

static void make_utf8_locale(void)
{
    loc_holder = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t utf8_locale(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, make_utf8_locale);
    return loc_holder;
}

size_t cli_utf8_next(const char *p, uint32_t *cp)
{
    locale_t loc = utf8_locale(), old;
    mbstate_t st;
    wchar_t wc;
    size_t n;

    if ((unsigned char)*p < 0x80) {
        *cp = (unsigned char)*p;
        return 1;
    }
    if (loc == (locale_t)0)
        return 0;
    memset(&st, 0, sizeof(st));
    old = uselocale(loc);
    n = mbrtowc(&wc, p, MB_LEN_MAX, &st);
    uselocale(old);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
        return 0;
    *cp = (uint32_t)wc;
    return n;
}

/*
 * Terminal-safe copy of text that may come from the server: C0 controls, DEL, the C1 controls
 * U+0080-U+009F (U+009B is CSI, which starts escape sequences in many terminals) and bytes that
 * are not UTF-8 (a lone 0x9b is CSI to an 8-bit terminal) each become '?'.
 */
void cli_put_safe(FILE *f, const char *s)
{
    const char *p = s;

    while (*p) {
        uint32_t cp = 0;
        size_t n = cli_utf8_next(p, &cp);

        if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            fputc('?', f);
            p += n ? n : 1;
            continue;
        }
        fwrite(p, 1, n, f);
        p += n;
    }
}

/* A copy of s in which every byte that is not part of a UTF-8 sequence is U+FFFD. */
static char *utf8_mend(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(3 * len + 1), *o = out;

    if (!out)
        return NULL;
    while (*s) {
        uint32_t cp;
        size_t n = cli_utf8_next(s, &cp);

        if (n == 0) {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            s++;
        } else {
            memcpy(o, s, n);
            o += n;
            s += n;
        }
    }
    *o = '\0';
    return out;
}

json_t *cli_json_str(const char *s)
{
    json_t *v;
    char *mended;

    if (!s)
        return json_null();
    if ((v = json_string(s)))
        return v;
    mended = utf8_mend(s); /* jansson takes valid UTF-8 only */
    v = mended ? json_string(mended) : NULL;
    free(mended);
    return v ? v : json_string("");
}

char *cli_json_dump(const json_t *v)
{
    /* ASCII only: C1 controls and the like reach no terminal raw, whatever the text */
    return json_dumps(v,
                      JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
}

void cli_json_print(FILE *f, json_t *v)
{
    char *text = cli_json_dump(v);

    if (text) {
        fputs(text, f);
        fputc('\n', f);
    }
    free(text);
    fflush(f);
    json_decref(v);
}

void json_begin(struct json *j)
{
    j->obj = json_object();
}

static void json_put(struct json *j, const char *key, json_t *v)
{
    if (j->obj)
        json_object_set_new(j->obj, key, v ? v : json_null());
}

/* A text field; the key, Authorization values and URL userinfo never appear (a result URL keeps
 * its query, which is what makes it work). */
void json_text(struct json *j, const char *key, const char *value)
{
    char *clean = value ? cli_redact(value, LTX_REDACT_USERINFO) : NULL;

    json_put(j, key, value ? cli_json_str(clean) : json_null());
    free(clean);
}

void json_int(struct json *j, const char *key, long long value)
{
    json_put(j, key, json_integer(value));
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
    json_put(j, key, json_integer(value > INT64_MAX ? INT64_MAX : (json_int_t)value));
}

void json_bool(struct json *j, const char *key, int value)
{
    json_put(j, key, json_boolean(value));
}

void json_number(struct json *j, const char *key, double value)
{
    json_put(j, key, json_real(value));
}

void json_put_new(struct json *j, const char *key, json_t *v)
{
    json_put(j, key, v);
}

/* A field whose value is JSON text (a request body): parsed, so that it nests. */
void json_put_raw(struct json *j, const char *key, const char *text)
{
    json_put(j, key, json_loads(text, JSON_DECODE_ANY, NULL));
}

json_t *cli_json_estimate(const struct cli_estimate *est)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    json_object_set_new(o, "known", json_boolean(est->known));
    json_object_set_new(o, "usd",
                        est->known ? json_real((double)est->micro_usd / 1e6) : json_null());
    json_object_set_new(o, "micro_usd", est->known ? json_integer(est->micro_usd) : json_null());
    json_object_set_new(o, "basis", cli_json_str(est->basis));
    json_object_set_new(o, "date", cli_json_str(est->date[0] ? est->date : NULL));
    return o;
}

void json_estimate(struct json *j, const struct cli_estimate *est)
{
    json_put(j, "estimate", cli_json_estimate(est));
}

void json_end(struct json *j)
{
    if (j->obj)
        cli_json_print(stdout, j->obj);
    j->obj = NULL;
}

static void on_interrupt(int sig)
{
    (void)sig;
    atomic_store(&interrupted, 1);
}

static void catch_signal(int sig)
{
    struct sigaction sa;

    if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
        return;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(sig, &sa, NULL);
}

/*
 * The first Ctrl-C stops the wait cleanly; SA_RESETHAND lets a second one end
 * ltx at once. An interrupt the parent ignores (nohup, `cmd &`) stays ignored.
 */
void cli_catch_interrupts(int also_sigterm)
{
    catch_signal(SIGINT);
    if (also_sigterm)
        catch_signal(SIGTERM);
}

/* ------------------------------------------------------------------ errors */

/* What became of the job, and how to pick it up again without paying twice. */
static void print_job_hint(const struct cli *c, const struct failure *f, const struct exit_class *x,
                           const char *job_id)
{
    const char *output = c->value[OPT_OUTPUT];
    const char *what = f->status == LTX_EJOBFAILED   ? "failed"
                       : f->status == LTX_ENOTFOUND  ? "is unknown or expired"
                       : f->status == LTX_ECANCELLED ? "goes on running on the server and is billed"
                       : f->status == LTX_ETIMEDOUT  ? "goes on running on the server and is billed"
                                                     : NULL;

    if (what) {
        fprintf(stderr, PROGRAM ": job %s ", f->endpoint);
        cli_put_safe(stderr, job_id);
        fprintf(stderr, " %s\n", what);
    }
    if (!x->resumable || c->cmd->run == RUN_STATUS)
        return;
    fprintf(stderr, PROGRAM ": resume with: " PROGRAM " download %s ", f->endpoint);
    cli_put_safe(stderr, job_id);
    fputs(" -o ", stderr);
    cli_put_safe(stderr, output && strcmp(output, "-") != 0 ? output : "FILE");
    fputc('\n', stderr);
}

/* The --json line of a failure. */
static void print_json_failure(const struct failure *f, const struct exit_class *x,
                               const char *message, const char *job_id, int possibly_executed)
{
    const ltx_error *err = f->err;
    int http = err ? ltx_error_http_status(err) : 0;
    struct json j;

    json_begin(&j);
    json_bool(&j, "ok", 0);
    json_int(&j, "code", f->status == STATUS_USAGE ? LTX_EINVAL : f->status);
    json_text(&j, "class", x->name);
    if (http)
        json_int(&j, "http_status", http);
    else
        json_text(&j, "http_status", NULL);
    json_text(&j, "error_type", err ? ltx_error_type(err) : NULL);
    json_text(&j, "message", message);
    json_text(&j, "request_id", err ? ltx_error_request_id(err) : NULL);
    json_bool(&j, "possibly_executed", possibly_executed);
    json_text(&j, "field", err ? ltx_error_field(err) : NULL);
    json_text(&j, "job_id", job_id);
    json_text(&j, "endpoint", job_id ? f->endpoint : NULL);
    json_text(&j, "state", f->state);
    json_end(&j);
}

int fail(struct cli *c, const struct failure *f)
{
    const struct exit_class *x = exit_class_of(f->status);
    const ltx_error *err = f->err;
    const char *message = err ? ltx_error_message(err) : f->message;
    const char *job_id = f->job_id ? f->job_id : err ? ltx_error_job_id(err) : NULL;
    const char *field = err ? ltx_error_field(err) : NULL;
    const char *option = field ? option_for_field(c, field) : NULL;
    int possibly_executed = err && ltx_error_possibly_executed(err);
    char *clean;

    if (f->status == LTX_ECANCELLED && cli_interrupted())
        message = "interrupted";
    if (!message)
        message = ltx_strerror(f->status);
    clean = cli_redact(message, LTX_REDACT_ALL); /* a configuration error may quote a URL */
    message = clean ? clean : "";

    ui_clear(&c->ui);
    fputs(PROGRAM ": ", stderr);
    cli_put_safe(stderr, message);
    fputc('\n', stderr);
    if (option && strcmp(option, field) != 0)
        fprintf(stderr, PROGRAM ": the field %s is set with --%s\n", field, option);
    if (c->example && c->cmd)
        fprintf(stderr, PROGRAM ": for example: " PROGRAM " %s %s\n", c->cmd->name, c->example);
    if (possibly_executed) /* the message says why; say what to do */
        fputs(PROGRAM ": check your jobs and balance before running this again\n", stderr);
    if (job_id && f->endpoint)
        print_job_hint(c, f, x, job_id);
    if (f->try_help && !c->json)
        fprintf(stderr, "Try '" PROGRAM " %s%s--help' for more information.\n",
                c->cmd ? c->cmd->name : "", c->cmd ? " " : "");

    if (c->json)
        print_json_failure(f, x, message, job_id, possibly_executed);
    free(clean);
    return x->exit_code;
}

int fail_status(struct cli *c, int status, const ltx_error *err)
{
    struct failure f = {status, err, NULL, NULL, NULL, NULL, 0};

    return fail(c, &f);
}

static int usage_verror(struct cli *c, int try_help, const char *fmt, va_list ap) PRINTF_LIKE(3, 0);

static int usage_verror(struct cli *c, int try_help, const char *fmt, va_list ap)
{
    char message[MESSAGE_MAX];
    struct failure f = {STATUS_USAGE, NULL, message, NULL, NULL, NULL, try_help};

    vsnprintf(message, sizeof(message), fmt, ap);
    return fail(c, &f);
}

/* A mistake on the command line (try_help: with a pointer to --help), or a missing or unusable
 * setting: exit 2. */
int usage_report(struct cli *c, int try_help, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = usage_verror(c, try_help, fmt, ap);
    va_end(ap);
    return rc;
}
