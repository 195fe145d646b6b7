/* tools/ltx-mock/transfer.c — downloads of results and uploads through signed URLs, as Cloud
 * Storage answers them. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ downloads */

/* Parse "bytes=N-", "bytes=N-M" or "bytes=-S" against len. Returns 1 with
 * [*from, *to] for a satisfiable range, 0 to ignore the header (absent,
 * malformed, several ranges), -1 when unsatisfiable. */
static int range_parse(const char *h, size_t len, size_t *from, size_t *to)
{
    unsigned long long a = 0, b = 0;
    char *end;
    int have_a = 0, have_b = 0;

    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 0;
    h += 6;
    if (*h >= '0' && *h <= '9') {
        errno = 0;
        a = strtoull(h, &end, 10);
        if (errno)
            return 0;
        h = end;
        have_a = 1;
    }
    if (*h++ != '-')
        return 0;
    if (*h >= '0' && *h <= '9') {
        errno = 0;
        b = strtoull(h, &end, 10);
        if (errno)
            return 0;
        h = end;
        have_b = 1;
    }
    if (*h || (!have_a && !have_b) || (have_a && have_b && b < a))
        return 0;
    if (!have_a) { /* suffix: the last b bytes */
        if (b == 0 || len == 0)
            return -1;
        *from = b >= len ? 0 : len - (size_t)b;
        *to = len - 1;
        return 1;
    }
    if (a >= len)
        return -1;
    *from = (size_t)a;
    *to = have_b && b < len ? (size_t)b : len - 1;
    return 1;
}

/* Whether CLOCK_MONOTONIC has passed t. */
static int ts_passed(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec > t->tv_nsec);
}

/* The headers GCS puts on an object's answers (GET, HEAD, a successful PUT). */
static void storage_headers(reply *r, const char *etag, size_t len)
{
    char buf[32];

    lm_reply_header(r, MHD_HTTP_HEADER_ETAG, etag);
    snprintf(buf, sizeof buf, "%zu", len);
    lm_reply_header(r, "x-goog-stored-content-length", buf);
    lm_reply_header(r, "x-goog-stored-content-encoding", "identity");
    lm_reply_header(r, "x-goog-generation", "1765000000000000");
    lm_reply_header(r, "x-goog-metageneration", "1");
    lm_reply_header(r, "X-GUploader-UploadID", "ltx-mock");
    r->storage = 1;
}

/* A signed URL carries its own credentials: refuse a request for `object` that also
 * carries an Authorization header, or whose signature is absent, wrong or expired.
 * Returns 1 with r filled when refused. */
static int signed_refused(struct MHD_Connection *conn, const char *object, int has_auth,
                          const char *permission, reply *r)
{
    const char *sig = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "X-Goog-Signature");
    const char *date = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "X-Goog-Date");
    const char *expires =
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "X-Goog-Expires");
    char details[MSG_MAX];

    if (has_auth) {
        lm_reply_storage_error(r, MHD_HTTP_FORBIDDEN, "SignatureDoesNotMatch", "Access denied.",
                               "A signed URL takes no Authorization header");
        return 1;
    }
    switch (lm_signed_verify(object, date, expires, sig, time(NULL))) {
    case LM_SIGNED_OK: return 0;
    case LM_SIGNED_MISSING:
        snprintf(details, sizeof details,
                 "Anonymous caller does not have %s access to the Google Cloud Storage object "
                 "ltx-mock%s.",
                 permission, object);
        lm_reply_storage_error(r, MHD_HTTP_FORBIDDEN, "AccessDenied", "Access denied.", details);
        return 1;
    case LM_SIGNED_MISMATCH:
        lm_reply_storage_error(r, MHD_HTTP_FORBIDDEN, "SignatureDoesNotMatch",
                               "The request signature we calculated does not match the signature "
                               "you provided. Check your Google secret key and signing method.",
                               NULL);
        return 1;
    case LM_SIGNED_EXPIRED:
        lm_reply_storage_error(r, MHD_HTTP_BAD_REQUEST, "ExpiredToken", "Invalid argument.",
                               "The provided token has expired.");
        return 1;
    }
    return 0;
}

/* A result, as GCS serves a signed URL's object: no x-request-id, an ETag, XML errors,
 * no Authorization header accepted. An HDR job has both its archive (.zip) and its
 * preview (.mp4). */
