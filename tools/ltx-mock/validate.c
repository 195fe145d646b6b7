/* tools/ltx-mock/validate.c — the endpoints' fields and the checks of a request body
 * against them. */
#define _POSIX_C_SOURCE 200809L

#include "mock.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ request validation */

/* API-NOTES §12: ltx-2-fast/ltx-2-pro were removed, 2.5 was added. */
static const char *const t2v_models[] = {"ltx-2-3-fast", "ltx-2-3-pro", "ltx-2-5-fast",
                                         "ltx-2-5-pro", NULL};
static const char *const a2v_models[] = {"ltx-2-3-pro", "ltx-2-5-fast", "ltx-2-5-pro", NULL};
static const char *const edit_models[] = {"ltx-2-3-pro", NULL};
static const char *const resolutions[] = {"1280x720",  "720x1280",  "1920x1080",
                                          "1080x1920", "2560x1440", "1440x2560",
                                          "3840x2160", "2160x3840", NULL};
const char *const lm_hd_resolutions[] = {"1920x1080", "1080x1920", NULL};
const char *const lm_reframe_resolutions[] = {"720x720",  "1080x1080", "720x900",  "1080x1350",
                                              "900x720",  "1350x1080", "720x1280", "1080x1920",
                                              "1280x720", "1920x1080", NULL};
const char *const lm_camera_motions[] = {"dolly_in",    "dolly_out",   "dolly_left",
                                         "dolly_right", "jib_up",      "jib_down",
                                         "static",      "focus_shift", NULL};
const char *const lm_retake_modes[] = {"replace_audio", "replace_video", "replace_audio_and_video",
                                       NULL};
const char *const lm_extend_modes[] = {"start", "end", NULL};
const int lm_fps_values[] = {24, 25, 48, 50, 0};

static const field_spec t2v_fields[] = {
    LM_VIDEO_FIELDS(t2v_models, resolutions),
    ENUM("camera_motion", 0, lm_camera_motions),
    FIELDS_END,
};

static const field_spec i2v_fields[] = {
    REQUIRED("image_uri", FT_URI),
    LM_VIDEO_FIELDS(t2v_models, resolutions),
    OPTIONAL("last_frame_uri", FT_URI),
    ENUM("camera_motion", 0, lm_camera_motions),
    FIELDS_END,
};

/* Includes the 2026-08 additions (fps, last_frame_uri, camera_motion, more tiers). */
static const field_spec a2v_fields[] = {
    REQUIRED("audio_uri", FT_URI),
    OPTIONAL("image_uri", FT_URI),
    OPTIONAL("prompt", FT_PROMPT),
    ENUM("resolution", 0, resolutions),
    RANGE("guidance_scale", 0, 1.0, 50.0),
    ENUM("model", 0, a2v_models),
    {.name = "fps", .type = FT_INT_ENUM, .ints = lm_fps_values},
    OPTIONAL("last_frame_uri", FT_URI),
    ENUM("camera_motion", 0, lm_camera_motions),
    FIELDS_END,
};

static const field_spec retake_fields[] = {
    REQUIRED("video_uri", FT_URI),     RANGE("start_time", 1, 0.0, NO_MAX),
    RANGE("duration", 1, 2.0, NO_MAX), OPTIONAL("prompt", FT_PROMPT),
    ENUM("mode", 0, lm_retake_modes),  ENUM("resolution", 0, lm_hd_resolutions),
    ENUM("model", 0, edit_models),     FIELDS_END,
};

/* `resolution` appears on one version of the reference page only; accepted. */
static const field_spec extend_fields[] = {
    REQUIRED("video_uri", FT_URI),
    RANGE("duration", 1, 2.0, 20.0),
    OPTIONAL("prompt", FT_PROMPT),
    ENUM("mode", 0, lm_extend_modes),
    ENUM("model", 0, edit_models),
    RANGE("context", 0, 0.0, 20.0), /* the document: at most 20 s, no minimum */
    ENUM("resolution", 0, lm_hd_resolutions),
    FIELDS_END,
};

