/* tools/ltx-mock/jobs.c — the job engine: submits, phases, polls and result URLs. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ jobs */

/* Call with the lock held. */
void lm_make_uuid(lmock *m, char out[UUID_LEN + 1])
{
    uint64_t a = lm_splitmix64(&m->rng), b = lm_splitmix64(&m->rng);

    a = (a & ~0xF000ULL) | 0x4000ULL;           /* version 4 */
    b = (b & ~(0x3ULL << 62)) | (0x2ULL << 62); /* RFC 4122 variant */
    snprintf(out, UUID_LEN + 1,
             "%08" PRIx32 "-%04" PRIx32 "-%04" PRIx32 "-%04" PRIx32 "-%012" PRIx64,
             (uint32_t)(a >> 32), (uint32_t)(a >> 16) & 0xFFFFu, (uint32_t)a & 0xFFFFu,
             (uint32_t)(b >> 48), (uint64_t)(b & 0xFFFFFFFFFFFFULL));
}

int lm_looks_like_uuid(const char *s, size_t len)
{
    if (len != UUID_LEN)
        return 0;
    for (size_t i = 0; i < len; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
            return 0;
    }
    return 1;
}

job *lm_job_find(lmock *m, const char *id, size_t len)
{
    if (len != UUID_LEN)
        return NULL;
    for (size_t i = 0; i < m->n_jobs; i++)
        if (memcmp(m->jobs[i].id, id, UUID_LEN) == 0)
            return &m->jobs[i];
    return NULL;
}

typedef enum { PHASE_PENDING, PHASE_PROCESSING, PHASE_DONE } job_phase;

static job_phase job_phase_now(const lmock *m, const job *j)
{
    uint64_t t, pending, processing;

    if (m->time_based) {
        t = lm_elapsed_ms(&j->submitted);
        pending = m->pending_ms;
        processing = m->processing_ms;
    } else {
        t = j->polls;
        pending = m->pending_polls;
        processing = m->processing_polls;
        t = t > 0 ? t - 1 : 0; /* the first poll is poll 0 */
    }
    if (t < pending)
        return PHASE_PENDING;
    if (t < pending + processing)
        return PHASE_PROCESSING;
    return PHASE_DONE;
}

/* Whether the API has forgotten the job: more than expire_ms since it completed.
 * Call with the lock held. */
int lm_job_expired(const lmock *m, const job *j)
{
    if (!m->expire_ms || (m->hold && !j->completed_at[0])) /* a held job has not completed */
        return 0;
    if (m->time_based) /* completed at submitted + pending_ms + processing_ms */
        return lm_elapsed_ms(&j->submitted) >
               (uint64_t)m->pending_ms + m->processing_ms + m->expire_ms;
    return j->completed_at[0] && lm_elapsed_ms(&j->done) > m->expire_ms;
}

void lm_handle_submit(lmock *m, const route *rt, const fault_entry *fail_fault, reply *r)
{
    json_t *v;
    job *j, *jobs;

    pthread_mutex_lock(&m->lock);
    jobs = lm_grow(m->jobs, &m->cap_jobs, m->n_jobs + 1, sizeof *jobs);
    if (!jobs) {
        pthread_mutex_unlock(&m->lock);
        lm_reply_error(r, 500, NULL, "ltx-mock: out of memory");
        return;
    }
    m->jobs = jobs;
    j = &m->jobs[m->n_jobs];
    memset(j, 0, sizeof *j);
    lm_make_uuid(m, j->id);
    j->ep = rt->ep;
    clock_gettime(CLOCK_MONOTONIC, &j->submitted);
    clock_gettime(CLOCK_REALTIME, &j->created);
    lm_format_timestamp(&j->created, j->created_at);
    if (fail_fault) {
        const char *type = fail_fault->error_type;
        if (!type)
            type = fail_fault->status > 0 ? lm_status_error_type((unsigned)fail_fault->status)
                                          : "api_error";
        j->fail_type = strdup(type);
        j->fail_message = strdup(fail_fault->message ? fail_fault->message : "Generation failed");
        if (!j->fail_type || !j->fail_message) {
            free(j->fail_type);
            free(j->fail_message);
            pthread_mutex_unlock(&m->lock);
            lm_reply_error(r, 500, NULL, "ltx-mock: out of memory");
            return;
        }
    }
    m->n_jobs++;
    m->jobs_accepted++;
    v = json_pack("{s:s, s:s}", "id", j->id, "created_at", j->created_at);
    pthread_mutex_unlock(&m->lock);
    lm_reply_json(r, MHD_HTTP_ACCEPTED, v);
}