void lm_handle_download(lmock *m, struct MHD_Connection *conn, const route *rt, reply *r)
{
    const char *dot = strrchr(rt->id, '.');
    const char *range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
    int has_auth =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) != NULL;
    const char *ext = NULL;
    const unsigned char *data;
    char buf[96], object[UUID_LEN + 32];
    size_t from = 0, to = 0, len;
    job *j;
    int ok, rc, is_zip;

    snprintf(object, sizeof object, "/results/%s", rt->id);
    if (signed_refused(conn, object, has_auth, "storage.objects.get", r))
        return;
    pthread_mutex_lock(&m->lock);
    j = dot ? lm_job_find(m, rt->id, (size_t)(dot - rt->id)) : NULL;
    ok = j && !j->fail_type && !lm_job_expired(m, j) &&
         (strcmp(dot + 1, j->ep->result_ext) == 0 ||
          (strcmp(j->ep->result_ext, "zip") == 0 && strcmp(dot + 1, "mp4") == 0));
    if (ok)
        ext = dot + 1;
    else if (!j && dot && m->serve_any_result &&
             lm_looks_like_uuid(rt->id, (size_t)(dot - rt->id)) &&
             (strcmp(dot + 1, "mp4") == 0 || strcmp(dot + 1, "zip") == 0)) {
        ext = dot + 1;
        ok = 1;
    }
    pthread_mutex_unlock(&m->lock);
    if (!ok) {
        snprintf(buf, sizeof buf, "No such object: ltx-mock%s", object);
        lm_reply_storage_error(r, MHD_HTTP_NOT_FOUND, "NoSuchKey",
                               "The specified key does not exist.", buf);
        return;
    }

    is_zip = strcmp(ext, "zip") == 0;
    data = is_zip ? m->zip : m->video;
    len = is_zip ? m->zip_len : m->video_len;
    lm_reply_free(r);
    r->status = MHD_HTTP_OK;
    r->content_type = is_zip ? "application/zip" : "video/mp4";
    r->data = data;
    r->len = len;
    lm_reply_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    storage_headers(r, is_zip ? m->zip_etag : m->video_etag, len);
    rc = range_parse(range, len, &from, &to);
    if (rc < 0) {
        snprintf(buf, sizeof buf, "bytes */%zu", len);
        lm_reply_storage_error(r, MHD_HTTP_RANGE_NOT_SATISFIABLE, "InvalidRange",
                               "The requested range cannot be satisfied.", NULL);
        lm_reply_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, buf);
    } else if (rc > 0) {
        snprintf(buf, sizeof buf, "bytes %zu-%zu/%zu", from, to, len);
        lm_reply_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, buf);
        r->status = MHD_HTTP_PARTIAL_CONTENT;
        r->data = data + from;
        r->len = to - from + 1;
    }
}

/* ------------------------------------------------------------------ uploads */

void lm_handle_upload_url(lmock *m, reply *r)
{
    char id[UUID_LEN + 1], url[sizeof m->base_url + UUID_LEN + 512], object[UUID_LEN + 16];
    char query[480];
    unsigned long ttl_s = (m->upload_ttl_ms + 999u) / 1000u;
    struct timespec signed_at;
    char storage[sizeof MOCK_STORAGE_BUCKET + UUID_LEN], expires[TIMESTAMP_MAX], range[64];
    struct timespec now;
    json_t *v;
    upload *uploads;

    pthread_mutex_lock(&m->lock);
    uploads = lm_grow(m->uploads, &m->cap_uploads, m->n_uploads + 1, sizeof *uploads);
    if (!uploads) {
        pthread_mutex_unlock(&m->lock);
        lm_reply_error(r, 500, NULL, "ltx-mock: out of memory");
        return;
    }
    m->uploads = uploads;
    lm_make_uuid(m, id);
    memset(&m->uploads[m->n_uploads], 0, sizeof *uploads);
    memcpy(m->uploads[m->n_uploads].id, id, sizeof id);
    clock_gettime(CLOCK_MONOTONIC, &signed_at);
    m->uploads[m->n_uploads++].expires = lm_ts_add_ms(signed_at, m->upload_ttl_ms);
    pthread_mutex_unlock(&m->lock);

    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(object, sizeof object, "/uploads/%s", id);
    lm_signed_query(query, sizeof query, object, now.tv_sec, ttl_s);
    snprintf(url, sizeof url, "%s%s?%s", m->base_url, object, query);
    now = lm_ts_add_ms(now, m->upload_ttl_ms);
    lm_format_timestamp(&now, expires);
    snprintf(storage, sizeof storage, "%s%s", MOCK_STORAGE_BUCKET, id);
    snprintf(range, sizeof range, "0,%u", LMOCK_UPLOAD_MAX);
    v = json_pack("{s:s, s:s, s:s, s:{s:s}}", "upload_url", url, "storage_uri", storage,
                  "expires_at", expires, "required_headers", UPLOAD_RANGE_HEADER, range);
    lm_reply_json(r, MHD_HTTP_OK, v);
}

