/* lib/request_int.h — a request's fields in their slots (lib/fields.c) and its
 * per-call settings, beside lib/request.c. */
#ifndef LTX_REQUEST_INT_H
#define LTX_REQUEST_INT_H

#include "private.h"

struct ltx_request_extra {
    char *name;
    char *json;
};

/* A field's value, in the slot lib/fields.c gives its name. */
enum { LTX_V_UNSET, LTX_V_TEXT, LTX_V_NUMBER, LTX_V_BOOL, LTX_V_NULL, LTX_V_JSON };
struct ltx_value {
    int kind;     /* LTX_V_*; LTX_V_JSON: text set by ltx_request_set_json() */
    char *text;   /* LTX_V_TEXT, LTX_V_JSON */
    double number; /* LTX_V_NUMBER; LTX_V_BOOL: 0 or 1 */
};

struct ltx_request {
    int endpoint;                              /* LTX_ENDPOINT_OTHER for a name not known */
    char endpoint_name[LTX_ENDPOINT_NAME_MAX + 1];
    int sync;
    struct ltx_value values[LTX_FIELD_SLOTS];  /* by ltx__field_slot() */
    struct ltx_request_extra *extras;          /* names the field table does not know */
    size_t n_extras;
    char *input_files[LTX_N_MEDIA_FIELDS]; /* local files, by enum ltx_media_field */
    ltx_error *last_error;                 /* why the last setter refused, or NULL */
    /* per-call settings for the billed request, each overriding the client's when set */
    bool has_retry;
    unsigned max_retries;
    uint32_t retry_base_ms, retry_cap_ms;
    int retry_unknown_outcome; /* -1 = the client's */
    uint32_t deadline_ms;      /* 0 = the client's */
    ltx_cancel *cancel;        /* borrowed; watched by generate, submit and its uploads */
};

#endif
