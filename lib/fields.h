/* lib/fields.h — the one table of request fields (lib/fields.c): storage, validation and
 * encoding all walk it; tests/unit/test_fields.c compares it with spec/ltx-openapi.json. */
#ifndef LTX_FIELDS_H
#define LTX_FIELDS_H

#include "private.h"

/* Bit of an endpoint in the masks below. */
#define LTX_EP(e) (1u << (e))

/* The JSON type a field is sent as. */
enum ltx_field_type {
    LTX_FT_STRING,     /* JSON string (an enum string when the row has values) */
    LTX_FT_RESOLUTION, /* JSON string "WIDTHxHEIGHT" */
    LTX_FT_URI,        /* JSON string: https://, data: or ltx:// media (a local file too) */
    LTX_FT_INTEGER,    /* JSON integer */
    LTX_FT_NUMBER,     /* JSON number (sent as an integer when whole) */
    LTX_FT_BOOLEAN,    /* JSON true or false */
    LTX_FT_ANY         /* any JSON value (an object or a string), set with ltx_request_set_json() */
};

/*
 * One row: a field on the endpoints whose rules are the same. A field whose rules differ by
 * endpoint (mode, duration, resolution, model) has one row per group; its storage slot is
 * shared (see ltx__field_slot()).
 */
typedef struct ltx_field {
    const char *name;
    int type;               /* enum ltx_field_type */
    unsigned endpoints;     /* LTX_EP() bits: the endpoints the July 2026 document gives it */
    unsigned later;         /* endpoints the live API added it to since (API-NOTES §1): set and
                               sent, with a WARN log line at submit */
    unsigned required;      /* endpoints on which it must be set */
    unsigned nullable;      /* endpoints on which JSON null is a value (duration: automatic) */
    const char *const *values; /* the documented enum, NULL-terminated; NULL when none */
    int open;               /* 1: the enum is documented but not refused locally (see why) */
    double min, max;        /* the documented range; min > max when there is none */
    const char *def;        /* the documented default, as JSON text; NULL when none */
    const char *why;        /* why this row differs from spec/ltx-openapi.json; NULL when it
                               does not (tests/unit/test_fields.c enforces it) */
} ltx_field;

/*
 * The endpoints this release knows, indexed by ltx_endpoint (0, LTX_ENDPOINT_OTHER, has no
 * row): the path segment, whether there is a v1 (synchronous) form, and the result key that
 * is the primary result of a completed job. Adding an endpoint: HACKING.
 */
typedef struct ltx_endpoint_row {
    const char *name;
    int v2_only;
    const char *primary_result;
} ltx_endpoint_row;

LTX_INTERNAL extern const ltx_endpoint_row ltx__endpoints[];
LTX_INTERNAL extern const int ltx__n_endpoints; /* rows, counting the empty one at 0 */
/* The row of a known endpoint, or NULL (LTX_ENDPOINT_OTHER, a number out of range). */
LTX_INTERNAL const ltx_endpoint_row *ltx__endpoint_row(int endpoint);

LTX_INTERNAL extern const ltx_field ltx__fields[];
LTX_INTERNAL extern const size_t ltx__n_fields;

/* The storage slot of a field name (0 .. LTX_FIELD_SLOTS-1), or -1 when the table lacks it. */
LTX_INTERNAL int ltx__field_slot(const char *name);
/* The name stored in a slot, or NULL past the last one. */
LTX_INTERNAL const char *ltx__field_slot_name(int slot);
/* The row for name on endpoint: documented there, or added there later; NULL otherwise. */
LTX_INTERNAL const ltx_field *ltx__field_rule(const char *name, int endpoint);
/* "text-to-video, image-to-video": the endpoints a field is documented or added on. */
LTX_INTERNAL void ltx__field_endpoints(const char *name, char *buf, size_t size);

#endif
