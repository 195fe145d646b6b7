/* lib/batch.c — many jobs driven by one thread: the handle, its settings, adding entries and
 * reading their outcome. The run is in batch_run.c, an entry's steps in batch_step.c. */
#define _POSIX_C_SOURCE 200809L
#include "batch_int.h"

#include <stdlib.h>
#include <string.h>

#define ENTRIES_FIRST_CAP 8u

uint64_t ltx__batch_now(const ltx_batch *b)
{
    return b->client->clock->now_ms(b->client->clock->ud);
}

/* ---------------------------------------------------------------- handle */

LTX_API int ltx_batch_new(ltx_batch **out, ltx_client *client)
{
    ltx_batch *b;

    if (!out)
        return LTX_EINVAL;
    *out = NULL;
    if (!client)
        return LTX_EINVAL;
    if (!(b = calloc(1, sizeof(*b))))
        return LTX_ENOMEM;
    if (ltx_cancel_new(&b->wake) != LTX_OK) {
        free(b);
        return LTX_ENOMEM;
    }
    ltx__client_ref(client);
    b->client = client;
    b->concurrency = LTX_DEFAULT_BATCH_CONCURRENCY;
    b->queue.queue = 1;
    *out = b;
    return LTX_OK;
}

static void entry_free(entry *e)
{
    ltx__entry_release(e);
    ltx__batch_media_free_entry(e);
    ltx_job_free(e->job);
    ltx_error_free(e->err);
    free(e);
}

LTX_API void ltx_batch_free(ltx_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        entry_free(b->entries[i]);
    free(b->entries);
    ltx__heap_free(&b->timers);
    ltx__heap_free(&b->queue);
    ltx__batch_files_free(b);
    ltx_error_free(b->last_error);
    free(b->fds);
    free(b->fd_slot);
    free(b->cancels);
    ltx_cancel_free(b->wake);
    ltx_client_free(b->client);
    free(b);
}

LTX_API int ltx_batch_set_concurrency(ltx_batch *b, unsigned max_in_flight)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "concurrency",
                           "concurrency: not while the batch runs");
    if (!max_in_flight)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "concurrency",
                           "concurrency: 0 would run nothing; at least 1");
    b->concurrency = max_in_flight;
    return ltx__accept(&b->last_error);
}

LTX_API int ltx_batch_set_progress(ltx_batch *b, ltx_progress_fn progress, void *userdata)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "progress",
                           "progress: not while the batch runs");
    b->progress = progress;
    b->progress_ud = progress ? userdata : NULL;
    return ltx__accept(&b->last_error);
}

LTX_API const ltx_error *ltx_batch_last_error(const ltx_batch *b)
{
    return b ? b->last_error : NULL;
}

LTX_API int ltx_batch_set_cancel(ltx_batch *b, ltx_cancel *cancel)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "cancel", "cancel: not while the batch runs");
    b->cancel = cancel;
    return ltx__accept(&b->last_error);
}

LTX_API int ltx_batch_set_socket_fn(ltx_batch *b, ltx_batch_socket_fn fn, void *userdata)
{
    if (!b)
        return LTX_EINVAL;
    if (b->running)
        return ltx__refuse(&b->last_error, LTX_EINVAL, "socket_fn",
                           "socket_fn: not while the batch runs");
    b->socket_fn = fn;
    b->socket_ud = fn ? userdata : NULL;
    return ltx__accept(&b->last_error);
}

LTX_API size_t ltx_progress_batch_index(const ltx_progress *p)
{
    return p && p->batch_slot ? p->batch_slot - 1 : SIZE_MAX;
}

/* ---------------------------------------------------------------- entries */

static entry *entry_new(void)
{
    entry *e = calloc(1, sizeof(*e));

    if (e) {
        e->upload_fd = -1;
        e->timer_pos = e->queue_pos = BATCH_NOWHERE;
    }
    return e;
}

static int entry_add(ltx_batch *b, entry *e, size_t *index, ltx_error **err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : ENTRIES_FIRST_CAP;
        entry **grown = realloc(b->entries, cap * sizeof(*grown));

        if (!grown)
            return ltx__fail(err, LTX_ENOMEM, "out of memory");
        b->entries = grown;
        b->cap = cap;
    }
    e->index = b->n;
    e->state = ENTRY_QUEUED;
    e->status = LTX_EINVAL;
    e->wake_at = UINT64_MAX;
    b->entries[b->n++] = e;
    if (index)
        *index = e->index;
    if (b->running) /* it joins the run going on */
        ltx__entry_join(b, e, ltx__batch_now(b));
    return LTX_OK;
}

LTX_API int ltx_batch_add(size_t *index, ltx_batch *b, const ltx_request *req, ltx_sink *sink,
                          ltx_error **err)
{
    entry *e;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!b || !req || !sink)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_add: batch, request and sink are required");
    if (req->sync)
        return ltx__fail(err, LTX_EINVAL,
                         "ltx_batch_add: a batch runs v2 jobs, and the request asks for v1 "
                         "(synchronous); use ltx_generate() for it");
    if (!(e = entry_new()))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    e->batch = b;
    e->sink = sink;
    rc = ltx__batch_media_add(b, e, req, err);
    if (rc == LTX_OK && !(e->endpoint_name = ltx__strdup(ltx__request_endpoint_name(req))))
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
    if (rc == LTX_OK) {
        e->cancel = req->cancel;
        e->submit_deadline_ms = req->deadline_ms;
        e->has_policy = ltx__policy_for(b->client, req, &e->policy) == &e->policy;
        rc = entry_add(b, e, index, err);
    }
    if (rc != LTX_OK)
        entry_free(e);
    return rc;
}

LTX_API int ltx_batch_add_job(size_t *index, ltx_batch *b, const ltx_job *job, ltx_sink *sink,
                              ltx_error **err)
{
    entry *e;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!b || !job || !sink)
        return ltx__fail(err, LTX_EINVAL, "ltx_batch_add_job: batch, job and sink are required");
    if (!(e = entry_new()))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    e->batch = b;
    rc = ltx_job_open_by_name(&e->job, b->client, job->endpoint_name, job->id, err);
    if (rc == LTX_OK && (ltx__job_poll_strings(e->job, &e->poll_url, &e->poll_what) != LTX_OK ||
                         !(e->endpoint_name = ltx__strdup(job->endpoint_name))))
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
    if (rc == LTX_OK) {
        e->resumed = 1;
        e->sink = sink;
        rc = entry_add(b, e, index, err);
    }
    if (rc != LTX_OK)
        entry_free(e);
    return rc;
}

static const entry *entry_at(const ltx_batch *b, size_t index)
{
    return b && index < b->n ? b->entries[index] : NULL;
}

LTX_API int ltx_batch_status(const ltx_batch *b, size_t index)
{
    const entry *e = entry_at(b, index);

    return e && e->state == ENTRY_ENDED ? e->status : LTX_EINVAL;
}

LTX_API const char *ltx_batch_job_id(const ltx_batch *b, size_t index)
{
    const entry *e = entry_at(b, index);

    return e && e->job ? e->job->id : NULL;
}

LTX_API const ltx_error *ltx_batch_error(const ltx_batch *b, size_t index)
{
    const entry *e = entry_at(b, index);

    return e && e->state == ENTRY_ENDED ? e->err : NULL;
}
