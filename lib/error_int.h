/* lib/error_int.h — an error's parts, beside lib/error.c (which builds and reads
 * them); the files that fill in an error's details include it too. */
#ifndef LTX_ERROR_INT_H
#define LTX_ERROR_INT_H

#include "private.h"

struct ltx_error {
    int code;
    int http_status;
    char *message;
    char *type;
    char *api_message;
    char *request_id;
    char *field;
    char *job_id;
    char *transport_message;
    int64_t retry_after_ms;
    unsigned attempts;
    int possibly_executed;
    void *body;
    size_t body_len;
};

#endif
