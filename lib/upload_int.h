/* lib/upload_int.h — local input files, for the callers that resolve them step by step (the batch).
 */
#ifndef LTX_UPLOAD_INT_H
#define LTX_UPLOAD_INT_H

#include "codec.h"
#include "call.h"

/* Check path for the media field (format, size) as a submit does; on LTX_OK *fd is open for
 * reading it, and *upload says whether it goes by upload (1) or inline as a data: URI (0). */
LTX_INTERNAL int ltx__media_open(int field, const char *path, int *fd, uint64_t *size,
                                 const char **type, int *upload, ltx_error **err);
/* The open file as a data: URI, or NULL when it cannot be read or memory is short. */
LTX_INTERNAL char *ltx__media_data_uri(int fd, uint64_t size, const char *type);
/* The PUT of an open file to the signed URL of a POST /v1/upload answer (doc is borrowed). */
LTX_INTERNAL void ltx__media_put_req(ltx_http_req *put, const ltx_upload_doc *doc, int fd,
                                     uint64_t size, const char *type, uint64_t deadline);

#endif
