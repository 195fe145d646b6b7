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
