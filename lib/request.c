/* lib/request.c — the request builder and its validation, before any byte is sent. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"
#include "private.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPB(e) (1u << (e))
#define T2V EPB(LTX_ENDPOINT_TEXT_TO_VIDEO)
#define I2V EPB(LTX_ENDPOINT_IMAGE_TO_VIDEO)
#define A2V EPB(LTX_ENDPOINT_AUDIO_TO_VIDEO)
#define RETAKE EPB(LTX_ENDPOINT_RETAKE)
#define EXTEND EPB(LTX_ENDPOINT_EXTEND)
#define HDR EPB(LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR)
#define REFRAME EPB(LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME)

static const char *const endpoint_names[] = {
    NULL, "text-to-video", "image-to-video", "audio-to-video", "retake", "extend",
    "video-to-video-hdr", "video-to-video-reframe",
};
#define N_ENDPOINTS ((int)(sizeof(endpoint_names) / sizeof(endpoint_names[0])))

LTX_API const char *ltx_endpoint_name(int endpoint)
{
    return endpoint > 0 && endpoint < N_ENDPOINTS ? endpoint_names[endpoint] : NULL;
}

LTX_API int ltx_endpoint_from_name(const char *name)
{
    for (int i = 1; name && i < N_ENDPOINTS; i++)
        if (strcmp(endpoint_names[i], name) == 0)
            return i;
    return 0;
}

/* Which endpoint takes which field, and which need it (official OpenAPI document). */
static const struct field_rule {
    const char *name;
    unsigned allowed;
    unsigned required;
} fields[] = {
    {"prompt", T2V | I2V | A2V | RETAKE | EXTEND, T2V | I2V},
    {"model", T2V | I2V | A2V | RETAKE | EXTEND | REFRAME, T2V | I2V},
    {"duration", T2V | I2V | RETAKE | EXTEND, T2V | I2V | RETAKE | EXTEND},
    {"resolution", T2V | I2V | A2V | RETAKE | REFRAME, T2V | I2V | REFRAME},
    {"fps", T2V | I2V, 0},
    {"generate_audio", T2V | I2V, 0},
    {"camera_motion", T2V | I2V, 0},
    {"image_uri", I2V | A2V, I2V},
    {"last_frame_uri", I2V, 0},
    {"audio_uri", A2V, A2V},
    {"video_uri", RETAKE | EXTEND | HDR | REFRAME, RETAKE | EXTEND | HDR | REFRAME},
    {"start_time", RETAKE, RETAKE},
    {"guidance_scale", A2V, 0},
    {"mode", RETAKE | EXTEND, 0},
    {"context", EXTEND, 0},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const camera_motions[] = {"dolly_in", "dolly_out", "dolly_left", "dolly_right",
                                             "jib_up",   "jib_down",  "static",     "focus_shift",
                                             NULL};
static const char *const retake_modes[] = {"replace_audio", "replace_video",
                                           "replace_audio_and_video", NULL};
static const char *const extend_modes[] = {"start", "end", NULL};
static const char *const landscape_portrait_1080[] = {"1920x1080", "1080x1920", NULL};
static const char *const reframe_resolutions[] = {"720x720",   "1080x1080", "720x900",  "1080x1350",
                                                  "900x720",   "1350x1080", "720x1280", "1080x1920",
                                                  "1280x720",  "1920x1080", NULL};

static int takes(const ltx_request *r, const char *name)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(fields[i].name, name) == 0)
            return (fields[i].allowed & EPB(r->endpoint)) != 0;
    return 0;
}

LTX_API int ltx_request_new(ltx_request **out, int endpoint)
{
    ltx_request *r;

    if (!out)
        return LTX_EINVAL;
    *out = NULL;
    if (!ltx_endpoint_name(endpoint))
        return LTX_EINVAL;
    if (!(r = calloc(1, sizeof(*r))))
        return LTX_ENOMEM;
    r->endpoint = endpoint;
    r->retry_unknown_outcome = -1;
    *out = r;
    return LTX_OK;
}

