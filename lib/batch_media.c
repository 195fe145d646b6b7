/* lib/batch_media.c — a batch's local input files. Each distinct file (device, inode, size,
 * modification time) is uploaded once per batch, by the first entry that needs it, under that
 * entry's place in the concurrency bound; entries that need it meanwhile wait for it and share
 * its ltx:// URI. Small files go inline: their data: URI is read when the entry is submitted and
 * dropped when the submit ends, so a batch keeps only a template of each body. */
#define _POSIX_C_SOURCE 200809L
#include "batch_int.h"
#include "upload_int.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES_FIRST_BUCKETS 64u
#define MARK_FMT "ltx-batch-local-file-%d" /* stands for a file's URI in a body's template */

typedef enum { FILE_NEW, FILE_RUNNING, FILE_DONE, FILE_FAILED } file_state;

struct batch_file {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char *path; /* as the first entry that named it gave it            */
    file_state state;
    entry *owner;       /* FILE_RUNNING: the entry uploading it                */
    entry *waiters;     /* FILE_RUNNING: entries waiting for it (next_waiter)   */
    ltx_upload_doc doc; /* FILE_RUNNING: the signed URL, once asked for         */
    char *storage_uri;  /* FILE_DONE                                           */
    int fail_code;      /* FILE_FAILED: why, for the entries that needed it    */
    char *fail_message;
    struct batch_file *next; /* in its bucket                                     */
};

struct batch_files {
    struct batch_file **buckets;
    size_t n_buckets, n;
    char *upload_url;
};

/* ---------------------------------------------------------------- the table of files */

static size_t file_hash(const struct stat *st, size_t n_buckets)
{
    uint64_t h = (uint64_t)st->st_dev * 0x9e3779b97f4a7c15u;

    h ^= (uint64_t)st->st_ino + 0x7f4a7c15u + (h << 6) + (h >> 2);
    h ^= (uint64_t)st->st_size * 31u + (uint64_t)st->st_mtim.tv_sec * 1000003u +
         (uint64_t)st->st_mtim.tv_nsec;
    return (size_t)(h % n_buckets);
}

