/*
 * tools/ltx/batch.c — ltx batch: many generations from a JSON Lines file, at most N jobs in
 * flight on one shared client, and a journal so that a run killed at any moment and run again
 * finishes the work without submitting (and paying for) any accepted job a second time.
 *
 * One thread: it reads and checks every line, reads the journal and plans; then the library's
 * batch engine (ltx_batch) submits, polls and downloads at most N entries at once over the
 * client's shared connections, and its callbacks write the journal: "submitting" before each
 * submit request leaves (LTX_STAGE_SUBMITTING), "accepted" with the job id (LTX_STAGE_SUBMITTED),
 * then "done" or "failed" when the entry ends.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* O_TMPFILE: a file without a name until it is complete */
#endif
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cli.h"
#include "redact.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_FIRST_MS 5000u   /* first wait after a 429 the library gave up on */
#define BACKOFF_CAP_MS 60000u    /* the wait doubles up to this */
#define RETRY_AFTER_CAP_MS 120000u
#define NAP_SLICE_MS 100u        /* how soon a wait notices an interrupt */
#define KEY_MAX 100              /* characters of an "id" */
#define TEMP_NAME_TRIES 100
#define COPY_BUFFER 16384
#define N_MEDIA 4 /* image_uri, last_frame_uri, audio_uri, video_uri */

/* ------------------------------------------------------------------ entries */

/* The journal's last word on an entry. */
enum jstate { J_NONE, J_SUBMITTING, J_ACCEPTED, J_DONE, J_FAILED };

/* What this run does with it. */
enum plan { P_SKIP, P_RESUME, P_SUBMIT, P_UNKNOWN, P_FAILED_BEFORE };

/* How it ends this run. */
enum outcome { O_UNFINISHED, O_DONE, O_FAILED, O_UNKNOWN };

/* What is left to do with it this run. */
enum todo { TODO_NOTHING, TODO_RESUME, TODO_SUBMIT };

struct batch;

struct output {
    ltx_sink *sink;
    int fd; /* an unnamed O_TMPFILE file, or -1 when the sink names its own temporary file */
};

struct entry {
    struct batch *b;
    unsigned line;
    char *key;
    int endpoint;         /* LTX_ENDPOINT_OTHER for one this release does not know */
    char *endpoint_name;  /* its path segment, known or not */
    char *output;
    ltx_request *req;
    char *files[N_MEDIA]; /* local files for the media fields, uploaded before submitting */
    /* from the journal, then this run's own job */
    enum jstate jstate;
    char *job_id, *job_endpoint;
    int j_code, j_possibly;
    char *j_message;
    /* this run */
    enum plan plan;
    enum outcome outcome;
    int status; /* ltx_status of a failure */
    char *message;
    uint64_t bytes;
    char last_status[32]; /* the job status last reported */
    enum todo todo;
    struct output out;        /* while the entry is in a round */
    int in_round;             /* added to the round's ltx_batch and not ended yet */
    int refused;              /* its submission was refused by on_progress: nothing sent */
    int timed_out;            /* cancelled by on_progress when --timeout ran out */
    uint64_t t0;              /* when it was accepted or resumed (for --timeout) */
    uint64_t first_submit_ms; /* its first submission this run (429s give up --timeout later) */
    uint64_t retry_at;        /* after a 429: not submitted again before this */
    uint64_t backoff;
    unsigned seed;
};

struct problem {
    unsigned line;
    char *field;
    char *message;
};

struct batch {
    const struct batch_config *cfg;
    const char *output_dir;
    char *journal_path;
    int progress; /* progress lines on standard error */
    ltx_client *client;
    struct entry *entries;
    size_t n, cap;
    struct problem *problems;
    size_t nproblems, problems_cap;
    int oom;

    struct entry **queue; /* resumed entries first, then new ones */
    size_t nqueue;
    int stop_status; /* non-zero: start nothing more (a failure every submit would share) */

    int journal_fd;
    int journal_broken;
};

static unsigned temp_counter;

/* ------------------------------------------------------------------ small helpers */

static char *xstrdup(struct batch *b, const char *s)
{
    char *copy = s ? strdup(s) : NULL;

    if (s && !copy)
        b->oom = 1;
    return copy;
}

static char *xprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

static char *xprintf(const char *fmt, ...)
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

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int write_all(int fd, const char *p, size_t len)
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
static char *parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static const char *base_name(const char *path)
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

