/* ltx/models.h — the model matrix: which model supports which endpoint, resolution, fps and duration. */
#ifndef LTX_MODELS_H
#define LTX_MODELS_H

#include <ltx/common.h>
#include <ltx/error.h>

LTX_BEGIN_DECLS

/* ltx_model_check() answers. */
#define LTX_MODEL_SUPPORTED 0     /* a combination the matrix knows as supported          */
#define LTX_MODEL_UNKNOWN 1       /* a model id this release does not know: passed through */

/*
 * Is this combination known to be supported? resolution may be NULL, fps 0
 * and duration_s a negative number to leave them out of the question.
 * Returns LTX_MODEL_SUPPORTED, LTX_MODEL_UNKNOWN, or LTX_EREQUEST with *err
 * naming the field and the allowed values. Pure; any thread.
 */
LTX_API int ltx_model_check(const char *model, int endpoint, const char *resolution, int fps,
                            double duration_s, ltx_error **err);

LTX_END_DECLS
#endif
