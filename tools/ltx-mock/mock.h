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
    /* Additions (the numbering of the kinds above is fixed): */
    LMOCK_FAULT_CHUNKED,    /* answer normally, but with chunked transfer encoding
                               (no Content-Length)                                */
    LMOCK_FAULT_HUGE_BODY,  /* answer `status` (default 500) with a valid JSON error
                               envelope of exactly `size` bytes (default
                               LMOCK_HUGE_BODY_DEFAULT), its message padded with
                               spaces; streamed, never held in memory              */
    LMOCK_FAULT_REDIRECT,   /* answer `status` (default 302) with an empty body and
                               `Location: <location>` (default: the request's own
                               path, a loop)                                       */
    LMOCK_FAULT_RESET_AFTER_BODY, /* read the whole request, handle it normally (a
                               v2 submit DOES create and count its job), then close
                               the connection without answering                    */
} lmock_fault_kind;

/* Faults are applied before authentication and validation, after the request is
 * counted and recorded. STATUS, HTML, BODY, HUGE_BODY, REDIRECT and RESET replace
 * the normal handling (no job is created). DELAY, TRUNCATE, STALL, CHUNKED and
 * RESET_AFTER_BODY run it: a truncated v2 submit still creates a job, as a real
 * connection lost after the body was sent would. TRUNCATE and STALL apply to any
 * answer, JSON ones (v2 submit, poll) included: the full Content-Length is
 * declared and half of the body is sent. RESET and RESET_AFTER_BODY both close
 * the connection after the request body was read; only RESET_AFTER_BODY lets the
 * request take effect.
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
    /* Additions: */
    size_t size;             /* HUGE_BODY: body size in bytes; 0 = the default     */
    const char *location;    /* REDIRECT: the Location header; NULL = own path     */
    const char *content_type; /* STATUS, HTML, BODY, HUGE_BODY, REDIRECT: the
                                 Content-Type sent instead of theirs (the body is
                                 unchanged), e.g. "text/plain" for a proxy's
                                 plain-text error; NULL = theirs                  */
} lmock_fault;

/* HUGE_BODY's default size: 10 MiB. */
#define LMOCK_HUGE_BODY_DEFAULT (10u * 1024u * 1024u)

/* Documented defaults (additions). */
#define LMOCK_DEFAULT_API_KEY "test-key"
#define LMOCK_DEFAULT_PENDING_POLLS 1u
#define LMOCK_DEFAULT_PROCESSING_POLLS 1u
/* Largest API request body accepted; bigger ones get 413 request_too_large. */
#define LMOCK_BODY_MAX (16u * 1024u * 1024u)
/* Largest upload accepted by PUT /uploads/<id> (only the first LMOCK_BODY_MAX
 * bytes are recorded). */
#define LMOCK_UPLOAD_MAX (100u * 1024u * 1024u)

/* Addition: which API the server plays. Every difference is listed, with its
 * source and how sure it is, in ltx-mock(1) under PROFILES. */
typedef enum {
    LMOCK_PROFILE_DEFAULT = 0, /* what libltx's own tests need: the July 2026 OpenAPI
                                  document plus the later additions (2.5 models,
                                  automatic durations, a2v fps/last_frame_uri/
                                  camera_motion, optional reframe model, reframe
                                  placement, HDR output_colorspace); v1 served      */
    LMOCK_PROFILE_JULY_2026,   /* the OpenAPI document as shipped in July 2026, and
                                  nothing later; v1 answers application/octet-stream */
    LMOCK_PROFILE_LIVE,        /* best knowledge of the live API: as DEFAULT, but v1
                                  generation answers as retired (404), HDR jobs give
                                  both results, and the compositing endpoint is
                                  served (as "video-compositing" unless named)     */
} lmock_profile;

/* Addition: the result URLs a completed HDR job gives. */
typedef enum {
    LMOCK_HDR_RESULTS_PROFILE = 0, /* the profile's: EXR for JULY_2026, else BOTH     */
    LMOCK_HDR_RESULTS_EXR,         /* result.exr_frames_url only (the ZIP)           */
    LMOCK_HDR_RESULTS_VIDEO,       /* result.video_url only (the MP4 preview)        */
    LMOCK_HDR_RESULTS_BOTH,        /* both: exr_frames_url and video_url             */
} lmock_hdr_results;

/* Lifetime of a signed upload URL (expires_at), by default. */
#define LMOCK_UPLOAD_TTL_MS_DEFAULT (3600u * 1000u)

