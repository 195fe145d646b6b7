/* lib/models.c — the model matrix as one data table, from API-NOTES §12 (Nov 2026). */
#define _POSIX_C_SOURCE 200809L
#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#define T2V_I2V (LTX_EP(LTX_ENDPOINT_TEXT_TO_VIDEO) | LTX_EP(LTX_ENDPOINT_IMAGE_TO_VIDEO))

/* Resolution tiers; each stands for its landscape and portrait strings. */
enum { TIER_720 = 1u << 0, TIER_1080 = 1u << 1, TIER_1440 = 1u << 2, TIER_2160 = 1u << 3 };
#define ALL_TIERS (TIER_720 | TIER_1080 | TIER_1440 | TIER_2160)

static const struct {
    const char *landscape, *portrait;
    unsigned tier;
} tiers[] = {
    {"1280x720", "720x1280", TIER_720},
    {"1920x1080", "1080x1920", TIER_1080},
    {"2560x1440", "1440x2560", TIER_1440},
    {"3840x2160", "2160x3840", TIER_2160},
};

/* 2-5 s are offered by Lightricks' own desktop client; the docs' tables start at 6 (§12.6).
 * A 400 costs nothing, rejecting a working value locally would, so they are allowed. */
#define SHORT 2, 3, 4, 5
#define MAX_VALUES 16

/* One row: for a model, the endpoints it serves, and for text/image-to-video, the
 * resolution tiers x fps x durations it supports, and whether it chooses the length itself
 * (duration null: AUTO). A model may take several rows. */
typedef struct {
    const char *model;
    unsigned endpoints;
    unsigned tiers;
    int fps[5];
    int durations[MAX_VALUES];
    int auto_duration;
} matrix_row;

#define AUTO 1 /* in a row: this model takes duration null */

static const matrix_row matrix[] = {
    {"ltx-2-3-fast", T2V_I2V, TIER_720 | TIER_1080, {24, 25}, {SHORT, 6, 8, 10, 12, 14, 16, 18, 20},
     0},
    {"ltx-2-3-fast", T2V_I2V, TIER_720 | TIER_1080, {48, 50}, {SHORT, 6, 8, 10}, 0},
    {"ltx-2-3-fast", T2V_I2V, TIER_1440 | TIER_2160, {24, 25, 48, 50}, {SHORT, 6, 8, 10}, 0},
    {"ltx-2-3-pro", T2V_I2V, ALL_TIERS, {24, 25, 48, 50}, {SHORT, 6, 8, 10}, 0},
    {"ltx-2-3-pro", LTX_EP(LTX_ENDPOINT_AUDIO_TO_VIDEO) | LTX_EP(LTX_ENDPOINT_RETAKE) |
                        LTX_EP(LTX_ENDPOINT_EXTEND) | LTX_EP(LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME),
     0, {0}, {0}, 0},
    {"ltx-2-5-fast", T2V_I2V, TIER_720 | TIER_1080, {24, 25}, {SHORT, 6, 8, 10, 12, 14, 16, 18, 20},
     AUTO},
    {"ltx-2-5-fast", T2V_I2V, TIER_720 | TIER_1080, {48, 50}, {SHORT, 6, 8, 10}, AUTO},
    {"ltx-2-5-fast", T2V_I2V, TIER_1440 | TIER_2160, {24, 25, 48, 50}, {SHORT, 6, 8, 10}, AUTO},
    {"ltx-2-5-fast", LTX_EP(LTX_ENDPOINT_AUDIO_TO_VIDEO), 0, {0}, {0}, 0},
    {"ltx-2-5-pro", T2V_I2V, ALL_TIERS, {24, 25, 48, 50}, {SHORT, 6, 8, 10}, AUTO},
    {"ltx-2-5-pro", LTX_EP(LTX_ENDPOINT_AUDIO_TO_VIDEO), 0, {0}, {0}, 0},
};

#define N_ROWS (sizeof(matrix) / sizeof(matrix[0]))

