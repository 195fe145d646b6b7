/* lib/fields.c — the one table of request fields, from spec/ltx-openapi.json (July 2026) and
 * API-NOTES §1 and §4. Storage (request.c), validation (request.c) and the JSON body (codec.c)
 * all walk it; tests/unit/test_fields.c compares it with the spec file, so that a difference is
 * a failing test or a row with a reason in `why`. Adding a field: HACKING, "Adding a field". */
#define _POSIX_C_SOURCE 200809L
#include "fields.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define T2V LTX_EP(LTX_ENDPOINT_TEXT_TO_VIDEO)
#define I2V LTX_EP(LTX_ENDPOINT_IMAGE_TO_VIDEO)
#define A2V LTX_EP(LTX_ENDPOINT_AUDIO_TO_VIDEO)
#define RETAKE LTX_EP(LTX_ENDPOINT_RETAKE)
#define EXTEND LTX_EP(LTX_ENDPOINT_EXTEND)
#define HDR LTX_EP(LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR)
#define REFRAME LTX_EP(LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME)

const ltx_endpoint_row ltx__endpoints[] = {
    [LTX_ENDPOINT_OTHER] = {NULL, 0, NULL},
    [LTX_ENDPOINT_TEXT_TO_VIDEO] = {"text-to-video", 0, "video_url"},
    [LTX_ENDPOINT_IMAGE_TO_VIDEO] = {"image-to-video", 0, "video_url"},
    [LTX_ENDPOINT_AUDIO_TO_VIDEO] = {"audio-to-video", 0, "video_url"},
    [LTX_ENDPOINT_RETAKE] = {"retake", 0, "video_url"},
    [LTX_ENDPOINT_EXTEND] = {"extend", 0, "video_url"},
    /* the live API also gives an MP4 preview as video_url; the frames are what was asked for */
    [LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR] = {"video-to-video-hdr", 1, "exr_frames_url"},
    [LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME] = {"video-to-video-reframe", 1, "video_url"},
};
const int ltx__n_endpoints = (int)(sizeof(ltx__endpoints) / sizeof(ltx__endpoints[0]));

LTX_API const char *ltx_endpoint_name(ltx_endpoint endpoint)
{
    const ltx_endpoint_row *row = ltx__endpoint_row((int)endpoint);

    return row ? row->name : NULL;
}

LTX_API int ltx_endpoint_from_name(ltx_endpoint *out, const char *name)
{
    if (out)
        *out = LTX_ENDPOINT_OTHER;
    for (int i = 1; name && i < ltx__n_endpoints; i++)
        if (strcmp(ltx__endpoints[i].name, name) == 0) {
            if (out)
                *out = (ltx_endpoint)i;
            return out ? LTX_OK : LTX_EINVAL;
        }
    return LTX_EINVAL;
}

/* A path segment the request may be sent to: [a-z0-9-], 1 to LTX_ENDPOINT_NAME_MAX bytes. */
int ltx__endpoint_name_ok(const char *name)
{
    size_t n = 0;

    for (; name && name[n]; n++)
        if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9') ||
              name[n] == '-'))
            return 0;
    return n >= 1 && n <= LTX_ENDPOINT_NAME_MAX;
}

const ltx_endpoint_row *ltx__endpoint_row(int endpoint)
{
    /* compared as unsigned: -1 and 0 both miss */
    return (unsigned)endpoint - 1u < (unsigned)ltx__n_endpoints - 1u ? &ltx__endpoints[endpoint]
                                                                      : NULL;
}

#define NO_RANGE .min = 1, .max = 0
#define AT_LEAST(lo) .min = (lo), .max = HUGE_VAL

/*
 * What is refused before anything is sent: only what the API certainly refuses.
 *
 *   From this table: a missing required field; a value outside a documented enum (rows whose
 *   `open` is 0); a number outside a documented range; a fraction for an integer; JSON null
 *   where the row is not nullable; a typed setter for a field no row gives the endpoint
 *   (ltx_request_set_json() sends it anyway).
 *
 *   Beyond the table, in ltx_request_validate() (request.c), each from the reference pages:
 *     1. prompt: at most LTX_PROMPT_MAX_CHARS characters of valid UTF-8; not empty on
 *        text-to-video and image-to-video;
 *     2. audio-to-video: a non-empty prompt or an image_uri (the document's "one of");
 *     3. duration null (automatic): ltx-2-5 models only (unknown ids pass), not with a last frame;
 *     4. media: an https://, data: or ltx:// URI, or a local file of a format the field takes;
 *     5. resolution: "WIDTHxHEIGHT";
 *     6. the model matrix (models.c), for the model ids it knows; others pass through.
 *
 *   Not refused, sent as given with a WARN log line at submit: a field on an endpoint the July
 *   document does not give it (rows' `later`, and anything through ltx_request_set_json());
 *   every field of an endpoint this release does not know (ltx_request_new_by_name()).
 *   A value set through ltx_request_set_json() skips the value checks above.
 */