static char *join_path(const char *dir, const char *name)
{
    if (name[0] == '/' || strcmp(dir, ".") == 0)
        return strdup(name);
    return xprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

static int is_regular_file(const char *path)
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
static int make_dirs(const char *dir)
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

static void say(const struct entry *e, int always, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void say(const struct entry *e, int always, const char *fmt, ...)
{
    char text[MESSAGE_MAX * 2];
    va_list ap;

    if (!always && !e->b->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    flockfile(stderr);
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
static void note(const struct batch *b, int always, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void note(const struct batch *b, int always, const char *fmt, ...)
{
    char text[MESSAGE_MAX * 2];
    va_list ap;

    if (!always && !b->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    flockfile(stderr);
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
static const char *plain_string(const json_t *v)
{
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

static const char *const media_fields[N_MEDIA] = {"image_uri", "last_frame_uri", "audio_uri",
                                                  "video_uri"};

/* Set one field of the entry's request; returns 0, or non-zero after recording the problem. */
static int set_field(struct batch *b, struct entry *e, const char *name, json_t *v)
{
    ltx_request *req = e->req;
    unsigned line = e->line;
    const struct field *f = NULL;
    const char *endpoint = ltx_request_endpoint_name(req);
    int st = LTX_OK;

    for (size_t i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]) && !f; i++)
        if (strcmp(known_fields[i].name, name) == 0)
            f = &known_fields[i];
    if (!f) { /* a field the API added since: passed through as it is */
        char *json = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

        st = json ? ltx_request_set_json(req, name, json) : LTX_ENOMEM;
        free(json);
        if (st == LTX_EINVAL && ltx_request_last_error(req))
            problem(b, line, name, "%s", ltx_error_message(ltx_request_last_error(req)));
        else if (st == LTX_EINVAL)
            problem(b, line, name, "%s: cannot be sent as a field", name);
        else if (st != LTX_OK)
            problem(b, line, name, "%s: %s", name, ltx_strerror(st));
        return st != LTX_OK;
    }
    if (json_is_null(v) && f->type != F_DURATION)
        return 0; /* null: not set */
    switch (f->type) {
    case F_TEXT:
    case F_MEDIA:
        if (!plain_string(v)) {
            problem(b, line, name, "%s: must be a string%s", name,
                    json_is_string(v) ? " without NUL characters" : "");
            return 1;
        }
        st = f->type == F_TEXT ? f->set_text(req, json_string_value(v))
                               : cli_set_media(req, name, json_string_value(v));
        if (st == LTX_OK && f->type == F_MEDIA && !cli_is_uri(json_string_value(v)))
            for (int i = 0; i < N_MEDIA; i++)
                if (strcmp(media_fields[i], name) == 0)
                    e->files[i] = xstrdup(b, json_string_value(v));
        break;
    case F_DURATION:
        if (json_is_null(v)) {
            st = ltx_request_set_duration_auto(req);
            break;
        }
        /* fall through */
    case F_REAL:
        if (!json_is_number(v)) {
            problem(b, line, name, "%s: must be a number%s", name,
                    f->type == F_DURATION ? " or null (automatic)" : "");
            return 1;
        }
        st = f->set_real(req, json_number_value(v));
        break;
    case F_INT: {
        double d = json_is_number(v) ? json_number_value(v) : NAN;

        if (!(d == floor(d) && d >= INT_MIN && d <= INT_MAX)) {
            problem(b, line, name, "%s: must be a whole number", name);
            return 1;
        }
        st = f->set_int(req, (int)d);
        break;
    }
    case F_BOOL:
        if (!json_is_boolean(v)) {
            problem(b, line, name, "%s: must be true or false", name);
            return 1;
        }
        st = f->set_int(req, json_is_true(v));
        break;
    }
    if (st == LTX_EINVAL && ltx_request_last_error(req)) /* the setter says why */
        problem(b, line, name, "%s", ltx_error_message(ltx_request_last_error(req)));
    else if (st == LTX_EINVAL)
        problem(b, line, name, "%s: not a field of %s", name, endpoint);
    else if (st != LTX_OK)
        problem(b, line, name, "%s: %s", name, ltx_strerror(st));
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
static void parse_line(struct batch *b, unsigned line, const char *text, size_t len)
{
    size_t before = b->nproblems;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *v;
    struct entry e;
    const char *name;
    ltx_error *err = NULL;

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
    if ((v = json_object_get(root, "id")) && !json_is_null(v)) {
        if (!plain_string(v) || !key_is_safe(json_string_value(v)))
            problem(b, line, "id",
                    "id: must be a string of at most %d letters, digits, '.', '_' and '-', "
                    "not starting with '.' or '-'",
                    KEY_MAX);
        else
            e.key = xstrdup(b, json_string_value(v));
    } else {
        e.key = xprintf("%u", line);
    }
    e.endpoint = LTX_ENDPOINT_TEXT_TO_VIDEO;
    e.endpoint_name = xstrdup(b, ltx_endpoint_name(LTX_ENDPOINT_TEXT_TO_VIDEO));
    if ((v = json_object_get(root, "endpoint")) && !json_is_null(v)) {
        const char *ep = plain_string(v) ? cli_endpoint_name(json_string_value(v)) : NULL;

        if (!ep) {
            char list[MESSAGE_MAX];

            endpoint_list(list, sizeof(list));
            problem(b, line, "endpoint",
                    "endpoint: not one of %s, nor another API path segment of lower-case letters, "
                    "digits and '-'", list);
        } else {
            /* an endpoint this release does not know is called by its name */
            e.endpoint = cli_endpoint_from_name(ep);
            free(e.endpoint_name);
            e.endpoint_name = xstrdup(b, ep);
        }
    }
    if ((v = json_object_get(root, "output")) && !json_is_null(v)) {
        if (!plain_string(v) || !*json_string_value(v))
            problem(b, line, "output", "output: must be a file name");
        else if (!stays_inside(json_string_value(v)))
            problem(b, line, "output",
                    "output: must be a path inside --output-dir (not absolute, no '..')");
        else
            e.output = join_path(b->output_dir, json_string_value(v));
    } else if (e.key) { /* HDR results are ZIP archives of EXR frames */
        char *file = xprintf("%s%s", e.key,
                             e.endpoint == LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR ? ".zip" : ".mp4");

        e.output = file ? join_path(b->output_dir, file) : NULL;
        free(file);
    }
    if (b->nproblems != before)
        goto out;
    if (!e.key || !e.output || !e.endpoint_name ||
        ltx_request_new_by_name(&e.req, e.endpoint_name) != LTX_OK) {
        b->oom = 1;
        goto out;
    }
    json_object_foreach(root, name, v)
    {
        if (strcmp(name, "id") == 0 || strcmp(name, "endpoint") == 0 ||
            strcmp(name, "output") == 0)
            continue;
        if (set_field(b, &e, name, v))
            goto out;
    }
    if (ltx_request_validate(e.req, &err) != LTX_OK) {
        const char *field = err ? ltx_error_field(err) : NULL;
        const char *msg = err ? ltx_error_message(err) : "invalid request";

        if (field && strncmp(msg, field, strlen(field)) != 0)
            problem(b, line, field, "%s: %s", field, msg);
        else
            problem(b, line, field, "%s", msg);
        goto out;
    }
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
    ltx_error_free(err);
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
static void check_duplicates(struct batch *b, struct entry **sorted)
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
static int load(struct batch *b)
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
static int report_problems(struct batch *b)
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
    if (cfg->json) {
        printf("{\"ok\":false,\"code\":%d,\"class\":", LTX_EREQUEST);
        cli_json_string(stdout, cli_class_name(LTX_EREQUEST));
        printf(",\"message\":\"%zu invalid line%s; nothing was submitted\",\"errors\":[", lines,
               lines == 1 ? "" : "s");
        for (size_t i = 0; i < b->nproblems; i++) {
            printf("%s{\"line\":%u,\"field\":", i ? "," : "", b->problems[i].line);
            if (b->problems[i].field)
                cli_json_string(stdout, b->problems[i].field);
            else
                fputs("null", stdout);
            fputs(",\"message\":", stdout);
            cli_json_string(stdout, b->problems[i].message ? b->problems[i].message : "invalid");
            fputc('}', stdout);
        }
        fputs("]}\n", stdout);
        fflush(stdout);
    }
    return cli_exit_code(LTX_EREQUEST);
}

/* ------------------------------------------------------------------ the journal */

struct record {
    const char *event;
    const char *endpoint, *job_id, *output;
    int has_bytes;
    uint64_t bytes;
    int has_code, code, http_status, possibly_executed;
    const char *message, *error_type;
};

static void stop_batch(struct batch *b, int status)
{
    if (!b->stop_status)
        b->stop_status = status;
}

static int stopped(const struct batch *b)
{
    return b->stop_status || cli_interrupted();
}

/* One line, written whole with O_APPEND and flushed to the disk before this returns. */
static int journal_append(struct batch *b, const struct entry *e, const struct record *r)
{
    char *line = NULL, when[32];
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    time_t t = time(NULL);
    struct tm tm;
    int rc = -1, saved = ENOMEM, report = 1;

    if (!f)
        goto out;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    fputs("{\"key\":", f);
    cli_json_string(f, e->key);
    fputs(",\"event\":", f);
    cli_json_string(f, r->event);
    if (r->endpoint) {
        fputs(",\"endpoint\":", f);
        cli_json_string(f, r->endpoint);
    }
    if (r->job_id) {
        fputs(",\"job_id\":", f);
        cli_json_string(f, r->job_id);
    }
    if (r->output) {
        fputs(",\"output\":", f);
        cli_json_string(f, r->output);
    }
    if (r->has_bytes)
        fprintf(f, ",\"bytes\":%" PRIu64, r->bytes);
    if (r->has_code) {
        fprintf(f, ",\"code\":%d", r->code);
        if (r->http_status)
            fprintf(f, ",\"http_status\":%d", r->http_status);
        if (r->error_type) {
            char *clean = cli_redact(r->error_type, LTX_REDACT_ALL);

            fputs(",\"error_type\":", f);
            cli_json_string(f, clean);
            free(clean);
        }
        {
            char *clean = cli_redact(r->message ? r->message : ltx_strerror(r->code),
                                     LTX_REDACT_ALL);

            fputs(",\"message\":", f);
            cli_json_string(f, clean);
            free(clean);
        }
        if (r->possibly_executed)
            fputs(",\"possibly_executed\":true", f);
    }
    fputs(",\"time\":", f);
    cli_json_string(f, when);
    fputs("}\n", f);
    if (fclose(f) != 0)
        goto out;
    if (b->journal_broken) {
        report = 0; /* said already */
    } else if (write_all(b->journal_fd, line, len) != 0 || fsync(b->journal_fd) != 0) {
        saved = errno;
        b->journal_broken = 1;
    } else {
        rc = 0;
    }
out:
    free(line);
    if (rc != 0) {
        if (report)
            note(b, 1, "cannot write the journal %s: %s; starting nothing more", b->journal_path,
                 strerror(saved));
        stop_batch(b, LTX_EIO);
    }
    return rc;
}

/* The entry of a key, by binary search in the entries sorted by key (keys are unique). */
static struct entry *find_key(const struct batch *b, struct entry **sorted, const char *key)
{
    for (size_t lo = 0, hi = b->n; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted[mid]->key, key);

        if (c == 0)
            return sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void replace(struct batch *b, char **slot, const char *value)
{
    free(*slot);
    *slot = xstrdup(b, value);
}

/* Fold one record into the entry it names; returns 0, or -1 for a record that makes no sense. */
static int apply_record(struct batch *b, struct entry **sorted, json_t *rec, size_t *strangers)
{
    const char *key = plain_string(json_object_get(rec, "key"));
    const char *event = plain_string(json_object_get(rec, "event"));
    const char *job_id = plain_string(json_object_get(rec, "job_id"));
    const char *endpoint = plain_string(json_object_get(rec, "endpoint"));
    struct entry *e;

    if (!key || !event)
        return -1;
    if (!(e = find_key(b, sorted, key))) {
        (*strangers)++;
        return 0;
    }
    if (strcmp(event, "submitting") == 0) { /* a new attempt: what came before is history */
        e->jstate = J_SUBMITTING;
        replace(b, &e->job_id, NULL);
        replace(b, &e->job_endpoint, NULL);
    } else if (strcmp(event, "accepted") == 0) {
        if (!job_id || !*job_id)
            return -1;
        e->jstate = J_ACCEPTED;
        replace(b, &e->job_id, job_id);
        replace(b, &e->job_endpoint, endpoint ? endpoint : e->endpoint_name);
    } else if (strcmp(event, "done") == 0) {
        e->jstate = J_DONE;
    } else if (strcmp(event, "failed") == 0) {
        json_t *code = json_object_get(rec, "code");

        e->jstate = J_FAILED;
        e->j_code = json_is_integer(code) ? (int)json_integer_value(code) : LTX_EHTTP;
        e->j_possibly = json_is_true(json_object_get(rec, "possibly_executed"));
        replace(b, &e->j_message, plain_string(json_object_get(rec, "message")));
        /* ltx names the job in every failure that has one: none named, none made */
        replace(b, &e->job_id, job_id && *job_id ? job_id : NULL);
        replace(b, &e->job_endpoint,
                !e->job_id ? NULL : endpoint ? endpoint : e->endpoint_name);
    } else {
        return -1;
    }
    return 0;
}

static char *memrchr_newline(char *data, size_t size)
{
    while (size--)
        if (data[size] == '\n')
            return data + size;
    return NULL;
}

/*
 * Open (or create) the journal, lock it against a second ltx batch, and fold what it holds into
 * the entries. A last line without its newline was torn by a kill: it is ignored and cut off, so
 * that the next record starts on a line of its own. Returns 0 or an exit code.
 */
static int journal_open(struct batch *b, struct entry **sorted)
{
    const struct batch_config *cfg = b->cfg;
    char message[MESSAGE_MAX], *data = NULL;
    struct flock lock;
    struct stat st;
    size_t size, got = 0, damaged = 0, strangers = 0;
    unsigned lineno = 0;
    /* never through a symlink (the repair below truncates), never a FIFO that would block;
     * 0600: its records name jobs and may quote the server */
    int fd = open(b->journal_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                  0600);

    if (fd < 0) {
        snprintf(message, sizeof(message), "cannot open the journal %s: %s", b->journal_path,
                 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
        return cfg->fail(cfg->ctx, LTX_EIO, message);
    }
    b->journal_fd = fd;
    memset(&lock, 0, sizeof(lock));
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &lock) != 0) {
        snprintf(message, sizeof(message), "the journal %s is in use by another ltx batch",
                 b->journal_path);
        return cfg->fail(cfg->ctx, CLI_STATUS_USAGE, message);
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(message, sizeof(message), "the journal %s is not a regular file",
                 b->journal_path);
        return cfg->fail(cfg->ctx, LTX_EIO, message);
    }
    {
        struct stat in;

        if (stat(cfg->input, &in) == 0 && in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
            snprintf(message, sizeof(message), "the journal %s is the batch file itself",
                     b->journal_path);
            return cfg->fail(cfg->ctx, CLI_STATUS_USAGE, message);
        }
    }
    size = (size_t)st.st_size;
    if (size == 0) { /* new: make its name durable too */
        char *dir = parent_dir(b->journal_path);
        int dfd = dir ? open(dir, O_RDONLY | O_CLOEXEC) : -1;

        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
        return 0;
    }
    if (!(data = malloc(size + 1)))
        return cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
    while (got < size) {
        ssize_t n = pread(fd, data + got, size - got, (off_t)got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(message, sizeof(message), "cannot read the journal %s: %s",
                     b->journal_path, n < 0 ? strerror(errno) : "it shrank");
            free(data);
            return cfg->fail(cfg->ctx, LTX_EIO, message);
        }
        got += (size_t)n;
    }
    data[size] = '\0';
    for (char *p = data, *end; (end = memchr(p, '\n', size - (size_t)(p - data))); p = end + 1) {
        json_t *rec = json_loadb(p, (size_t)(end - p), JSON_REJECT_DUPLICATES, NULL);

        lineno++;
        if (!rec || !json_is_object(rec) || apply_record(b, sorted, rec, &strangers) != 0) {
            damaged++;
            note(b, 1, "%s:%u: not a journal record; ignored", b->journal_path, lineno);
        }
        json_decref(rec);
    }
    if (data[size - 1] != '\n') { /* torn: its write never finished, so nothing relied on it */
        char *last = memrchr_newline(data, size);
        off_t keep = last ? (off_t)(last - data) + 1 : 0;

        note(b, 0, "%s: an incomplete last record (from a run that was killed) removed",
             b->journal_path);
        if (ftruncate(fd, keep) != 0 || fsync(fd) != 0) {
            snprintf(message, sizeof(message), "cannot write the journal %s: %s",
                     b->journal_path, strerror(errno));
            free(data);
            return cfg->fail(cfg->ctx, LTX_EIO, message);
        }
    }
    free(data);
    if (strangers)
        note(b, 1, "the journal %s has %zu records for keys that are not in %s; ignored",
             b->journal_path, strangers, cfg->input);
    return b->oom ? cfg->fail(cfg->ctx, LTX_ENOMEM, NULL) : 0;
}

/* ------------------------------------------------------------------ planning */

/* A rejection that created no job and will not change by itself. */
static int final_rejection(int code)
{
    return code >= 400 && code < 500 && code != 408 && code != 429;
}

static void plan_entry(struct batch *b, struct entry *e)
{
    const struct batch_config *cfg = b->cfg;

    switch (e->jstate) {
    case J_NONE:
        e->plan = P_SUBMIT;
        break;
    case J_DONE:
        e->plan = is_regular_file(e->output) ? P_SKIP : e->job_id ? P_RESUME : P_SUBMIT;
        break;
    case J_ACCEPTED:
        e->plan = P_RESUME;
        break;
    case J_SUBMITTING:
        e->plan = cfg->resubmit_unknown ? P_SUBMIT : P_UNKNOWN;
        break;
    case J_FAILED:
        if (e->job_id) { /* the job exists: pick it up again unless it is over for good */
            int over = e->j_code == LTX_EJOBFAILED || e->j_code == LTX_ENOTFOUND;

            e->plan = !over ? P_RESUME : cfg->retry_failed ? P_SUBMIT : P_FAILED_BEFORE;
        } else if (e->j_possibly) {
            e->plan = cfg->resubmit_unknown ? P_SUBMIT : P_UNKNOWN;
        } else {
            e->plan = !final_rejection(e->j_code) ? P_SUBMIT
                      : cfg->retry_failed         ? P_SUBMIT
                                                  : P_FAILED_BEFORE;
        }
        break;
    }
    switch (e->plan) {
    case P_SKIP:
        e->outcome = O_DONE;
        break;
    case P_UNKNOWN:
        e->outcome = O_UNKNOWN;
        e->message = xstrdup(b, "the outcome of its submission is unknown");
        break;
    case P_FAILED_BEFORE:
        e->outcome = O_FAILED;
        e->status = e->j_code;
        e->message = xstrdup(b, e->j_message ? e->j_message : ltx_strerror(e->j_code));
        break;
    default:
        break;
    }
}

/* Named temporary files a killed run may have left beside an output ("NAME.part-XXXXXXXX"). */
static void remove_stale_parts(const char *output)
{
    char *dir = parent_dir(output);
    const char *base = base_name(output);
    size_t blen = strlen(base);
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *de;

    while (d && (de = readdir(d))) {
        const char *name = de->d_name, *tail = name + blen + strlen(".part-");
        size_t hex = 0;

        if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".part-", 6) != 0)
            continue;
        while (tail[hex] && strchr("0123456789abcdef", tail[hex]))
            hex++;
        if (hex == 8 && !tail[hex])
            unlinkat(dirfd(d), name, 0);
    }
    if (d)
        closedir(d);
    free(dir);
}

/* ------------------------------------------------------------------ output files */

static int output_open(struct output *o, const char *path)
{
    o->sink = NULL;
    o->fd = -1;
#ifdef O_TMPFILE
    {
        char *dir = parent_dir(path);

        if (!dir)
            return LTX_ENOMEM;
        o->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
        free(dir);
        if (o->fd >= 0) {
            int st = ltx_sink_new_fd(&o->sink, o->fd);

            if (st != LTX_OK) {
                close(o->fd);
                o->fd = -1;
            }
            return st;
        }
        /* a file system without O_TMPFILE: the library's named temporary file */
    }
#endif
    return ltx_sink_new_path(&o->sink, path);
}

static void output_close(struct output *o)
{
    ltx_sink_free(o->sink); /* removes the library's temporary file unless committed */
    if (o->fd >= 0)
        close(o->fd);
    o->sink = NULL;
    o->fd = -1;
}

/* A name for the unnamed file, by a hard link through /proc, else by copying its bytes. */
static int name_file(int fd, const char *tmp)
{
    char proc[64], buf[COPY_BUFFER];
    off_t off = 0;
    ssize_t n;
    int out, rc = 0;

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno == EEXIST)
        return EEXIST;
    if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
        return errno;
    while (!rc && (n = pread(fd, buf, sizeof(buf), off)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || write_all(out, buf, (size_t)n) != 0)
            rc = errno ? errno : EIO;
        else
            off += n;
    }
    if (!rc && fsync(out) != 0)
        rc = errno;
    if (close(out) != 0 && !rc)
        rc = errno;
    if (rc)
        unlink(tmp);
    return rc;
}

/* Give the complete file its name, replacing any file of that name at once. 0 or errno. */
static int output_commit(struct output *o, const char *path)
{
    int rc = EEXIST;

    if (o->fd < 0)
        return 0; /* the library renamed its own temporary file */
    if (ftruncate(o->fd, (off_t)ltx_sink_bytes_written(o->sink)) != 0 || fsync(o->fd) != 0)
        return errno;
    for (int i = 0; i < TEMP_NAME_TRIES && rc == EEXIST; i++) {
        unsigned salt = (unsigned)getpid() * 2654435761u ^
                        (++temp_counter) * 40503u;
        char *tmp = xprintf("%s.part-%08x", path, salt);

        if (!tmp)
            return ENOMEM;
        rc = name_file(o->fd, tmp);
        if (rc == 0 && rename(tmp, path) != 0) {
            rc = errno;
            unlink(tmp);
        }
        free(tmp);
    }
    return rc;
}

/* ------------------------------------------------------------------ one entry */

/* Sleep, unless interrupted or stopped first (then non-zero). */
static int nap(struct batch *b, uint64_t ms)
{
    uint64_t end = now_ms() + ms;

    while (!stopped(b)) {
        uint64_t t = now_ms(), slice;
        struct timespec ts;

        if (t >= end)
            return 0;
        slice = end - t < NAP_SLICE_MS ? end - t : NAP_SLICE_MS;
        ts.tv_sec = (time_t)(slice / 1000u);
        ts.tv_nsec = (long)(slice % 1000u) * 1000000L;
        nanosleep(&ts, NULL);
    }
    return 1;
}

/* Record and report a failure. Returns -1. */
static int entry_failed(struct entry *e, int status, const ltx_error *err, const char *text)
{
    struct batch *b = e->b;
    const char *message = text ? text : err ? ltx_error_message(err) : ltx_strerror(status);
    int possibly = err && ltx_error_possibly_executed(err);
    struct record r;

    e->todo = TODO_NOTHING;
    memset(&r, 0, sizeof(r));
    r.event = "failed";
    r.has_code = 1;
    r.code = status;
    r.http_status = err ? ltx_error_http_status(err) : 0;
    r.error_type = err ? ltx_error_type(err) : NULL;
    r.message = message;
    r.possibly_executed = possibly;
    r.job_id = e->job_id;
    r.endpoint = e->job_id ? e->job_endpoint : NULL;
    journal_append(b, e, &r);

    e->status = status;
    free(e->message);
    e->message = xstrdup(b, message);
    if (possibly && !e->job_id) {
        e->outcome = O_UNKNOWN;
        say(e, 1, "%s", message);
        say(e, 1, "the server may have created a job: check your jobs before running again "
                  "with --resubmit-unknown");
    } else {
        e->outcome = O_FAILED;
        say(e, 1, "failed: %s", message);
    }
    if (status == LTX_EAUTH || status == LTX_EFORBIDDEN || status == LTX_EFUNDS) {
        stop_batch(b, status);
        note(b, 1, "every submission would fail the same way: starting nothing more");
    }
    return -1;
}

/*
 * Upload the entry's local files and use their ltx:// URIs, before the "submitting" record: an
 * upload killed halfway then leaves no submission of unknown outcome behind, only a file to
 * upload again (uploads cost nothing). The URIs last 24 hours, across 429 waits.
 */
static int upload_files(struct entry *e)
{
    struct batch *b = e->b;

    for (int i = 0; i < N_MEDIA; i++) {
        ltx_error *err = NULL;
        ltx_upload *upload = NULL;
        int st;

        if (!e->files[i])
            continue;
        if (stopped(b))
            return -1;
        say(e, 0, "uploading %s", e->files[i]);
        st = ltx_upload_file(&upload, b->client, e->files[i], NULL, &err);
        if (st == LTX_OK)
            st = cli_set_media(e->req, media_fields[i], ltx_upload_storage_uri(upload));
        ltx_upload_free(upload);
        if (st != LTX_OK) { /* a local file that became unreadable: a mistake in the request */
            entry_failed(e, st == LTX_EIO ? LTX_EREQUEST : st, err, NULL);
            ltx_error_free(err);
            return -1;
        }
        free(e->files[i]);
        e->files[i] = NULL;
    }
    return 0;
}

/*
 * A 429 the library's retries did not outlast, with nothing else of the round left running to
 * wait for: it created no job, so it is recorded, waited out and submitted again in a later
 * round, for at most --timeout after the entry was first submitted.
 */
static void rate_limited(struct entry *e, const ltx_error *err)
{
    struct batch *b = e->b;
    const struct batch_config *cfg = b->cfg;
    uint64_t now = now_ms(), wait;
    int64_t retry_after = err ? ltx_error_retry_after_ms(err) : -1;
    struct record r;

    if (!e->backoff) {
        e->backoff = BACKOFF_FIRST_MS;
        e->seed = e->line * 2654435761u ^ (unsigned)now;
    }
    if (!e->first_submit_ms)
        e->first_submit_ms = now;
    e->seed = e->seed * 1103515245u + 12345u;
    wait = e->backoff - e->backoff / 4 + (e->seed >> 8) % (e->backoff / 2 + 1); /* +-25% */
    if (retry_after > 0 && (uint64_t)retry_after > wait)
        wait = (uint64_t)retry_after < RETRY_AFTER_CAP_MS ? (uint64_t)retry_after
                                                          : RETRY_AFTER_CAP_MS;
    if (cfg->timeout_ms != LTX_NO_LIMIT && now + wait - e->first_submit_ms > cfg->timeout_ms) {
        char text[MESSAGE_MAX];

        snprintf(text, sizeof(text), "%s (still refused when --timeout ran out)",
                 err ? ltx_error_message(err) : ltx_strerror(LTX_ERATELIMIT));
        entry_failed(e, LTX_ERATELIMIT, err, text);
        return;
    }
    /* rejected: recorded, so that a crash while waiting leaves no doubt about it */
    memset(&r, 0, sizeof(r));
    r.event = "failed";
    r.has_code = 1;
    r.code = LTX_ERATELIMIT;
    r.http_status = err ? ltx_error_http_status(err) : 0;
    r.error_type = err ? ltx_error_type(err) : NULL;
    r.message = err ? ltx_error_message(err) : NULL;
    journal_append(b, e, &r);
    say(e, 0, "%s; submitting again in %.1f s",
        err && ltx_error_type(err) ? ltx_error_type(err) : "rate limited", (double)wait / 1000.0);
    e->todo = TODO_SUBMIT;
    e->retry_at = now + wait;
    e->backoff = e->backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : e->backoff * 2;
}

/* How an entry of the round ended: record it (from the done callback, or after a stopped run). */
static void entry_ended(struct entry *e, int status, const ltx_error *err, const char *job_id)
{
    struct batch *b = e->b;
    int possibly = err && ltx_error_possibly_executed(err);
    struct record r;
    int rc;

    e->in_round = 0;
    if (job_id && (!e->job_id || strcmp(e->job_id, job_id) != 0)) {
        replace(b, &e->job_id, job_id);
        replace(b, &e->job_endpoint, e->endpoint_name);
    }
    if (status == LTX_OK) {
        if ((rc = output_commit(&e->out, e->output)) != 0) {
            char text[MESSAGE_MAX];

            snprintf(text, sizeof(text), "cannot write %s: %s", e->output, strerror(rc));
            entry_failed(e, LTX_EIO, NULL, text);
            return;
        }
        e->bytes = ltx_sink_bytes_written(e->out.sink);
        memset(&r, 0, sizeof(r));
        r.event = "done";
        r.output = e->output;
        r.has_bytes = 1;
        r.bytes = e->bytes;
        r.job_id = e->job_id;
        journal_append(b, e, &r); /* lost, it only costs a download next time */
        e->outcome = O_DONE;
        say(e, 0, "wrote %s (%" PRIu64 " bytes)", e->output, e->bytes);
        return;
    }
    if (status == LTX_ECANCELLED && e->timed_out) {
        char text[MESSAGE_MAX];

        snprintf(text, sizeof(text),
                 "no result within --timeout (%.0f s); the job keeps running and a rerun "
                 "picks it up", (double)b->cfg->timeout_ms / 1000.0);
        entry_failed(e, LTX_ETIMEDOUT, NULL, text);
        return;
    }
    if (status == LTX_ECANCELLED && !(possibly && !e->job_id)) {
        /* interrupted, or not submitted because the batch stops: unfinished, nothing to record */
        if (e->job_id && !e->refused)
            say(e, 0, "interrupted; the job goes on and a rerun picks it up");
        return;
    }
    if (status == LTX_ERATELIMIT && !e->job_id && !possibly) {
        rate_limited(e, err);
        return;
    }
    entry_failed(e, status, err, NULL);
}

/* The library tries again by itself (429, 503, a dropped connection): say so. */
static void on_attempt(const ltx_attempt *a, void *userdata)
{
    struct batch *b = userdata;
    int http = ltx_attempt_http_status(a);
    const char *method = ltx_attempt_method(a), *url = ltx_attempt_url(a);
    char where[MESSAGE_MAX];

    if (!ltx_attempt_will_retry(a) || !b->progress)
        return;
    /* the URL without its query, which may hold a download's signature */
    snprintf(where, sizeof(where), "%s %.*s", method ? method : "",
             url ? (int)strcspn(url, "?#") : 0, url ? url : "");
    if (http)
        note(b, 0, "%s answered HTTP %d; the library tries again in %.1f s", where, http,
             (double)ltx_attempt_delay_ms(a) / 1000.0);
    else
        note(b, 0, "%s: %s; the library tries again in %.1f s", where,
             ltx_strerror(ltx_attempt_transport_status(a)),
             (double)ltx_attempt_delay_ms(a) / 1000.0);
}

/* ------------------------------------------------------------------ the rounds */

/*
 * The work runs in rounds, each one ltx_batch on this thread. A round holds at most
 * ROUND_MAX_ENTRIES entries, since each keeps its output file open while the round runs; an
 * entry refused with 429 goes to a later round.
 */
#define ROUND_MAX_ENTRIES 256u

struct round {
    struct batch *b;
    ltx_batch *lb;
    struct entry *e[ROUND_MAX_ENTRIES]; /* by the entry's index in lb (at most one per add) */
    size_t n;
};

static struct entry *round_entry(struct round *r, size_t index)
{
    return index < r->n ? r->e[index] : NULL;
}

/* --timeout bounds an entry from its acceptance (or its resumption) to its download's end. */
static int past_timeout(struct entry *e)
{
    uint32_t limit = e->b->cfg->timeout_ms;

    if (limit == LTX_NO_LIMIT || !e->t0 || now_ms() - e->t0 <= limit)
        return 0;
    e->timed_out = 1;
    return 1;
}

static int on_progress(const ltx_progress *p, void *userdata)
{
    struct round *rd = userdata;
    struct entry *e = round_entry(rd, ltx_progress_batch_index(p));
    struct batch *b = rd->b;
    const char *status = ltx_progress_status(p);
    struct record r;

    if (!e)
        return 0;
    switch (ltx_progress_stage(p)) {
    case LTX_STAGE_SUBMITTING:
        /* without the record a crash could pay twice: such an entry stays unfinished */
        if (stopped(b)) {
            e->refused = 1;
            return 1;
        }
        replace(b, &e->job_id, NULL); /* a new attempt: an earlier job of this entry is history */
        replace(b, &e->job_endpoint, NULL);
        memset(&r, 0, sizeof(r));
        r.event = "submitting";
        r.endpoint = e->endpoint_name;
        if (journal_append(b, e, &r) != 0) {
            e->refused = 1;
            return 1;
        }
        if (!e->first_submit_ms)
            e->first_submit_ms = now_ms();
        say(e, 0, "submitting");
        return 0;
    case LTX_STAGE_SUBMITTED:
        replace(b, &e->job_id, ltx_progress_job_id(p));
        replace(b, &e->job_endpoint, e->endpoint_name);
        e->t0 = now_ms();
        memset(&r, 0, sizeof(r));
        r.event = "accepted";
        r.endpoint = e->job_endpoint;
        r.job_id = e->job_id;
        if (journal_append(b, e, &r) != 0)
            say(e, 1, "accepted, but not recorded in the journal: note the job id");
        say(e, 0, "accepted");
        return cli_interrupted(); /* recorded first: a rerun picks the job up */
    case LTX_STAGE_WAITING:
        if (status && strncmp(status, e->last_status, sizeof(e->last_status) - 1) != 0) {
            snprintf(e->last_status, sizeof(e->last_status), "%s", status);
            say(e, 0, "%s", status);
        }
        break;
    default:
        break;
    }
    return cli_interrupted() || past_timeout(e);
}

static int on_done(size_t index, int status, const ltx_error *err, const char *job_id,
                   void *userdata)
{
    struct entry *e = round_entry(userdata, index);

    if (e)
        entry_ended(e, status, err, job_id);
    return cli_interrupted(); /* stop: no new submission, in-flight ones still record their ids */
}

/* Put one entry into the round: resumed by its job id, or submitted. */
static void round_add(struct round *rd, struct entry *e)
{
    ltx_error *err = NULL;
    size_t index;
    int st, resume = e->todo == TODO_RESUME;

    if (!resume && upload_files(e) != 0)
        return;
    if ((st = output_open(&e->out, e->output)) == LTX_OK)
        st = ltx_sink_set_max_bytes(e->out.sink, rd->b->cfg->max_bytes);
    if (st != LTX_OK) {
        char text[MESSAGE_MAX];

        snprintf(text, sizeof(text), "cannot write %s: %s", e->output, ltx_strerror(st));
        entry_failed(e, st, NULL, text);
        return;
    }
    if (resume) {
        ltx_job *job = NULL;

        st = ltx_job_open_by_name(&job, rd->b->client, e->job_endpoint, e->job_id, &err);
        if (st == LTX_OK)
            st = ltx_batch_add_job(&index, rd->lb, job, e->out.sink, &err);
        ltx_job_free(job);
    } else {
        /* the client has no deadline during a run (each entry has its own, from acceptance);
         * this bounds the submit itself, so a server that never answers cannot hang it */
        if (rd->b->cfg->timeout_ms != LTX_NO_LIMIT)
            ltx_request_set_deadline_ms(e->req, rd->b->cfg->timeout_ms);
        st = ltx_batch_add(&index, rd->lb, e->req, e->out.sink, &err);
    }
    if (st != LTX_OK) {
        output_close(&e->out);
        entry_failed(e, st, err, NULL);
        ltx_error_free(err);
        return;
    }
    if (resume)
        say(e, 0, "resuming");
    e->t0 = 0; /* set when accepted, or when the round starts for a resumed job */
    e->todo = TODO_NOTHING;
    e->in_round = 1;
    e->refused = e->timed_out = 0;
    e->last_status[0] = '\0';
    rd->e[index] = e;
    rd->n = index + 1;
}

/* Run one round; non-zero when the batch must stop. */
static int round_run(struct round *rd)
{
    struct batch *b = rd->b;
    ltx_error *err = NULL;
    int st;

    /* a deadline covers a whole ltx_batch_run(): each entry's --timeout is kept by on_progress */
    ltx_client_set_deadline_ms(b->client, LTX_NO_LIMIT);
    for (size_t i = 0; i < rd->n; i++)
        if (rd->e[i] && ltx_batch_job_id(rd->lb, i)) /* resumed: running on the server already */
            rd->e[i]->t0 = now_ms();
    st = ltx_batch_run(rd->lb, on_done, rd, &err);
    ltx_client_set_deadline_ms(b->client, b->cfg->timeout_ms); /* for the next uploads */
    for (size_t i = 0; i < rd->n; i++) { /* the entries that ended after the run stopped */
        struct entry *e = rd->e[i];

        if (e && e->in_round) {
            int s = ltx_batch_status(rd->lb, i);

            entry_ended(e, s == LTX_EINVAL ? LTX_ECANCELLED : s, ltx_batch_error(rd->lb, i),
                        ltx_batch_job_id(rd->lb, i));
        }
    }
    if (st != LTX_OK && st != LTX_EJOBFAILED && st != LTX_ECANCELLED && st != LTX_ETIMEDOUT) {
        note(b, 1, "%s", err ? ltx_error_message(err) : ltx_strerror(st));
        stop_batch(b, st);
    }
    ltx_error_free(err);
    return stopped(b);
}

static void run_rounds(struct batch *b)
{
    struct round *rd = calloc(1, sizeof(*rd));

    if (!rd) {
        note(b, 1, "%s", ltx_strerror(LTX_ENOMEM));
        stop_batch(b, LTX_ENOMEM);
        return;
    }
    rd->b = b;
    while (!stopped(b)) {
        uint64_t now = now_ms(), wake = UINT64_MAX;
        size_t fresh = 0;
        int st;

        for (size_t i = 0; i < b->nqueue; i++) {
            const struct entry *e = b->queue[i];

            if (e->todo != TODO_NOTHING && e->retry_at <= now)
                fresh++;
            else if (e->todo != TODO_NOTHING && e->retry_at < wake)
                wake = e->retry_at;
        }
        if (!fresh && wake == UINT64_MAX)
            break; /* all done */
        if (!fresh && nap(b, wake - now))
            break;
        if ((st = ltx_batch_new(&rd->lb, b->client)) != LTX_OK ||
            (st = ltx_batch_set_concurrency(rd->lb, b->cfg->concurrency)) != LTX_OK ||
            (st = ltx_batch_set_progress(rd->lb, on_progress, rd)) != LTX_OK) {
            note(b, 1, "%s", ltx_strerror(st));
            stop_batch(b, st);
            ltx_batch_free(rd->lb);
            break;
        }
        now = now_ms();
        rd->n = 0;
        for (size_t i = 0, taken = 0; i < b->nqueue && taken < ROUND_MAX_ENTRIES && !stopped(b);
             i++) {
            struct entry *e = b->queue[i];

            if (e->todo == TODO_NOTHING || e->retry_at > now)
                continue;
            taken++;
            round_add(rd, e);
        }
        st = rd->n && !stopped(b) ? round_run(rd) : 0;
        ltx_batch_free(rd->lb); /* then the sinks it borrowed */
        rd->lb = NULL;
        for (size_t i = 0; i < rd->n; i++)
            if (rd->e[i]) {
                rd->e[i]->in_round = 0;
                output_close(&rd->e[i]->out);
            }
        memset(rd->e, 0, sizeof(rd->e));
        rd->n = 0;
        if (st)
            break;
    }
    free(rd);
}

/* ------------------------------------------------------------------ the end */

static const char *outcome_name(enum outcome o)
{
    static const char *const names[] = {"unfinished", "done", "failed", "unknown"};

    return names[o];
}

static void print_json_summary(struct batch *b, int ok, size_t count[4])
{
    printf("{\"ok\":%s,\"done\":%zu,\"failed\":%zu,\"unknown\":%zu,\"unfinished\":%zu,"
           "\"journal\":",
           ok ? "true" : "false", count[O_DONE], count[O_FAILED], count[O_UNKNOWN],
           count[O_UNFINISHED]);
    cli_json_string(stdout, b->journal_path);
    fputs(",\"entries\":[", stdout);
    for (size_t i = 0; i < b->n; i++) {
        const struct entry *e = &b->entries[i];
        int failed = e->outcome == O_FAILED;

        printf("%s{\"key\":", i ? "," : "");
        cli_json_string(stdout, e->key);
        printf(",\"line\":%u,\"state\":\"%s\",\"job_id\":", e->line, outcome_name(e->outcome));
        if (e->job_id)
            cli_json_string(stdout, e->job_id);
        else
            fputs("null", stdout);
        fputs(",\"output\":", stdout);
        cli_json_string(stdout, e->output);
        if (e->outcome == O_DONE && e->plan != P_SKIP)
            printf(",\"bytes\":%" PRIu64, e->bytes);
        else
            fputs(",\"bytes\":null", stdout);
        if (failed)
            printf(",\"code\":%d,\"class\":\"%s\"", e->status, cli_class_name(e->status));
        else
            fputs(",\"code\":null,\"class\":null", stdout);
        fputs(",\"message\":", stdout);
        if (e->message && e->outcome != O_DONE)
            cli_json_string(stdout, e->message);
        else
            fputs("null", stdout);
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
    fflush(stdout);
}

static int summarize(struct batch *b)
{
    size_t count[4] = {0, 0, 0, 0};
    const struct entry *first_failed = NULL;
    int rc = 0;

    for (size_t i = 0; i < b->n; i++) {
        count[b->entries[i].outcome]++;
        if (b->entries[i].outcome == O_FAILED && !first_failed)
            first_failed = &b->entries[i];
    }
    if (cli_interrupted())
        rc = EXIT_INTERRUPTED;
    else if (count[O_UNKNOWN])
        rc = EXIT_UNKNOWN_OUTCOME;
    else if (first_failed)
        rc = cli_exit_code(first_failed->status);
    else if (count[O_UNFINISHED])
        rc = b->stop_status ? cli_exit_code(b->stop_status) : EXIT_OTHER;
    if (!b->cfg->quiet && !b->cfg->json) {
        flockfile(stderr);
        fprintf(stderr, "%zu done, %zu failed, %zu unknown", count[O_DONE], count[O_FAILED],
                count[O_UNKNOWN]);
        if (count[O_UNFINISHED])
            fprintf(stderr, ", %zu unfinished", count[O_UNFINISHED]);
        fputc('\n', stderr);
        funlockfile(stderr);
    }
    if (rc == EXIT_INTERRUPTED)
        note(b, 1, "interrupted; run the same command again to finish (journal %s)",
             b->journal_path);
    else if (count[O_UNKNOWN])
        note(b, 1,
             "%zu submission%s may or may not have created a job: check your jobs, then run "
             "again with --resubmit-unknown to submit %s",
             count[O_UNKNOWN], count[O_UNKNOWN] == 1 ? "" : "s",
             count[O_UNKNOWN] == 1 ? "it again" : "them again");
    if (b->cfg->json)
        print_json_summary(b, rc == 0, count);
    return rc;
}

/* ------------------------------------------------------------------ ltx batch */

static void free_batch(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        struct entry *e = &b->entries[i];

        free(e->key);
        free(e->endpoint_name);
        free(e->output);
        ltx_request_free(e->req);
        free(e->job_id);
        free(e->job_endpoint);
        free(e->j_message);
        free(e->message);
        for (int k = 0; k < N_MEDIA; k++)
            free(e->files[k]);
    }
    free(b->entries);
    for (size_t i = 0; i < b->nproblems; i++) {
        free(b->problems[i].field);
        free(b->problems[i].message);
    }
    free(b->problems);
    free(b->queue);
    free(b->journal_path);
    if (b->journal_fd >= 0)
        close(b->journal_fd); /* and with it the lock */
    ltx_client_free(b->client);
}

int cli_batch(const struct batch_config *cfg)
{
    struct batch b;
    struct entry **sorted = NULL;
    char *output_dir;
    size_t resume = 0, fresh = 0, skipped = 0;
    int rc;

    memset(&b, 0, sizeof(b));
    b.cfg = cfg;
    b.output_dir = output_dir = strdup(cfg->output_dir ? cfg->output_dir : ".");
    for (size_t len = output_dir ? strlen(output_dir) : 0; len > 1 && output_dir[len - 1] == '/';)
        output_dir[--len] = '\0';
    b.progress = !cfg->quiet && !cfg->json;
    b.journal_fd = -1;

    /* 1. every line checked before anything is sent */
    if (!output_dir) {
        rc = cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
        goto out;
    }
    if ((rc = load(&b)) != 0)
        goto out;
    if (b.n && !(sorted = calloc(b.n, sizeof(*sorted)))) {
        rc = cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
        goto out;
    }
    check_duplicates(&b, sorted);
    if (b.nproblems) {
        rc = b.oom ? cfg->fail(cfg->ctx, LTX_ENOMEM, NULL) : report_problems(&b);
        goto out;
    }

    /* 2. the client, the output directory and the journal */
    if ((rc = cfg->make_client(cfg->ctx, &b.client)) != 0)
        goto out;
    ltx_client_set_attempt_hook(b.client, on_attempt, &b);
    for (size_t i = 0; i <= b.n; i++) { /* the output directory, and any an output names */
        char *dir = i < b.n ? parent_dir(b.entries[i].output) : strdup(b.output_dir);
        char message[MESSAGE_MAX];

        if (!dir || (rc = make_dirs(dir)) != 0) {
            snprintf(message, sizeof(message), "cannot create the directory %s: %s",
                     dir ? dir : "", strerror(dir ? rc : ENOMEM));
            free(dir);
            rc = cfg->fail(cfg->ctx, LTX_EIO, message);
            goto out;
        }
        free(dir);
    }
    b.journal_path = cfg->journal ? strdup(cfg->journal) : NULL;
    if (!b.journal_path) {
        char *name = xprintf("%s.journal", strcmp(cfg->input, "-") ? base_name(cfg->input)
                                                                  : "stdin");

        b.journal_path = name ? join_path(b.output_dir, name) : NULL;
        free(name);
    }
    if (!b.journal_path) {
        rc = cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
        goto out;
    }
    if ((rc = journal_open(&b, sorted)) != 0)
        goto out;

    /* 3. the plan: jobs already accepted first (they run on the server already), then new ones */
    if (b.n && !(b.queue = calloc(b.n, sizeof(*b.queue)))) {
        rc = cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
        goto out;
    }
    for (size_t i = 0; i < b.n; i++) {
        struct entry *e = &b.entries[i];

        plan_entry(&b, e);
        if (e->plan == P_RESUME || e->plan == P_SUBMIT)
            remove_stale_parts(e->output);
        if (e->plan == P_RESUME) {
            e->todo = TODO_RESUME;
            b.queue[b.nqueue++] = e;
        }
        resume += e->plan == P_RESUME;
        fresh += e->plan == P_SUBMIT;
        skipped += e->plan == P_SKIP;
    }
    for (size_t i = 0; i < b.n; i++)
        if (b.entries[i].plan == P_SUBMIT) {
            b.entries[i].todo = TODO_SUBMIT;
            b.queue[b.nqueue++] = &b.entries[i];
        }
    note(&b, 0, "%zu entr%s: %zu done before, %zu to resume, %zu to submit; journal %s", b.n,
         b.n == 1 ? "y" : "ies", skipped, resume, fresh, b.journal_path);
    for (size_t i = 0; i < b.n; i++) {
        const struct entry *e = &b.entries[i];

        if (e->plan == P_UNKNOWN)
            say(e, 1, "submitted before, but no job id was recorded: the server may have "
                      "created a job");
        else if (e->plan == P_FAILED_BEFORE)
            say(e, 1, "failed before: %s (--retry-failed submits it again)", e->message);
    }

    /* 4. the work */
    run_rounds(&b);
    rc = summarize(&b);
out:
    free(sorted);
    free_batch(&b);
    free(output_dir);
    return rc;
}
