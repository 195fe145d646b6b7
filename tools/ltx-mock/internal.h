/* tools/ltx-mock/internal.h — what the files of ltx-mock share; not part of mock.h. */
#ifndef LTX_MOCK_INTERNAL_H
#define LTX_MOCK_INTERNAL_H

#include "mock.h"

#include <float.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

/* ------------------------------------------------------------------ request validation */

typedef enum {
    FT_STRING,   /* any string */
    FT_PROMPT,   /* string of at most PROMPT_MAX_CHARS code points */
    FT_URI,      /* https://, data: or ltx:// string */
    FT_ENUM,     /* one of `values` */
    FT_INT_ENUM, /* integer, one of `ints` */
    FT_DURATION, /* t2v/i2v: integer or null; the model matrix is checked later */
    FT_NUMBER,   /* number within [min, max] */
    FT_BOOL,
    FT_PLACEMENT, /* reframe: one of `values` (anchors), or {x, y, width, height} of
                     fractions in [0, 1] with x + width and y + height at most 1 */
} field_type;

typedef struct {
    const char *name;
    field_type type;
    int required;
    int nonempty;              /* FT_PROMPT: "" rejected */
    const char *const *values; /* FT_ENUM, NULL-terminated */
    const int *ints;           /* FT_INT_ENUM, 0-terminated */
    double min, max;           /* FT_NUMBER */
} field_spec;

typedef struct endpoint_spec {
    const char *name; /* path segment */
    unsigned versions;
    const field_spec *fields;
    const char *result_key;
    const char *result_ext;
    int (*check)(json_t *body, char *msg, size_t n); /* rules across fields */
} endpoint_spec;

#define V1 1u
#define V2 2u
#define NO_MAX DBL_MAX

/* clang-format off: one row of a field table per line */
#define REQUIRED(n, t)                                                                             \
    {                                                                                              \
        .name = (n), .type = (t), .required = 1                                                    \
    }
#define OPTIONAL(n, t)                                                                             \
    {                                                                                              \
        .name = (n), .type = (t)                                                                   \
    }
#define ENUM(n, req, vals)                                                                         \
    {                                                                                              \
        .name = (n), .type = FT_ENUM, .required = (req), .values = (vals)                          \
    }
#define RANGE(n, req, lo, hi)                                                                      \
    {                                                                                              \
        .name = (n), .type = FT_NUMBER, .required = (req), .min = (lo), .max = (hi)                \
    }
#define FIELDS_END                                                                                 \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* The fields text-to-video and image-to-video share, in the order of their tables. */
#define LM_VIDEO_FIELDS(models, resolutions)                                                       \
    {.name = "prompt", .type = FT_PROMPT, .required = 1, .nonempty = 1},                           \
        ENUM("model", 1, (models)), REQUIRED("duration", FT_DURATION),                             \
        ENUM("resolution", 1, (resolutions)),                                                      \
        {.name = "fps", .type = FT_INT_ENUM, .ints = lm_fps_values},                               \
        OPTIONAL("generate_audio", FT_BOOL)
/* clang-format on */

/* validate.c: the value lists every profile shares. */
extern const int lm_fps_values[];
extern const char *const lm_camera_motions[];
extern const char *const lm_retake_modes[];
extern const char *const lm_extend_modes[];
extern const char *const lm_hd_resolutions[];
extern const char *const lm_reframe_resolutions[];

/* validate.c: the endpoints of the DEFAULT and LIVE profiles, and their rules across fields. */
extern const endpoint_spec lm_endpoints[];
extern const size_t lm_n_endpoints;
int lm_check_t2v(json_t *body, char *msg, size_t n);
int lm_check_i2v(json_t *body, char *msg, size_t n);
int lm_check_a2v(json_t *body, char *msg, size_t n);

/* ------------------------------------------------------------------ profiles.c */

/* The endpoint table of a profile (n entries). */
const endpoint_spec *lm_profile_endpoints(lmock_profile p, size_t *n);
/* Content-Type of a v1 success. */
const char *lm_profile_v1_content_type(lmock_profile p);
/* What LMOCK_HDR_RESULTS_PROFILE means in p. */
lmock_hdr_results lm_profile_hdr_results(lmock_profile p);
/* Whether v1 generation answers as retired. */
int lm_profile_v1_retired(lmock_profile p);
/* The extra endpoint served without extra_endpoint, or NULL. */
const char *lm_profile_extra_endpoint(lmock_profile p);
/* The fields of the extra (compositing) endpoint. */
extern const field_spec lm_compositing_fields[];
/* Whether name may name the extra endpoint: a path segment of [a-z0-9-] that
 * no endpoint of p (nor "upload") already has. */