/* A signed URL of j's result with extension ext, into o[key]. Call with the lock held. */
static int result_url_add(const lmock *m, const job *j, json_t *o, const char *key, const char *ext)
{
    const char *base = m->result_base ? m->result_base : m->base_url;
    /* signed for as long as the job is kept; GCS allows at most 7 days */
    unsigned long ttl_s = m->expire_ms ? (m->expire_ms + 999u) / 1000u : 604800ul;
    char object[UUID_LEN + 32], query[480], *url;
    size_t n;
    int rc;

    snprintf(object, sizeof object, "/results/%s.%s", j->id, ext);
    lm_signed_query(query, sizeof query, object, j->completed_sec, ttl_s);
    n = strlen(base) + strlen(object) + strlen(query) + 2;
    url = malloc(n);
    if (!url)
        return -1;
    snprintf(url, n, "%s%s?%s", base, object, query);
    rc = json_object_set_new(o, key, json_string(url));
    free(url);
    return rc;
}

/* o.result of a completed job: its endpoint's key, or for HDR what hdr_results says. */
static int result_add(const lmock *m, const job *j, json_t *o)
{
    json_t *result = json_object();
    int hdr = strcmp(j->ep->result_ext, "zip") == 0;
    int rc = !result;

    if (!hdr) {
        rc = rc || result_url_add(m, j, result, j->ep->result_key, j->ep->result_ext);
    } else {
        if (m->hdr_results != LMOCK_HDR_RESULTS_VIDEO)
            rc = rc || result_url_add(m, j, result, "exr_frames_url", "zip");
        if (m->hdr_results != LMOCK_HDR_RESULTS_EXR)
            rc = rc || result_url_add(m, j, result, "video_url", "mp4");
    }
    if (rc) {
        json_decref(result);
        return -1;
    }
    return json_object_set_new(o, "result", result);
}

void lm_handle_poll(lmock *m, const route *rt, reply *r)
{
    static const char *const names[] = {"pending", "processing", "completed"};
    json_t *v = NULL;
    job *j;
    job_phase phase;

    pthread_mutex_lock(&m->lock);
    j = lm_job_find(m, rt->id, strlen(rt->id));
    /* The poll path must name the endpoint the job was submitted to (§3). */
    if (!j || j->ep != rt->ep || lm_job_expired(m, j)) {
        pthread_mutex_unlock(&m->lock);
        lm_reply_errorf(r, MHD_HTTP_NOT_FOUND, "Job %s not found", rt->id);
        return;
    }
    if (m->hold && !j->completed_at[0]) { /* a held queue: polls do not count */
        phase = PHASE_PENDING;
    } else {
        j->polls++;
        phase = job_phase_now(m, j);
    }
    if (phase == PHASE_DONE && !j->completed_at[0]) {
        struct timespec done;
        if (m->time_based)
            done = lm_ts_add_ms(j->created, (uint64_t)m->pending_ms + m->processing_ms);
        else
            clock_gettime(CLOCK_REALTIME, &done);
        lm_format_timestamp(&done, j->completed_at);
        j->completed_sec = done.tv_sec;
        clock_gettime(CLOCK_MONOTONIC, &j->done);
    }
    if (phase != PHASE_DONE) {
        v = json_pack("{s:s, s:s, s:s}", "status", names[phase], "id", j->id, "created_at",
                      j->created_at);
    } else if (j->fail_type) {
        v = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "status", "failed", "id", j->id,
                      "created_at", j->created_at, "completed_at", j->completed_at, "error", "type",
                      j->fail_type, "message", j->fail_message);
    } else {
        v = json_pack("{s:s, s:s, s:s, s:s}", "status", "completed", "id", j->id, "created_at",
                      j->created_at, "completed_at", j->completed_at);
        if (v && result_add(m, j, v) != 0) {
            json_decref(v);
            v = NULL;
        }
    }
    pthread_mutex_unlock(&m->lock);
    lm_reply_json(r, MHD_HTTP_OK, v);
}