LTX_API void ltx_request_free(ltx_request *r)
{
    if (!r)
        return;
    free(r->prompt);
    free(r->model);
    free(r->resolution);
    free(r->camera_motion);
    free(r->image_uri);
    free(r->last_frame_uri);
    free(r->audio_uri);
    free(r->video_uri);
    free(r->mode);
    for (size_t i = 0; i < r->n_extras; i++) {
        free(r->extras[i].name);
        free(r->extras[i].json);
    }
    free(r->extras);
    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++)
        free(r->input_files[i]);
    free(r);
}

LTX_API int ltx_request_endpoint(const ltx_request *r)
{
    return r ? r->endpoint : 0;
}

char **ltx__media_slot(ltx_request *r, int field)
{
    switch (field) {
    case LTX_MEDIA_IMAGE: return &r->image_uri;
    case LTX_MEDIA_LAST_FRAME: return &r->last_frame_uri;
    case LTX_MEDIA_AUDIO: return &r->audio_uri;
    default: return &r->video_uri;
    }
}

static int set_text(ltx_request *r, const char *field, char **slot, const char *value)
{
    int media = ltx__media_field_of(field), rc;

    if (!r || !takes(r, field))
        return LTX_EINVAL;
    rc = ltx__set_string(slot, value);
    if (rc == LTX_OK && media >= 0) { /* a URI replaces a local file given before */
        free(r->input_files[media]);
        r->input_files[media] = NULL;
    }
    return rc;
}

LTX_API int ltx_request_set_input_file(ltx_request *r, const char *field, const char *path)
{
    int media = ltx__media_field_of(field);
    int rc;

    if (!r || media < 0 || !takes(r, field) || !path || !*path)
        return LTX_EINVAL;
    if ((rc = ltx__set_string(&r->input_files[media], path)) != LTX_OK)
        return rc;
    free(*ltx__media_slot(r, media)); /* the file replaces a URI given before */
    *ltx__media_slot(r, media) = NULL;
    return LTX_OK;
}