/* output_colorspace: API-NOTES §1 row 12 (second-hand). */
static const char *const hdr_colorspaces[] = {"acescg", "acescct", "srgb_linear", "aces2065-1",
                                              NULL};
static const field_spec hdr_fields[] = {
    REQUIRED("video_uri", FT_URI),
    ENUM("output_colorspace", 0, hdr_colorspaces),
    FIELDS_END,
};

/* placement: API-NOTES §1 row 13 (second-hand). */
static const char *const placement_anchors[] = {"top_left",     "top",   "top_right",   "left",
                                                "center",       "right", "bottom_left", "bottom",
                                                "bottom_right", NULL};

/* Reframe's model is optional and ignored since 2026-09-23 (API-NOTES §1). */
static const field_spec reframe_fields[] = {
    REQUIRED("video_uri", FT_URI),
    ENUM("resolution", 1, lm_reframe_resolutions),
    OPTIONAL("model", FT_STRING),
    {.name = "placement", .type = FT_PLACEMENT, .values = placement_anchors},
    FIELDS_END,
};

/* The DEFAULT and LIVE profiles' endpoints; JULY_2026's are in profiles.c. */
const endpoint_spec lm_endpoints[] = {
    {"text-to-video", V1 | V2, t2v_fields, "video_url", "mp4", lm_check_t2v},
    {"image-to-video", V1 | V2, i2v_fields, "video_url", "mp4", lm_check_i2v},
    {"audio-to-video", V1 | V2, a2v_fields, "video_url", "mp4", lm_check_a2v},
    {"retake", V1 | V2, retake_fields, "video_url", "mp4", NULL},
    {"extend", V1 | V2, extend_fields, "video_url", "mp4", NULL},
    {"video-to-video-hdr", V2, hdr_fields, "exr_frames_url", "zip", NULL},
    {"video-to-video-reframe", V2, reframe_fields, "video_url", "mp4", NULL},
};

const size_t lm_n_endpoints = sizeof lm_endpoints / sizeof lm_endpoints[0];

/* An endpoint of m's profile, or its extra endpoint. */
const endpoint_spec *lm_endpoint_find(const lmock *m, const char *name, size_t len)
{
    for (size_t i = 0; i < m->n_eps; i++)
        if (strlen(m->eps[i].name) == len && memcmp(m->eps[i].name, name, len) == 0)
            return &m->eps[i];
    if (m->extra_ep.name && strlen(m->extra_ep.name) == len &&
        memcmp(m->extra_ep.name, name, len) == 0)
        return &m->extra_ep;
    return NULL;
}

