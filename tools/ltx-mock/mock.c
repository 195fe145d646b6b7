/* tools/ltx-mock/mock.c — the LTX video API emulated over libmicrohttpd: starting, stopping
 * and the C API of mock.h. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ public API */

void lmock_options_init(lmock_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->pending_polls = LMOCK_DEFAULT_PENDING_POLLS;
    opts->processing_polls = LMOCK_DEFAULT_PROCESSING_POLLS;
}

static int video_load(lmock *m, const char *path)
{
    struct stat st;
    void *map;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "ltx-mock: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
        fprintf(stderr, "ltx-mock: %s: not a regular, non-empty file\n", path);
        close(fd);
        return -1;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        fprintf(stderr, "ltx-mock: %s: %s\n", path, strerror(errno));
        return -1;
    }
    m->video_map = map;
    m->video_map_len = (size_t)st.st_size;
    m->video = map;
    m->video_len = (size_t)st.st_size;
    return 0;
}

/* What opts and the profile decide; -1 with a message on stderr when opts are wrong. */
static int profile_init(lmock *m, const lmock_options *opts)
{
    const char *extra =
        opts->extra_endpoint ? opts->extra_endpoint : lm_profile_extra_endpoint(opts->profile);

    if (!lmock_profile_name(opts->profile)) {
        fprintf(stderr, "ltx-mock: unknown profile %d\n", (int)opts->profile);
        return -1;
    }
    if ((unsigned)opts->hdr_results > LMOCK_HDR_RESULTS_BOTH) {
        fprintf(stderr, "ltx-mock: unknown HDR results choice %d\n", (int)opts->hdr_results);
        return -1;
    }
    m->profile = opts->profile;
    m->eps = lm_profile_endpoints(m->profile, &m->n_eps);
    m->hdr_results = opts->hdr_results ? opts->hdr_results : lm_profile_hdr_results(m->profile);
    m->v1_retired = lm_profile_v1_retired(m->profile);
    m->upload_ttl_ms = opts->upload_ttl_ms ? opts->upload_ttl_ms : LMOCK_UPLOAD_TTL_MS_DEFAULT;
    m->v1_content_type = strdup(opts->v1_content_type ? opts->v1_content_type
                                                      : lm_profile_v1_content_type(m->profile));
    if (!m->v1_content_type || lm_zip_build(&m->zip, &m->zip_len) != 0) {
        fprintf(stderr, "ltx-mock: out of memory\n");
        return -1;
    }
    lm_etag(m->zip, m->zip_len, m->zip_etag);
    if (extra) {
        if (!lm_extra_endpoint_ok(m->profile, extra)) {
            fprintf(stderr,
                    "ltx-mock: extra endpoint '%s': must be a path segment of a-z, 0-9 and '-' "
                    "that no endpoint has\n",
                    extra);
            return -1;
        }
        m->extra_name = strdup(extra);
        if (!m->extra_name) {
            fprintf(stderr, "ltx-mock: out of memory\n");
            return -1;
        }
        m->extra_ep.name = m->extra_name;
        m->extra_ep.versions = V2;
        m->extra_ep.fields = lm_compositing_fields;
        m->extra_ep.result_key = "video_url";
        m->extra_ep.result_ext = "mp4";
    }
    return 0;
}

