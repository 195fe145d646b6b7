/* tests/integration/test_fidelity.c — ltx-mock answers as the API (and its storage) does, in
 * each profile: a table of requests and the answers the OpenAPI document's examples and
 * ../shared/API-NOTES describe, sent with plain libcurl, not through libltx. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <curl/curl.h>
#include <jansson.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define P_DEFAULT (1u << LMOCK_PROFILE_DEFAULT)
#define P_JULY (1u << LMOCK_PROFILE_JULY_2026)
#define P_LIVE (1u << LMOCK_PROFILE_LIVE)
#define P_ALL (P_DEFAULT | P_JULY | P_LIVE)

/* What to do before the request of a row. */
typedef enum {
    SETUP_NONE,
    SETUP_JOB,    /* submit `setup_body` to `setup_path` (v2) and poll it to completion;
                     {poll} is its poll path, {result} and {video} its result URLs */
    SETUP_UPLOAD, /* POST /v1/upload; {upload} is its upload_url */
    SETUP_FAULT,  /* add the fault spec `setup_body` */
} setup_kind;

typedef struct {
    unsigned profiles;
    const char *name;
    setup_kind setup;
    const char *setup_path, *setup_body;
    const char *method;
    const char *url;     /* a path, or {poll}, {result}, {result-bare}, {result-badsig},
                            {video}, {upload} */
    const char *body;    /* sent as application/json unless `headers` says otherwise */
    const char *headers; /* extra request headers, separated by '|' */
    int auth;            /* send the Bearer key */
    unsigned upload_ttl_ms;
    const char *v1_content_type;
    long status;
    const char *content_type; /* prefix of the answer's Content-Type; NULL: no check */
    const char *want_headers; /* "Name" present, "!Name" absent, separated by ',' */
    const char *shape;        /* body checks, separated by ',' (see check_shape()) */
} row;

#define T2V_23 "{\"prompt\":\"a fox\",\"model\":\"ltx-2-3-fast\",\"duration\":6,\"resolution\":\"1920x1080\"}"
#define T2V_25_AUTO \
    "{\"prompt\":\"a fox\",\"model\":\"ltx-2-5-pro\",\"duration\":null,\"resolution\":\"1920x1080\"}"
#define A2V_FPS "{\"audio_uri\":\"https://example.com/a.wav\",\"prompt\":\"a choir\",\"fps\":25}"
#define REFRAME_NO_MODEL \
    "{\"video_uri\":\"https://example.com/v.mp4\",\"resolution\":\"1080x1920\"}"
#define REFRAME_JULY \
    "{\"video_uri\":\"https://example.com/v.mp4\",\"model\":\"ltx-2-3-pro\",\"resolution\":\"1080x1920\"}"
#define REFRAME_ANCHOR \
    "{\"video_uri\":\"https://example.com/v.mp4\",\"resolution\":\"1080x1920\",\"placement\":\"top_left\"}"
#define REFRAME_BOX                                                                       \
    "{\"video_uri\":\"https://example.com/v.mp4\",\"resolution\":\"1080x1920\",\"placement\":" \
    "{\"x\":0.1,\"y\":0.2,\"width\":0.5,\"height\":0.5}}"
#define REFRAME_BAD_BOX                                                                   \
    "{\"video_uri\":\"https://example.com/v.mp4\",\"resolution\":\"1080x1920\",\"model\":"  \
    "\"ltx-2-3-pro\",\"placement\":{\"x\":0.6,\"y\":0,\"width\":0.5,\"height\":0.5}}"
#define HDR "{\"video_uri\":\"https://example.com/v.mp4\"}"
#define HDR_CS "{\"video_uri\":\"https://example.com/v.mp4\",\"output_colorspace\":\"acescct\"}"
#define HDR_BAD_CS "{\"video_uri\":\"https://example.com/v.mp4\",\"output_colorspace\":\"rec2020\"}"
#define COMPOSITE "{\"video_uri\":\"https://example.com/v.mp4\",\"prompt\":\"add rain\"}"
#define ERR(t) "type=error,error.type=" t ",error.message"
#define API_HEADERS "x-request-id"
#define STORAGE_HEADERS "!x-request-id"

