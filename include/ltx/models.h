/* ltx/models.h — the model matrix: which model supports which endpoint, resolution, fps and duration. */
#ifndef LTX_MODELS_H
#define LTX_MODELS_H

#include <ltx/common.h>
#include <ltx/error.h>
#include <ltx/request.h>

LTX_BEGIN_DECLS

/*
 * Is this combination known to be refused? resolution may be NULL, fps 0 and
 * duration_s a negative number to leave them out of the question. Returns
 * LTX_OK, with *out 1 when the matrix knows the model (and supports the
 * combination) or 0 when it does not know the model (passed through to the
 * API); LTX_EREQUEST with *err naming the field and the allowed values; or
 * LTX_EINVAL (out or model NULL, an endpoint the matrix does not know, *err
 * not NULL on entry). Pure; any thread.
 */
LTX_API int ltx_model_check(int *out, const char *model, ltx_endpoint endpoint,
                            const char *resolution, int fps, double duration_s, ltx_error **err);

LTX_END_DECLS
#endif