static void lmock_free(lmock *m)
{
    for (size_t i = 0; i < m->n_faults; i++)
        lm_fault_free(&m->faults[i]);
    free(m->faults);
    for (size_t i = 0; i < m->n_jobs; i++) {
        free(m->jobs[i].fail_type);
        free(m->jobs[i].fail_message);
    }
    free(m->jobs);
    for (size_t i = 0; i < m->n_uploads; i++)
        free(m->uploads[i].content_type);
    free(m->uploads);
    free(m->result_base);
    for (size_t i = 0; i < RECORD_RING; i++)
        lm_record_clear(&m->ring[i]);
    for (size_t i = 0; i < m->n_counts; i++) {
        free(m->counts[i].method);
        free(m->counts[i].path);
    }
    free(m->counts);
    if (m->video_map)
        munmap(m->video_map, m->video_map_len);
    free(m->api_key);
    free(m->extra_name);
    free(m->v1_content_type);
    free(m->zip);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

lmock *lmock_start(const lmock_options *opts)
{
    lmock_options defaults;
    const union MHD_DaemonInfo *info;
    struct timespec now;
    lmock *m;

    if (!opts) {
        lmock_options_init(&defaults);
        opts = &defaults;
    }
    m = calloc(1, sizeof *m);
    if (!m) {
        fprintf(stderr, "ltx-mock: out of memory\n");
        return NULL;
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        fprintf(stderr, "ltx-mock: cannot create a mutex\n");
        return NULL;
    }
    atomic_init(&m->stopping, 0);
    m->api_key = strdup(opts->api_key ? opts->api_key : LMOCK_DEFAULT_API_KEY);
    if (!m->api_key) {
        fprintf(stderr, "ltx-mock: out of memory\n");
        goto fail;
    }
    m->pending_polls = opts->pending_polls ? opts->pending_polls : LMOCK_DEFAULT_PENDING_POLLS;
    m->processing_polls =
        opts->processing_polls ? opts->processing_polls : LMOCK_DEFAULT_PROCESSING_POLLS;
    m->pending_ms = opts->pending_ms;
    m->processing_ms = opts->processing_ms;
    m->time_based = opts->pending_ms || opts->processing_ms;
    m->quiet = opts->quiet;
    m->expire_ms = opts->expire_ms;
    m->serve_any_result = opts->serve_any_result;
    if (profile_init(m, opts) != 0)
        goto fail;
    if (opts->video_path) {
        if (video_load(m, opts->video_path) != 0)
            goto fail;
    } else {
        m->video = lmock_fixture_mp4;
        m->video_len = lmock_fixture_mp4_len;
    }
    lm_etag(m->video, m->video_len, m->video_etag);

    /* Ids differ between servers and runs; the counter makes them unique within one. */
    clock_gettime(CLOCK_REALTIME, &now);
    m->rng = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
    m->rng ^= (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)m;
    m->id_salt = lm_splitmix64(&m->rng);

    m->daemon = lm_daemon_start(m, opts->port);
    if (!m->daemon) {
        fprintf(stderr, "ltx-mock: cannot listen on 127.0.0.1:%u\n", (unsigned)opts->port);
        goto fail;
    }
    info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || info->port == 0) {
        fprintf(stderr, "ltx-mock: cannot read the bound port\n");
        goto fail;
    }
    /* Under the lock: the daemon's threads read base_url under it. */
    pthread_mutex_lock(&m->lock);
    m->port = info->port;
    snprintf(m->base_url, sizeof m->base_url, "http://127.0.0.1:%u", (unsigned)m->port);
    pthread_mutex_unlock(&m->lock);
    return m;

fail:
    if (m->daemon)
        MHD_stop_daemon(m->daemon);
    lmock_free(m);
    return NULL;
}

void lmock_stop(lmock *m)
{
    if (!m)
        return;
    atomic_store(&m->stopping, 1); /* wake DELAY/STALL sleepers before joining them */
    MHD_stop_daemon(m->daemon);
    lmock_free(m);
}

unsigned short lmock_port(const lmock *m)
{
    return m->port;
}

const char *lmock_base_url(const lmock *m)
{
    return m->base_url;
}

void lmock_fault_add(lmock *m, const lmock_fault *f)
{
    fault_entry copy, *faults;

    if (f->kind == LMOCK_FAULT_STATUS && f->status <= 0)
        return; /* a STATUS fault without a status means nothing */
    if (lm_fault_init(&copy, f, f->times ? f->times : 1) != 0)
        return;
    pthread_mutex_lock(&m->lock);
    faults = lm_grow(m->faults, &m->cap_faults, m->n_faults + 1, sizeof *faults);
    if (faults) {
        m->faults = faults;
        m->faults[m->n_faults++] = copy;
    } else {
        lm_fault_free(&copy);
    }
    pthread_mutex_unlock(&m->lock);
}

int lmock_fault_add_json(lmock *m, const char *json, char *err, size_t err_len)
{
    char scratch[MSG_MAX];

    if (!err || err_len == 0) {
        err = scratch;
        err_len = sizeof scratch;
    }
    return lm_fault_add_jsonb(m, json, json ? strlen(json) : 0, err, err_len);
}

void lmock_hold(lmock *m, int hold)
{
    pthread_mutex_lock(&m->lock);
    m->hold = hold != 0;
    pthread_mutex_unlock(&m->lock);
}