int lm_extra_endpoint_ok(lmock_profile p, const char *name);

/* ------------------------------------------------------------------ storage.c */

#define LM_ETAG_MAX 40      /* "\"" + 32 hex + "\"" + NUL */
#define LM_SIGNATURE_LEN 64 /* hex characters of X-Goog-Signature */

/* A Google Cloud Storage XML error document (malloc'd; NULL when out of memory). */
char *lm_storage_error_xml(const char *code, const char *message, const char *details);
/* A stored (uncompressed) ZIP holding one small EXR frame, as the HDR result. */
int lm_zip_build(unsigned char **out, size_t *len);
/* A quoted 32-hex-digit entity tag of data, as GCS gives (an MD5 there). */
void lm_etag(const void *data, size_t len, char out[LM_ETAG_MAX]);
/* The signature of a signed URL for object (a path such as "/results/ID.mp4")
 * valid from date for expires_s seconds. The same on every server, so that a
 * second ltx-mock serving results (serve_any_result) checks a first one's. */
void lm_sign(const char *object, long long date, unsigned long expires_s,
             char out[LM_SIGNATURE_LEN + 1]);
/* The query of a V4-signed URL: "X-Goog-Algorithm=...&X-Goog-Signature=...". */
void lm_signed_query(char *out, size_t n, const char *object, time_t date, unsigned long expires_s);

/* Outcome of checking a signed URL's query. */
typedef enum {
    LM_SIGNED_OK,
    LM_SIGNED_MISSING,  /* no X-Goog-Signature: an anonymous request            */
    LM_SIGNED_MISMATCH, /* a signature that does not sign this object and time  */
    LM_SIGNED_EXPIRED,  /* X-Goog-Date + X-Goog-Expires is past                 */
} lm_signed_check;

/* Check the query arguments (NULL when absent) of a request for object at `now`. */
lm_signed_check lm_signed_verify(const char *object, const char *date, const char *expires,
                                 const char *signature, time_t now);

/* ------------------------------------------------------------------ the server's state and parts
 */

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include <microhttpd.h>

/* configure accepts libmicrohttpd >= 0.9.71, older than these names. */
#ifndef MHD_HTTP_CONTENT_TOO_LARGE
#define MHD_HTTP_CONTENT_TOO_LARGE 413
#endif
#ifndef MHD_HTTP_RANGE_NOT_SATISFIABLE
#define MHD_HTTP_RANGE_NOT_SATISFIABLE 416
#endif

/* The MP4 served by default, generated by bin2c from tests/data/sample.mp4. */
extern const unsigned char lmock_fixture_mp4[];
extern const size_t lmock_fixture_mp4_len;

#define RECORD_RING 64          /* requests kept for lmock_last_body/_header */
#define PROMPT_MAX_CHARS 5000   /* API-NOTES §4.1, in code points */
#define SLEEP_SLICE_MS 10       /* DELAY/STALL sleep granularity, so stop is quick */
#define CONNECTION_TIMEOUT_S 60 /* idle keep-alive connections hold a thread */
#define MSG_MAX 512             /* validation and error messages */
#define REQUEST_ID_LEN 32       /* x-request-id: 32 lowercase hex characters */
#define UUID_LEN 36
#define TIMESTAMP_MAX 32 /* "2026-11-26T11:20:00.123Z" */
#define UPLOAD_RANGE_HEADER "x-goog-content-length-range"
#define MOCK_STORAGE_BUCKET "ltx://ltx-mock/uploads/"
#define CONTROL_PREFIX "/_mock/"   /* the control API: no auth, no faults, not counted */
#define STREAM_BLOCK (16u * 1024u) /* block size of callback-driven responses */
#define REQUESTS_LIMIT_DEFAULT RECORD_RING

/* ------------------------------------------------------------------ types */

typedef struct {
    lmock_fault_kind kind;
    char *method, *path_prefix, *error_type, *message, *retry_after, *body, *location;
    char *content_type;
    int status;
    unsigned delay_ms;
    size_t size;
    unsigned remaining;
} fault_entry;

typedef struct {
    char *name, *value;
} header_kv;

typedef struct {
    char *method, *path;
    header_kv *headers;
    size_t n_headers;
    char *body; /* NUL-terminated copy of what was stored */
    size_t body_len;
} record;

