/* lib/upload.c — local media: sniffing formats, data: URIs, and the signed-URL upload flow. */
#define _POSIX_C_SOURCE 200809L
#include "call.h"
#include "client_int.h"
#include "codec.h"
#include "error_int.h"
#include "fields.h"
#include "request_int.h"
#include "upload_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Images and videos up to this size go inline as data: URIs (the API allows 7 and 15 MB
 * encoded); a small inline body saves a round trip, a large one makes every retry heavy. */
#define INLINE_MAX_BYTES (1024u * 1024u)
#define SNIFF_BYTES 16

enum kind { KIND_IMAGE = 1, KIND_VIDEO = 2, KIND_AUDIO = 4 };

static const struct {
    const char *name;
    unsigned kinds;
} media_fields[LTX_N_MEDIA_FIELDS] = {
    [LTX_MEDIA_IMAGE] = {"image_uri", KIND_IMAGE},
    [LTX_MEDIA_LAST_FRAME] = {"last_frame_uri", KIND_IMAGE},
    [LTX_MEDIA_AUDIO] = {"audio_uri", KIND_AUDIO},
    [LTX_MEDIA_VIDEO] = {"video_uri", KIND_VIDEO},
};

static const char *const allowed_by_kind[] = {
    [KIND_IMAGE] = "PNG, JPEG or WEBP",
    [KIND_VIDEO] = "MP4, MOV or MKV",
    [KIND_AUDIO] = "WAV, MP3, M4A or OGG",
};

const char *ltx__media_field_name(int field)
{
    return field >= 0 && field < LTX_N_MEDIA_FIELDS ? media_fields[field].name : NULL;
}

int ltx__media_field_of(const char *name)
{
    for (int i = 0; name && i < LTX_N_MEDIA_FIELDS; i++)
        if (strcmp(media_fields[i].name, name) == 0)
            return i;
    return -1;
}

/* Point a shallow copy's media field at uri (not copied, not freed by the request). */
void ltx__media_use(ltx_request *copy, int field, char *uri)
{
    int slot = ltx__field_slot(ltx__media_field_name(field));

    copy->values[slot].kind = LTX_V_TEXT;
    copy->values[slot].text = uri;
}

/* The media type of the first bytes of a file, and its kind; NULL when not supported. */
static const char *sniff(const unsigned char *b, size_t n, unsigned *kind)
{
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return *kind = KIND_IMAGE, "image/png";
    if (n >= 3 && memcmp(b, "\xff\xd8\xff", 3) == 0)
        return *kind = KIND_IMAGE, "image/jpeg";
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return *kind = KIND_IMAGE, "image/webp";
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WAVE", 4) == 0)
        return *kind = KIND_AUDIO, "audio/wav";
    if (n >= 4 && memcmp(b, "OggS", 4) == 0)
        return *kind = KIND_AUDIO, "audio/ogg";
    if ((n >= 3 && memcmp(b, "ID3", 3) == 0) || (n >= 2 && b[0] == 0xff && (b[1] & 0xe0) == 0xe0))
        return *kind = KIND_AUDIO, "audio/mpeg";
    if (n >= 4 && memcmp(b, "\x1a\x45\xdf\xa3", 4) == 0)
        return *kind = KIND_VIDEO, "video/x-matroska";
    if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0) {
        if (memcmp(b + 8, "qt  ", 4) == 0)
            return *kind = KIND_VIDEO, "video/quicktime";
        if (memcmp(b + 8, "M4A ", 4) == 0 || memcmp(b + 8, "M4B ", 4) == 0)
            return *kind = KIND_AUDIO, "audio/mp4";
        return *kind = KIND_VIDEO, "video/mp4";
    }
    return NULL;
}

