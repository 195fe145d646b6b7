/* tools/ltx-mock/mock.h — ltx-mock, a local LTX-compatible HTTP server, as an embeddable API.
 *
 * The same server runs as the `ltx-mock` program and inside test binaries. It is
 * not part of libltx's ABI: it is a static convenience library linked into the
 * tests, the benchmarks and the ltx-mock program. All functions are thread-safe:
 * a test thread scripts faults and reads counters while the server's threads answer.
 */
#ifndef LTX_MOCK_H
#define LTX_MOCK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lmock lmock;

/* Kinds of scripted fault. */
typedef enum {
    LMOCK_FAULT_STATUS = 0, /* answer `status` with the documented JSON envelope  */
    LMOCK_FAULT_HTML,       /* answer `status` with an HTML page (a proxy's 413)    */
    LMOCK_FAULT_TRUNCATE,   /* announce the full Content-Length, send half, close  */
    LMOCK_FAULT_RESET,      /* close the connection without any answer              */
    LMOCK_FAULT_STALL,      /* send headers and part of the body, then go silent
                               for delay_ms before closing                           */
    LMOCK_FAULT_DELAY,      /* sleep delay_ms, then answer normally                 */
    LMOCK_FAULT_BODY,       /* answer `status` with `body` verbatim as JSON          */
    LMOCK_FAULT_JOB_FAIL,   /* (addition) matches v2 submits only: the job is
                               accepted (202) but ends "failed" with error
                               {error_type, message}; defaults by `status`, else
                               api_error / "Generation failed"                  */
} lmock_fault_kind;

/* Faults are applied before authentication and validation, after the request is
 * counted and recorded. STATUS, HTML, BODY and RESET replace the normal handling
 * (no job is created). DELAY, TRUNCATE and STALL run it: a truncated v2 submit
 * still creates a job, as a real connection lost after the body was sent would.
 * A STATUS fault with status 0 is ignored; HTML defaults to 413, BODY to 200. */

typedef struct {
    lmock_fault_kind kind;
    const char *method;      /* "POST", "GET", "PUT" or NULL for any               */
    const char *path_prefix; /* e.g. "/v2/text-to-video"; NULL for any path        */
    int status;              /* HTTP status for STATUS/HTML/BODY                     */
    const char *error_type;  /* envelope error.type; NULL = the documented default */
    const char *message;     /* envelope error.message; NULL = a default text      */
    const char *retry_after; /* Retry-After header value verbatim, or NULL         */
    const char *body;        /* for LMOCK_FAULT_BODY                                 */
    unsigned delay_ms;       /* for DELAY and STALL                                 */
    unsigned times;          /* how many matching requests it applies to; 0 = 1    */
} lmock_fault;

/* Documented defaults (additions). */
#define LMOCK_DEFAULT_API_KEY "test-key"
#define LMOCK_DEFAULT_PENDING_POLLS 1u
#define LMOCK_DEFAULT_PROCESSING_POLLS 1u
/* Largest API request body accepted; bigger ones get 413 request_too_large. */
#define LMOCK_BODY_MAX (16u * 1024u * 1024u)
/* Largest upload accepted by PUT /uploads/<id> (only the first LMOCK_BODY_MAX
 * bytes are recorded). */
#define LMOCK_UPLOAD_MAX (100u * 1024u * 1024u)

typedef struct {
    const char *api_key;       /* the key Bearer auth accepts; NULL = "test-key"     */
    unsigned short port;       /* 0 = an ephemeral port on 127.0.0.1                  */
    unsigned pending_polls;    /* GETs answering "pending" before "processing"       */
    unsigned processing_polls; /* GETs answering "processing" before "completed"     */
    unsigned pending_ms;       /* alternatively: time spent pending (0 = by polls)   */
    unsigned processing_ms;    /* time spent processing (0 = by polls)               */
    const char *video_path;    /* MP4 served as output; NULL = the built-in fixture  */
    int quiet;                 /* no log lines on stderr                              */
} lmock_options;

/* Fill *opts with the defaults (all zero but for the documented defaults):
 * api_key NULL (= LMOCK_DEFAULT_API_KEY), pending_polls 1, processing_polls 1.
 * lmock_start() also treats zero polls as these defaults; when pending_ms or
 * processing_ms is non-zero the job phases go by time since submit instead
 * (pending_ms = 1 gives a job that completes almost at once). */
void lmock_options_init(lmock_options *opts);

/* Start a server on 127.0.0.1. opts may be NULL (defaults). Returns NULL on
 * failure (message on stderr).
 *
 * Routes: POST /v1/{text-to-video,image-to-video,audio-to-video,retake,extend}
 * (200 video/mp4), POST /v2/<same + video-to-video-hdr, video-to-video-reframe>
 * (202 job), GET /v2/<endpoint>/<id> (job status), POST /v1/upload (signed
 * upload URL), and without auth: GET|HEAD /results/<id>.mp4|.zip (Range
 * supported) and PUT /uploads/<id> (requires x-goog-content-length-range). */
lmock *lmock_start(const lmock_options *opts);

/* Stop the server and free everything. NULL is accepted. */
void lmock_stop(lmock *m);

/* The port the server listens on. */
unsigned short lmock_port(const lmock *m);

/* "http://127.0.0.1:PORT" — borrowed, valid until lmock_stop(). */
const char *lmock_base_url(const lmock *m);

/* Add a scripted fault; the first matching fault with times left is applied. */
void lmock_fault_add(lmock *m, const lmock_fault *f);
void lmock_faults_clear(lmock *m);

/* Counters and records of what the server saw. `method` may be NULL (any);
 * `path_prefix` may be NULL (any). Counts every request, faulted or not. */
unsigned lmock_count(lmock *m, const char *method, const char *path_prefix);

/* Jobs accepted by a v2 submit (202 answers), all endpoints. */
unsigned lmock_jobs_accepted(lmock *m);

/* Result downloads that arrived carrying an Authorization header. */
unsigned lmock_downloads_with_auth(lmock *m);

/* Copy of the last request body received at a path starting with path_prefix, or
 * NULL. Caller frees with free(). */
char *lmock_last_body(lmock *m, const char *path_prefix);

/* Copy of a header (case-insensitive name) of the last request at path_prefix,
 * or NULL when absent. Caller frees with free(). */
char *lmock_last_header(lmock *m, const char *path_prefix, const char *name);

/* Addition: copy of the stored bytes of that last body (NUL-terminated for
 * convenience; *len excludes the NUL and may be NULL), or NULL when no request
 * matched. Caller frees with free(). */
void *lmock_last_body_bytes(lmock *m, const char *path_prefix, size_t *len);

/* The bytes the server serves as a generated video (borrowed). */
const unsigned char *lmock_video(const lmock *m, size_t *len);

/* Reset counters and records (not jobs, not faults). */
void lmock_reset_counters(lmock *m);

#ifdef __cplusplus
}
#endif
#endif