int ltx__model_is_known(const char *model)
{
    for (size_t i = 0; model && i < N_ROWS; i++)
        if (strcmp(matrix[i].model, model) == 0)
            return 1;
    return 0;
}

static void add_value(char *buf, size_t size, const char *v);

int ltx__model_auto_duration(const char *model)
{
    for (size_t i = 0; model && i < N_ROWS; i++)
        if (matrix[i].auto_duration && strcmp(matrix[i].model, model) == 0)
            return 1;
    return 0;
}

void ltx__model_auto_list(char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_ROWS; i++)
        if (matrix[i].auto_duration)
            add_value(buf, size, matrix[i].model);
}

static unsigned tier_of(const char *resolution)
{
    for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++)
        if (strcmp(resolution, tiers[i].landscape) == 0 || strcmp(resolution, tiers[i].portrait) == 0)
            return tiers[i].tier;
    return 0;
}

static int has_int(const int *list, size_t n, int v)
{
    for (size_t i = 0; i < n && list[i]; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

/* Append v to a "a, b, c" list kept in buf, once. */
static void add_value(char *buf, size_t size, const char *v)
{
    size_t n = strlen(buf), vl = strlen(v);
    const char *p = buf;

    while ((p = strstr(p, v))) {
        if ((p == buf || p[-2] == ',') && (p[vl] == '\0' || p[vl] == ','))
            return;
        p += vl;
    }
    snprintf(buf + n, size - n, "%s%s", n ? ", " : "", v);
}

static void add_int(char *buf, size_t size, int v)
{
    char num[16];

    snprintf(num, sizeof(num), "%d", v);
    add_value(buf, size, num);
}

/* Does row i speak for this question? tier 0 and fps 0 mean "any". */
static int row_applies(size_t i, const char *model, unsigned ep_bit, unsigned tier, int fps)
{
    return strcmp(matrix[i].model, model) == 0 && (matrix[i].endpoints & ep_bit) &&
           (!tier || (matrix[i].tiers & tier)) && (fps <= 0 || has_int(matrix[i].fps, 5, fps));
}

enum { ASK_TIER, ASK_FPS, ASK_DURATION };

/* Is `value` allowed by any applicable row? Cheap: no text is built on this path. */
static int allowed_by_rows(int ask, const char *model, unsigned ep_bit, unsigned tier, int fps,
                           int value)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (!row_applies(i, model, ep_bit, ask == ASK_DURATION ? tier : 0,
                         ask == ASK_DURATION ? fps : 0) ||
            (ask == ASK_FPS && tier && !(matrix[i].tiers & tier)))
            continue;
        if ((ask == ASK_TIER && (matrix[i].tiers & (unsigned)value)) ||
            (ask == ASK_FPS && has_int(matrix[i].fps, 5, value)) ||
            (ask == ASK_DURATION && has_int(matrix[i].durations, MAX_VALUES, value)))
            return 1;
    }
    return 0;
}

/* The "a, b, c" list of what applicable rows allow, for a rejection's message. */
static void list_allowed(int ask, const char *model, unsigned ep_bit, unsigned tier, int fps,
                         char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_ROWS; i++) {
        if (!row_applies(i, model, ep_bit, ask == ASK_DURATION ? tier : 0,
                         ask == ASK_DURATION ? fps : 0) ||
            (ask == ASK_FPS && tier && !(matrix[i].tiers & tier)))
            continue;
        if (ask == ASK_TIER) {
            for (size_t t = 0; t < sizeof(tiers) / sizeof(tiers[0]); t++)
                if (matrix[i].tiers & tiers[t].tier) {
                    add_value(buf, size, tiers[t].landscape);
                    add_value(buf, size, tiers[t].portrait);
                }
        } else if (ask == ASK_FPS) {
            for (size_t f = 0; f < 5 && matrix[i].fps[f]; f++)
                add_int(buf, size, matrix[i].fps[f]);
        } else {
            for (size_t d = 0; d < MAX_VALUES && matrix[i].durations[d]; d++)
                add_int(buf, size, matrix[i].durations[d]);
        }
    }
}