typedef struct {
    char *method, *path;
    uint32_t hash;
    unsigned count;
} path_count;

typedef struct {
    char id[UUID_LEN + 1];
    const struct endpoint_spec *ep;
    struct timespec submitted; /* CLOCK_MONOTONIC, for time-based phases */
    struct timespec created;   /* CLOCK_REALTIME */
    char created_at[TIMESTAMP_MAX];
    char completed_at[TIMESTAMP_MAX]; /* "" until a poll saw the job finish */
    struct timespec done;             /* CLOCK_MONOTONIC, when completed_at was set */
    time_t completed_sec;             /* CLOCK_REALTIME of completed_at: signs results */
    unsigned polls;
    char *fail_type, *fail_message; /* set: the job ends "failed" */
} job;

typedef struct {
    char id[UUID_LEN + 1];
    int uploaded;            /* a PUT succeeded: the storage URI may be used */
    char *content_type;      /* of the last successful PUT, or NULL */
    struct timespec expires; /* CLOCK_MONOTONIC: the signed URL's expires_at */
    char etag[LM_ETAG_MAX];  /* of the last successful PUT */
} upload;

struct lmock {
    struct MHD_Daemon *daemon;
    unsigned short port;
    char base_url[sizeof "http://127.0.0.1:65535"];
    char *api_key;
    unsigned pending_polls, processing_polls, pending_ms, processing_ms;
    int time_based;
    int quiet;
    void *video_map; /* --video mapped, not read: a 1 GiB file costs no heap */
    size_t video_map_len;
    const unsigned char *video;
    size_t video_len;
    uint64_t id_salt;    /* first half of every x-request-id */
    atomic_int stopping; /* makes DELAY/STALL sleeps return early */

    pthread_mutex_t lock; /* guards everything below */
    uint64_t rng;
    uint64_t next_seq;
    fault_entry *faults;
    size_t n_faults, cap_faults;
    job *jobs;
    size_t n_jobs, cap_jobs;
    upload *uploads;
    size_t n_uploads, cap_uploads;
    record ring[RECORD_RING];
    size_t ring_next, ring_used;
    path_count *counts;
    size_t n_counts, cap_counts;
    unsigned jobs_accepted;
    unsigned connections; /* TCP connections accepted */
    unsigned downloads_with_auth;
    unsigned uploads_with_auth;
    unsigned expire_ms;
    int serve_any_result;
    int hold;          /* lmock_hold(): every job reads as pending */
    char *result_base; /* NULL: base_url */

    /* Additions: the profile and what it decides (fixed once started, but hdr_results). */
    lmock_profile profile;
    const endpoint_spec *eps; /* the profile's endpoints */
    size_t n_eps;
    endpoint_spec extra_ep; /* extra_ep.name NULL: no extra endpoint */
    char *extra_name;
    lmock_hdr_results hdr_results; /* never LMOCK_HDR_RESULTS_PROFILE here */
    char *v1_content_type;
    int v1_retired;
    unsigned upload_ttl_ms;
    unsigned char *zip; /* the HDR archive */
    size_t zip_len;
    char video_etag[LM_ETAG_MAX], zip_etag[LM_ETAG_MAX];
};

typedef enum {
    ROUTE_NONE,     /* no such path */
    ROUTE_GENERATE, /* POST /v1|v2/<endpoint> */
    ROUTE_POLL,     /* GET /v2/<endpoint>/<id> */
    ROUTE_UPLOAD,   /* POST /v1/upload */
    ROUTE_DOWNLOAD, /* GET /results/<id>.<ext>, no auth */
    ROUTE_PUT,      /* PUT /uploads/<id>, no auth */
} route_kind;

typedef struct {
    route_kind kind;
    int api;     /* under /v1 or /v2: needs the Bearer key */
    int version; /* 1 or 2 for API routes */
    const struct endpoint_spec *ep;
    const char *id;             /* points into the URL */
    const char *method_allowed; /* NULL: the method is fine */
} route;

/* One HTTP connection's request in progress. */
typedef struct {
    char *body;
    size_t len, cap; /* stored bytes */
    size_t received; /* all bytes, stored or not */
    size_t limit;    /* beyond this: too_large */
    int too_large;
} request_ctx;

#define REPLY_HEADERS_MAX 12

