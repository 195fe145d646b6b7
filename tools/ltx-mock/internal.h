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

#define REQUIRED(n, t) {.name = (n), .type = (t), .required = 1}
#define OPTIONAL(n, t) {.name = (n), .type = (t)}
#define ENUM(n, req, vals) {.name = (n), .type = FT_ENUM, .required = (req), .values = (vals)}
#define RANGE(n, req, lo, hi) \
    {.name = (n), .type = FT_NUMBER, .required = (req), .min = (lo), .max = (hi)}
#define FIELDS_END {.name = NULL}


/* mock.c: the endpoints of the DEFAULT and LIVE profiles, and their rules across fields. */
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
void lm_signed_query(char *out, size_t n, const char *object, time_t date,
                     unsigned long expires_s);

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

#endif
