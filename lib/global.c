/* lib/global.c — reference-counted process initialisation. */
#include "codec.h"
#include "http.h"

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned global_refs;

LTX_API int ltx_global_init(unsigned flags)
{
    int rc = LTX_OK;

    pthread_mutex_lock(&global_lock);
    if (global_refs == 0) {
        rc = ltx__http_global_init(flags);
        ltx__codec_global_init();
    }
    if (rc == LTX_OK)
        global_refs++;
    pthread_mutex_unlock(&global_lock);
    return rc;
}

LTX_API void ltx_global_cleanup(void)
{
    pthread_mutex_lock(&global_lock);
    if (global_refs > 0 && --global_refs == 0)
        ltx__http_global_cleanup();
    pthread_mutex_unlock(&global_lock);
}

int ltx__global_ready(void)
{
    int ready;

    pthread_mutex_lock(&global_lock);
    ready = global_refs > 0;
    pthread_mutex_unlock(&global_lock);
    return ready;
}