/* A response before it is handed to MHD. */
typedef struct {
    unsigned status;
    const char *content_type;
    char *owned;               /* body we allocated, or NULL */
    const unsigned char *data; /* body bytes (owned or borrowed) */
    size_t len;
    struct {
        const char *name;
        char *value;
    } headers[REPLY_HEADERS_MAX];
    size_t n_headers;
    int storage; /* a storage answer: no x-request-id, as GCS sends none */
} reply;

/* ------------------------------------------------------------------ functions, by file */

/* reply.c: helpers, status defaults, replies */
char *lm_dup_or_null(const char *s);
void *lm_grow(void *arr, size_t *cap, size_t need, size_t elem);
int lm_starts_with(const char *s, const char *prefix);
uint64_t lm_splitmix64(uint64_t *state);
uint32_t lm_fnv1a(const char *a, const char *b);
void lm_format_timestamp(const struct timespec *ts, char out[TIMESTAMP_MAX]);
struct timespec lm_ts_add_ms(struct timespec ts, uint64_t ms);
uint64_t lm_elapsed_ms(const struct timespec *since);
void lm_sleep_interruptible(lmock *m, unsigned ms);
__attribute__((format(printf, 3, 4))) int lm_fail(char *msg, size_t n, const char *fmt, ...);
const char *lm_status_error_type(unsigned status);
const char *lm_status_message(unsigned status);
const char *lm_status_reason(unsigned status);
void lm_reply_free(reply *r);
void lm_reply_header(reply *r, const char *name, const char *value);
void lm_reply_text(reply *r, unsigned status, const char *content_type, char *text);
void lm_reply_json(reply *r, unsigned status, json_t *v);
void lm_reply_error(reply *r, unsigned status, const char *type, const char *message);
__attribute__((format(printf, 3, 4))) void lm_reply_errorf(reply *r, unsigned status,
                                                           const char *fmt, ...);
void lm_reply_video(reply *r, const lmock *m, const char *content_type);
void lm_reply_storage_error(reply *r, unsigned status, const char *code, const char *message,
                            const char *details);

/* validate.c: the endpoint tables and the checks of a body */
const endpoint_spec *lm_endpoint_find(const lmock *m, const char *name, size_t len);
void lm_join_strings(const char *const *values, char *out, size_t n);
int lm_string_in(const char *s, const char *const *values);
int lm_json_integral(const json_t *v, long long *out);
int lm_body_validate(const endpoint_spec *ep, json_t *body, char *msg, size_t n);

/* jobs.c: the job engine (call the *_find and job_expired with the lock held) */
void lm_make_uuid(lmock *m, char out[UUID_LEN + 1]);
int lm_looks_like_uuid(const char *s, size_t len);
job *lm_job_find(lmock *m, const char *id, size_t len);
int lm_job_expired(const lmock *m, const job *j);
void lm_handle_submit(lmock *m, const route *rt, const fault_entry *fail_fault, reply *r);
void lm_handle_poll(lmock *m, const route *rt, reply *r);

/* transfer.c: results downloaded and files uploaded through signed URLs */
void lm_handle_download(lmock *m, struct MHD_Connection *conn, const route *rt, reply *r);
void lm_handle_upload_url(lmock *m, reply *r);
void lm_handle_upload_put(lmock *m, struct MHD_Connection *conn, const route *rt,
                          const request_ctx *ctx, reply *r);
int lm_storage_uris_check(lmock *m, const endpoint_spec *ep, json_t *body, char *msg, size_t n);

/* faults.c: scripted faults */
void lm_fault_free(fault_entry *f);
int lm_fault_init(fault_entry *dst, const lmock_fault *spec, unsigned remaining);
int lm_fault_take(lmock *m, const char *method, const char *url, const route *rt, fault_entry *out);
int lm_fault_add_jsonb(lmock *m, const char *text, size_t len, char *msg, size_t n);
void lm_fault_reply(const fault_entry *f, const char *url, reply *r);
extern const char *const lm_fault_kind_names[];

/* control.c: records, counters, the /_mock/ control API */
void lm_record_clear(record *r);
void lm_record_request(lmock *m, struct MHD_Connection *conn, const char *method, const char *url,
                       request_ctx *ctx);
const record *lm_record_find(const lmock *m, const char *prefix);
int lm_is_control_path(const char *url);
void lm_handle_control(lmock *m, struct MHD_Connection *conn, const char *method, const char *url,
                       const request_ctx *ctx, reply *r);

/* server.c: routing, dispatch, sending */
/* The daemon answering on 127.0.0.1:port (0: any free port), or NULL. */
struct MHD_Daemon *lm_daemon_start(lmock *m, unsigned short port);

#endif