void lm_join_strings(const char *const *values, char *out, size_t n)
{
    size_t used = 0;

    out[0] = '\0';
    for (; *values && used < n; values++) {
        int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", *values);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void join_ints(const int *values, char *out, size_t n)
{
    size_t used = 0;

    out[0] = '\0';
    for (; *values && used < n; values++) {
        int w = snprintf(out + used, n - used, "%s%d", used ? ", " : "", *values);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int lm_string_in(const char *s, const char *const *values)
{
    for (; *values; values++)
        if (strcmp(s, *values) == 0)
            return 1;
    return 0;
}

static int int_in(long long v, const int *values)
{
    for (; *values; values++)
        if (v == *values)
            return 1;
    return 0;
}

/* JSON integers, and reals with an integral value (6.0 is an integer in JSON Schema). */
int lm_json_integral(const json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d >= -9.0e15 && d <= 9.0e15 && d == (double)(long long)d) {
            *out = (long long)d;
            return 1;
        }
    }
    return 0;
}

static size_t utf8_code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int uri_scheme_ok(const char *s)
{
    return strncmp(s, "https://", 8) == 0 || strncmp(s, "data:", 5) == 0 ||
           strncmp(s, "ltx://", 6) == 0;
}

/* Reframe's placement: an anchor, or {x, y, width, height}, fractions of the output
 * frame (API-NOTES §1 row 13); the box must lie within the frame and not be empty. */
static int placement_check(const field_spec *f, json_t *v, char *msg, size_t n)
{
    static const char *const keys[] = {"x", "y", "width", "height", NULL};
    char list[MSG_MAX / 2];
    double box[4];
    const char *key;
    json_t *item;

    if (json_is_string(v)) {
        lm_join_strings(f->values, list, sizeof list);
        if (!lm_string_in(json_string_value(v), f->values))
            return lm_fail(msg, n, "%s: must be one of %s, or {x, y, width, height}", f->name,
                           list);
        return 0;
    }
    if (!json_is_object(v))
        return lm_fail(msg, n, "%s: must be an anchor string or an object {x, y, width, height}",
                       f->name);
    json_object_foreach(v, key, item)
    {
        if (!lm_string_in(key, keys))
            return lm_fail(msg, n, "%s.%s: unknown field", f->name, key);
    }
    for (int i = 0; i < 4; i++) {
        item = json_object_get(v, keys[i]);
        if (!item)
            return lm_fail(msg, n, "%s.%s is required", f->name, keys[i]);
        if (!json_is_number(item) || json_number_value(item) < 0.0 || json_number_value(item) > 1.0)
            return lm_fail(msg, n, "%s.%s: must be a number from 0 to 1", f->name, keys[i]);
        box[i] = json_number_value(item);
    }
    if (box[2] <= 0.0 || box[3] <= 0.0)
        return lm_fail(msg, n, "%s: width and height must be greater than 0", f->name);
    if (box[0] + box[2] > 1.0 + 1e-9 || box[1] + box[3] > 1.0 + 1e-9)
        return lm_fail(msg, n,
                       "%s: the box must lie within the frame (x + width and y + height "
                       "at most 1)",
                       f->name);
    return 0;
}

static int field_check(const field_spec *f, json_t *v, char *msg, size_t n)
{
    char list[MSG_MAX / 2];
    long long iv;

    switch (f->type) {
    case FT_STRING:
        if (!json_is_string(v))
            return lm_fail(msg, n, "%s: must be a string", f->name);
        return 0;
    case FT_PROMPT:
        if (!json_is_string(v))
            return lm_fail(msg, n, "%s: must be a string", f->name);
        if (f->nonempty && json_string_length(v) == 0)
            return lm_fail(msg, n, "%s: must not be empty", f->name);
        if (utf8_code_points(json_string_value(v)) > PROMPT_MAX_CHARS)
            return lm_fail(msg, n, "%s: must be at most %d characters", f->name, PROMPT_MAX_CHARS);
        return 0;
    case FT_URI:
        if (!json_is_string(v))
            return lm_fail(msg, n, "%s: must be a string", f->name);
        if (!uri_scheme_ok(json_string_value(v)))
            return lm_fail(msg, n, "%s: must be an https://, data: or ltx:// URI", f->name);
        return 0;
    case FT_ENUM:
        lm_join_strings(f->values, list, sizeof list);
        if (!json_is_string(v) || !lm_string_in(json_string_value(v), f->values))
            return lm_fail(msg, n, "%s: must be one of %s", f->name, list);
        return 0;
    case FT_INT_ENUM:
        join_ints(f->ints, list, sizeof list);
        if (!lm_json_integral(v, &iv) || !int_in(iv, f->ints))
            return lm_fail(msg, n, "%s: must be one of %s", f->name, list);
        return 0;
    case FT_DURATION:
        if (!json_is_null(v) && !lm_json_integral(v, &iv))
            return lm_fail(msg, n, "%s: must be an integer (or null with ltx-2-5 models)", f->name);
        return 0;
    case FT_NUMBER:
        if (!json_is_number(v))
            return lm_fail(msg, n, "%s: must be a number", f->name);
        if (json_number_value(v) < f->min || json_number_value(v) > f->max) {
            if (f->max == NO_MAX)
                return lm_fail(msg, n, "%s: must be at least %g", f->name, f->min);
            return lm_fail(msg, n, "%s: must be between %g and %g", f->name, f->min, f->max);
        }
        return 0;
    case FT_BOOL:
        if (!json_is_boolean(v))
            return lm_fail(msg, n, "%s: must be a boolean", f->name);
        return 0;
    case FT_PLACEMENT: return placement_check(f, v, msg, n);
    }
    return 0;
}

static const field_spec *field_find(const field_spec *fields, const char *name)
{
    for (; fields->name; fields++)
        if (strcmp(fields->name, name) == 0)
            return fields;
    return NULL;
}

/* 0 if body suits ep; else -1 with a message naming the field. */
int lm_body_validate(const endpoint_spec *ep, json_t *body, char *msg, size_t n)
{
    const char *key;
    json_t *v;

    if (!json_is_object(body))
        return lm_fail(msg, n, "request body must be a JSON object");
    /* Unknown keys first: a misspelt key explains a "missing" field better. */
    json_object_foreach(body, key, v)
    {
        if (!field_find(ep->fields, key))
            return lm_fail(msg, n, "%s: unknown field", key);
    }
    for (const field_spec *f = ep->fields; f->name; f++) {
        v = json_object_get(body, f->name);
        if (!v) {
            if (f->required)
                return lm_fail(msg, n, "%s is required", f->name);
            continue;
        }
        if (field_check(f, v, msg, n) != 0)
            return -1;
    }
    return ep->check ? ep->check(body, msg, n) : 0;
}

static const int short_durations[] = {2, 3, 4, 5, 6, 8, 10, 0};
static const int long_durations[] = {2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 0};

/* API-NOTES §12.4/§12.6: up to 10 s everywhere (2–5 s probably accepted now);
 * 12–20 s only on Fast models at 720p/1080p and 24/25 fps. */
int lm_check_t2v(json_t *body, char *msg, size_t n)
{
    const char *model = json_string_value(json_object_get(body, "model"));
    const char *res = json_string_value(json_object_get(body, "resolution"));
    json_t *duration = json_object_get(body, "duration");
    long long fps = 24, d = 0;
    int is_25 = strncmp(model, "ltx-2-5-", 8) == 0;
    int fast = strstr(model, "-fast") != NULL;
    int small = strcmp(res, "1280x720") == 0 || strcmp(res, "720x1280") == 0 ||
                strcmp(res, "1920x1080") == 0 || strcmp(res, "1080x1920") == 0;
    const int *allowed;
    char list[MSG_MAX / 2];

    lm_json_integral(json_object_get(body, "fps"), &fps);
    if (json_is_null(duration)) {
        if (!is_25)
            return lm_fail(
                msg, n, "duration: null (automatic length) needs an ltx-2-5 model, not %s", model);
        return 0;
    }
    lm_json_integral(duration, &d);
    allowed = fast && small && (fps == 24 || fps == 25) ? long_durations : short_durations;
    if (!int_in(d, allowed)) {
        join_ints(allowed, list, sizeof list);
        return lm_fail(msg, n, "duration: must be one of %s for %s at %s and %lld fps", list, model,
                       res, fps);
    }
    return 0;
}

int lm_check_i2v(json_t *body, char *msg, size_t n)
{
    if (json_is_null(json_object_get(body, "duration")) && json_object_get(body, "last_frame_uri"))
        return lm_fail(msg, n, "duration: null cannot be combined with last_frame_uri");
    return lm_check_t2v(body, msg, n);
}

int lm_check_a2v(json_t *body, char *msg, size_t n)
{
    json_t *prompt = json_object_get(body, "prompt");
    int has_image = json_object_get(body, "image_uri") != NULL;

    if (!prompt && !has_image)
        return lm_fail(msg, n, "prompt is required when image_uri is absent");
    if (prompt && json_string_length(prompt) == 0 && !has_image)
        return lm_fail(msg, n, "prompt: must not be empty when image_uri is absent");
    return 0;
}