static int file_is(const struct batch_file *f, const struct stat *st)
{
    return f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
           f->mtime.tv_sec == st->st_mtim.tv_sec && f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static int files_grow(struct batch_files *fs)
{
    size_t n = fs->n_buckets ? 2 * fs->n_buckets : FILES_FIRST_BUCKETS;
    struct batch_file **grown = calloc(n, sizeof(*grown));

    if (!grown)
        return LTX_ENOMEM;
    for (size_t i = 0; i < fs->n_buckets; i++)
        while (fs->buckets[i]) {
            struct batch_file *f = fs->buckets[i];
            struct stat st = {0};
            size_t k;

            fs->buckets[i] = f->next;
            st.st_dev = f->dev;
            st.st_ino = f->ino;
            st.st_size = f->size;
            st.st_mtim = f->mtime;
            k = file_hash(&st, n);
            f->next = grown[k];
            grown[k] = f;
        }
    free(fs->buckets);
    fs->buckets = grown;
    fs->n_buckets = n;
    return LTX_OK;
}

/* The batch's record of the file st describes, made on first sight; NULL when out of memory. */
/* gcc 12's -fanalyzer loses the record once it is stored in the batch's table, which the
 * batch frees: a false "leak" report, silenced here only. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static struct batch_file *file_get(ltx_batch *b, const struct stat *st, const char *path)
{
    struct batch_files *fs = b->files;
    struct batch_file *f;
    size_t k;

    if (!fs && !(fs = b->files = calloc(1, sizeof(*fs))))
        return NULL;
    if (!fs->upload_url && !(fs->upload_url = ltx__printf("%s/v1/upload", b->client->base_url)))
        return NULL;
    if (fs->n >= fs->n_buckets && files_grow(fs) != LTX_OK)
        return NULL;
    for (f = fs->buckets[file_hash(st, fs->n_buckets)]; f; f = f->next)
        if (file_is(f, st))
            return f;
    if (!(f = calloc(1, sizeof(*f))) || !(f->path = ltx__strdup(path))) {
        free(f);
        return NULL;
    }
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    f->size = st->st_size;
    f->mtime = st->st_mtim;
    k = file_hash(st, fs->n_buckets);
    f->next = fs->buckets[k];
    fs->buckets[k] = f;
    fs->n++;
    return f;
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic pop
#endif

void ltx__batch_files_free(ltx_batch *b)
{
    struct batch_files *fs = b->files;

    if (!fs)
        return;
    for (size_t i = 0; i < fs->n_buckets; i++)
        while (fs->buckets[i]) {
            struct batch_file *f = fs->buckets[i];

            fs->buckets[i] = f->next;
            ltx__upload_doc_free(&f->doc);
            free(f->path);
            free(f->storage_uri);
            free(f->fail_message);
            free(f);
        }
    free(fs->buckets);
    free(fs->upload_url);
    free(fs);
    b->files = NULL;
}

/* ---------------------------------------------------------------- adding an entry */

/* One local file of the request: checked now, its upload found or planned. */
static int media_plan(ltx_batch *b, entry_media *m, int field, const char *path, ltx_error **err)
{
    const char *type;
    uint64_t size;
    struct stat st;
    int fd, upload, rc;

    m->field = field;
    if ((rc = ltx__media_open(field, path, &fd, &size, &type, &upload, err)) != LTX_OK)
        return rc;
    if (upload && fstat(fd, &st) != 0)
        rc = ltx__fail(err, LTX_EIO, "cannot read %s", path);
    else if (upload && !(m->file = file_get(b, &st, path)))
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
    close(fd);
    if (rc == LTX_OK && !(m->path = ltx__strdup(path)))
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
    return rc;
}

int ltx__batch_media_add(ltx_batch *b, entry *e, const ltx_request *req, ltx_error **err)
{
    char marks[LTX_N_MEDIA_FIELDS][32], kind[160];
    const char *ep = ltx__request_endpoint_name(req);
    ltx_request copy;
    unsigned n = 0;
    int rc;

    if ((rc = ltx_request_validate(req, err)) != LTX_OK)
        return rc;
    /* a paid video with nowhere to go helps nobody: check the output before paying */
    if ((rc = ltx__sink_check(e->sink, err)) != LTX_OK)
        return rc;
    ltx__request_warn(b->client, req);
    copy = *req;
    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++)
        n += req->input_files[i] != NULL;
    if (n && !(e->media = calloc(n, sizeof(*e->media))))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++) {
        if (!req->input_files[i])
            continue;
        if ((rc = media_plan(b, &e->media[e->n_media++], i, req->input_files[i], err)) != LTX_OK)
            return rc;
        snprintf(marks[i], sizeof(marks[i]), MARK_FMT, i);
        ltx__media_use(&copy, i, marks[i]);
    }
    ltx__poll_kind(req, kind, sizeof(kind));
    e->poll_kind = ltx__strdup(kind);
    e->tmpl = ltx__request_encode(&copy);
    e->submit_url = ltx__printf("%s/v2/%s", b->client->base_url, ep);
    e->submit_what = ltx__printf("submit %s", ep);
    if (!e->tmpl || !e->submit_url || !e->submit_what || !e->poll_kind)
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    return LTX_OK;
}

void ltx__batch_media_free_entry(entry *e)
{
    for (unsigned i = 0; i < e->n_media; i++)
        free(e->media[i].path);
    free(e->media);
    e->media = NULL;
    e->n_media = 0;
    if (e->upload_fd >= 0)
        close(e->upload_fd);
    e->upload_fd = -1;
}

/* ---------------------------------------------------------------- building a body */

typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

static int sb_add(strbuf *sb, const char *p, size_t n)
{
    if (!sb->s || sb->len + n + 1 > sb->cap) {
        size_t cap = (sb->len + n + 1) * 2;
        char *grown = realloc(sb->s, cap);

        if (!grown)
            return LTX_ENOMEM;
        sb->s = grown;
        sb->cap = cap;
    }
    memcpy(sb->s + sb->len, p, n);
    sb->len += n;
    sb->s[sb->len] = '\0';
    return LTX_OK;
}

/* A URI as the inside of a JSON string, as the encoder writes strings. */
static int sb_add_json_text(strbuf *sb, const char *s)
{
    int rc = LTX_OK;

    for (const char *run = s;; s++) {
        unsigned char c = (unsigned char)*s;

        if (c && c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc |= sb_add(sb, run, (size_t)(s - run));
        if (!c)
            return rc;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};

            rc |= sb_add(sb, esc, 2);
        } else {
            char esc[8];

            snprintf(esc, sizeof(esc), "\\u%04x", c);
            rc |= sb_add(sb, esc, 6);
        }
        run = s + 1;
    }
}

