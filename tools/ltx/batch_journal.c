/* tools/ltx/batch_journal.c — ltx batch: the journal, planning, and the output files. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* O_TMPFILE: a file without a name until it is complete */
#endif
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

static unsigned temp_counter;

/* ------------------------------------------------------------------ the journal */

void stop_batch(struct batch *b, int status)
{
    if (!b->stop_status)
        b->stop_status = status;
}

int stopped(const struct batch *b)
{
    return b->stop_status || cli_interrupted();
}

/* The failure of a "failed" or "unknown" record. */
static void record_error(json_t *o, const struct record *r)
{
    char *clean;

    json_object_set_new(o, "code", json_integer(r->code));
    if (r->http_status)
        json_object_set_new(o, "http_status", json_integer(r->http_status));
    if (r->error_type) {
        clean = cli_redact(r->error_type, LTX_REDACT_ALL);
        json_object_set_new(o, "error_type", cli_json_str(clean));
        free(clean);
    }
    clean = cli_redact(r->message ? r->message : ltx_strerror(r->code), LTX_REDACT_ALL);
    json_object_set_new(o, "message", cli_json_str(clean));
    free(clean);
    if (r->possibly_executed)
        json_object_set_new(o, "possibly_executed", json_true());
}

/* One line, written whole with O_APPEND and flushed to the disk before this returns. */
int journal_append(struct batch *b, const struct entry *e, const struct record *r)
{
    char *line = NULL, when[32];
    size_t len = 0;
    json_t *o = json_object();
    time_t t = time(NULL);
    struct tm tm;
    int rc = -1, saved = ENOMEM, report = 1;

    if (!o)
        goto out;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    json_object_set_new(o, "key", cli_json_str(e->key));
    json_object_set_new(o, "event", cli_json_str(r->event));
    if (r->endpoint)
        json_object_set_new(o, "endpoint", cli_json_str(r->endpoint));
    if (r->job_id)
        json_object_set_new(o, "job_id", cli_json_str(r->job_id));
    if (r->output)
        json_object_set_new(o, "output", cli_json_str(r->output));
    if (r->has_bytes)
        json_object_set_new(o, "bytes", json_integer((json_int_t)r->bytes));
    if (r->has_estimate)
        json_object_set_new(o, "estimate_usd_micros", json_integer((json_int_t)r->estimate));
    if (r->has_code)
        record_error(o, r);
    json_object_set_new(o, "time", cli_json_str(when));
    line = cli_json_dump(o);
    if (!line)
        goto out;
    len = strlen(line);
    line[len++] = '\n'; /* json_dumps() leaves room for no more: replace the NUL */
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
    json_decref(o);
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

void replace(struct batch *b, char **slot, const char *value)
{
    free(*slot);
    *slot = xstrdup(b, value);
}

/* Fold one record into the entry it names; returns 0, or -1 for a record that makes no sense. */
/* The estimate a record carries, in micro-dollars, or -1. */
static int64_t record_estimate(json_t *rec)
{
    json_t *v = json_object_get(rec, "estimate_usd_micros");

    return json_is_integer(v) && json_integer_value(v) >= 0 ? (int64_t)json_integer_value(v) : -1;
}

int apply_record(struct batch *b, struct entry **sorted, json_t *rec, size_t *strangers)
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
        e->j_estimate = record_estimate(rec);
        replace(b, &e->job_id, NULL);
        replace(b, &e->job_endpoint, NULL);
    } else if (strcmp(event, "accepted") == 0) {
        if (!job_id || !*job_id)
            return -1;
        e->jstate = J_ACCEPTED;
        e->j_estimate = -1; /* counted here, not as an unknown outcome */
        if (record_estimate(rec) > 0)
            b->spent_before += record_estimate(rec);
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
        replace(b, &e->job_endpoint, !e->job_id ? NULL : endpoint ? endpoint : e->endpoint_name);
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
/* The journal's whole content, NUL-terminated; NULL after reporting why (*rc). */
static char *read_journal(struct batch *b, int fd, size_t size, int *rc)
{
    const struct batch_config *cfg = b->cfg;
    char message[MESSAGE_MAX], *data = malloc(size + 1);
    size_t got = 0;

    if (!data) {
        *rc = cfg->fail(cfg->ctx, LTX_ENOMEM, NULL);
        return NULL;
    }
    while (got < size) {
        ssize_t n = pread(fd, data + got, size - got, (off_t)got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(message, sizeof(message), "cannot read the journal %s: %s", b->journal_path,
                     n < 0 ? strerror(errno) : "it shrank");
            free(data);
            *rc = cfg->fail(cfg->ctx, LTX_EIO, message);
            return NULL;
        }
        got += (size_t)n;
    }
    data[size] = '\0';
    return data;
}

/* Every record of data applied; a torn last record cut off. 0 or an exit code. */
static int replay_journal(struct batch *b, struct entry **sorted, int fd, char *data, size_t size)
{
    const struct batch_config *cfg = b->cfg;
    char message[MESSAGE_MAX];
    size_t strangers = 0;
    unsigned lineno = 0;

    for (char *p = data, *end; (end = memchr(p, '\n', size - (size_t)(p - data))); p = end + 1) {
        json_t *rec = json_loadb(p, (size_t)(end - p), JSON_REJECT_DUPLICATES, NULL);

        lineno++;
        if (!rec || !json_is_object(rec) || apply_record(b, sorted, rec, &strangers) != 0)
            note(b, 1, "%s:%u: not a journal record; ignored", b->journal_path, lineno);
        json_decref(rec);
    }
    if (data[size - 1] != '\n') { /* torn: its write never finished, so nothing relied on it */
        char *last = memrchr_newline(data, size);
        off_t keep = last ? (off_t)(last - data) + 1 : 0;

        note(b, 0, "%s: an incomplete last record (from a run that was killed) removed",
             b->journal_path);
        if (ftruncate(fd, keep) != 0 || fsync(fd) != 0) {
            snprintf(message, sizeof(message), "cannot write the journal %s: %s", b->journal_path,
                     strerror(errno));
            return cfg->fail(cfg->ctx, LTX_EIO, message);
        }
    }
    if (strangers)
        note(b, 1, "the journal %s has %zu records for keys that are not in %s; ignored",
             b->journal_path, strangers, cfg->input);
    return 0;
}

/* The journal open, locked, a regular file and not the batch file; 0 or an exit code. */
static int open_locked(struct batch *b, struct stat *st)
{
    const struct batch_config *cfg = b->cfg;
    char message[MESSAGE_MAX];
    struct flock lock;
    struct stat in;
    /* never through a symlink (the repair truncates), never a FIFO that would block;
     * 0600: its records name jobs and may quote the server */
    int fd = open(b->journal_path,
                  O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);

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
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        snprintf(message, sizeof(message), "the journal %s is not a regular file", b->journal_path);
        return cfg->fail(cfg->ctx, LTX_EIO, message);
    }
    if (stat(cfg->input, &in) == 0 && in.st_dev == st->st_dev && in.st_ino == st->st_ino) {
        snprintf(message, sizeof(message), "the journal %s is the batch file itself",
                 b->journal_path);
        return cfg->fail(cfg->ctx, CLI_STATUS_USAGE, message);
    }
    return 0;
}