/* Does the model serve the endpoint at all? LTX_EREQUEST naming those that do, when not. */
static int check_served(const char *model, const char *ep_name, unsigned ep_bit, ltx_error **err)
{
    char allowed[256] = "";

    for (size_t i = 0; i < N_ROWS; i++)
        if (row_applies(i, model, ep_bit, 0, 0))
            return LTX_OK;
    for (size_t i = 0; i < N_ROWS; i++)
        if (matrix[i].endpoints & ep_bit)
            add_value(allowed, sizeof(allowed), matrix[i].model);
    return ltx__reject(err, "model", "model: %s does not support %s; allowed: %s", model, ep_name,
                       allowed);
}

/* The duration, in whole seconds that fit an int before any cast ((int)1e10 is undefined
 * behaviour), at the tier and fps given (0: any). */
static int check_duration(const char *model, unsigned ep_bit, const char *resolution,
                          unsigned tier, int fps, double duration_s, ltx_error **err)
{
    char allowed[256], where[64] = "";

    if (!(duration_s >= 0) || (duration_s <= INT_MAX && (double)(int)duration_s == duration_s &&
                           allowed_by_rows(ASK_DURATION, model, ep_bit, tier, fps,
                                           (int)duration_s)))
        return LTX_OK;
    if (resolution && fps > 0)
        snprintf(where, sizeof(where), " at %s %d fps", resolution, fps);
    else if (resolution)
        snprintf(where, sizeof(where), " at %s", resolution);
    else if (fps > 0)
        snprintf(where, sizeof(where), " at %d fps", fps);
    list_allowed(ASK_DURATION, model, ep_bit, tier, fps, allowed, sizeof(allowed));
    return ltx__reject(err, "duration", "duration: %g s is not supported by %s%s; allowed: %s",
                       duration_s, model, where, allowed);
}

LTX_API int ltx_model_check(int *out, const char *model, ltx_endpoint endpoint,
                            const char *resolution, int fps, double duration_s, ltx_error **err)
{
    char allowed[256] = "";
    unsigned tier = 0, ep_bit;
    const char *ep_name = ltx_endpoint_name(endpoint);
    int rc;

    if (err && *err)
        return LTX_EINVAL;
    if (out)
        *out = 0;
    if (!out || !model || !ep_name)
        return ltx__fail(err, LTX_EINVAL,
                         "ltx_model_check: out, model and a known endpoint are needed");
    if (!ltx__model_is_known(model))
        return LTX_OK; /* passed through: the API decides */
    *out = 1;
    ep_bit = LTX_EP(endpoint);
    if ((rc = check_served(model, ep_name, ep_bit, err)) != LTX_OK)
        return rc;
    if (!(ep_bit & T2V_I2V))
        return LTX_OK; /* the other endpoints have no matrix beyond the model */
    if (resolution) {
        tier = tier_of(resolution);
        if (!tier || !allowed_by_rows(ASK_TIER, model, ep_bit, 0, 0, (int)tier)) {
            list_allowed(ASK_TIER, model, ep_bit, 0, 0, allowed, sizeof(allowed));
            return ltx__reject(err, "resolution",
                               "resolution: %s is not supported by %s; allowed: %s", resolution,
                               model, allowed);
        }
    }
    if (fps > 0 && !allowed_by_rows(ASK_FPS, model, ep_bit, tier, 0, fps)) {
        list_allowed(ASK_FPS, model, ep_bit, tier, 0, allowed, sizeof(allowed));
        return ltx__reject(err, "fps", "fps: %d is not supported by %s%s%s; allowed: %s", fps,
                           model, resolution ? " at " : "", resolution ? resolution : "", allowed);
    }
    return check_duration(model, ep_bit, resolution, tier, fps, duration_s, err);
}