void lmock_set_result_base(lmock *m, const char *base_url)
{
    char *copy = NULL;
    size_t len;

    if (base_url) {
        len = strlen(base_url);
        while (len > 0 && base_url[len - 1] == '/')
            len--;
        copy = strndup(base_url, len);
        if (!copy)
            return;
    }
    pthread_mutex_lock(&m->lock);
    free(m->result_base);
    m->result_base = copy;
    pthread_mutex_unlock(&m->lock);
}

void lmock_faults_clear(lmock *m)
{
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_faults; i++)
        lm_fault_free(&m->faults[i]);
    m->n_faults = 0;
    pthread_mutex_unlock(&m->lock);
}

unsigned lmock_count(lmock *m, const char *method, const char *path_prefix)
{
    unsigned n = 0;

    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_counts; i++) {
        const path_count *pc = &m->counts[i];
        if ((!method || strcasecmp(method, pc->method) == 0) &&
            lm_starts_with(pc->path, path_prefix))
            n += pc->count;
    }
    pthread_mutex_unlock(&m->lock);
    return n;
}

/* One counter, read under the lock the server's threads write it under. */
static unsigned read_counter(lmock *m, const unsigned *counter)
{
    unsigned n;

    pthread_mutex_lock(&m->lock);
    n = *counter;
    pthread_mutex_unlock(&m->lock);
    return n;
}

unsigned lmock_jobs_accepted(lmock *m)
{
    return read_counter(m, &m->jobs_accepted);
}

unsigned lmock_connections(lmock *m)
{
    return read_counter(m, &m->connections);
}

unsigned lmock_downloads_with_auth(lmock *m)
{
    return read_counter(m, &m->downloads_with_auth);
}

unsigned lmock_uploads_with_auth(lmock *m)
{
    return read_counter(m, &m->uploads_with_auth);
}

void *lmock_last_body_bytes(lmock *m, const char *path_prefix, size_t *len)
{
    const record *r;
    char *copy = NULL;

    pthread_mutex_lock(&m->lock);
    r = lm_record_find(m, path_prefix);
    if (r) {
        copy = malloc(r->body_len + 1);
        if (copy) {
            memcpy(copy, r->body, r->body_len + 1);
            if (len)
                *len = r->body_len;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return copy;
}

char *lmock_last_body(lmock *m, const char *path_prefix)
{
    return lmock_last_body_bytes(m, path_prefix, NULL);
}

char *lmock_last_header(lmock *m, const char *path_prefix, const char *name)
{
    const record *r;
    char *copy = NULL;

    pthread_mutex_lock(&m->lock);
    r = lm_record_find(m, path_prefix);
    for (size_t i = 0; r && i < r->n_headers; i++) {
        if (strcasecmp(r->headers[i].name, name) == 0) {
            copy = strdup(r->headers[i].value);
            break;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return copy;
}

const unsigned char *lmock_exr_zip(const lmock *m, size_t *len)
{
    if (len)
        *len = m->zip_len;
    return m->zip;
}

void lmock_set_hdr_results(lmock *m, lmock_hdr_results which)
{
    if ((unsigned)which > LMOCK_HDR_RESULTS_BOTH)
        return;
    pthread_mutex_lock(&m->lock);
    m->hdr_results = which ? which : lm_profile_hdr_results(m->profile);
    pthread_mutex_unlock(&m->lock);
}

lmock_profile lmock_get_profile(const lmock *m)
{
    return m->profile;
}

const unsigned char *lmock_video(const lmock *m, size_t *len)
{
    if (len)
        *len = m->video_len;
    return m->video;
}

void lmock_reset_counters(lmock *m)
{
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_counts; i++) {
        free(m->counts[i].method);
        free(m->counts[i].path);
    }
    m->n_counts = 0;
    for (size_t i = 0; i < RECORD_RING; i++)
        lm_record_clear(&m->ring[i]);
    m->ring_next = m->ring_used = 0;
    m->jobs_accepted = 0;
    m->downloads_with_auth = 0;
    m->uploads_with_auth = 0;
    m->connections = 0;
    pthread_mutex_unlock(&m->lock);
}

void lmock_reset(lmock *m)
{
    lmock_faults_clear(m);
    lmock_reset_counters(m);
    lmock_hold(m, 0);
}