int ltx__open_regular(const char *path, int *fd_out, uint64_t *size, ltx_error **err)
{
    struct stat st;
    int fd;

    *size = 0;
    *fd_out = -1;
    if (!path || !*path)
        return ltx__fail(err, LTX_EINVAL, "no file name given");
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ltx__fail(err, LTX_EIO, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ltx__fail(err, LTX_EIO, "%s is not a regular file", path);
    }
    *size = (uint64_t)st.st_size;
    *fd_out = fd;
    return LTX_OK;
}

/* Open a regular file and learn its size and media type. */
static int open_media(const char *path, int *fd_out, uint64_t *size, const char **type,
                      unsigned *kind, ltx_error **err)
{
    unsigned char head[SNIFF_BYTES];
    ssize_t n;
    int fd, rc;

    *type = NULL; /* every output set on every path */
    *fd_out = -1;
    if ((rc = ltx__open_regular(path, &fd, size, err)) != LTX_OK)
        return rc;
    do
        n = read(fd, head, sizeof(head));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        int saved = errno;

        close(fd);
        return ltx__fail(err, LTX_EIO, "cannot read %s: %s", path, strerror(saved));
    }
    *type = sniff(head, (size_t)n, kind);
    *fd_out = fd;
    return LTX_OK;
}

LTX_API int ltx_media_type(const char **media_type, const char *path, ltx_error **err)
{
    const char *type;
    unsigned kind = 0;
    uint64_t size;
    int fd, rc;

    LTX_ERR_ENTRY(err);
    if (!media_type)
        return ltx__fail(err, LTX_EINVAL, "ltx_media_type: out is NULL");
    *media_type = NULL;
    if ((rc = open_media(path, &fd, &size, &type, &kind, err)) != LTX_OK)
        return rc;
    close(fd);
    if (!type)
        return ltx__fail(err, LTX_EREQUEST,
                         "%s: not a supported format; allowed: PNG, JPEG, WEBP, MP4, MOV, MKV, "
                         "WAV, MP3, M4A, OGG", path);
    *media_type = type;
    return LTX_OK;
}

/* Check the file for the field; on LTX_OK the fd is open for reading the bytes. */
static int check_media(int field, const char *path, int *fd, uint64_t *size, const char **type,
                       ltx_error **err)
{
    unsigned kind = 0, want = media_fields[field].kinds;
    const char *name = media_fields[field].name;
    int rc;

    if ((rc = open_media(path, fd, size, type, &kind, err)) != LTX_OK) {
        /* a file that cannot be read is a mistake in the request, like a bad value */
        if (err && *err) {
            (*err)->code = LTX_EREQUEST;
            if (!(*err)->field)
                (*err)->field = ltx__strdup(name);
        }
        return LTX_EREQUEST;
    }
    if (!*type || !(kind & want)) {
        close(*fd);
        return ltx__reject(err, media_fields[field].name, "%s: %s is %s; allowed: %s", name, path,
                      *type ? *type : "not a supported format", allowed_by_kind[want]);
    }
    if (*size == 0 || *size > LTX_UPLOAD_MAX_BYTES) {
        close(*fd);
        return ltx__reject(err, media_fields[field].name, "%s: %s is %llu bytes; allowed: 1 to %u bytes", name, path,
                      (unsigned long long)*size, LTX_UPLOAD_MAX_BYTES);
    }
    return LTX_OK;
}

int ltx__media_check(int field, const char *path, ltx_error **err)
{
    const char *type;
    uint64_t size;
    int fd, rc = check_media(field, path, &fd, &size, &type, err);

    if (rc == LTX_OK)
        close(fd);
    return rc;
}

