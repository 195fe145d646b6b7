/* tools/ltx-mock/profiles.c — which API ltx-mock plays: the July 2026 OpenAPI document, the
 * live API as best known, or what libltx's tests need. ltx-mock(1), PROFILES, lists every
 * difference with its source; keep the two in step. */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"

#include <string.h>

/* ------------------------------------------------------------------ names */

static const char *const profile_names[] = {
    [LMOCK_PROFILE_DEFAULT] = "default",
    [LMOCK_PROFILE_JULY_2026] = "july-2026",
    [LMOCK_PROFILE_LIVE] = "live",
};
#define N_PROFILES (sizeof profile_names / sizeof profile_names[0])

const char *lmock_profile_name(lmock_profile p)
{
    return (size_t)p < N_PROFILES ? profile_names[p] : NULL;
}

int lmock_profile_parse(const char *name, lmock_profile *out)
{
    for (size_t i = 0; name && i < N_PROFILES; i++) {
        if (strcmp(name, profile_names[i]) == 0) {
            *out = (lmock_profile)i;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ the July 2026 document */

/* The enumerations of shared/spec/ltx-openapi.json (July 2026) where they differ from
 * validate.c's: LTX-2 models still listed (deprecated), no 2.5 models, no 720p. */
static const char *const july_t2v_models[] = {"ltx-2-fast", "ltx-2-pro", "ltx-2-3-fast",
                                              "ltx-2-3-pro", NULL};
static const char *const july_pro_models[] = {"ltx-2-pro", "ltx-2-3-pro", NULL};
static const char *const july_reframe_models[] = {"ltx-2-3-pro", NULL};
static const char *const july_resolutions[] = {"1920x1080", "1080x1920", "2560x1440",
                                               "1440x2560", "3840x2160", "2160x3840", NULL};

/* duration null is refused: no 2.5 model exists here */
static const field_spec july_t2v_fields[] = {
    LM_VIDEO_FIELDS(july_t2v_models, july_resolutions),
    ENUM("camera_motion", 0, lm_camera_motions),
    FIELDS_END,
};

static const field_spec july_i2v_fields[] = {
    REQUIRED("image_uri", FT_URI),
    LM_VIDEO_FIELDS(july_t2v_models, july_resolutions),
    OPTIONAL("last_frame_uri", FT_URI),
    ENUM("camera_motion", 0, lm_camera_motions),
    FIELDS_END,
};

/* No fps, last_frame_uri or camera_motion (added 2026-08-19). */
static const field_spec july_a2v_fields[] = {
    REQUIRED("audio_uri", FT_URI),
    OPTIONAL("image_uri", FT_URI),
    OPTIONAL("prompt", FT_PROMPT),
    ENUM("resolution", 0, lm_hd_resolutions),
    RANGE("guidance_scale", 0, 1.0, 50.0),
    ENUM("model", 0, july_pro_models),
    FIELDS_END,
};

static const field_spec july_retake_fields[] = {
    REQUIRED("video_uri", FT_URI),
    RANGE("start_time", 1, 0.0, NO_MAX),
    RANGE("duration", 1, 2.0, NO_MAX),
    OPTIONAL("prompt", FT_PROMPT),
    ENUM("mode", 0, lm_retake_modes),
    ENUM("resolution", 0, lm_hd_resolutions),
    ENUM("model", 0, july_pro_models),
    FIELDS_END,
};

/* No resolution: only one later version of the reference page shows it. */
static const field_spec july_extend_fields[] = {
    REQUIRED("video_uri", FT_URI),
    RANGE("duration", 1, 2.0, 20.0),
    OPTIONAL("prompt", FT_PROMPT),
    ENUM("mode", 0, lm_extend_modes),
    ENUM("model", 0, july_pro_models),
    RANGE("context", 0, 0.0, 20.0), /* the document: at most 20 s, no minimum */
    FIELDS_END,
};

/* No output_colorspace. */
static const field_spec july_hdr_fields[] = {
    REQUIRED("video_uri", FT_URI),
    FIELDS_END,
};

/* model required (optional and ignored from 2026-09-23); no placement. */
static const field_spec july_reframe_fields[] = {
    REQUIRED("video_uri", FT_URI),
    ENUM("model", 1, july_reframe_models),
    ENUM("resolution", 1, lm_reframe_resolutions),
    FIELDS_END,
};

static const endpoint_spec july_endpoints[] = {
    {"text-to-video", V1 | V2, july_t2v_fields, "video_url", "mp4", lm_check_t2v},
    {"image-to-video", V1 | V2, july_i2v_fields, "video_url", "mp4", lm_check_i2v},
    {"audio-to-video", V1 | V2, july_a2v_fields, "video_url", "mp4", lm_check_a2v},
    {"retake", V1 | V2, july_retake_fields, "video_url", "mp4", NULL},
    {"extend", V1 | V2, july_extend_fields, "video_url", "mp4", NULL},
    {"video-to-video-hdr", V2, july_hdr_fields, "exr_frames_url", "zip", NULL},
    {"video-to-video-reframe", V2, july_reframe_fields, "video_url", "mp4", NULL},
};

/* ------------------------------------------------------------------ the compositing endpoint */

/* API-NOTES §1 row 14 (second-hand): an optional prompt and the video; its LTX name is not
 * known, so it is served under a name given at start. */
const field_spec lm_compositing_fields[] = {
    REQUIRED("video_uri", FT_URI),
    OPTIONAL("prompt", FT_PROMPT),
    FIELDS_END,
};

/* ------------------------------------------------------------------ per-profile answers */

const endpoint_spec *lm_profile_endpoints(lmock_profile p, size_t *n)
{
    if (p == LMOCK_PROFILE_JULY_2026) {
        *n = sizeof july_endpoints / sizeof july_endpoints[0];
        return july_endpoints;
    }
    *n = lm_n_endpoints;
    return lm_endpoints;
}

/* The OpenAPI document declares application/octet-stream; the quickstart shows video/mp4,
 * which the library's tests have always been served. */
const char *lm_profile_v1_content_type(lmock_profile p)
{
    return p == LMOCK_PROFILE_JULY_2026 ? "application/octet-stream" : "video/mp4";
}

/* LIVE: both results (API-NOTES §1 row 12). DEFAULT keeps the July shape, the EXR archive
 * only, until libltx prefers exr_frames_url over video_url on HDR jobs. */
lmock_hdr_results lm_profile_hdr_results(lmock_profile p)
{
    /* both, as the live API answers (API-NOTES §1 row 12); the July document names one */
    return p == LMOCK_PROFILE_JULY_2026 ? LMOCK_HDR_RESULTS_EXR : LMOCK_HDR_RESULTS_BOTH;
}

/* v1 generation stopped after 2026-10-26 23:59 UTC (API-NOTES §13, second-hand). */
int lm_profile_v1_retired(lmock_profile p)
{
    return p == LMOCK_PROFILE_LIVE;
}

/* The real name is unknown (API-NOTES §1 row 14): a placeholder from the Comfy node's. */
const char *lm_profile_extra_endpoint(lmock_profile p)
{
    return p == LMOCK_PROFILE_LIVE ? "video-compositing" : NULL;
}

int lm_extra_endpoint_ok(lmock_profile p, const char *name)
{
    const endpoint_spec *eps;
    size_t n, len = name ? strlen(name) : 0;

    if (len == 0 || len > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != len ||
        strcmp(name, "upload") == 0)
        return 0;
    eps = lm_profile_endpoints(p, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(eps[i].name, name) == 0)
            return 0;
    return 1;
}