#define TEXT_SETTER(fn, field)                                                                     \
    LTX_API int ltx_request_set_##fn(ltx_request *r, const char *value)                            \
    {                                                                                              \
        return set_text(r, #field, r ? &r->field : NULL, value);                                   \
    }

TEXT_SETTER(prompt, prompt)
TEXT_SETTER(model, model)
TEXT_SETTER(resolution, resolution)
TEXT_SETTER(camera_motion, camera_motion)
TEXT_SETTER(image_uri, image_uri)
TEXT_SETTER(last_frame_uri, last_frame_uri)
TEXT_SETTER(audio_uri, audio_uri)
TEXT_SETTER(video_uri, video_uri)
TEXT_SETTER(mode, mode)

static int set_number(ltx_request *r, const char *field, bool *has, double *slot, double value)
{
    if (!r || !takes(r, field) || !isfinite(value))
        return LTX_EINVAL;
    *has = true;
    *slot = value;
    return LTX_OK;
}

LTX_API int ltx_request_set_duration(ltx_request *r, double seconds)
{
    int rc = set_number(r, "duration", r ? &r->has_duration : NULL, r ? &r->duration : NULL,
                        seconds);

    if (rc == LTX_OK)
        r->duration_auto = false;
    return rc;
}

LTX_API int ltx_request_set_duration_auto(ltx_request *r)
{
    if (!r || !(EPB(r->endpoint) & (T2V | I2V)))
        return LTX_EINVAL;
    r->has_duration = false;
    r->duration_auto = true;
    return LTX_OK;
}

LTX_API int ltx_request_set_start_time(ltx_request *r, double seconds)
{
    return set_number(r, "start_time", r ? &r->has_start : NULL, r ? &r->start_time : NULL,
                      seconds);
}

LTX_API int ltx_request_set_guidance_scale(ltx_request *r, double scale)
{
    return set_number(r, "guidance_scale", r ? &r->has_guidance : NULL,
                      r ? &r->guidance_scale : NULL, scale);
}

LTX_API int ltx_request_set_context(ltx_request *r, double seconds)
{
    return set_number(r, "context", r ? &r->has_context : NULL, r ? &r->context : NULL, seconds);
}

LTX_API int ltx_request_set_fps(ltx_request *r, int fps)
{
    if (!r || !takes(r, "fps"))
        return LTX_EINVAL;
    r->has_fps = true;
    r->fps = fps;
    return LTX_OK;
}

LTX_API int ltx_request_set_generate_audio(ltx_request *r, int enable)
{
    if (!r || !takes(r, "generate_audio"))
        return LTX_EINVAL;
    r->has_audio = true;
    r->generate_audio = enable != 0;
    return LTX_OK;
}

LTX_API int ltx_request_set_json(ltx_request *r, const char *name, const char *json)
{
    struct ltx_request_extra *grown;
    char *n, *j;

    if (!r || !name || !*name || !json || !ltx__json_value_valid(json) ||
        ltx__utf8_length(name) < 0)
        return LTX_EINVAL;
    for (size_t i = 0; i < r->n_extras; i++)
        if (strcmp(r->extras[i].name, name) == 0) {
            if (!(j = ltx__strdup(json)))
                return LTX_ENOMEM;
            free(r->extras[i].json);
            r->extras[i].json = j;
            return LTX_OK;
        }
    grown = realloc(r->extras, (r->n_extras + 1) * sizeof(*grown));
    if (!grown)
        return LTX_ENOMEM;
    r->extras = grown;
    n = ltx__strdup(name);
    j = ltx__strdup(json);
    if (!n || !j) {
        free(n);
        free(j);
        return LTX_ENOMEM;
    }
    r->extras[r->n_extras].name = n;
    r->extras[r->n_extras].json = j;
    r->n_extras++;
    return LTX_OK;
}

LTX_API int ltx_request_set_retry(ltx_request *r, unsigned max_retries, uint32_t base_ms,
                                  uint32_t cap_ms)
{
    if (!r || base_ms == 0 || cap_ms < base_ms || cap_ms == LTX_NO_LIMIT)
        return LTX_EINVAL;
    r->has_retry = true;
    r->max_retries = max_retries;
    r->retry_base_ms = base_ms;
    r->retry_cap_ms = cap_ms;
    return LTX_OK;
}

LTX_API int ltx_request_set_retry_unknown_outcome(ltx_request *r, int allow)
{
    if (!r)
        return LTX_EINVAL;
    r->retry_unknown_outcome = allow != 0;
    return LTX_OK;
}

LTX_API int ltx_request_set_deadline_ms(ltx_request *r, uint32_t ms)
{
    if (!r || ms == 0)
        return LTX_EINVAL;
    r->deadline_ms = ms;
    return LTX_OK;
}

LTX_API int ltx_request_set_cancel(ltx_request *r, ltx_cancel *cancel)
{
    if (!r)
        return LTX_EINVAL;
    r->cancel = cancel;
    return LTX_OK;
}

LTX_API int ltx_request_set_sync(ltx_request *r, int sync)
{
    if (!r || (sync && (EPB(r->endpoint) & (HDR | REFRAME))))
        return LTX_EINVAL;
    r->sync = sync != 0;
    return LTX_OK;
}

LTX_API int ltx_request_sync(const ltx_request *r)
{
    return r ? r->sync : 0;
}

/* ---------------------------------------------------------------- validation */

static int overridden(const ltx_request *r, const char *name)
{
    for (size_t i = 0; i < r->n_extras; i++)
        if (strcmp(r->extras[i].name, name) == 0)
            return 1;
    return 0;
}

static int field_is_set(const ltx_request *r, const char *name)
{
    if (overridden(r, name))
        return 1;
    if (!strcmp(name, "prompt")) return r->prompt != NULL;
    if (!strcmp(name, "model")) return r->model != NULL;
    if (!strcmp(name, "duration")) return r->has_duration || r->duration_auto;
    if (!strcmp(name, "resolution")) return r->resolution != NULL;
    if (ltx__media_field_of(name) >= 0 && r->input_files[ltx__media_field_of(name)])
        return 1;
    if (!strcmp(name, "image_uri")) return r->image_uri != NULL;
    if (!strcmp(name, "audio_uri")) return r->audio_uri != NULL;
    if (!strcmp(name, "video_uri")) return r->video_uri != NULL;
    if (!strcmp(name, "start_time")) return r->has_start;
    return 1;
}

static int in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return 1;
    return 0;
}

static char *join(const char *const *list)
{
    size_t n = 1;
    char *out;

    for (const char *const *p = list; *p; p++)
        n += strlen(*p) + 2;
    if (!(out = malloc(n)))
        return NULL;
    out[0] = '\0';
    for (const char *const *p = list; *p; p++) {
        if (p != list)
            strcat(out, ", ");
        strcat(out, *p);
    }
    return out;
}