static char *data_uri(int fd, uint64_t size, const char *type)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t prefix, n = 0, got = 0;
    /* zeroed, though the loop below fills it whole: gcc -fanalyzer cannot see that */
    unsigned char *raw = calloc(1, size ? size : 1);
    char *out;

    if (!type) /* check_media() refuses a file without a type before this */
        type = "application/octet-stream";
    prefix = strlen("data:;base64,") + strlen(type);
    out = malloc(prefix + (size + 2) / 3 * 4 + 1);
    if (!raw || !out || lseek(fd, 0, SEEK_SET) != 0)
        goto fail;
    while (got < size) {
        ssize_t r = read(fd, raw + got, size - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto fail;
        got += (size_t)r;
    }
    n = (size_t)snprintf(out, prefix + 1, "data:%s;base64,", type);
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < size ? (uint32_t)raw[i + 1] << 8 : 0) |
                     (i + 2 < size ? raw[i + 2] : 0);

        out[n++] = b64[v >> 18 & 63];
        out[n++] = b64[v >> 12 & 63];
        out[n++] = i + 1 < size ? b64[v >> 6 & 63] : '=';
        out[n++] = i + 2 < size ? b64[v & 63] : '=';
    }
    out[n] = '\0';
    free(raw);
    return out;
fail:
    free(raw);
    free(out);
    return NULL;
}

static int has_header(char *const *headers, const char *name)
{
    size_t n = strlen(name);

    for (; headers && *headers; headers++)
        if (strncasecmp(*headers, name, n) == 0 && (*headers)[n] == ':')
            return 1;
    return 0;
}

void ltx__media_put_req(ltx_http_req *put, const ltx_upload_doc *doc, int fd, uint64_t size,
                        const char *type, uint64_t deadline)
{
    memset(put, 0, sizeof(*put));
    put->method = "PUT";
    put->url = doc->upload_url;
    put->with_auth = 0; /* a signed URL on a storage host: the key never goes there */
    put->content_type = has_header(doc->headers, "Content-Type") ? NULL : type;
    put->headers = (const char *const *)doc->headers;
    put->body_from_fd = 1;
    put->body_fd = fd;
    put->body_fd_len = size;
    put->deadline = deadline;
}

int ltx__media_open(int field, const char *path, int *fd, uint64_t *size, const char **type,
                    int *upload, ltx_error **err)
{
    int rc = check_media(field, path, fd, size, type, err);

    *upload = rc == LTX_OK &&
              (*size > INLINE_MAX_BYTES || (media_fields[field].kinds & KIND_AUDIO));
    return rc;
}

char *ltx__media_data_uri(int fd, uint64_t size, const char *type)
{
    return data_uri(fd, size, type);
}

struct ltx_upload {
    char *storage_uri;
    char *expires_at;
};

/* POST /v1/upload, then PUT the open file to the signed URL. *expires_at may be NULL. */
static int upload_fd(ltx_client *c, int fd, uint64_t size, const char *type, uint64_t deadline,
                     const ltx_cancel *cancel, char **storage_uri, char **expires_at,
                     ltx_error **err)
{
    char *url = ltx__printf("%s/v1/upload", c->base_url);
    ltx_http_req rq = {0}, put = {0};
    ltx_http_resp rs;
    ltx_upload_doc doc = {0};
    int rc;

    *storage_uri = NULL;
    if (!url)
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    ltx__http_req_api(&rq, "POST", url, NULL, deadline);
    rq.cancel = cancel;
    /* asking for an upload URL creates nothing billable: safe to repeat */
    rc = ltx__call(c, LTX_CALL_IDEMPOTENT, &rq, &rs, "create an upload", err);
    free(url);
    if (rc != LTX_OK)
        return rc;
    if (ltx__upload_parse(rs.body.data, rs.body.len, &doc) != LTX_OK) {
        ltx_error *e = ltx__error_of_exchange(c, &rs, LTX_EPROTOCOL, "create an upload",
                                              "create an upload: the answer lacks upload_url, "
                                              "storage_uri or required_headers", 1, 0);

        ltx__http_resp_free(&rs);
        return ltx__error_raise(err, e, LTX_EPROTOCOL);
    }
    ltx__http_resp_free(&rs);

    ltx__media_put_req(&put, &doc, fd, size, type, deadline);
    put.cancel = cancel;
    rc = ltx__call(c, LTX_CALL_IDEMPOTENT, &put, &rs, "upload the file", err);
    if (rc == LTX_OK) {
        ltx__http_resp_free(&rs);
        *storage_uri = doc.storage_uri;
        doc.storage_uri = NULL;
        if (expires_at) {
            *expires_at = doc.expires_at;
            doc.expires_at = NULL;
        }
        ltx__log(c, LTX_LOG_INFO, "uploaded %llu bytes of %s", (unsigned long long)size, type);
    }
    ltx__upload_doc_free(&doc);
    return rc;
}

