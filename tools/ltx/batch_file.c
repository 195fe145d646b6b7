/* tools/ltx/batch_file.c — ltx batch: small helpers, messages, and reading the batch file. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batch.h"
#include "redact.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ small helpers */

char *xstrdup(struct batch *b, const char *s)
{
    char *copy = s ? strdup(s) : NULL;

    if (s && !copy)
        b->oom = 1;
    return copy;
}

char *xprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

char *xprintf(const char *fmt, ...)
{
    va_list ap;
    int len;
    char *s;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || !(s = malloc((size_t)len + 1)))
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return s;
}

uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The directory part of a path: "." when it has none. */
char *parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* A relative path with no ".." component: joined to --output-dir, it stays inside it. */
static int stays_inside(const char *path)
{
    if (path[0] == '/')
        return 0;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");

        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        p += n;
        while (*p == '/')
            p++;
    }
    return 1;
}

char *join_path(const char *dir, const char *name)
{
    if (name[0] == '/' || strcmp(dir, ".") == 0)
        return strdup(name);
    return xprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

int is_regular_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_directory(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p */
int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    int rc = 0;

    if (!p)
        return ENOMEM;
    for (char *s = p + 1; !rc; s++) {
        int last = *s == '\0';

        if (*s != '/' && !last)
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = errno;
        if (last)
            break;
        *s = '/';
    }
    free(p);
    if (!rc && !is_directory(dir))
        rc = ENOTDIR;
    return rc;
}

/* ------------------------------------------------------------------ messages */

/* "KEY: JOB: text" on standard error; progress unless `always` (failures, reports). */
/* A message on standard error, secrets hidden and terminal-safe. */
static void put_clean(const char *text)
{
    char *clean = cli_redact(text, LTX_REDACT_ALL);

    cli_put_safe(stderr, clean ? clean : "");
    free(clean);
}

void say(const struct entry *e, int always, const char *fmt, ...) PRINTF_LIKE(3, 4);

void say(const struct entry *e, int always, const char *fmt, ...)
{
    char text[MESSAGE_MAX * 2];
    va_list ap;

    if (!always && !e->b->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    flockfile(stderr);
    batch_status_clear(e->b);
    cli_put_safe(stderr, e->key);
    if (e->job_id) {
        fputs(": ", stderr);
        cli_put_safe(stderr, e->job_id);
    }
    fputs(": ", stderr);
    put_clean(text);
    fputc('\n', stderr);
    funlockfile(stderr);
}

/* "ltx: batch: text" on standard error. */
void note(const struct batch *b, int always, const char *fmt, ...) PRINTF_LIKE(3, 4);

void note(const struct batch *b, int always, const char *fmt, ...)
{
    char text[MESSAGE_MAX * 2];
    va_list ap;

    if (!always && !b->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    flockfile(stderr);
    batch_status_clear(b);
    fputs(PROGRAM ": batch: ", stderr);
    put_clean(text);
    fputc('\n', stderr);
    funlockfile(stderr);
}

static void problem(struct batch *b, unsigned line, const char *field, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* gcc 12's -fanalyzer loses the two strings once they are stored in the grown array, which
 * free_batch() frees: a false "leak" report, silenced here only. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static void problem(struct batch *b, unsigned line, const char *field, const char *fmt, ...)
{
    char text[MESSAGE_MAX * 2];
    struct problem *p;
    va_list ap;

    if (b->nproblems == b->problems_cap) {
        size_t cap = b->problems_cap ? 2 * b->problems_cap : 16;
        struct problem *v = realloc(b->problems, cap * sizeof(*v));

        if (!v) {
            b->oom = 1;
            return;
        }
        b->problems = v;
        b->problems_cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    p = &b->problems[b->nproblems++];
    p->line = line;
    p->field = xstrdup(b, field);
    p->message = xstrdup(b, text);
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic pop
#endif

/* ------------------------------------------------------------------ reading the batch file */

enum ftype { F_TEXT, F_REAL, F_DURATION, F_INT, F_BOOL, F_MEDIA };

/* Fields this release knows: typed setters, so that the library's validation applies. */
static const struct field {
    const char *name;
    enum ftype type;
    int (*set_text)(ltx_request *, const char *);
    int (*set_real)(ltx_request *, double);
    int (*set_int)(ltx_request *, int);
} known_fields[] = {
    {"prompt", F_TEXT, ltx_request_set_prompt, NULL, NULL},
    {"model", F_TEXT, ltx_request_set_model, NULL, NULL},
    {"resolution", F_TEXT, ltx_request_set_resolution, NULL, NULL},
    {"camera_motion", F_TEXT, ltx_request_set_camera_motion, NULL, NULL},
    {"mode", F_TEXT, ltx_request_set_mode, NULL, NULL},
    {"duration", F_DURATION, NULL, ltx_request_set_duration, NULL},
    {"start_time", F_REAL, NULL, ltx_request_set_start_time, NULL},
    {"context", F_REAL, NULL, ltx_request_set_context, NULL},
    {"guidance_scale", F_REAL, NULL, ltx_request_set_guidance_scale, NULL},
    {"fps", F_INT, NULL, NULL, ltx_request_set_fps},
    {"generate_audio", F_BOOL, NULL, NULL, ltx_request_set_generate_audio},
    {"image_uri", F_MEDIA, NULL, NULL, NULL},
    {"last_frame_uri", F_MEDIA, NULL, NULL, NULL},
    {"audio_uri", F_MEDIA, NULL, NULL, NULL},
    {"video_uri", F_MEDIA, NULL, NULL, NULL},
};

/* A JSON string without NUL bytes (which a C string would cut short). */
const char *plain_string(const json_t *v)
{
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

const char *const media_fields[N_MEDIA] = {"image_uri", "last_frame_uri", "audio_uri", "video_uri"};

/* "prompt_file": the prompt read from a file, as --prompt-file reads it. */
static int set_prompt_file(struct batch *b, struct entry *e, json_t *root, json_t *v)
{
    char why[MESSAGE_MAX], *prompt = NULL;
    int st;

    if (json_is_null(v))
        return 0;
    if (json_object_get(root, "prompt") && !json_is_null(json_object_get(root, "prompt"))) {
        problem(b, e->line, "prompt_file", "prompt_file: give prompt or prompt_file, not both");
        return 1;
    }
    if (!plain_string(v) || !*json_string_value(v) || strcmp(json_string_value(v), "-") == 0) {
        problem(b, e->line, "prompt_file", "prompt_file: must be the name of a file");
        return 1;
    }
    if (cli_read_prompt(&prompt, json_string_value(v), why, sizeof(why)) != 0) {
        problem(b, e->line, "prompt_file", "prompt_file: %s", why);
        return 1;
    }
    st = ltx_request_set_prompt(e->req, prompt);
    free(prompt);
    if (st != LTX_OK && ltx_request_last_error(e->req))
        problem(b, e->line, "prompt", "%s", ltx_error_message(ltx_request_last_error(e->req)));
    else if (st != LTX_OK)
        problem(b, e->line, "prompt_file", "prompt_file: %s", ltx_strerror(st));
    return st != LTX_OK;
}

/* Not an ltx_status (those are 0, negative, or HTTP statuses): the problem is recorded. */
#define PROBLEM_RECORDED INT_MIN

/* A field the API added since: passed through as it is. */
static int set_other_field(struct batch *b, struct entry *e, const char *name, json_t *v)
{
    char *json = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    int st = json ? ltx_request_set_json(e->req, name, json) : LTX_ENOMEM;

    free(json);
    if (st == LTX_EINVAL && ltx_request_last_error(e->req))
        problem(b, e->line, name, "%s", ltx_error_message(ltx_request_last_error(e->req)));
    else if (st == LTX_EINVAL)
        problem(b, e->line, name, "%s: cannot be sent as a field", name);
    else if (st != LTX_OK)
        problem(b, e->line, name, "%s: %s", name, ltx_strerror(st));
    return st != LTX_OK;
}

/* A text or media field: LTX_OK, a setter's status, or PROBLEM_RECORDED after a problem was
 * recorded. */
static int set_text_field(struct batch *b, struct entry *e, const struct field *f, json_t *v)
{
    const char *s = plain_string(v);
    char why[MESSAGE_MAX];
    int st;

    if (!s) {
        problem(b, e->line, f->name, "%s: must be a string%s", f->name,
                json_is_string(v) ? " without NUL characters" : "");
        return PROBLEM_RECORDED;
    }
    if (f->set_text == ltx_request_set_prompt && cli_check_prompt(s, why, sizeof(why)) != 0) {
        problem(b, e->line, f->name, "%s", why);
        return PROBLEM_RECORDED;
    }
    if (f->type == F_TEXT)
        return f->set_text(e->req, s);
    st = cli_set_media(e->req, f->name, s);
    if (st == LTX_OK && !cli_is_uri(s))
        for (int i = 0; i < N_MEDIA; i++)
            if (strcmp(media_fields[i], f->name) == 0)
                e->files[i] = xstrdup(b, s);
    return st;
}

/* A number, whole number or boolean field: as set_text_field(). */
static int set_number_field(struct batch *b, struct entry *e, const struct field *f, json_t *v)
{
    double d = json_is_number(v) ? json_number_value(v) : NAN;

    if (f->type == F_DURATION && json_is_null(v))
        return ltx_request_set_duration_auto(e->req);
    if (f->type == F_BOOL && !json_is_boolean(v)) {
        problem(b, e->line, f->name, "%s: must be true or false", f->name);
        return PROBLEM_RECORDED;
    }
    if (f->type == F_BOOL)
        return f->set_int(e->req, json_is_true(v));
    if (f->type == F_INT && !(d == floor(d) && d >= INT_MIN && d <= INT_MAX)) {
        problem(b, e->line, f->name, "%s: must be a whole number", f->name);
        return PROBLEM_RECORDED;
    }
    if (f->type == F_INT)
        return f->set_int(e->req, (int)d);
    if (!json_is_number(v)) {
        problem(b, e->line, f->name, "%s: must be a number%s", f->name,
                f->type == F_DURATION ? " or null (automatic)" : "");
        return PROBLEM_RECORDED;
    }
    return f->set_real(e->req, d);
}

/* Set one field of the entry's request; returns 0, or non-zero after recording the problem. */
static int set_field(struct batch *b, struct entry *e, const char *name, json_t *v)
{
    const struct field *f = NULL;
    int st;

    for (size_t i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]) && !f; i++)
        if (strcmp(known_fields[i].name, name) == 0)
            f = &known_fields[i];
    if (!f)
        return set_other_field(b, e, name, v);
    if (json_is_null(v) && f->type != F_DURATION)
        return 0; /* null: not set */
    st = f->type == F_TEXT || f->type == F_MEDIA ? set_text_field(b, e, f, v)
                                                 : set_number_field(b, e, f, v);
    if (st == PROBLEM_RECORDED)
        return 1;
    if (st == LTX_EINVAL && ltx_request_last_error(e->req)) /* the setter says why */
        problem(b, e->line, name, "%s", ltx_error_message(ltx_request_last_error(e->req)));
    else if (st == LTX_EINVAL)
        problem(b, e->line, name, "%s: not a field of %s", name, ltx_request_endpoint_name(e->req));
    else if (st != LTX_OK)
        problem(b, e->line, name, "%s: %s", name, ltx_strerror(st));
    return st != LTX_OK;
}

/* An "id" is a file name: letters, digits, '.', '_' and '-', not starting with '.' or '-'. */
static int key_is_safe(const char *s)
{
    size_t len = strlen(s);

    if (len == 0 || len > KEY_MAX || s[0] == '.' || s[0] == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static void endpoint_list(char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int ep = 1; ltx_endpoint_name(ep) && used < len; ep++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", ep > 1 ? ", " : "",
                                 ltx_endpoint_name(ep));
}

/* One line: an entry, or problems. */
/* "id": the entry's key, or its line number. */
static void read_key(struct batch *b, struct entry *e, json_t *root)
{
    json_t *v = json_object_get(root, "id");

    if (!v || json_is_null(v))
        e->key = xprintf("%u", e->line);
    else if (!plain_string(v) || !key_is_safe(json_string_value(v)))
        problem(b, e->line, "id",
                "id: must be a string of at most %d letters, digits, '.', '_' and '-', "
                "not starting with '.' or '-'",
                KEY_MAX);
    else
        e->key = xstrdup(b, json_string_value(v));
}

/* "endpoint": text-to-video by default; one this release does not know is called by name.
 * The name returned is borrowed from root or the library. */
static const char *read_endpoint(struct batch *b, struct entry *e, json_t *root)
{
    json_t *v = json_object_get(root, "endpoint");
    const char *ep = v && plain_string(v) ? cli_endpoint_name(json_string_value(v)) : NULL;
    char list[MESSAGE_MAX];

    e->endpoint = LTX_ENDPOINT_TEXT_TO_VIDEO;
    if (!v || json_is_null(v))
        return ltx_endpoint_name(LTX_ENDPOINT_TEXT_TO_VIDEO);
    if (!ep) {
        endpoint_list(list, sizeof(list));
        problem(b, e->line, "endpoint",
                "endpoint: not one of %s, nor another API path segment of lower-case letters, "
                "digits and '-'",
                list);
        return NULL;
    }
    e->endpoint = cli_endpoint_from_name(ep);
    return ep;
}

/* "output": inside --output-dir; by default the key, .mp4 (.zip for HDR's EXR frames). */
static void read_output(struct batch *b, struct entry *e, json_t *root)
{
    json_t *v = json_object_get(root, "output");
    char *file;

    if (v && !json_is_null(v)) {
        if (!plain_string(v) || !*json_string_value(v))
            problem(b, e->line, "output", "output: must be a file name");
        else if (!stays_inside(json_string_value(v)))
            problem(b, e->line, "output",
                    "output: must be a path inside --output-dir (not absolute, no '..')");
        else
            e->output = join_path(b->output_dir, json_string_value(v));
        return;
    }
    if (!e->key)
        return;
    file =
        xprintf("%s%s", e->key, e->endpoint == LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR ? ".zip" : ".mp4");
    e->output = file ? join_path(b->output_dir, file) : NULL;
    free(file);
}

/* The request fields; 0, or non-zero after a problem was recorded. */
static int read_fields(struct batch *b, struct entry *e, json_t *root)
{
    const char *name;
    json_t *v;

    json_object_foreach(root, name, v)
    {
        if (strcmp(name, "id") == 0 || strcmp(name, "endpoint") == 0 || strcmp(name, "output") == 0)
            continue;
        if (strcmp(name, "prompt_file") == 0 ? set_prompt_file(b, e, root, v)
                                             : set_field(b, e, name, v))
            return 1;
    }
    return 0;
}

/* The library's validation of the whole request; 0, or non-zero after a problem. */
static int validate_request(struct batch *b, unsigned line, const ltx_request *req)
{
    ltx_error *err = NULL;
    const char *field, *msg;

    if (ltx_request_validate(req, &err) == LTX_OK)
        return 0;
    field = err ? ltx_error_field(err) : NULL;
    msg = err ? ltx_error_message(err) : "invalid request";
    if (field && strncmp(msg, field, strlen(field)) != 0)
        problem(b, line, field, "%s: %s", field, msg);
    else
        problem(b, line, field, "%s", msg);
    ltx_error_free(err);
    return 1;
}

void parse_line(struct batch *b, unsigned line, const char *text, size_t len)
{
    size_t before = b->nproblems;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *endpoint;
    struct entry e;

    memset(&e, 0, sizeof(e));
    e.b = b;
    e.line = line;
    if (!root) {
        problem(b, line, NULL, "not valid JSON: %s (column %d)", jerr.text, jerr.column);
        return;
    }
    if (!json_is_object(root)) {
        problem(b, line, NULL, "not a JSON object");
        goto out;
    }
    read_key(b, &e, root);
    endpoint = read_endpoint(b, &e, root);
    read_output(b, &e, root);
    if (b->nproblems != before)
        goto out;
    if (!e.key || !e.output || !endpoint || ltx_request_new_by_name(&e.req, endpoint) != LTX_OK) {
        b->oom = 1;
        goto out;
    }
    if (read_fields(b, &e, root) != 0 || validate_request(b, line, e.req) != 0)
        goto out;
    if (!(e.endpoint_name = xstrdup(b, endpoint)))
        goto out;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        struct entry *entries = realloc(b->entries, cap * sizeof(*entries));

        if (!entries) {
            b->oom = 1;
            goto out;
        }
        b->entries = entries;
        b->cap = cap;
    }
    b->entries[b->n++] = e;
    memset(&e, 0, sizeof(e));
out:
    ltx_request_free(e.req);
    free(e.key);
    free(e.endpoint_name);
    free(e.output);
    for (int i = 0; i < N_MEDIA; i++)
        free(e.files[i]);
    json_decref(root);
}

static int by_key(const void *x, const void *y)
{
    const struct entry *a = *(struct entry *const *)x, *b = *(struct entry *const *)y;
    int c = strcmp(a->key, b->key);

    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_output(const void *x, const void *y)
{
    const struct entry *a = *(struct entry *const *)x, *b = *(struct entry *const *)y;
    int c = strcmp(a->output, b->output);

    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_line(const void *x, const void *y)
{
    const struct problem *a = x, *b = y;

    return (a->line > b->line) - (a->line < b->line);
}

/* Two entries may share neither a key (the journal's name for them) nor an output. */
void check_duplicates(struct batch *b, struct entry **sorted)
{
    for (size_t i = 0; i < b->n; i++)
        sorted[i] = &b->entries[i];
    if (b->n < 2) /* sorted already; and qsort(NULL, 0, ...) is undefined */
        return;
    qsort(sorted, b->n, sizeof(*sorted), by_output);
    for (size_t i = 1; i < b->n; i++)
        if (strcmp(sorted[i - 1]->output, sorted[i]->output) == 0)
            problem(b, sorted[i]->line, "output", "output: %s is also the output of line %u",
                    sorted[i]->output, sorted[i - 1]->line);
    qsort(sorted, b->n, sizeof(*sorted), by_key);
    for (size_t i = 1; i < b->n; i++)
        if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0)
            problem(b, sorted[i]->line, "id", "id: \"%s\" is also the key of line %u",
                    sorted[i]->key, sorted[i - 1]->line);
}

/* Returns 0, or an exit code after printing why. */
int load(struct batch *b)
{
    const struct batch_config *cfg = b->cfg;
    FILE *f = strcmp(cfg->input, "-") == 0 ? stdin : fopen(cfg->input, "r");
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned line = 0;

    if (!f) {
        char message[MESSAGE_MAX];

        snprintf(message, sizeof(message), "cannot read %s: %s", cfg->input, strerror(errno));
        return cfg->fail(cfg->ctx, LTX_EREQUEST, message);
    }
    while ((len = getline(&buf, &cap, f)) >= 0) {
        size_t n = (size_t)len, i = 0;

        line++;
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            n--;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
            i++;
        if (i < n)
            parse_line(b, line, buf, n);
    }
    if (ferror(f)) {
        char message[MESSAGE_MAX];

        if (cli_interrupted()) { /* a read cut short by Ctrl-C: nothing was sent */
            free(buf);
            if (f != stdin)
                fclose(f);
            return EXIT_INTERRUPTED;
        }
        snprintf(message, sizeof(message), "cannot read %s: %s", cfg->input, strerror(errno));
        free(buf);
        if (f != stdin)
            fclose(f);
        return cfg->fail(cfg->ctx, LTX_EREQUEST, message);
    }
    free(buf);
    if (f != stdin)
        fclose(f);
    return b->oom ? cfg->fail(cfg->ctx, LTX_ENOMEM, NULL) : 0;
}

/* Every bad line, then exit 3: nothing has been sent. */
static void print_json_problems(const struct batch *b, size_t lines)
{
    json_t *o = json_object(), *errors = json_array();
    char message[MESSAGE_MAX];

    if (!o || !errors) {
        json_decref(o);
        json_decref(errors);
        return;
    }
    snprintf(message, sizeof(message), "%zu invalid line%s; nothing was submitted", lines,
             lines == 1 ? "" : "s");
    json_object_set_new(o, "ok", json_false());
    json_object_set_new(o, "code", json_integer(LTX_EREQUEST));
    json_object_set_new(o, "class", json_string(cli_class_name(LTX_EREQUEST)));
    json_object_set_new(o, "message", json_string(message));
    for (size_t i = 0; i < b->nproblems; i++) {
        json_t *p = json_object();

        json_object_set_new(p, "line", json_integer(b->problems[i].line));
        json_object_set_new(p, "field", cli_json_str(b->problems[i].field));
        json_object_set_new(
            p, "message",
            cli_json_str(b->problems[i].message ? b->problems[i].message : "invalid"));
        json_array_append_new(errors, p);
    }
    json_object_set_new(o, "errors", errors);
    cli_json_print(stdout, o);
}

int report_problems(struct batch *b)
{
    const struct batch_config *cfg = b->cfg;
    size_t lines = 0;

    qsort(b->problems, b->nproblems, sizeof(*b->problems), by_line);
    for (size_t i = 0; i < b->nproblems; i++)
        if (i == 0 || b->problems[i].line != b->problems[i - 1].line)
            lines++;
    flockfile(stderr);
    for (size_t i = 0; i < b->nproblems; i++) {
        fputs(PROGRAM ": ", stderr);
        cli_put_safe(stderr, cfg->input);
        fprintf(stderr, ":%u: ", b->problems[i].line);
        cli_put_safe(stderr, b->problems[i].message ? b->problems[i].message : "invalid");
        fputc('\n', stderr);
    }
    fputs(PROGRAM ": ", stderr);
    cli_put_safe(stderr, cfg->input);
    fprintf(stderr, ": %zu invalid line%s; nothing was submitted\n", lines, lines == 1 ? "" : "s");
    funlockfile(stderr);
    if (cfg->json)
        print_json_problems(b, lines);
    return cli_exit_code(LTX_EREQUEST);
}