static int check_enum(const ltx_request *r, const char *field, const char *value,
                      const char *const *list, ltx_error **err)
{
    char *allowed;
    int rc;

    if (!value || overridden(r, field) || in_list(value, list))
        return LTX_OK;
    allowed = join(list);
    rc = ltx__reject(err, field, "%s: \"%s\" is not allowed for %s; allowed: %s", field, value,
                 ltx_endpoint_name(r->endpoint), allowed ? allowed : "?");
    free(allowed);
    return rc;
}

static int check_range(const ltx_request *r, const char *field, bool has, double v, double lo,
                       double hi, ltx_error **err)
{
    if (!has || overridden(r, field) || (v >= lo && v <= hi))
        return LTX_OK;
    if (hi >= 1e300)
        return ltx__reject(err, field, "%s: %g is out of range; allowed: at least %g", field, v, lo);
    return ltx__reject(err, field, "%s: %g is out of range; allowed: %g to %g", field, v, lo, hi);
}

static int check_text(const char *field, const char *v, ltx_error **err)
{
    if (v && ltx__utf8_length(v) < 0)
        return ltx__reject(err, field, "%s: not valid UTF-8", field);
    return LTX_OK;
}

static int check_uri(const ltx_request *r, const char *field, const char *v, ltx_error **err)
{
    int rc = check_text(field, v, err);

    if (rc != LTX_OK || !v || overridden(r, field))
        return rc;
    if (strncmp(v, "https://", 8) == 0 || strncmp(v, "ltx://", 6) == 0 ||
        strncmp(v, "data:", 5) == 0)
        return LTX_OK;
    return ltx__reject(err, field,
                   "%s: \"%.40s\" is not a media URI; allowed: an https:// URL, a data: URI, or "
                   "an ltx:// URI from an upload",
                   field, v);
}

static int check_resolution_format(const char *v)
{
    const char *p = v;
    int digits = 0;

    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (!digits || *p++ != 'x')
        return 0;
    digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    return digits && !*p;
}

