/* lib/codec.h — the JSON layer: request bodies out, envelopes and job documents in. */
#ifndef LTX_CODEC_H
#define LTX_CODEC_H

#include "private.h"

/* The request's JSON body (compact), or NULL when out of memory. Caller frees with free(). */
LTX_INTERNAL char *ltx__request_encode(const ltx_request *req);
/* Seed the JSON layer's hashing once per process, from ltx_global_init(). */
LTX_INTERNAL void ltx__codec_global_init(void);
/* Is text exactly one JSON value (any type)? */
LTX_INTERNAL int ltx__json_value_valid(const char *text);

/*
 * The API's error envelope {"type":"error","error":{"type","message"}}, with
 * fallbacks: a top-level "message" or "detail", then the body's text itself
 * (first line, bounded) when it is not JSON. Outputs may be NULL.
 */
LTX_INTERNAL void ltx__envelope_parse(const char *body, size_t len, char **type, char **message);

/* {"id": "...", "created_at": ...} from a v2 submit. LTX_OK or LTX_EPROTOCOL (no id).
 * *created_at may be NULL (absent). */
LTX_INTERNAL int ltx__job_created_parse(const char *body, size_t len, char **id,
                                        char **created_at);

typedef struct {
    char *status;
    char *created_at;
    char *completed_at;
    size_t n_results;    /* result's string members, in the answer's order */
    char **result_keys;
    char **result_urls;
    char *error_type;
    char *error_message;
} ltx_job_doc;

/* A job status document. LTX_OK or LTX_EPROTOCOL (not JSON, no status). */
LTX_INTERNAL int ltx__job_status_parse(const char *body, size_t len, ltx_job_doc *doc);
LTX_INTERNAL void ltx__job_doc_free(ltx_job_doc *doc);

/* ---------------------------------------------------------------- the fast reader (scan.c) */
#define LTX_SCAN_MAX_RESULTS 8

/* Where a member's value is in the text: a string's contents (no escapes), when is_string. */
typedef struct {
    const char *p;
    size_t n;
    int seen;
    int is_string;
} ltx_span;

/* The members of a submit's or a poll's answer that libltx reads. */
typedef struct {
    ltx_span status, id, created_at, completed_at; /* top-level members */
    ltx_span error_type, error_message;             /* of "error", when an object */
    unsigned result_seen, error_seen;
    size_t n_results;                               /* members of "result", when an object */
    ltx_span result_keys[LTX_SCAN_MAX_RESULTS], result_urls[LTX_SCAN_MAX_RESULTS];
} ltx_scan;

/*
 * Read a JSON object without building it: 1 when body is valid JSON that jansson would read
 * to the same members, with *out filled in; 0 when unsure (anything unusual: escapes, a
 * duplicate of a member it keeps, exponents, long numbers, nesting past 32, not an object),
 * and the caller asks jansson. Costs a few instructions per byte instead of tens.
 */
LTX_INTERNAL int ltx__scan_answer(const char *body, size_t len, ltx_scan *out);
/* The same two answers read by jansson alone, for tests and fuzzers comparing the two. */
LTX_INTERNAL int ltx__job_status_parse_slow(const char *body, size_t len, ltx_job_doc *doc);
LTX_INTERNAL int ltx__job_created_parse_slow(const char *body, size_t len, char **id,
                                             char **created_at);

typedef struct {
    char *upload_url;
    char *storage_uri;
    char *expires_at; /* NULL when absent */
    char **headers;   /* "Name: value" lines, NULL-terminated */
} ltx_upload_doc;

/* The answer of POST /v1/upload. LTX_OK or LTX_EPROTOCOL (a required member is missing). */
LTX_INTERNAL int ltx__upload_parse(const char *body, size_t len, ltx_upload_doc *doc);
LTX_INTERNAL void ltx__upload_doc_free(ltx_upload_doc *doc);

#endif