typedef struct {
    const char *api_key;       /* the key Bearer auth accepts; NULL = "test-key"     */
    unsigned short port;       /* 0 = an ephemeral port on 127.0.0.1                  */
    unsigned pending_polls;    /* GETs answering "pending" before "processing"       */
    unsigned processing_polls; /* GETs answering "processing" before "completed"     */
    unsigned pending_ms;       /* alternatively: time spent pending (0 = by polls)   */
    unsigned processing_ms;    /* time spent processing (0 = by polls)               */
    const char *video_path;    /* MP4 served as output; NULL = the built-in fixture  */
    int quiet;                 /* no log lines on stderr                              */
    /* Additions: */
    unsigned expire_ms;        /* a job polled (or downloaded) more than this long
                                  after it completed is 404 not_found_error, as the
                                  API forgets jobs after 24 hours; 0 = never         */
    int serve_any_result;      /* GET|HEAD /results/<uuid>.mp4|.zip serves the video
                                  even for a job this server does not know: for a
                                  second server that plays the result host of a
                                  first one (see lmock_set_result_base())            */
    lmock_profile profile;     /* which API to play; 0 = LMOCK_PROFILE_DEFAULT       */
    lmock_hdr_results hdr_results; /* HDR result URLs; 0 = the profile's             */
    const char *extra_endpoint; /* also serve POST /v2/<name> and its polls, an
                                  endpoint the July document does not name: body
                                  {"video_uri" (required), "prompt" (optional)},
                                  result.video_url (the MP4). A path segment of
                                  a-z, 0-9 and '-' that is not a known endpoint;
                                  NULL = none (LIVE: "video-compositing")          */
    const char *v1_content_type; /* Content-Type of v1 successes; NULL = the
                                  profile's ("video/mp4"; JULY_2026:
                                  "application/octet-stream")                      */
    unsigned upload_ttl_ms;    /* a signed upload URL expires (expires_at) this long
                                  after POST /v1/upload; a PUT after that is 400
                                  ExpiredToken; 0 = LMOCK_UPLOAD_TTL_MS_DEFAULT    */
    unsigned duration_jitter_ms; /* time-based: each job processes processing_ms plus
                                  a draw from [0, this] (GET /_mock/jobs shows it)   */
    unsigned long seed;        /* of those draws: the same seed, the same durations  */
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
 * (200 video/mp4, or v1_content_type; 404 not_found_error in the LIVE profile,
 * v1 generation being retired), POST /v2/<same + video-to-video-hdr,
 * video-to-video-reframe, extra_endpoint> (202 {id, created_at}),
 * GET /v2/<endpoint>/<id> (job status {status, id, created_at} and, once ended,
 * completed_at and result or error), POST /v1/upload (signed upload URL), and
 * without auth: GET|HEAD /results/<id>.mp4|.zip?<signature> (Range supported)
 * and PUT /uploads/<id>?<signature>.
 *
 * Storage URLs (results, uploads) answer as Google Cloud Storage answers
 * V4-signed URLs, not as the API: no x-request-id; ETag and x-goog-* headers
 * on success; errors as XML documents (application/xml) with a <Code>:
 * 403 AccessDenied without the X-Goog-Signature query (a client that dropped
 * the query), 403 SignatureDoesNotMatch with a wrong signature or ANY
 * Authorization header (counted by lmock_downloads_with_auth() and
 * lmock_uploads_with_auth()), 400 ExpiredToken past the signature's
 * X-Goog-Date + X-Goog-Expires, 404 NoSuchKey for a result that is not there
 * (unknown, failed or expired job), 416 InvalidRange. A completed HDR job's
 * .zip is lmock_exr_zip(), its .mp4 lmock_video(), whichever result URLs its
 * status gave (hdr_results).
 *
 * Upload flow (API-NOTES §6): POST /v1/upload needs the Bearer key and answers
 * {upload_url, storage_uri, expires_at, required_headers}; expires_at is
 * upload_ttl_ms away. The PUT to upload_url: 400 ExpiredToken after
 * expires_at; 403 SignatureDoesNotMatch when it lacks a required_headers entry
 * (or changes its value); 400 EntityTooLarge when the size is outside the
 * range; else 200 with an empty body and an ETag. Its Content-Type is recorded
 * (lmock_last_header(m, "/uploads/", "Content-Type")). A storage_uri is
 * accepted as image_uri, video_uri, audio_uri or last_frame_uri once its PUT
 * succeeded; an ltx:// URI this server did not issue, or one nothing was
 * uploaded to, gets 400 invalid_request_error naming the field.
 *
 * Control API (additions), for test programs in any language that drive the
 * ltx-mock program. Routes under /_mock/ need no Authorization, are never
 * faulted, counted or recorded:
 *   POST   /_mock/faults   body: one fault spec (below) or an array of them; 204.
 *                          Invalid JSON, an unknown kind or field, or a value of
 *                          the wrong type: 400 envelope naming it, nothing added.
 *   DELETE /_mock/faults   clear all faults; 204.
 *   GET    /_mock/faults   200, the faults with uses left, as an array of specs
 *                          whose "times" is what is left.
 *   GET    /_mock/stats    200 {"requests","jobs_accepted","downloads_with_auth",
 *                          "submits","polls","downloads","uploads",
 *                          "uploads_with_auth","held","connections",
 *                          "profile"}; with
 *                          ?method=M&path_prefix=P
 *                          also "count": lmock_count(m, M, P).
 *   GET    /_mock/requests 200, the recorded requests (lmock_last_*), newest
 *                          first: [{"method","path","headers":{..},"body"}];
 *                          "body" is null when not UTF-8 text ("body_len" is
 *                          always there); ?path_prefix=P&limit=N filter.
 *   POST   /_mock/hold     lmock_hold(m, 1); DELETE /_mock/hold releases; 204.
 *   POST   /_mock/reset    clear faults and counters, release a hold (not jobs,
 *                          not uploads); 204.
 * A fault spec is the JSON form of lmock_fault:
 *   {"kind": "status", "method": "POST", "path_prefix": "/v2/text-to-video",
 *    "status": 422, "error_type": null, "message": null, "retry_after": null,
 *    "body": null, "location": null, "content_type": null, "delay_ms": 0,
 *    "size": 0, "times": 1}
 * Only "kind" is required: "status", "html", "truncate", "reset", "stall",
 * "delay", "body", "job_fail", "chunked", "huge_body", "redirect" or
 * "reset_after_body" (LMOCK_FAULT_<KIND>). Any other field may be null or absent
 * (= 0 / NULL in lmock_fault), except that kind "status" without a status means
 * 500. "retry_after" may be a string or a number of seconds; "body" a string
 * (sent verbatim) or any other JSON value (sent serialised). */
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

/* Addition: add the faults of a JSON spec, one object or an array of them, in the
 * format of POST /_mock/faults (see lmock_start()). Returns 0, or -1 with nothing
 * added and a message in err (which may be NULL) when the spec is invalid. */
int lmock_fault_add_json(lmock *m, const char *json, char *err, size_t err_len);

/* Addition: make completed jobs' result URLs "<base_url>/results/<id>.<ext>"
 * instead of this server's own base URL, e.g. lmock_base_url() of a second
 * server started with serve_any_result. NULL restores the default. */
void lmock_set_result_base(lmock *m, const char *base_url);

/* Addition: hold (non-zero) or release (0) the queue. While held, every job
 * not yet completed reads as pending and polls do not count towards its progress, like a busy
 * queue: a test can have many jobs accepted before any can finish, whatever the
 * machine's speed. Once released, poll-driven jobs go on from where they were;
 * time-driven ones (pending_ms, processing_ms) from where their clock now
 * stands. */
void lmock_hold(lmock *m, int hold);

/* Counters and records of what the server saw. `method` may be NULL (any);
 * `path_prefix` may be NULL (any). Counts every request, faulted or not. */
unsigned lmock_count(lmock *m, const char *method, const char *path_prefix);

/* Jobs accepted by a v2 submit (202 answers), all endpoints. */
unsigned lmock_jobs_accepted(lmock *m);

/* Addition: TCP connections accepted, to tell whether a client reused one. */
unsigned lmock_connections(lmock *m);

/* Result downloads that arrived carrying an Authorization header. */
unsigned lmock_downloads_with_auth(lmock *m);

/* Addition: PUTs to signed upload URLs that arrived carrying an Authorization
 * header (all were refused). v2 submits received, accepted or not, are
 * lmock_count(m, "POST", "/v2/"). */
unsigned lmock_uploads_with_auth(lmock *m);

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

/* Addition: the bytes served as an HDR job's EXR archive (result.exr_frames_url,
 * any .zip result): a real ZIP holding one small file,
 * frames/frame_00000.exr (borrowed, valid until lmock_stop()). */
const unsigned char *lmock_exr_zip(const lmock *m, size_t *len);

/* Addition: which result URLs HDR jobs give from now on (also jobs already
 * submitted, at their next poll). LMOCK_HDR_RESULTS_PROFILE restores the
 * profile's choice. Both .zip and .mp4 of a completed HDR job are served
 * whichever is chosen. */
void lmock_set_hdr_results(lmock *m, lmock_hdr_results which);

/* Addition: the profile m plays. */
lmock_profile lmock_get_profile(const lmock *m);

/* Addition: "default", "july-2026" or "live"; NULL for a value out of range. */
const char *lmock_profile_name(lmock_profile p);

/* Addition: the profile of that name into *out; 0, or -1 when unknown. */
int lmock_profile_parse(const char *name, lmock_profile *out);

/* The bytes the server serves as a generated video (borrowed). */
const unsigned char *lmock_video(const lmock *m, size_t *len);

/* Reset counters and records (not jobs, not faults). */
void lmock_reset_counters(lmock *m);

/* Addition: lmock_faults_clear(), lmock_reset_counters() and lmock_hold(m, 0) at
 * once, as POST /_mock/reset does. */
void lmock_reset(lmock *m);

#ifdef __cplusplus
}
#endif
#endif