LTX_API int ltx_upload_file(ltx_upload **out, ltx_client *c, const char *path, ltx_cancel *cancel,
                            ltx_error **err)
{
    const char *type;
    unsigned kind = 0;
    uint64_t size;
    ltx_upload *u;
    int fd, rc;

    LTX_ERR_ENTRY(err);
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_upload_file: out is NULL");
    *out = NULL;
    if (!c)
        return ltx__fail(err, LTX_EINVAL, "ltx_upload_file: client is NULL");
    if ((rc = open_media(path, &fd, &size, &type, &kind, err)) != LTX_OK)
        return rc;
    if (!type || size == 0 || size > LTX_UPLOAD_MAX_BYTES) {
        close(fd);
        if (!type)
            return ltx__fail(err, LTX_EREQUEST,
                             "%s: not a supported format; allowed: PNG, JPEG, WEBP, MP4, MOV, MKV, "
                             "WAV, MP3, M4A, OGG", path);
        return ltx__fail(err, LTX_EREQUEST, "%s is %llu bytes; allowed: 1 to %u bytes", path,
                         (unsigned long long)size, LTX_UPLOAD_MAX_BYTES);
    }
    if (!(u = calloc(1, sizeof(*u)))) {
        close(fd);
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    }
    rc = upload_fd(c, fd, size, type, ltx__deadline_from_now(c), cancel, &u->storage_uri,
                   &u->expires_at, err);
    close(fd);
    if (rc != LTX_OK) {
        ltx_upload_free(u);
        return rc;
    }
    *out = u;
    return LTX_OK;
}

LTX_API const char *ltx_upload_storage_uri(const ltx_upload *u)
{
    return u ? u->storage_uri : NULL;
}

LTX_API const char *ltx_upload_expires_at(const ltx_upload *u)
{
    return u ? u->expires_at : NULL;
}

LTX_API void ltx_upload_free(ltx_upload *u)
{
    if (!u)
        return;
    free(u->storage_uri);
    free(u->expires_at);
    free(u);
}


void ltx__resolved_free(char *owned[LTX_N_MEDIA_FIELDS])
{
    for (int k = 0; k < LTX_N_MEDIA_FIELDS; k++) {
        free(owned[k]);
        owned[k] = NULL;
    }
}

int ltx__resolve_inputs(ltx_client *c, const ltx_request *req, ltx_request *copy,
                        char *owned[LTX_N_MEDIA_FIELDS], uint64_t deadline, ltx_error **err)
{
    *copy = *req;
    memset(owned, 0, LTX_N_MEDIA_FIELDS * sizeof(*owned));
    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++) {
        const char *type;
        uint64_t size;
        int fd, rc;

        if (!req->input_files[i])
            continue;
        rc = check_media(i, req->input_files[i], &fd, &size, &type, err);
        if (rc == LTX_OK) {
            if (size <= INLINE_MAX_BYTES && !(media_fields[i].kinds & KIND_AUDIO)) {
                owned[i] = data_uri(fd, size, type);
                if (!owned[i])
                    rc = ltx__fail(err, LTX_EIO, "cannot read %s", req->input_files[i]);
            } else {
                rc = upload_fd(c, fd, size, type, deadline, req->cancel, &owned[i], NULL, err);
            }
            close(fd);
        }
        if (rc != LTX_OK) {
            ltx__resolved_free(owned);
            return rc;
        }
        ltx__media_use(copy, i, owned[i]);
    }
    return LTX_OK;
}