LTX_API int ltx_request_validate(const ltx_request *r, ltx_error **err)
{
    unsigned ep;
    long chars;
    int rc;

    if (!r)
        return ltx__fail(err, LTX_EINVAL, "ltx_request_validate: request is NULL");
    ep = EPB(r->endpoint);

    for (size_t i = 0; i < N_FIELDS; i++)
        if ((fields[i].required & ep) && !field_is_set(r, fields[i].name))
            return ltx__reject(err, fields[i].name, "%s is required for %s", fields[i].name,
                           ltx_endpoint_name(r->endpoint));
    if (ep & A2V && !field_is_set(r, "image_uri") &&
        (!field_is_set(r, "prompt") || (r->prompt && !*r->prompt && !overridden(r, "prompt"))))
        return ltx__reject(err, "prompt", "prompt: a non-empty prompt or an image_uri is required for "
                                      "audio-to-video");

    if (r->prompt && !overridden(r, "prompt")) {
        chars = ltx__utf8_length(r->prompt);
        if (chars < 0)
            return ltx__reject(err, "prompt", "prompt: not valid UTF-8");
        if (chars > LTX_PROMPT_MAX_CHARS)
            return ltx__reject(err, "prompt", "prompt: %ld characters; allowed: at most %d", chars,
                           LTX_PROMPT_MAX_CHARS);
        if (chars == 0 && (ep & (T2V | I2V)))
            return ltx__reject(err, "prompt", "prompt: must not be empty for %s",
                           ltx_endpoint_name(r->endpoint));
    }
    if ((rc = check_text("model", r->model, err)) != LTX_OK ||
        (rc = check_uri(r, "image_uri", r->image_uri, err)) != LTX_OK ||
        (rc = check_uri(r, "last_frame_uri", r->last_frame_uri, err)) != LTX_OK ||
        (rc = check_uri(r, "audio_uri", r->audio_uri, err)) != LTX_OK ||
        (rc = check_uri(r, "video_uri", r->video_uri, err)) != LTX_OK ||
        (rc = check_text("mode", r->mode, err)) != LTX_OK ||
        (rc = check_text("camera_motion", r->camera_motion, err)) != LTX_OK ||
        (rc = check_text("resolution", r->resolution, err)) != LTX_OK)
        return rc;

    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++)
        if (r->input_files[i] && !overridden(r, ltx__media_field_name(i)) &&
            (rc = ltx__media_check(i, r->input_files[i], err)) != LTX_OK)
            return rc;
    if (r->resolution && !overridden(r, "resolution") && !check_resolution_format(r->resolution))
        return ltx__reject(err, "resolution", "resolution: \"%.40s\" is not WIDTHxHEIGHT (e.g. 1920x1080)",
                       r->resolution);
    if ((rc = check_enum(r, "camera_motion", r->camera_motion, camera_motions, err)) != LTX_OK)
        return rc;
    if (ep & RETAKE) {
        if ((rc = check_enum(r, "mode", r->mode, retake_modes, err)) != LTX_OK ||
            (rc = check_enum(r, "resolution", r->resolution, landscape_portrait_1080, err)) != LTX_OK ||
            (rc = check_range(r, "start_time", r->has_start, r->start_time, 0, 1e308, err)) != LTX_OK ||
            (rc = check_range(r, "duration", r->has_duration, r->duration, 2, 1e308, err)) != LTX_OK)
            return rc;
    }
    if (ep & EXTEND) {
        if ((rc = check_enum(r, "mode", r->mode, extend_modes, err)) != LTX_OK ||
            (rc = check_range(r, "duration", r->has_duration, r->duration, 2, 20, err)) != LTX_OK ||
            (rc = check_range(r, "context", r->has_context, r->context, 1, 20, err)) != LTX_OK)
            return rc;
    }
    if (ep & REFRAME &&
        (rc = check_enum(r, "resolution", r->resolution, reframe_resolutions, err)) != LTX_OK)
        return rc;
    if (ep & A2V &&
        (rc = check_range(r, "guidance_scale", r->has_guidance, r->guidance_scale, 1, 50, err)) != LTX_OK)
        return rc;
    if (r->has_fps && !overridden(r, "fps") && r->fps <= 0)
        return ltx__reject(err, "fps", "fps: %d; allowed: 24, 25, 48 or 50 depending on the model",
                       r->fps);

    if (ep & (T2V | I2V)) {
        if (r->has_duration && !overridden(r, "duration") &&
            (r->duration < 1 || r->duration != floor(r->duration)))
            return ltx__reject(err, "duration",
                           "duration: %g s; allowed: a whole number of seconds (see the model "
                           "matrix), or automatic with ltx-2-5 models", r->duration);
        if (r->duration_auto && !overridden(r, "duration")) {
            if (r->model && strncmp(r->model, "ltx-2-5-", 8) != 0 && ltx__model_is_known(r->model))
                return ltx__reject(err, "duration",
                               "duration: automatic length needs an ltx-2-5 model; allowed: "
                               "ltx-2-5-fast, ltx-2-5-pro");
            if (r->last_frame_uri || r->input_files[LTX_MEDIA_LAST_FRAME])
                return ltx__reject(err, "duration",
                               "duration: automatic length cannot be combined with last_frame_uri");
        }
    }
    if (r->model && !overridden(r, "model")) {
        int check_values = (ep & (T2V | I2V)) && !overridden(r, "resolution") &&
                           !overridden(r, "fps") && !overridden(r, "duration");
        int fps = check_values ? (r->has_fps ? r->fps : 24) : 0;
        double duration = check_values && r->has_duration ? r->duration : -1;
        const char *resolution = check_values ? r->resolution : NULL;

        rc = ltx_model_check(r->model, r->endpoint, resolution, fps, duration, err);
        if (rc < 0)
            return rc;
    }
    return LTX_OK;
}

LTX_API int ltx_request_to_json(const ltx_request *r, char **out, ltx_error **err)
{
    int rc;

    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_request_to_json: out is NULL");
    *out = NULL;
    if ((rc = ltx_request_validate(r, err)) != LTX_OK)
        return rc;
    if (!(*out = ltx__request_encode(r)))
        return ltx__fail(err, LTX_ENOMEM, "out of memory encoding the request");
    return LTX_OK;
}