static const char *const old_video_models[] = {"ltx-2-fast", "ltx-2-pro", "ltx-2-3-fast",
                                               "ltx-2-3-pro", NULL};
static const char *const edit_models[] = {"ltx-2-pro", "ltx-2-3-pro", NULL};
static const char *const reframe_models[] = {"ltx-2-3-pro", NULL};
static const char *const hd[] = {"1920x1080", "1080x1920", NULL};
static const char *const reframe_resolutions[] = {"720x720",  "1080x1080", "720x900",  "1080x1350",
                                                  "900x720",  "1350x1080", "720x1280", "1080x1920",
                                                  "1280x720", "1920x1080", NULL};
static const char *const camera_motions[] = {"dolly_in",    "dolly_out",   "dolly_left",
                                             "dolly_right", "jib_up",      "jib_down",
                                             "static",      "focus_shift", NULL};
static const char *const retake_modes[] = {"replace_audio", "replace_video",
                                           "replace_audio_and_video", NULL};
static const char *const extend_modes[] = {"start", "end", NULL};
static const char *const colorspaces[] = {"acescg", "acescct", "srgb_linear", "aces2065-1", NULL};
static const char *const anchors[] = {"center", "top_left",    "top",    "top_right",    "left",
                                      "right",  "bottom_left", "bottom", "bottom_right", NULL};

#define OPEN_MODELS                                                                                \
    "model ids are open strings: the file's enum lacks the live ltx-2-5 models and lists the "     \
    "removed ltx-2 ones (API-NOTES §1 rows 2, 6); the model matrix (models.c) checks the ids it " \
    "knows and passes others through"

/* The order of first appearance is the order of the JSON body. */
/* clang-format off */
const ltx_field ltx__fields[] = {
    {.name = "prompt", .type = LTX_FT_STRING, .endpoints = T2V | I2V | A2V | RETAKE | EXTEND,
     .required = T2V | I2V, NO_RANGE},

    {.name = "model", .type = LTX_FT_STRING, .endpoints = T2V | I2V, .required = T2V | I2V,
     .values = old_video_models, .open = 1, NO_RANGE, .why = OPEN_MODELS},
    {.name = "model", .type = LTX_FT_STRING, .endpoints = A2V | RETAKE | EXTEND,
     .values = edit_models, .open = 1, NO_RANGE, .def = "\"ltx-2-3-pro\"", .why = OPEN_MODELS},
    {.name = "model", .type = LTX_FT_STRING, .endpoints = REFRAME, .values = reframe_models,
     .open = 1, NO_RANGE,
     .why = "required in the July document, but optional and ignored since 2026-09-23 "
            "(API-NOTES §1 row 4): a reframe request without it is not refused"},

    {.name = "duration", .type = LTX_FT_INTEGER, .endpoints = T2V | I2V, .required = T2V | I2V,
     .nullable = T2V | I2V, AT_LEAST(1),
     .why = "null (automatic length on ltx-2-5 models) is sent though the file types it a "
            "required integer (API-NOTES §1 row 3); the values come from the model matrix"},
    {.name = "duration", .type = LTX_FT_NUMBER, .endpoints = RETAKE, .required = RETAKE,
     AT_LEAST(2)},
    {.name = "duration", .type = LTX_FT_NUMBER, .endpoints = EXTEND, .required = EXTEND,
     .min = 2, .max = 20},

    {.name = "resolution", .type = LTX_FT_RESOLUTION, .endpoints = T2V | I2V,
     .required = T2V | I2V, NO_RANGE},
    {.name = "resolution", .type = LTX_FT_RESOLUTION, .endpoints = A2V, .values = hd, .open = 1,
     NO_RANGE,
     .why = "audio-to-video gained more resolution tiers on 2026-08-18 (API-NOTES §1 row 5): "
            "values past the July enum are sent"},
    {.name = "resolution", .type = LTX_FT_RESOLUTION, .endpoints = RETAKE, .values = hd,
     NO_RANGE},
    {.name = "resolution", .type = LTX_FT_RESOLUTION, .endpoints = REFRAME, .required = REFRAME,
     .values = reframe_resolutions, NO_RANGE},
    {.name = "resolution", .type = LTX_FT_RESOLUTION, .later = EXTEND, NO_RANGE,
     .why = "one version of the extend reference page shows it (API-NOTES §1 row 10)"},

    {.name = "fps", .type = LTX_FT_INTEGER, .endpoints = T2V | I2V, .later = A2V, AT_LEAST(1),
     .def = "24", .why = "audio-to-video took fps on 2026-08-19 (API-NOTES §1 row 5)"},
    {.name = "generate_audio", .type = LTX_FT_BOOLEAN, .endpoints = T2V | I2V, NO_RANGE,
     .def = "true"},
    {.name = "camera_motion", .type = LTX_FT_STRING, .endpoints = T2V | I2V, .later = A2V,
     .values = camera_motions, NO_RANGE,
     .why = "audio-to-video took camera_motion on 2026-08-19 (API-NOTES §1 row 5)"},
    {.name = "image_uri", .type = LTX_FT_URI, .endpoints = I2V | A2V, .required = I2V, NO_RANGE},
    {.name = "last_frame_uri", .type = LTX_FT_URI, .endpoints = I2V, .later = A2V, NO_RANGE,
     .why = "audio-to-video took last_frame_uri on 2026-08-19 (API-NOTES §1 row 5)"},
    {.name = "audio_uri", .type = LTX_FT_URI, .endpoints = A2V, .required = A2V, NO_RANGE},
    {.name = "video_uri", .type = LTX_FT_URI, .endpoints = RETAKE | EXTEND | HDR | REFRAME,
     .required = RETAKE | EXTEND | HDR | REFRAME, NO_RANGE},
    {.name = "start_time", .type = LTX_FT_NUMBER, .endpoints = RETAKE, .required = RETAKE,
     AT_LEAST(0)},
    {.name = "guidance_scale", .type = LTX_FT_NUMBER, .endpoints = A2V, .min = 1, .max = 50},
    {.name = "mode", .type = LTX_FT_STRING, .endpoints = RETAKE, .values = retake_modes,
     NO_RANGE, .def = "\"replace_audio_and_video\""},
    {.name = "mode", .type = LTX_FT_STRING, .endpoints = EXTEND, .values = extend_modes,
     NO_RANGE, .def = "\"end\""},
    /* The document: "maximum 20 seconds", no minimum (an older reference page said 1-20). */
    {.name = "context", .type = LTX_FT_NUMBER, .endpoints = EXTEND, .min = 0, .max = 20},

    {.name = "output_colorspace", .type = LTX_FT_STRING, .later = HDR, .values = colorspaces,
     .open = 1, NO_RANGE, .def = "\"acescg\"",
     .why = "HDR's output colour space, autumn 2026 (API-NOTES §1 row 12); the values are "
            "second-hand, so others are sent"},
    {.name = "placement", .type = LTX_FT_ANY, .later = REFRAME, .values = anchors, .open = 1,
     NO_RANGE,
     .why = "reframe's placement, autumn 2026 (API-NOTES §1 row 13): an anchor string or an "
            "{x, y, width, height} object, so set with ltx_request_set_json()"},
};
/* clang-format on */
const size_t ltx__n_fields = sizeof(ltx__fields) / sizeof(ltx__fields[0]);