/* The URI that stands for one local file: the shared upload's, or the file read inline now. */
static char *media_uri(entry *e, const entry_media *m)
{
    const char *type;
    uint64_t size;
    int fd, upload;
    char *uri;

    if (m->file)
        return ltx__strdup(m->file->storage_uri);
    if (ltx__media_open(m->field, m->path, &fd, &size, &type, &upload, &e->err) != LTX_OK)
        return NULL;
    uri = ltx__media_data_uri(fd, size, type);
    close(fd);
    if (!uri)
        ltx__fail(&e->err, LTX_EIO, "cannot read %s", m->path);
    return uri;
}

/* Replace one mark of the template (a whole JSON string, "mark") by the file's URI. */
static int body_put(strbuf *out, const char **from, const entry_media *m, const char *uri)
{
    char mark[40];
    const char *at;
    int rc;

    snprintf(mark, sizeof(mark), "\"" MARK_FMT "\"", m->field);
    if (!(at = strstr(*from, mark)))
        return LTX_EPROTOCOL; /* cannot happen: the encoder wrote it */
    rc = sb_add(out, *from, (size_t)(at - *from));
    rc |= sb_add(out, "\"", 1);
    rc |= sb_add_json_text(out, uri);
    rc |= sb_add(out, "\"", 1);
    *from = at + strlen(mark);
    return rc ? LTX_ENOMEM : LTX_OK;
}

int ltx__batch_media_body(entry *e)
{
    strbuf out = {0};
    const char *from = e->tmpl;
    int rc = LTX_OK;

    if (!e->n_media) { /* the template is the body */
        e->body = e->tmpl;
        e->body_owned = 0;
        return LTX_OK;
    }
    /* the marks appear in the order the encoder wrote the fields: take them in that order */
    for (unsigned left = e->n_media; left && rc == LTX_OK; left--) {
        const entry_media *first = NULL;
        const char *first_at = NULL;
        char mark[40], *uri;

        for (unsigned i = 0; i < e->n_media; i++) {
            const char *at;

            snprintf(mark, sizeof(mark), "\"" MARK_FMT "\"", e->media[i].field);
            if ((at = strstr(from, mark)) && (!first_at || at < first_at)) {
                first_at = at;
                first = &e->media[i];
            }
        }
        if (!first) {
            free(out.s);
            return ltx__fail(&e->err, LTX_EPROTOCOL, "batch entry %zu: the body lost a file",
                             e->index);
        }
        if (!(uri = media_uri(e, first))) {
            free(out.s);
            return e->err ? ltx_error_code(e->err)
                          : ltx__fail(&e->err, LTX_ENOMEM, "out of memory");
        }
        rc = body_put(&out, &from, first, uri);
        free(uri);
    }
    if (rc == LTX_OK)
        rc = sb_add(&out, from, strlen(from)) ? LTX_ENOMEM : LTX_OK;
    if (rc != LTX_OK) {
        free(out.s);
        return ltx__fail(&e->err, rc, "batch entry %zu: cannot build the body", e->index);
    }
    e->body = out.s;
    e->body_owned = 1;
    return LTX_OK;
}

/* ---------------------------------------------------------------- uploading */

static struct batch_file *current_file(const entry *e)
{
    return e->media_next < e->n_media ? e->media[e->media_next].file : NULL;
}

/* Whoever waited for f goes on at once: to use it, to fail with it, or to upload it. */
static void waiters_wake(struct batch_file *f, uint64_t now)
{
    entry *w = f->waiters;

    f->waiters = NULL;
    while (w) {
        entry *next = w->next_waiter;

        w->next_waiter = NULL;
        if (w->state == ENTRY_UPLOAD_WAIT)
            ltx__entry_wake_at(w, now);
        w = next;
    }
}

static void upload_close(entry *e)
{
    if (e->upload_fd >= 0)
        close(e->upload_fd);
    e->upload_fd = -1;
}

/* f's upload by its owner ended without a URI: failed (the others fail with it), or given up
 * (cancelled: another entry that needs it uploads it). */
static void upload_lost(entry *e, struct batch_file *f, int rc)
{
    upload_close(e);
    ltx__upload_doc_free(&f->doc);
    memset(&f->doc, 0, sizeof(f->doc));
    f->owner = NULL;
    if (rc == LTX_ECANCELLED) {
        f->state = FILE_NEW;
    } else {
        f->state = FILE_FAILED;
        f->fail_code = rc;
        free(f->fail_message);
        f->fail_message = ltx__strdup(e->err ? ltx_error_message(e->err) : ltx_strerror(rc));
    }
    waiters_wake(f, ltx__batch_now(e->batch));
}