static const row rows[] = {
    /* v2 submission: 202 {id, created_at} (OAS V2JobCreatedResponse) */
    {P_ALL, "v2 submit", SETUP_NONE, NULL, NULL, "POST", "/v2/text-to-video", T2V_23, NULL, 1, 0,
     NULL, 202, "application/json", API_HEADERS, "id,created_at@"},
    {P_ALL, "v2 submit without a key", SETUP_NONE, NULL, NULL, "POST", "/v2/text-to-video", T2V_23,
     NULL, 0, 0, NULL, 401, "application/json", API_HEADERS, ERR("authentication_error")},
    {P_ALL, "unknown field", SETUP_NONE, NULL, NULL, "POST", "/v2/text-to-video",
     "{\"prompt\":\"a\",\"model\":\"ltx-2-3-fast\",\"duration\":6,\"resolution\":\"1920x1080\","
     "\"seed\":1}",
     NULL, 1, 0, NULL, 400, "application/json", API_HEADERS, ERR("invalid_request_error")},
    /* v1: the video, as OAS's octet-stream or the quickstart's video/mp4; retired live */
    {P_DEFAULT, "v1 t2v", SETUP_NONE, NULL, NULL, "POST", "/v1/text-to-video", T2V_23, NULL, 1, 0,
     NULL, 200, "video/mp4", API_HEADERS, "mp4"},
    {P_JULY, "v1 t2v", SETUP_NONE, NULL, NULL, "POST", "/v1/text-to-video", T2V_23, NULL, 1, 0,
     NULL, 200, "application/octet-stream", API_HEADERS, "mp4"},
    {P_LIVE, "v1 t2v retired", SETUP_NONE, NULL, NULL, "POST", "/v1/text-to-video", T2V_23, NULL,
     1, 0, NULL, 404, "application/json", API_HEADERS, ERR("not_found_error") ",~/v2/text-to-video"},
    {P_LIVE, "v1 upload is not retired", SETUP_NONE, NULL, NULL, "POST", "/v1/upload", NULL, NULL,
     1, 0, NULL, 200, "application/json", API_HEADERS, "upload_url"},
    {P_DEFAULT, "v1 content type option", SETUP_NONE, NULL, NULL, "POST", "/v1/text-to-video",
     T2V_23, NULL, 1, 0, "application/octet-stream", 200, "application/octet-stream", NULL, "mp4"},
    /* 2.5 models and automatic duration: later than the July document */
    {P_DEFAULT | P_LIVE, "2.5 with automatic duration", SETUP_NONE, NULL, NULL, "POST",
     "/v2/text-to-video", T2V_25_AUTO, NULL, 1, 0, NULL, 202, "application/json", NULL, "id"},
    {P_JULY, "2.5 with automatic duration", SETUP_NONE, NULL, NULL, "POST", "/v2/text-to-video",
     T2V_25_AUTO, NULL, 1, 0, NULL, 400, "application/json", NULL, ERR("invalid_request_error")},
    {P_DEFAULT | P_LIVE, "a2v fps", SETUP_NONE, NULL, NULL, "POST", "/v2/audio-to-video", A2V_FPS,
     NULL, 1, 0, NULL, 202, "application/json", NULL, "id"},
    {P_JULY, "a2v fps", SETUP_NONE, NULL, NULL, "POST", "/v2/audio-to-video", A2V_FPS, NULL, 1, 0,
     NULL, 400, "application/json", NULL, ERR("invalid_request_error") ",~fps"},
    /* reframe: model optional, placement */
    {P_DEFAULT | P_LIVE, "reframe without model", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-to-video-reframe", REFRAME_NO_MODEL, NULL, 1, 0, NULL, 202, "application/json",
     NULL, "id"},
    {P_JULY, "reframe without model", SETUP_NONE, NULL, NULL, "POST", "/v2/video-to-video-reframe",
     REFRAME_NO_MODEL, NULL, 1, 0, NULL, 400, "application/json", NULL,
     ERR("invalid_request_error") ",~model"},
    {P_JULY, "reframe as the July document", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-to-video-reframe", REFRAME_JULY, NULL, 1, 0, NULL, 202, "application/json", NULL,
     "id"},
    {P_DEFAULT | P_LIVE, "reframe placement anchor", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-to-video-reframe", REFRAME_ANCHOR, NULL, 1, 0, NULL, 202, "application/json", NULL,
     "id"},
    {P_DEFAULT | P_LIVE, "reframe placement box", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-to-video-reframe", REFRAME_BOX, NULL, 1, 0, NULL, 202, "application/json", NULL,
     "id"},
    {P_ALL, "reframe placement outside the frame", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-to-video-reframe", REFRAME_BAD_BOX, NULL, 1, 0, NULL, 400, "application/json",
     NULL, ERR("invalid_request_error") ",~placement"},
    {P_JULY, "reframe placement", SETUP_NONE, NULL, NULL, "POST", "/v2/video-to-video-reframe",
     REFRAME_ANCHOR, NULL, 1, 0, NULL, 400, "application/json", NULL,
     ERR("invalid_request_error")},
    /* HDR: output_colorspace; one result (July) or two (live) */
    {P_DEFAULT | P_LIVE, "hdr colorspace", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-to-video-hdr", HDR_CS, NULL, 1, 0, NULL, 202, "application/json", NULL, "id"},
    {P_JULY, "hdr colorspace", SETUP_NONE, NULL, NULL, "POST", "/v2/video-to-video-hdr", HDR_CS,
     NULL, 1, 0, NULL, 400, "application/json", NULL, ERR("invalid_request_error")},
    {P_ALL, "hdr unknown colorspace", SETUP_NONE, NULL, NULL, "POST", "/v2/video-to-video-hdr",
     HDR_BAD_CS, NULL, 1, 0, NULL, 400, "application/json", NULL, ERR("invalid_request_error")},
    {P_JULY, "completed hdr job", SETUP_JOB, "/v2/video-to-video-hdr", HDR, "GET",
     "{poll}", NULL, NULL, 1, 0, NULL, 200, "application/json", API_HEADERS,
     "status=completed,id,created_at@,completed_at@,result.exr_frames_url,!result.video_url"},
    {P_DEFAULT | P_LIVE, "completed hdr job", SETUP_JOB, "/v2/video-to-video-hdr", HDR, "GET", "{poll}", NULL,
     NULL, 1, 0, NULL, 200, "application/json", API_HEADERS,
     "status=completed,created_at@,completed_at@,result.exr_frames_url,result.video_url"},
    {P_ALL, "hdr archive", SETUP_JOB, "/v2/video-to-video-hdr", HDR, "GET", "{result}", NULL, NULL,
     0, 0, NULL, 200, "application/zip", STORAGE_HEADERS ",ETag", "zip"},
    {P_ALL, "hdr preview", SETUP_JOB, "/v2/video-to-video-hdr", HDR, "GET", "{video}", NULL, NULL,
     0, 0, NULL, 200, "video/mp4", STORAGE_HEADERS ",ETag", "mp4"},
    /* the compositing endpoint, named on the command line (live: by default) */
    {P_LIVE, "compositing submit", SETUP_NONE, NULL, NULL, "POST", "/v2/video-compositing",
     COMPOSITE, NULL, 1, 0, NULL, 202, "application/json", API_HEADERS, "id,created_at@"},
    {P_DEFAULT | P_JULY, "compositing not served", SETUP_NONE, NULL, NULL, "POST",
     "/v2/video-compositing", COMPOSITE, NULL, 1, 0, NULL, 404, "application/json", NULL,
     ERR("not_found_error")},
    {P_LIVE, "compositing without video", SETUP_NONE, NULL, NULL, "POST", "/v2/video-compositing",
     "{\"prompt\":\"rain\"}", NULL, 1, 0, NULL, 400, "application/json", NULL,
     ERR("invalid_request_error") ",~video_uri"},
    {P_LIVE, "completed compositing job", SETUP_JOB, "/v2/video-compositing", COMPOSITE, "GET",
     "{poll}", NULL, NULL, 1, 0, NULL, 200, "application/json", NULL,
     "status=completed,completed_at@,result.video_url"},
    /* job status (OAS: completed = {status, id, created_at, completed_at, result}) */
    {P_ALL, "completed job", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET", "{poll}", NULL, NULL, 1,
     0, NULL, 200, "application/json", API_HEADERS,
     "status=completed,id,created_at@,completed_at@,result.video_url,!error"},
    {P_ALL, "unknown job", SETUP_NONE, NULL, NULL, "GET",
     "/v2/text-to-video/00000000-0000-4000-8000-000000000000", NULL, NULL, 1, 0, NULL, 404,
     "application/json", API_HEADERS, ERR("not_found_error")},
    /* result URLs: signed Google Cloud Storage URLs */
    {P_ALL, "result download", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET", "{result}", NULL,
     NULL, 0, 0, NULL, 200, "video/mp4", STORAGE_HEADERS ",ETag,x-goog-generation", "mp4"},
    {P_ALL, "result range", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET", "{result}", NULL,
     "Range: bytes=0-9", 0, 0, NULL, 206, "video/mp4", STORAGE_HEADERS ",Content-Range", "len=10"},
    {P_ALL, "result with the API key", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET", "{result}",
     NULL, NULL, 1, 0, NULL, 403, "application/xml", STORAGE_HEADERS,
     "xml:SignatureDoesNotMatch"},
    {P_ALL, "result without its signature", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET",
     "{result-bare}", NULL, NULL, 0, 0, NULL, 403, "application/xml", STORAGE_HEADERS,
     "xml:AccessDenied"},
    {P_ALL, "result with a wrong signature", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET",
     "{result-badsig}", NULL, NULL, 0, 0, NULL, 403, "application/xml", STORAGE_HEADERS,
     "xml:SignatureDoesNotMatch"},
    {P_ALL, "result of a job that is not there", SETUP_JOB, "/v2/text-to-video", T2V_23, "GET",
     "{result-otherjob}", NULL, NULL, 0, 0, NULL, 403, "application/xml", STORAGE_HEADERS,
     "xml:SignatureDoesNotMatch"},
    /* upload (OAS UploadResponse; API-NOTES §6) */
    {P_ALL, "upload URL", SETUP_NONE, NULL, NULL, "POST", "/v1/upload", NULL, NULL, 1, 0, NULL, 200,
     "application/json", API_HEADERS,
     "upload_url,storage_uri,expires_at@,required_headers.x-goog-content-length-range"},
    {P_ALL, "upload", SETUP_UPLOAD, NULL, NULL, "PUT", "{upload}", "frame",
     "Content-Type: image/png|x-goog-content-length-range: 0,104857600", 0, 0, NULL, 200, NULL,
     STORAGE_HEADERS ",ETag", "len=0"},
    {P_ALL, "upload with the API key", SETUP_UPLOAD, NULL, NULL, "PUT", "{upload}", "frame",
     "Content-Type: image/png|x-goog-content-length-range: 0,104857600", 1, 0, NULL, 403,
     "application/xml", STORAGE_HEADERS, "xml:SignatureDoesNotMatch"},
    {P_ALL, "upload without the required header", SETUP_UPLOAD, NULL, NULL, "PUT", "{upload}",
     "frame", "Content-Type: image/png", 0, 0, NULL, 403, "application/xml", STORAGE_HEADERS,
     "xml:SignatureDoesNotMatch"},
    {P_ALL, "upload after expires_at", SETUP_UPLOAD, NULL, NULL, "PUT", "{upload}", "frame",
     "Content-Type: image/png|x-goog-content-length-range: 0,104857600", 0, 1, NULL, 400,
     "application/xml", STORAGE_HEADERS, "xml:ExpiredToken"},
    /* faults with a chosen content type */
    {P_ALL, "plain-text fault", SETUP_FAULT, NULL,
     "{\"kind\":\"body\",\"status\":502,\"body\":\"upstream connect error\","
     "\"content_type\":\"text/plain\"}",
     "POST", "/v2/text-to-video", T2V_23, NULL, 1, 0, NULL, 502, "text/plain", NULL,
     "text=upstream connect error"},
    {P_DEFAULT, "stats name the profile", SETUP_NONE, NULL, NULL, "GET", "/_mock/stats", NULL,
     NULL, 0, 0, NULL, 200, "application/json", NULL, "profile=default"},
    {P_JULY, "stats name the profile", SETUP_NONE, NULL, NULL, "GET", "/_mock/stats", NULL, NULL,
     0, 0, NULL, 200, "application/json", NULL, "profile=july-2026"},
    {P_LIVE, "stats name the profile", SETUP_NONE, NULL, NULL, "GET", "/_mock/stats", NULL, NULL,
     0, 0, NULL, 200, "application/json", NULL, "profile=live"},
    {P_ALL, "status fault as HTML", SETUP_FAULT, NULL,
     "{\"kind\":\"html\",\"status\":503,\"content_type\":\"text/html; charset=utf-8\"}", "GET",
     "/v2/text-to-video/00000000-0000-4000-8000-000000000000", NULL, NULL, 1, 0, NULL, 503,
     "text/html; charset=utf-8", NULL, "~<html>"},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* The (row, profile) pairs the table asks for. */
static struct {
    unsigned row;
    lmock_profile profile;
} pairs[N_ROWS * 3];
static int n_pairs;

typedef struct {
    char *data;
    size_t len;
} buf;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    buf *b = ud;
    char *d = realloc(b->data, b->len + size * n + 1);

    ck_assert_ptr_nonnull(d);
    memcpy(d + b->len, p, size * n);
    b->data = d;
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

typedef struct {
    long status;
    buf body, headers;
    char *content_type;
} answer;

static void answer_free(answer *a)
{
    free(a->body.data);
    free(a->headers.data);
    free(a->content_type);
    memset(a, 0, sizeof *a);
}

/* One request with plain libcurl; headers separated by '|'. */
static void send_req(const char *method, const char *url, const char *body, const char *headers,
                     int auth, answer *a)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char *copy = headers ? strdup(headers) : NULL, *save = NULL;
    const char *ct = NULL;
    int has_ct = headers && strstr(headers, "Content-Type:") != NULL;

    memset(a, 0, sizeof *a);
    ck_assert_ptr_nonnull(c);
    if (auth)
        h = curl_slist_append(h, "Authorization: Bearer " ITEST_KEY);
    if (body && !has_ct)
        h = curl_slist_append(h, "Content-Type: application/json");
    for (char *t = copy ? strtok_r(copy, "|", &save) : NULL; t; t = strtok_r(NULL, "|", &save))
        h = curl_slist_append(h, t);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &a->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    a->content_type = ct ? strdup(ct) : NULL;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(copy);
}

/* Whether the answer's headers have `name` (case-insensitive, at a line start). */
static int has_header(const answer *a, const char *name)
{
    size_t n = strlen(name);

    for (const char *l = a->headers.data; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
        if (strncasecmp(l, name, n) == 0 && l[n] == ':')
            return 1;
    return 0;
}

/* RFC 3339 UTC date-time as the API gives it: 2026-11-26T11:20:00(.123)Z. */
static int is_date_time(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t i;

    if (!s)
        return 0;
    for (i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
            return 0;
    if (s[i] == '.')
        for (i++; isdigit((unsigned char)s[i]); i++)
            continue;
    return strcmp(s + i, "Z") == 0;
}

/* A member by dotted path; names may contain '-', not '.'. */
static json_t *member(json_t *doc, const char *path)
{
    char *copy = strdup(path), *save = NULL;
    json_t *v = doc;

    for (char *t = strtok_r(copy, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = json_object_get(v, t);
    free(copy);
    return v;
}

/* Body checks, one per ',' separated token:
 *   key           JSON member present (dotted path)     !key   absent
 *   key=value     JSON string member equal               key@   a date-time string
 *   xml:CODE      an XML error document with <Code>CODE</Code>
 *   mp4 / zip     exactly the mock's video / HDR archive
 *   len=N         N bytes                                text=T  exactly T
 *   ~TEXT         the body contains TEXT */
static void check_shape(const row *r, const answer *a)
{
    char *spec = strdup(r->shape), *save = NULL;
    json_t *doc = NULL;
    size_t len;

    for (char *t = strtok_r(spec, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        const char *body = a->body.data ? a->body.data : "";
        if (strncmp(t, "xml:", 4) == 0) {
            char want[128];
            snprintf(want, sizeof want, "<Code>%s</Code>", t + 4);
            ck_assert_msg(strncmp(body, "<?xml", 5) == 0 && strstr(body, want), "%s: body %s",
                          r->name, body);
        } else if (strcmp(t, "mp4") == 0 || strcmp(t, "zip") == 0) {
            const unsigned char *want =
                t[0] == 'm' ? lmock_video(mock, &len) : lmock_exr_zip(mock, &len);
            ck_assert_msg(a->body.len == len && memcmp(a->body.data, want, len) == 0,
                          "%s: not the mock's %s (%zu bytes)", r->name, t, a->body.len);
        } else if (strncmp(t, "len=", 4) == 0) {
            ck_assert_uint_eq(a->body.len, strtoul(t + 4, NULL, 10));
        } else if (strncmp(t, "text=", 5) == 0) {
            ck_assert_str_eq(body, t + 5);
        } else if (t[0] == '~') {
            ck_assert_msg(strstr(body, t + 1), "%s: '%s' not in %s", r->name, t + 1, body);
        } else {
            char *eq = strchr(t, '=');
            size_t n = strlen(t);
            int absent = t[0] == '!', date = n > 1 && t[n - 1] == '@';
            json_t *v;

            if (!doc) {
                doc = json_loads(body, 0, NULL);
                ck_assert_msg(doc != NULL, "%s: not JSON: %s", r->name, body);
            }
            if (eq)
                *eq = '\0';
            if (date)
                t[n - 1] = '\0';
            v = member(doc, t + absent);
            if (absent) {
                ck_assert_msg(v == NULL, "%s: %s present in %s", r->name, t + 1, body);
                continue;
            }
            ck_assert_msg(v != NULL, "%s: %s missing in %s", r->name, t, body);
            if (eq)
                ck_assert_str_eq(json_string_value(v) ? json_string_value(v) : "(not a string)",
                                 eq + 1);
            if (date)
                ck_assert_msg(is_date_time(json_string_value(v)), "%s: %s is %s", r->name, t,
                              json_string_value(v) ? json_string_value(v) : "(not a string)");
        }
    }
    json_decref(doc);
    free(spec);
}

/* The request's URL for r, after its setup. Caller frees. */
static char *setup_and_url(const row *r)
{
    const char *base = lmock_base_url(mock);
    char url[2048], poll[256];
    answer a;
    json_t *doc, *result = NULL;

    if (r->setup == SETUP_FAULT) {
        char err[256];
        ck_assert_msg(lmock_fault_add_json(mock, r->setup_body, err, sizeof err) == 0, "%s", err);
    }
    if (r->setup == SETUP_UPLOAD) {
        snprintf(url, sizeof url, "%s/v1/upload", base);
        send_req("POST", url, NULL, NULL, 1, &a);
        ck_assert_int_eq(a.status, 200);
        doc = json_loads(a.body.data, 0, NULL);
        snprintf(url, sizeof url, "%s", json_string_value(json_object_get(doc, "upload_url")));
        json_decref(doc);
        answer_free(&a);
        if (r->upload_ttl_ms) /* past expires_at */
            nanosleep(&(struct timespec){.tv_nsec = 20 * 1000000L + r->upload_ttl_ms * 1000000L},
                      NULL);
        return strdup(url);
    }
    if (r->setup == SETUP_JOB) {
        snprintf(url, sizeof url, "%s%s", base, r->setup_path);
        send_req("POST", url, r->setup_body, NULL, 1, &a);
        ck_assert_int_eq(a.status, 202);
        doc = json_loads(a.body.data, 0, NULL);
        snprintf(poll, sizeof poll, "%s/%s", r->setup_path,
                 json_string_value(json_object_get(doc, "id")));
        json_decref(doc);
        answer_free(&a);
        for (int i = 0; i < 10 && !result; i++) { /* three polls complete a job */
            snprintf(url, sizeof url, "%s%s", base, poll);
            send_req("GET", url, NULL, NULL, 1, &a);
            doc = json_loads(a.body.data, 0, NULL);
            if (json_object_get(doc, "result"))
                result = json_incref(json_object_get(doc, "result"));
            json_decref(doc);
            answer_free(&a);
        }
        ck_assert_ptr_nonnull(result);
    }
    if (strcmp(r->url, "{poll}") == 0) {
        snprintf(url, sizeof url, "%s%s", base, poll);
    } else if (strncmp(r->url, "{result", 7) == 0 || strcmp(r->url, "{video}") == 0) {
        const char *u = json_string_value(json_object_get(result, "exr_frames_url"));
        if (!u || strcmp(r->url, "{video}") == 0)
            u = json_string_value(json_object_get(result, "video_url"));
        if (strcmp(r->url, "{video}") == 0 && !u) { /* HDR, EXR only: the preview's URL */
            lmock_set_hdr_results(mock, LMOCK_HDR_RESULTS_VIDEO);
            snprintf(url, sizeof url, "%s%s", base, poll);
            send_req("GET", url, NULL, NULL, 1, &a);
            doc = json_loads(a.body.data, 0, NULL);
            json_decref(result);
            result = json_incref(json_object_get(doc, "result"));
            json_decref(doc);
            answer_free(&a);
            u = json_string_value(json_object_get(result, "video_url"));
        }
        ck_assert_ptr_nonnull(u);
        snprintf(url, sizeof url, "%s", u);
        if (strcmp(r->url, "{result-bare}") == 0) {
            *strchr(url, '?') = '\0';
        } else if (strcmp(r->url, "{result-badsig}") == 0) {
            char *sig = strstr(url, "X-Goog-Signature=") + 17;
            *sig = *sig == '0' ? '1' : '0';
        } else if (strcmp(r->url, "{result-otherjob}") == 0) {
            /* another object under the same signature */
            char *slash = strstr(url, "/results/") + 9;
            *slash = *slash == '0' ? '1' : '0';
        }
    } else {
        snprintf(url, sizeof url, "%s%s", base, r->url);
    }
    json_decref(result);
    return strdup(url);
}

START_TEST(the_mock_answers_as_the_profile_says)
{
    const row *r = &rows[pairs[_i].row];
    lmock_options opts;
    answer a;
    char *url, *spec, *save = NULL;

    lmock_options_init(&opts);
    opts.quiet = 1;
    opts.profile = pairs[_i].profile;
    opts.upload_ttl_ms = r->upload_ttl_ms;
    opts.v1_content_type = r->v1_content_type;
    mock = lmock_start(&opts);
    ck_assert_ptr_nonnull(mock);
    url = setup_and_url(r);
    send_req(r->method, url, r->body, r->headers, r->auth, &a);
    ck_assert_msg(a.status == r->status, "%s [%s]: %s %s gave %ld, not %ld: %s", r->name,
                  lmock_profile_name(pairs[_i].profile), r->method, url, a.status, r->status,
                  a.body.data ? a.body.data : "");
    if (r->content_type)
        ck_assert_msg(a.content_type &&
                          strncmp(a.content_type, r->content_type, strlen(r->content_type)) == 0,
                      "%s: Content-Type %s", r->name, a.content_type ? a.content_type : "none");
    spec = r->want_headers ? strdup(r->want_headers) : NULL;
    for (char *t = spec ? strtok_r(spec, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        if (t[0] == '!')
            ck_assert_msg(!has_header(&a, t + 1), "%s: header %s present", r->name, t + 1);
        else
            ck_assert_msg(has_header(&a, t), "%s: header %s missing:\n%s", r->name, t,
                          a.headers.data);
    }
    free(spec);
    if (r->shape)
        check_shape(r, &a);
    answer_free(&a);
    free(url);
    lmock_stop(mock);
    mock = NULL;
}
END_TEST

Suite *suite_fidelity(void)
{
    Suite *s = suite_create("fidelity");
    TCase *tc = tcase_create("each profile");

    n_pairs = 0;
    for (unsigned i = 0; i < N_ROWS; i++)
        for (int p = LMOCK_PROFILE_DEFAULT; p <= LMOCK_PROFILE_LIVE; p++)
            if (rows[i].profiles & (1u << p)) {
                pairs[n_pairs].row = i;
                pairs[n_pairs++].profile = (lmock_profile)p;
            }
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, the_mock_answers_as_the_profile_says, 0, n_pairs);
    suite_add_tcase(s, tc);
    return s;
}