/* Every distinct name needs one of the LTX_FIELD_SLOTS (private.h); a unit test checks it. */
/* The slots: each distinct name, in the order of its first row. Built once. */
static const char *slot_names[LTX_FIELD_SLOTS];
static int n_slots = -1; /* -1 when the table has more names than slots */
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void slots_build(void)
{
    int n = 0;

    for (size_t i = 0; i < ltx__n_fields; i++) {
        int known = 0;

        for (int s = 0; s < n && !known; s++)
            known = strcmp(slot_names[s], ltx__fields[i].name) == 0;
        if (known)
            continue;
        if (n == LTX_FIELD_SLOTS)
            return; /* every name past the last slot has none: a unit test catches it */
        slot_names[n++] = ltx__fields[i].name;
    }
    n_slots = n;
}

static int slots_count(void)
{
    pthread_once(&slots_once, slots_build);
    return n_slots < 0 ? LTX_FIELD_SLOTS : n_slots;
}

int ltx__field_slot(const char *name)
{
    int n = slots_count();

    for (int s = 0; name && s < n; s++)
        if (strcmp(slot_names[s], name) == 0)
            return s;
    return -1;
}

const char *ltx__field_slot_name(int slot)
{
    return slot >= 0 && slot < slots_count() ? slot_names[slot] : NULL;
}

const ltx_field *ltx__field_rule(const char *name, int endpoint)
{
    unsigned bit = endpoint > 0 && endpoint < 32 ? LTX_EP(endpoint) : 0;

    for (size_t i = 0; bit && name && i < ltx__n_fields; i++)
        if (((ltx__fields[i].endpoints | ltx__fields[i].later) & bit) &&
            strcmp(ltx__fields[i].name, name) == 0)
            return &ltx__fields[i];
    return NULL;
}

void ltx__field_endpoints(const char *name, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int ep = 1; ltx_endpoint_name(ep) && n < size; ep++)
        if (ltx__field_rule(name, ep)) {
            int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", ltx_endpoint_name(ep));

            if (w < 0)
                break;
            n += (size_t)w;
        }
}