int journal_open(struct batch *b, struct entry **sorted)
{
    struct stat st;
    char *data;
    int rc;

    memset(&st, 0, sizeof(st));
    if ((rc = open_locked(b, &st)) != 0)
        return rc;
    if (st.st_size == 0) { /* new: make its name durable too */
        char *dir = parent_dir(b->journal_path);
        int dfd = dir ? open(dir, O_RDONLY | O_CLOEXEC) : -1;

        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
        return 0;
    }
    if (!(data = read_journal(b, b->journal_fd, (size_t)st.st_size, &rc)))
        return rc;
    rc = replay_journal(b, sorted, b->journal_fd, data, (size_t)st.st_size);
    free(data);
    if (rc)
        return rc;
    return b->oom ? b->cfg->fail(b->cfg->ctx, LTX_ENOMEM, NULL) : 0;
}

/* ------------------------------------------------------------------ planning */

/* A rejection that created no job and will not change by itself. */
static int final_rejection(int code)
{
    return code >= 400 && code < 500 && code != 408 && code != 429;
}

void plan_entry(struct batch *b, struct entry *e)
{
    const struct batch_config *cfg = b->cfg;

    switch (e->jstate) {
    case J_NONE: e->plan = P_SUBMIT; break;
    case J_DONE:
        e->plan = is_regular_file(e->output) ? P_SKIP : e->job_id ? P_RESUME : P_SUBMIT;
        break;
    case J_ACCEPTED: e->plan = P_RESUME; break;
    case J_SUBMITTING: e->plan = cfg->resubmit_unknown ? P_SUBMIT : P_UNKNOWN; break;
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
    case P_SKIP: e->outcome = O_DONE; break;
    case P_UNKNOWN:
        e->outcome = O_UNKNOWN;
        e->message = xstrdup(b, "the outcome of its submission is unknown");
        break;
    case P_FAILED_BEFORE:
        e->outcome = O_FAILED;
        e->status = e->j_code;
        e->message = xstrdup(b, e->j_message ? e->j_message : ltx_strerror(e->j_code));
        break;
    default: break;
    }
}

/* Named temporary files a killed run may have left beside an output ("NAME.part-XXXXXXXX"). */
void remove_stale_parts(const char *output)
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

int output_open(struct output *o, const char *path)
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

void output_close(struct output *o)
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
int output_commit(struct output *o, const char *path)
{
    int rc = EEXIST;

    if (o->fd < 0)
        return 0; /* the library renamed its own temporary file */
    if (ftruncate(o->fd, (off_t)ltx_sink_bytes_written(o->sink)) != 0 || fsync(o->fd) != 0)
        return errno;
    for (int i = 0; i < TEMP_NAME_TRIES && rc == EEXIST; i++) {
        unsigned salt = (unsigned)getpid() * 2654435761u ^ (++temp_counter) * 40503u;
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