static void upload_begin(entry *e, struct batch_file *f)
{
    ltx_batch *b = e->batch;

    f->state = FILE_RUNNING;
    f->owner = e;
    e->state = ENTRY_UPLOAD;
    ltx__http_req_api(&e->rq, "POST", b->files->upload_url, NULL, b->deadline);
    /* asking for an upload URL creates nothing billable: safe to repeat */
    ltx__call_start(&e->call, b->client, LTX_CALL_IDEMPOTENT, &e->rq, "create an upload");
    ltx__attempt_start(e);
}

int ltx__batch_media_step(entry *e)
{
    struct batch_file *f;

    for (; e->media_next < e->n_media; e->media_next++) {
        if (!(f = current_file(e)) || f->state == FILE_DONE)
            continue;
        if (f->state == FILE_FAILED) {
            ltx__fail(&e->err, f->fail_code, "batch entry %zu: %s: the upload of %s failed: %s",
                      e->index, ltx__media_field_name(e->media[e->media_next].field), f->path,
                      f->fail_message ? f->fail_message : ltx_strerror(f->fail_code));
            ltx__entry_end(e, f->fail_code);
            return -1;
        }
        if (f->state == FILE_RUNNING) {
            e->state = ENTRY_UPLOAD_WAIT;
            e->next_waiter = f->waiters;
            f->waiters = e;
            return 0;
        }
        upload_begin(e, f);
        return 0;
    }
    return 1;
}

/* The signed URL came: send the file there. */
static int put_begin(entry *e, struct batch_file *f)
{
    const entry_media *m = &e->media[e->media_next];
    const char *type;
    uint64_t size;
    int upload, rc;

    if (ltx__upload_parse(e->rs.body.data, e->rs.body.len, &f->doc) != LTX_OK) {
        ltx__http_resp_free(&e->rs);
        return ltx__fail(&e->err, LTX_EPROTOCOL,
                         "create an upload: the answer lacks "
                         "upload_url, storage_uri or required_headers");
    }
    ltx__http_resp_free(&e->rs);
    rc = ltx__media_open(m->field, m->path, &e->upload_fd, &size, &type, &upload, &e->err);
    if (rc != LTX_OK)
        return rc;
    ltx__media_put_req(&e->rq, &f->doc, e->upload_fd, size, type, e->batch->deadline);
    ltx__call_start(&e->call, e->batch->client, LTX_CALL_IDEMPOTENT, &e->rq, "upload the file");
    ltx__attempt_start(e);
    return LTX_OK;
}

void ltx__batch_media_ended(entry *e, ltx_step step, int rc)
{
    struct batch_file *f = current_file(e);
    ltx_batch *b = e->batch;

    ltx__call_finish(&e->call);
    if (!f) { /* an upload step ends only while the entry uploads a file: never */
        ltx__entry_end(
            e, ltx__fail(&e->err, LTX_EPROTOCOL, "batch entry %zu: no file to upload", e->index));
        return;
    }
    if (step == LTX_STEP_DONE && e->upload_fd < 0) {
        if ((rc = put_begin(e, f)) == LTX_OK)
            return;
        step = LTX_STEP_FAILED;
    }
    if (step == LTX_STEP_FAILED) {
        upload_lost(e, f, rc);
        ltx__entry_end(e, rc);
        return;
    }
    ltx__http_resp_free(&e->rs);
    upload_close(e);
    f->storage_uri = f->doc.storage_uri;
    f->doc.storage_uri = NULL;
    ltx__upload_doc_free(&f->doc);
    memset(&f->doc, 0, sizeof(f->doc));
    f->state = FILE_DONE;
    f->owner = NULL;
    ltx__log(b->client, LTX_LOG_INFO, "batch entry %zu: uploaded %s (%llu bytes)", e->index,
             f->path, (unsigned long long)f->size);
    waiters_wake(f, ltx__batch_now(b));
    e->media_next++;
    e->state = ENTRY_UPLOAD_WAIT; /* to go on with its next file or its submit */
}

void ltx__batch_media_abandon(entry *e)
{
    struct batch_file *f = current_file(e);

    if (!f)
        return;
    if (e->state == ENTRY_UPLOAD && f->owner == e) {
        upload_lost(e, f, LTX_ECANCELLED);
        return;
    }
    for (entry **p = &f->waiters; *p; p = &(*p)->next_waiter)
        if (*p == e) {
            *p = e->next_waiter;
            e->next_waiter = NULL;
            return;
        }
}