/* Call with the lock held. */
static upload *upload_find(lmock *m, const char *id)
{
    for (size_t i = 0; i < m->n_uploads; i++)
        if (strcmp(m->uploads[i].id, id) == 0)
            return &m->uploads[i];
    return NULL;
}

/* Answered like Google Cloud Storage answers a V4-signed URL: the signed headers
 * must all be there with the signed values, and a signed URL carries its own
 * credentials, so an Authorization header is refused too. */
void lm_handle_upload_put(lmock *m, struct MHD_Connection *conn, const route *rt,
                          const request_ctx *ctx, reply *r)
{
    const char *range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, UPLOAD_RANGE_HEADER);
    const char *ctype =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    int has_auth =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) != NULL;
    char signed_range[64], url_path[UUID_LEN + 16], etag[LM_ETAG_MAX];
    char *ctype_copy;
    upload *u;
    int known, expired;

    snprintf(signed_range, sizeof signed_range, "0,%u", LMOCK_UPLOAD_MAX);
    snprintf(url_path, sizeof url_path, "/uploads/%s", rt->id);
    pthread_mutex_lock(&m->lock);
    u = upload_find(m, rt->id);
    known = u != NULL;
    expired = u && ts_passed(&u->expires);
    pthread_mutex_unlock(&m->lock);

    if (!known || signed_refused(conn, url_path, has_auth, "storage.objects.create", r)) {
        if (!known)
            lm_reply_storage_error(r, MHD_HTTP_FORBIDDEN, "SignatureDoesNotMatch", "Access denied.",
                                   "Unknown upload URL");
    } else if (expired) {
        lm_reply_storage_error(r, MHD_HTTP_BAD_REQUEST, "ExpiredToken", "Invalid argument.",
                               "The provided token has expired: the upload URL's expires_at is "
                               "past");
    } else if (!range || strcmp(range, signed_range) != 0) {
        lm_reply_storage_error(r, MHD_HTTP_FORBIDDEN, "SignatureDoesNotMatch", "Access denied.",
                               "The request signature we calculated does not match the signature "
                               "you provided: send every required header (" UPLOAD_RANGE_HEADER
                               ") with its value");
    } else if (ctx->too_large || ctx->received > LMOCK_UPLOAD_MAX) {
        lm_reply_storage_error(r, MHD_HTTP_BAD_REQUEST, "EntityTooLarge",
                               "Your proposed upload is larger than the maximum object size "
                               "specified in your Policy Document.",
                               "Upload size outside " UPLOAD_RANGE_HEADER);
    } else {
        ctype_copy = ctype ? strdup(ctype) : NULL;
        lm_etag(ctx->body ? ctx->body : "", ctx->len, etag);
        pthread_mutex_lock(&m->lock);
        u = upload_find(m, rt->id);
        if (u) {
            u->uploaded = 1;
            free(u->content_type);
            u->content_type = ctype_copy;
            ctype_copy = NULL;
            memcpy(u->etag, etag, sizeof etag);
        }
        pthread_mutex_unlock(&m->lock);
        free(ctype_copy);
        /* GCS: 200, an empty body, the object's ETag and its x-goog-* facts */
        lm_reply_text(r, MHD_HTTP_OK, "text/html; charset=UTF-8", strdup(""));
        storage_headers(r, etag, ctx->received);
    }
}

/* Every ltx:// URI in a generation body must be a storage_uri this server issued
 * and received a file for. 0, or -1 with a message naming the field. */
int lm_storage_uris_check(lmock *m, const endpoint_spec *ep, json_t *body, char *msg, size_t n)
{
    static const char bucket[] = MOCK_STORAGE_BUCKET;
    const upload *u;
    const char *s;
    int rc = 0;

    pthread_mutex_lock(&m->lock);
    for (const field_spec *f = ep->fields; f->name && rc == 0; f++) {
        if (f->type != FT_URI)
            continue;
        s = json_string_value(json_object_get(body, f->name));
        if (!s || strncmp(s, "ltx://", 6) != 0)
            continue;
        u = strncmp(s, bucket, sizeof bucket - 1) == 0 ? upload_find(m, s + sizeof bucket - 1)
                                                       : NULL;
        if (!u)
            rc = lm_fail(msg, n, "%s: %s is not a storage_uri issued by POST /v1/upload", f->name,
                         s);
        else if (!u->uploaded)
            rc = lm_fail(msg, n, "%s: nothing was uploaded to %s", f->name, s);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}
