/* bench/whatif_model_check.c — estimate a proposed fix without editing lib/: what
 * ltx_generate() costs when ltx_model_check() does no work on a request it accepted before.
 *
 * lib/models.c ltx_model_check() builds its "allowed: ..." lists with snprintf() on every
 * call, also when the request is valid, and ltx_generate() validates twice (generate.c and
 * job.c ltx__submit()). This stand-in, linked with -rdynamic so that libltx's own call
 * lands here, answers a repeat of the last accepted arguments from memory and otherwise
 * calls the real function. It slightly overstates the saving: the real checks (a few
 * thousand instructions per generation) are skipped too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ltx/ltx.h>
#include <string.h>

typedef int (*check_fn)(int *, const char *, ltx_endpoint, const char *, int, double,
                        ltx_error **);

int ltx_model_check(int *out, const char *model, ltx_endpoint endpoint, const char *resolution,
                    int fps, double duration_s, ltx_error **err)
{
    static char last_model[64], last_res[32];
    static int last_ep = -1, last_fps, last_rc = -1, last_out;
    static double last_dur;
    check_fn real;
    int rc;

    if (last_rc >= 0 && out && (!err || !*err) && (int)endpoint == last_ep && fps == last_fps &&
        duration_s == last_dur && model && strcmp(model, last_model) == 0 &&
        strcmp(resolution ? resolution : "", last_res) == 0) {
        *out = last_out;
        return last_rc;
    }
    real = (check_fn)dlsym(RTLD_NEXT, "ltx_model_check");
    rc = real(out, model, endpoint, resolution, fps, duration_s, err);
    if (rc >= 0 && out && (!err || !*err) && model && strlen(model) < sizeof(last_model) &&
        strlen(resolution ? resolution : "") < sizeof(last_res)) {
        strcpy(last_model, model);
        strcpy(last_res, resolution ? resolution : "");
        last_ep = (int)endpoint;
        last_out = *out;
        last_fps = fps;
        last_dur = duration_s;
        last_rc = rc;
    }
    return rc;
}
