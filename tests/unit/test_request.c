/* tests/unit/test_request.c — the request builder: setters, validation against the documented
 * fields and model matrix (API-NOTES §4, §12), and the JSON body it sends. */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include <ltx/ltx.h>

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T2V LTX_ENDPOINT_TEXT_TO_VIDEO
#define I2V LTX_ENDPOINT_IMAGE_TO_VIDEO
#define A2V LTX_ENDPOINT_AUDIO_TO_VIDEO
#define RETAKE LTX_ENDPOINT_RETAKE
#define EXTEND LTX_ENDPOINT_EXTEND
#define HDR LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR
#define REFRAME LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME

static const char IMAGE[] = "https://example.com/first.png";
static const char VIDEO[] = "https://example.com/input.mp4";
static const char AUDIO[] = "https://example.com/voice.mp3";
static const char PROMPT[] = "A lighthouse at dusk, waves rolling in";

/* ---------------------------------------------------------------- helpers */

static int omitted(const char *omit, const char *field)
{
    return omit && strcmp(omit, field) == 0;
}

/* A valid request for `endpoint` with every required field set except `omit` (NULL: none). */
static ltx_request *complete_request(int endpoint, const char *omit)
{
    ltx_request *r = NULL;
    int video_models = endpoint == T2V || endpoint == I2V;

    ck_assert_int_eq(ltx_request_new(&r, endpoint), LTX_OK);
    if (endpoint == I2V && !omitted(omit, "image_uri"))
        ck_assert_int_eq(ltx_request_set_image_uri(r, IMAGE), LTX_OK);
    if (video_models) {
        if (!omitted(omit, "prompt"))
            ck_assert_int_eq(ltx_request_set_prompt(r, PROMPT), LTX_OK);
        if (!omitted(omit, "model"))
            ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_FAST), LTX_OK);
        if (!omitted(omit, "duration"))
            ck_assert_int_eq(ltx_request_set_duration(r, 6), LTX_OK);
        if (!omitted(omit, "resolution"))
            ck_assert_int_eq(ltx_request_set_resolution(r, "1920x1080"), LTX_OK);
    }
    if (endpoint == A2V) {
        if (!omitted(omit, "audio_uri"))
            ck_assert_int_eq(ltx_request_set_audio_uri(r, AUDIO), LTX_OK);
        ck_assert_int_eq(ltx_request_set_prompt(r, "A singer on a small stage"), LTX_OK);
    }
    if (endpoint == RETAKE || endpoint == EXTEND || endpoint == HDR || endpoint == REFRAME)
        if (!omitted(omit, "video_uri"))
            ck_assert_int_eq(ltx_request_set_video_uri(r, VIDEO), LTX_OK);
    if (endpoint == RETAKE) {
        if (!omitted(omit, "start_time"))
            ck_assert_int_eq(ltx_request_set_start_time(r, 1), LTX_OK);
        if (!omitted(omit, "duration"))
            ck_assert_int_eq(ltx_request_set_duration(r, 2), LTX_OK);
    }
    if (endpoint == EXTEND && !omitted(omit, "duration"))
        ck_assert_int_eq(ltx_request_set_duration(r, 4), LTX_OK);
    if (endpoint == REFRAME && !omitted(omit, "resolution"))
        ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1080"), LTX_OK);
    return r;
}

/* A text-to-video request on `model` at resolution, fps and duration (fps 0: not set). */
static ltx_request *t2v_request(const char *model, const char *resolution, int fps, double duration)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new(&r, T2V), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, PROMPT), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, model), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, resolution), LTX_OK);
    if (fps)
        ck_assert_int_eq(ltx_request_set_fps(r, fps), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, duration), LTX_OK);
    return r;
}

static void assert_valid(const ltx_request *r)
{
    ltx_error *err = NULL;
    int rc = ltx_request_validate(r, &err);

    ck_assert_msg(rc == LTX_OK, "expected a valid request, got %d: %s", rc,
                  err ? ltx_error_message(err) : "(no error object)");
    ck_assert_ptr_null(err);
}

/* Validation fails with LTX_EREQUEST naming `field` (NULL: any field); returns the error. */
static ltx_error *rejected(const ltx_request *r, const char *field)
{
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_request_validate(r, &err), LTX_EREQUEST);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(ltx_error_code(err), LTX_EREQUEST);
    ck_assert_ptr_nonnull(ltx_error_field(err));
    if (field) {
        ck_assert_str_eq(ltx_error_field(err), field);
        ck_assert_msg(strstr(ltx_error_message(err), field) != NULL, "message does not name %s: %s",
                      field, ltx_error_message(err));
    }
    return err;
}

static void assert_rejected(const ltx_request *r, const char *field)
{
    ltx_error_free(rejected(r, field));
}

/* Does text contain `word` with no letter, digit or '_' right before or after it? */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = isalnum((unsigned char)p[n]) || p[n] == '_';

        if (!before && !after)
            return 1;
    }
    return 0;
}

/* Does text contain the number v as a whole run of digits? */
static int has_number(const char *text, long v)
{
    for (const char *p = text; *p;) {
        if (isdigit((unsigned char)*p)) {
            char *end;
            long n = strtol(p, &end, 10);

            if (n == v && (p == text || p[-1] != '.') && *end != '.')
                return 1;
            p = end;
        } else {
            p++;
        }
    }
    return 0;
}

static char *repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);

    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    return s;
}

/* The request's JSON body parsed back; duplicate keys are an error. */
static json_t *body_of(const ltx_request *r)
{
    char *text = NULL;
    ltx_error *err = NULL;
    json_error_t jerr;
    json_t *doc;
    int rc = ltx_request_to_json(&text, r, &err);

    ck_assert_msg(rc == LTX_OK, "to_json failed (%d): %s", rc,
                  err ? ltx_error_message(err) : "(no error object)");
    ck_assert_ptr_nonnull(text);
    doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    ck_assert_msg(doc != NULL, "not JSON (%s): %s", jerr.text, text);
    ck_assert(json_is_object(doc));
    ltx_free(text);
    return doc;
}

/* ---------------------------------------------------------------- required fields */

/* Required fields per endpoint, from API-NOTES §4: the OpenAPI document, with reframe's
 * model optional since 2026-09-23. audio-to-video's "prompt or image_uri" is tested apart. */
static const struct {
    int endpoint;
    const char *required[6];
} required_fields[] = {
    {T2V, {"prompt", "model", "duration", "resolution", NULL}},
    {I2V, {"prompt", "model", "duration", "resolution", "image_uri", NULL}},
    {A2V, {"audio_uri", NULL}},
    {RETAKE, {"video_uri", "start_time", "duration", NULL}},
    {EXTEND, {"video_uri", "duration", NULL}},
    {HDR, {"video_uri", NULL}},
    {REFRAME, {"video_uri", "resolution", NULL}},
};
#define N_REQUIRED_ROWS ((int)(sizeof(required_fields) / sizeof(required_fields[0])))

START_TEST(complete_request_of_each_endpoint_is_valid)
{
    ltx_request *r = complete_request(required_fields[_i].endpoint, NULL);

    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(each_missing_required_field_is_named)
{
    for (size_t f = 0; required_fields[_i].required[f]; f++) {
        const char *field = required_fields[_i].required[f];
        ltx_request *r = complete_request(required_fields[_i].endpoint, field);

        assert_rejected(r, field);
        ltx_request_free(r);
    }
}
END_TEST

START_TEST(audio_to_video_needs_a_prompt_or_an_image)
{
    ltx_request *r = NULL;
    ltx_error *err;

    ck_assert_int_eq(ltx_request_new(&r, A2V), LTX_OK);
    ck_assert_int_eq(ltx_request_set_audio_uri(r, AUDIO), LTX_OK);
    err = rejected(r, NULL);
    ck_assert(strcmp(ltx_error_field(err), "prompt") == 0 ||
              strcmp(ltx_error_field(err), "image_uri") == 0);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "prompt"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "image_uri"));
    ltx_error_free(err);

    ck_assert_int_eq(ltx_request_set_image_uri(r, IMAGE), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

/* API-NOTES §4.3: the prompt "may be \"\" when an image is given" — so not without one. */
START_TEST(audio_to_video_empty_prompt_needs_an_image)
{
    ltx_request *r = NULL;
    ltx_error *err = NULL;
    int without_image, with_image;

    ck_assert_int_eq(ltx_request_new(&r, A2V), LTX_OK);
    ck_assert_int_eq(ltx_request_set_audio_uri(r, AUDIO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, ""), LTX_OK);
    without_image = ltx_request_validate(r, &err);
    ltx_error_free(err);
    ck_assert_int_eq(ltx_request_set_image_uri(r, IMAGE), LTX_OK);
    with_image = ltx_request_validate(r, NULL);
    ltx_request_free(r);
    ck_assert_int_eq(without_image, LTX_EREQUEST);
    ck_assert_int_eq(with_image, LTX_OK);
}
END_TEST

START_TEST(validate_of_null_request_is_einval)
{
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_request_validate(NULL, &err), LTX_EINVAL);
    ck_assert_int_eq(ltx_error_code(err), LTX_EINVAL);
    ltx_error_free(err);
    ck_assert_int_eq(ltx_request_validate(NULL, NULL), LTX_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------- prompt */

static void set_prompt_and_check(const char *prompt, int want_ok)
{
    ltx_request *r = complete_request(T2V, "prompt");

    ck_assert_int_eq(ltx_request_set_prompt(r, prompt), LTX_OK);
    if (want_ok) {
        assert_valid(r);
    } else {
        ltx_error *err = rejected(r, "prompt");

        ck_assert_msg(has_number(ltx_error_message(err), LTX_PROMPT_MAX_CHARS),
                      "message does not name the limit: %s", ltx_error_message(err));
        ltx_error_free(err);
    }
    ltx_request_free(r);
}

START_TEST(prompt_of_5000_characters_is_accepted)
{
    char *p = repeat("a", 5000);

    set_prompt_and_check(p, 1);
    free(p);
}
END_TEST

START_TEST(prompt_of_5001_characters_is_rejected_naming_the_limit)
{
    char *p = repeat("a", 5001);

    set_prompt_and_check(p, 0);
    free(p);
}
END_TEST

START_TEST(prompt_length_counts_characters_not_bytes)
{
    char *two = repeat("\xC3\xA9", 5000);          /* é: 10000 bytes */
    char *four = repeat("\xF0\x9F\x8C\x8A", 5000); /* U+1F30A: 20000 bytes */
    char *over = repeat("\xC3\xA9", 5001);

    set_prompt_and_check(two, 1);
    set_prompt_and_check(four, 1);
    set_prompt_and_check(over, 0);
    free(two);
    free(four);
    free(over);
}
END_TEST

static const char *const invalid_utf8[] = {
    "A cat \xC3",             /* lone lead byte */
    "A cat \xC0\xAF",         /* overlong '/' */
    "A cat \xED\xA0\x80",     /* UTF-16 surrogate U+D800 */
    "A cat \x80 sleeps",      /* lone continuation byte */
    "A cat \xF4\x90\x80\x80", /* past U+10FFFF */
};

START_TEST(prompt_with_invalid_utf8_is_rejected)
{
    ltx_request *r = complete_request(T2V, "prompt");
    ltx_error *err;

    ck_assert_int_eq(ltx_request_set_prompt(r, invalid_utf8[_i]), LTX_OK);
    err = rejected(r, "prompt");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "UTF-8"));
    ltx_error_free(err);
    ltx_request_free(r);
}
END_TEST

/* ---------------------------------------------------------------- enums and ranges */

static const char *const camera_motions[] = {"dolly_in", "dolly_out", "dolly_left", "dolly_right",
                                             "jib_up",   "jib_down",  "static",     "focus_shift"};
#define N_CAMERA_MOTIONS ((int)(sizeof(camera_motions) / sizeof(camera_motions[0])))

START_TEST(each_documented_camera_motion_is_accepted)
{
    ltx_request *r = complete_request(T2V, NULL);

    ck_assert_int_eq(ltx_request_set_camera_motion(r, camera_motions[_i]), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(unknown_camera_motion_is_rejected_listing_the_allowed_ones)
{
    ltx_request *r = complete_request(T2V, NULL);
    ltx_error *err;

    ck_assert_int_eq(ltx_request_set_camera_motion(r, "zoom_in"), LTX_OK);
    err = rejected(r, "camera_motion");
    for (int i = 0; i < N_CAMERA_MOTIONS; i++)
        ck_assert_msg(has_word(ltx_error_message(err), camera_motions[i]),
                      "message does not list %s: %s", camera_motions[i], ltx_error_message(err));
    ltx_error_free(err);
    ltx_request_free(r);
}
END_TEST

/* --duration 1e10 converted a double outside int's range to int (undefined behaviour; UBSan's
 * float-cast-overflow check, which --enable-sanitizers turns on, aborts on it) */
START_TEST(duration_beyond_int_is_rejected_by_the_matrix)
{
    static const double durations[] = {1e10, 2147483648.0, 1e300, -0.0 + 4294967302.0};

    for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
        ltx_request *r = t2v_request("ltx-2-3-fast", "1920x1080", 0, durations[i]);
        ltx_error *err = NULL;

        ck_assert_int_eq(ltx_request_validate(r, &err), LTX_EREQUEST);
        ck_assert_str_eq(ltx_error_field(err), "duration");
        ltx_error_free(err);
        ltx_request_free(r);
    }
}
END_TEST

/* an unknown model passes the matrix: 1e300 went to json_integer() through a cast to int64
 * (undefined behaviour; x86 gave INT64_MIN, a negative duration the user never asked for) */
START_TEST(huge_whole_duration_is_sent_as_a_number_not_a_wrapped_integer)
{
    ltx_request *r = t2v_request("some-future-model", "1920x1080", 0, 1e300);
    char *json = NULL;

    ck_assert_int_eq(ltx_request_to_json(&json, r, NULL), LTX_OK);
    ck_assert_msg(strstr(json, "\"duration\":1.") && strstr(json, "e300"), "%s", json);
    ltx_free(json);
    ltx_request_free(r);
}
END_TEST

START_TEST(retake_shorter_than_2_seconds_is_rejected)
{
    ltx_request *r = complete_request(RETAKE, NULL);

    ck_assert_int_eq(ltx_request_set_duration(r, 1), LTX_OK);
    assert_rejected(r, "duration");
    ck_assert_int_eq(ltx_request_set_duration(r, 2.5), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(retake_negative_start_time_is_rejected)
{
    ltx_request *r = complete_request(RETAKE, NULL);

    ck_assert_int_eq(ltx_request_set_start_time(r, -0.5), LTX_OK);
    assert_rejected(r, "start_time");
    ck_assert_int_eq(ltx_request_set_start_time(r, 0), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(retake_modes_are_checked)
{
    static const char *const modes[] = {"replace_audio", "replace_video",
                                        "replace_audio_and_video"};
    ltx_request *r = complete_request(RETAKE, NULL);

    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        ck_assert_int_eq(ltx_request_set_mode(r, modes[i]), LTX_OK);
        assert_valid(r);
    }
    ck_assert_int_eq(ltx_request_set_mode(r, "start"), LTX_OK);
    assert_rejected(r, "mode");
    ltx_request_free(r);
}
END_TEST

START_TEST(extend_mode_middle_is_rejected_listing_start_and_end)
{
    ltx_request *r = complete_request(EXTEND, NULL);
    ltx_error *err;

    ck_assert_int_eq(ltx_request_set_mode(r, "middle"), LTX_OK);
    err = rejected(r, "mode");
    ck_assert_msg(has_word(ltx_error_message(err), "start") &&
                      has_word(ltx_error_message(err), "end"),
                  "message does not list start and end: %s", ltx_error_message(err));
    ltx_error_free(err);
    ck_assert_int_eq(ltx_request_set_mode(r, "start"), LTX_OK);
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_mode(r, "end"), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

/* The document gives context a maximum of 20 s and no minimum: 0.5 s is sent. */
START_TEST(extend_duration_within_2_to_20_and_context_within_0_to_20)
{
    ltx_request *r = complete_request(EXTEND, NULL);

    ck_assert_int_eq(ltx_request_set_duration(r, 20), LTX_OK);
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_duration(r, 20.5), LTX_OK);
    assert_rejected(r, "duration");
    ck_assert_int_eq(ltx_request_set_duration(r, 1.5), LTX_OK);
    assert_rejected(r, "duration");
    ck_assert_int_eq(ltx_request_set_duration(r, 3.5), LTX_OK);
    ck_assert_int_eq(ltx_request_set_context(r, 0.5), LTX_OK);
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_context(r, -0.5), LTX_OK);
    assert_rejected(r, "context");
    ck_assert_int_eq(ltx_request_set_context(r, 21), LTX_OK);
    assert_rejected(r, "context");
    ck_assert_int_eq(ltx_request_set_context(r, 1), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(audio_to_video_guidance_scale_stays_within_1_to_50)
{
    ltx_request *r = complete_request(A2V, NULL);

    ck_assert_int_eq(ltx_request_set_guidance_scale(r, 0.5), LTX_OK);
    assert_rejected(r, "guidance_scale");
    ck_assert_int_eq(ltx_request_set_guidance_scale(r, 50.5), LTX_OK);
    assert_rejected(r, "guidance_scale");
    ck_assert_int_eq(ltx_request_set_guidance_scale(r, 1), LTX_OK);
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_guidance_scale(r, 50), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

static const char *const reframe_resolutions[] = {
    "720x720",   "1080x1080", "720x900",   "1080x1350", "900x720",
    "1350x1080", "720x1280",  "1080x1920", "1280x720",  "1920x1080",
};
#define N_REFRAME_RESOLUTIONS ((int)(sizeof(reframe_resolutions) / sizeof(reframe_resolutions[0])))

START_TEST(each_documented_reframe_resolution_is_accepted)
{
    ltx_request *r = complete_request(REFRAME, NULL);

    ck_assert_int_eq(ltx_request_set_resolution(r, reframe_resolutions[_i]), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(undocumented_reframe_resolution_is_rejected)
{
    ltx_request *r = complete_request(REFRAME, NULL);

    ck_assert_int_eq(ltx_request_set_resolution(r, "1000x1000"), LTX_OK);
    assert_rejected(r, "resolution");
    ltx_request_free(r);
}
END_TEST

START_TEST(retake_resolution_is_1080p_landscape_or_portrait)
{
    ltx_request *r = complete_request(RETAKE, NULL);

    ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1920"), LTX_OK);
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1280x720"), LTX_OK);
    assert_rejected(r, "resolution");
    ltx_request_free(r);
}
END_TEST

START_TEST(malformed_resolution_is_rejected)
{
    static const char *const bad[] = {"1920*1080", "1920x", "x1080", "big", "1920x1080p", ""};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ltx_request *r = complete_request(T2V, NULL);

        ck_assert_int_eq(ltx_request_set_resolution(r, bad[i]), LTX_OK);
        assert_rejected(r, "resolution");
        ltx_request_free(r);
    }
}
END_TEST

START_TEST(text_to_video_duration_must_be_whole_seconds)
{
    ltx_request *r = complete_request(T2V, NULL);

    ck_assert_int_eq(ltx_request_set_duration(r, 6.5), LTX_OK);
    assert_rejected(r, "duration");
    ck_assert_int_eq(ltx_request_set_duration(r, 0), LTX_OK);
    assert_rejected(r, "duration");
    ltx_request_free(r);
}
END_TEST

START_TEST(non_positive_fps_is_rejected)
{
    ltx_request *r = complete_request(T2V, NULL);

    ck_assert_int_eq(ltx_request_set_fps(r, 0), LTX_OK);
    assert_rejected(r, "fps");
    ck_assert_int_eq(ltx_request_set_fps(r, -24), LTX_OK);
    assert_rejected(r, "fps");
    ltx_request_free(r);
}
END_TEST

/* ---------------------------------------------------------------- the model matrix in requests */

START_TEST(pro_at_20_seconds_is_rejected_naming_duration_and_allowed_values)
{
    ltx_request *r = t2v_request(LTX_MODEL_LTX_2_3_PRO, "1920x1080", 24, 20);
    ltx_error *err = rejected(r, "duration");
    const char *msg = ltx_error_message(err);

    /* Pro: 6, 8, 10 s (API-NOTES §12.4); longer is Fast at 720p/1080p only */
    ck_assert_msg(has_number(msg, 6) && has_number(msg, 8) && has_number(msg, 10),
                  "allowed durations missing: %s", msg);
    ck_assert_msg(!has_number(msg, 12) && !has_number(msg, 14) && !has_number(msg, 16) &&
                      !has_number(msg, 18),
                  "lists durations Pro does not take: %s", msg);
    ltx_error_free(err);
    ltx_request_free(r);
}
END_TEST

START_TEST(fast_1080p_24fps_20_seconds_is_accepted)
{
    ltx_request *r = t2v_request(LTX_MODEL_LTX_2_3_FAST, "1920x1080", 24, 20);

    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(fast_default_fps_is_24_so_20_seconds_is_accepted)
{
    ltx_request *r = t2v_request(LTX_MODEL_LTX_2_3_FAST, "1080x1920", 0, 20);

    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(fast_50fps_20_seconds_is_rejected)
{
    ltx_request *r = t2v_request(LTX_MODEL_LTX_2_3_FAST, "1920x1080", 50, 20);
    ltx_error *err = rejected(r, NULL);

    ck_assert(strcmp(ltx_error_field(err), "duration") == 0 ||
              strcmp(ltx_error_field(err), "fps") == 0);
    ltx_error_free(err);
    ltx_request_free(r);
}
END_TEST

START_TEST(fast_4k_longer_than_10_seconds_is_rejected)
{
    ltx_request *r = t2v_request(LTX_MODEL_LTX_2_3_FAST, "3840x2160", 24, 12);

    assert_rejected(r, "duration");
    ltx_request_free(r);
}
END_TEST

START_TEST(unknown_model_is_passed_through)
{
    ltx_request *r = t2v_request("ltx-9-ultra", "3840x2160", 50, 20);
    json_t *doc;

    assert_valid(r);
    doc = body_of(r);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "model")), "ltx-9-ultra");
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(audio_to_video_with_ltx_2_3_fast_is_rejected)
{
    ltx_request *r = complete_request(A2V, NULL);

    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_FAST), LTX_OK);
    assert_rejected(r, "model");
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    assert_valid(r);
    ltx_request_free(r);
}
END_TEST

START_TEST(retake_and_extend_take_only_ltx_2_3_pro)
{
    int endpoints[] = {RETAKE, EXTEND};

    for (size_t i = 0; i < 2; i++) {
        ltx_request *r = complete_request(endpoints[i], NULL);

        ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_5_PRO), LTX_OK);
        assert_rejected(r, "model");
        ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
        assert_valid(r);
        ltx_request_free(r);
    }
}
END_TEST

/* ---------------------------------------------------------------- automatic duration */

START_TEST(duration_auto_with_ltx_2_3_pro_is_rejected)
{
    ltx_request *r = complete_request(T2V, "duration");

    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    assert_rejected(r, "duration");
    ltx_request_free(r);
}
END_TEST

START_TEST(duration_auto_with_ltx_2_5_pro_is_sent_as_null)
{
    ltx_request *r = complete_request(T2V, "duration");
    json_t *doc, *duration;

    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_5_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    assert_valid(r);
    doc = body_of(r);
    duration = json_object_get(doc, "duration");
    ck_assert_msg(duration != NULL, "the duration key must be sent (it is required)");
    ck_assert(json_is_null(duration));
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(duration_auto_with_last_frame_is_rejected)
{
    ltx_request *r = complete_request(I2V, "duration");
    ltx_error *err;

    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_5_FAST), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_last_frame_uri(r, IMAGE), LTX_OK);
    err = rejected(r, NULL);
    ck_assert(strcmp(ltx_error_field(err), "duration") == 0 ||
              strcmp(ltx_error_field(err), "last_frame_uri") == 0);
    ltx_error_free(err);
    ltx_request_free(r);
}
END_TEST

START_TEST(duration_auto_is_refused_where_the_api_has_none)
{
    int endpoints[] = {A2V, RETAKE, EXTEND, HDR, REFRAME};

    for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
        ltx_request *r = NULL;

        ck_assert_int_eq(ltx_request_new(&r, endpoints[i]), LTX_OK);
        ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_EINVAL);
        ltx_request_free(r);
    }
    ck_assert_int_eq(ltx_request_set_duration_auto(NULL), LTX_EINVAL);
}
END_TEST

START_TEST(duration_after_duration_auto_is_sent_as_a_number)
{
    ltx_request *r = complete_request(T2V, "duration");
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_5_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 8), LTX_OK);
    doc = body_of(r);
    ck_assert(json_is_integer(json_object_get(doc, "duration")));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "duration")), 8);
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

/* ---------------------------------------------------------------- setters */

START_TEST(request_new_rejects_unknown_endpoints)
{
    ltx_request *r = (ltx_request *)&r; /* any non-NULL value */

    ck_assert_int_eq(ltx_request_new(&r, 0), LTX_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(ltx_request_new(&r, 8), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_new(&r, -1), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_new(NULL, T2V), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_new(&r, REFRAME), LTX_OK);
    ck_assert_int_eq(ltx_request_endpoint(r), REFRAME);
    ltx_request_free(r);
    ltx_request_free(NULL);
}
END_TEST

START_TEST(setters_reject_fields_the_endpoint_does_not_take)
{
    ltx_request *t2v = complete_request(T2V, NULL), *hdr = complete_request(HDR, NULL);
    ltx_request *retake = complete_request(RETAKE, NULL), *extend = complete_request(EXTEND, NULL);
    char *before = NULL, *after = NULL;

    ck_assert_int_eq(ltx_request_to_json(&before, t2v, NULL), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(t2v, VIDEO), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_audio_uri(t2v, AUDIO), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_image_uri(t2v, IMAGE), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_last_frame_uri(t2v, IMAGE), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_start_time(t2v, 1), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_guidance_scale(t2v, 5), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_mode(t2v, "end"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_context(t2v, 2), LTX_EINVAL);
    /* a refused setter leaves the request as it was */
    ck_assert_int_eq(ltx_request_to_json(&after, t2v, NULL), LTX_OK);
    ck_assert_str_eq(after, before);

    ck_assert_int_eq(ltx_request_set_prompt(hdr, PROMPT), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_model(hdr, LTX_MODEL_LTX_2_3_PRO), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_duration(hdr, 4), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_resolution(hdr, "1920x1080"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_fps(hdr, 24), LTX_EINVAL);

    ck_assert_int_eq(ltx_request_set_camera_motion(retake, "static"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_fps(retake, 24), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_generate_audio(retake, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_context(retake, 2), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_start_time(extend, 1), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_image_uri(extend, IMAGE), LTX_EINVAL);

    ltx_free(before);
    ltx_free(after);
    ltx_request_free(t2v);
    ltx_request_free(hdr);
    ltx_request_free(retake);
    ltx_request_free(extend);
}
END_TEST

START_TEST(setters_reject_a_null_request)
{
    ck_assert_int_eq(ltx_request_set_prompt(NULL, PROMPT), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_model(NULL, "m"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_duration(NULL, 6), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_fps(NULL, 24), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_generate_audio(NULL, 1), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_video_uri(NULL, VIDEO), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_json(NULL, "seed", "1"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_sync(NULL, 1), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_endpoint(NULL), 0);
    ck_assert_int_eq(ltx_request_sync(NULL), 0);
}
END_TEST

START_TEST(set_json_rejects_text_that_is_not_one_json_value)
{
    static const char *const bad[] = {"", "{", "tru", "1 2", "'x'", "{\"a\":}", "[1,]"};
    ltx_request *r = complete_request(T2V, NULL);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(ltx_request_set_json(r, "seed", bad[i]) == LTX_EINVAL, "accepted <%s>",
                      bad[i]);
    ck_assert_int_eq(ltx_request_set_json(r, "seed", NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_json(r, NULL, "1"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_json(r, "", "1"), LTX_EINVAL);
    /* JSON text is UTF-8: neither the name nor a string value may be anything else */
    ck_assert_int_eq(ltx_request_set_json(r, "bad\xC3", "1"), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_set_json(r, "seed", "\"\xC0\xAF\""), LTX_EINVAL);
    ltx_request_free(r);
}
END_TEST

START_TEST(set_json_value_is_sent_as_given)
{
    ltx_request *r = complete_request(T2V, NULL);
    json_t *doc, *extra;

    ck_assert_int_eq(ltx_request_set_json(r, "seed", "42"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_json(r, "style", "{\"name\":\"noir\",\"weights\":[1,2]}"),
                     LTX_OK);
    ck_assert_int_eq(ltx_request_set_json(r, "enhance", "true"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_json(r, "enhance", "false"), LTX_OK); /* last one wins */
    doc = body_of(r);
    ck_assert(json_is_integer(json_object_get(doc, "seed")));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "seed")), 42);
    extra = json_object_get(doc, "style");
    ck_assert(json_is_object(extra));
    ck_assert_str_eq(json_string_value(json_object_get(extra, "name")), "noir");
    ck_assert_int_eq(json_array_size(json_object_get(extra, "weights")), 2);
    ck_assert(json_is_false(json_object_get(doc, "enhance")));
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(set_json_overrides_a_typed_field)
{
    ltx_request *r = complete_request(T2V, NULL); /* duration 6 */
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_json(r, "duration", "8"), LTX_OK);
    doc = body_of(r); /* parsing rejects duplicate keys */
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "duration")), 8);
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

/* ltx_model_check(3): "a request it refuses can be sent with the field set through
 * ltx_request_set_json". */
START_TEST(set_json_lets_a_value_the_matrix_refuses_through)
{
    ltx_request *r = t2v_request(LTX_MODEL_LTX_2_3_PRO, "1920x1080", 24, 6);
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_json(r, "duration", "20"), LTX_OK);
    assert_valid(r);
    doc = body_of(r);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "duration")), 20);
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

/* ---------------------------------------------------------------- the JSON body */

START_TEST(full_text_to_video_body_has_exactly_the_fields_set)
{
    static const char prompt[] = "A \"quoted\" caf\xC3\xA9\nsecond line \\ done";
    ltx_request *r = NULL;
    json_t *doc;

    ck_assert_int_eq(ltx_request_new(&r, T2V), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, prompt), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 8), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1920"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_fps(r, 25), LTX_OK);
    ck_assert_int_eq(ltx_request_set_generate_audio(r, 0), LTX_OK);
    ck_assert_int_eq(ltx_request_set_camera_motion(r, "dolly_in"), LTX_OK);
    doc = body_of(r);
    ck_assert_int_eq(json_object_size(doc), 7);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "prompt")), prompt);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "model")), "ltx-2-3-pro");
    ck_assert_msg(json_is_integer(json_object_get(doc, "duration")),
                  "text-to-video duration is an integer in the API");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "duration")), 8);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "resolution")), "1080x1920");
    ck_assert(json_is_integer(json_object_get(doc, "fps")));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "fps")), 25);
    ck_assert(json_is_false(json_object_get(doc, "generate_audio")));
    ck_assert_str_eq(json_string_value(json_object_get(doc, "camera_motion")), "dolly_in");
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(unset_optional_fields_are_not_sent)
{
    ltx_request *r = complete_request(T2V, NULL);
    json_t *doc = body_of(r);

    ck_assert_int_eq(json_object_size(doc), 4);
    ck_assert_ptr_null(json_object_get(doc, "fps"));
    ck_assert_ptr_null(json_object_get(doc, "generate_audio"));
    ck_assert_ptr_null(json_object_get(doc, "camera_motion"));
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(retake_times_keep_their_fractions)
{
    ltx_request *r = complete_request(RETAKE, NULL);
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_start_time(r, 1.25), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 2.5), LTX_OK);
    doc = body_of(r);
    ck_assert_double_eq(json_number_value(json_object_get(doc, "start_time")), 1.25);
    ck_assert_double_eq(json_number_value(json_object_get(doc, "duration")), 2.5);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "video_uri")), VIDEO);
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(to_json_of_an_invalid_request_gives_no_body)
{
    ltx_request *r = complete_request(T2V, "prompt");
    char *out = (char *)&out; /* any non-NULL value */
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_request_to_json(&out, r, &err), LTX_EREQUEST);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(ltx_error_field(err), "prompt");
    ltx_error_free(err);
    ck_assert_int_eq(ltx_request_to_json(NULL, r, NULL), LTX_EINVAL);
    ltx_request_free(r);
}
END_TEST

/* ---------------------------------------------------------------- v1 and media URIs */

START_TEST(sync_is_refused_for_hdr_and_reframe)
{
    int v2_only[] = {HDR, REFRAME};

    for (size_t i = 0; i < 2; i++) {
        ltx_request *r = complete_request(v2_only[i], NULL);

        ck_assert_int_eq(ltx_request_set_sync(r, 1), LTX_EINVAL);
        ck_assert_int_eq(ltx_request_sync(r), 0);
        ck_assert_int_eq(ltx_request_set_sync(r, 0), LTX_OK);
        ltx_request_free(r);
    }
}
END_TEST

START_TEST(sync_can_be_set_and_cleared_on_v1_endpoints)
{
    ltx_request *r = complete_request(T2V, NULL);

    ck_assert_int_eq(ltx_request_sync(r), 0);
    ck_assert_int_eq(ltx_request_set_sync(r, 1), LTX_OK);
    ck_assert_int_ne(ltx_request_sync(r), 0);
    ck_assert_int_eq(ltx_request_set_sync(r, 0), LTX_OK);
    ck_assert_int_eq(ltx_request_sync(r), 0);
    ltx_request_free(r);
}
END_TEST

START_TEST(media_uri_over_http_or_a_local_path_is_rejected)
{
    static const char *const bad[] = {"http://example.com/first.png", "/home/me/first.png",
                                      "first.png", "file:///home/me/first.png"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ltx_request *i2v = complete_request(I2V, "image_uri");
        ltx_request *retake = complete_request(RETAKE, "video_uri");

        ck_assert_int_eq(ltx_request_set_image_uri(i2v, bad[i]), LTX_OK);
        assert_rejected(i2v, "image_uri");
        ck_assert_int_eq(ltx_request_set_video_uri(retake, bad[i]), LTX_OK);
        assert_rejected(retake, "video_uri");
        ltx_request_free(i2v);
        ltx_request_free(retake);
    }
}
END_TEST

START_TEST(media_uri_https_ltx_or_data_is_accepted)
{
    static const char *const good[] = {"https://cdn.example.com/a.png?sig=x",
                                       "ltx://ltxv-api-prd/uploads/abc.png",
                                       "data:image/png;base64,iVBORw0KGgo="};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ltx_request *r = complete_request(I2V, "image_uri");

        ck_assert_int_eq(ltx_request_set_image_uri(r, good[i]), LTX_OK);
        ck_assert_int_eq(ltx_request_set_last_frame_uri(r, good[i]), LTX_OK);
        assert_valid(r);
        ltx_request_free(r);
    }
}
END_TEST

/* ---------------------------------------------------------------- endpoint names */

/* The path segments of API-NOTES §3, by ltx_endpoint number. */
static const char *const endpoint_paths[] = {
    NULL,     "text-to-video", "image-to-video",     "audio-to-video",
    "retake", "extend",        "video-to-video-hdr", "video-to-video-reframe",
};

START_TEST(endpoint_names_are_the_api_path_segments_and_round_trip)
{
    for (int ep = 1; ep <= 7; ep++) {
        ck_assert_str_eq(ltx_endpoint_name(ep), endpoint_paths[ep]);
        ltx_endpoint found = LTX_ENDPOINT_OTHER;

        ck_assert_int_eq(ltx_endpoint_from_name(&found, endpoint_paths[ep]), LTX_OK);
        ck_assert_int_eq(found, ep);
    }
}
END_TEST

START_TEST(unknown_endpoints_have_no_name)
{
    ck_assert_ptr_null(ltx_endpoint_name(0));
    ck_assert_ptr_null(ltx_endpoint_name(8));
    ck_assert_ptr_null(ltx_endpoint_name(-1));
    static const char *const unknown[] = {"video-to-video", "Text-To-Video", "text-to-video/", "",
                                          NULL};

    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        ltx_endpoint found = LTX_ENDPOINT_TEXT_TO_VIDEO;

        ck_assert_int_eq(ltx_endpoint_from_name(&found, unknown[i]), LTX_EINVAL);
        ck_assert_int_eq(found, LTX_ENDPOINT_OTHER);
    }
    ck_assert_int_eq(ltx_endpoint_from_name(NULL, "retake"), LTX_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------- ltx_model_check */

START_TEST(model_check_supported_combinations)
{
    ltx_error *err = NULL;
    int known = -1;

    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_FAST, T2V, "1920x1080", 24, 20, &err), LTX_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_5_FAST, I2V, "720x1280", 25, 20, &err), LTX_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_PRO, T2V, "3840x2160", 50, 10, &err), LTX_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_PRO, RETAKE, NULL, 0, -1, &err), LTX_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_PRO, A2V, NULL, 0, -1, &err), LTX_OK);
    ck_assert_int_eq(known, 1);
    /* parts left out are not in question */
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_PRO, T2V, NULL, 0, -1, &err), LTX_OK);
    ck_assert_int_eq(known, 1);
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(model_check_unknown_model_is_passed_through)
{
    ltx_error *err = NULL;

    int known = -1;

    ck_assert_int_eq(ltx_model_check(&known, "ltx-9-ultra", T2V, "7680x4320", 120, 60, &err),
                     LTX_OK);
    ck_assert_int_eq(known, 0);
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(model_check_known_bad_combination_names_the_field)
{
    static const struct {
        const char *model;
        int endpoint;
        const char *resolution;
        int fps;
        double duration;
        const char *field;
    } bad[] = {
        {LTX_MODEL_LTX_2_3_PRO, T2V, "1920x1080", 24, 20, "duration"},
        {LTX_MODEL_LTX_2_3_FAST, T2V, "3840x2160", 24, 12, "duration"},
        {LTX_MODEL_LTX_2_3_PRO, T2V, "1920x1080", 30, -1, "fps"},
        {LTX_MODEL_LTX_2_3_PRO, T2V, "1000x1000", 0, -1, "resolution"},
        {LTX_MODEL_LTX_2_3_FAST, A2V, NULL, 0, -1, "model"},
        {LTX_MODEL_LTX_2_5_FAST, RETAKE, NULL, 0, -1, "model"},
        {LTX_MODEL_LTX_2_5_PRO, EXTEND, NULL, 0, -1, "model"},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ltx_error *err = NULL;
        int known;
        int rc = ltx_model_check(&known, bad[i].model, bad[i].endpoint, bad[i].resolution, bad[i].fps,
                                 bad[i].duration, &err);

        ck_assert_msg(rc == LTX_EREQUEST, "case %zu: %d", i, rc);
        ck_assert_int_eq(ltx_error_code(err), LTX_EREQUEST);
        ck_assert_str_eq(ltx_error_field(err), bad[i].field);
        ltx_error_free(err);
        /* the answer does not depend on whether details are wanted */
        ck_assert_int_eq(ltx_model_check(&known, bad[i].model, bad[i].endpoint, bad[i].resolution,
                                         bad[i].fps, bad[i].duration, NULL),
                         LTX_EREQUEST);
    }
}
END_TEST

START_TEST(model_check_retake_names_the_model_that_can)
{
    ltx_error *err = NULL;
    int known;

    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_FAST, RETAKE, NULL, 0, -1, &err),
                     LTX_EREQUEST);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), LTX_MODEL_LTX_2_3_PRO));
    ltx_error_free(err);
}
END_TEST

START_TEST(model_check_rejects_missing_model_or_endpoint)
{
    ltx_error *err = NULL, *given;
    int known;

    ck_assert_int_eq(ltx_model_check(&known, NULL, T2V, NULL, 0, -1, &err), LTX_EINVAL);
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_PRO, 0, NULL, 0, -1, &err),
                     LTX_EINVAL);
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_model_check(NULL, LTX_MODEL_LTX_2_3_PRO, T2V, NULL, 0, -1, &err),
                     LTX_EINVAL);
    ltx_error_free(err);
    /* an error given on entry is left as it is */
    err = given = NULL;
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_FAST, RETAKE, NULL, 0, -1, &err),
                     LTX_EREQUEST);
    given = err;
    ck_assert_int_eq(ltx_model_check(&known, LTX_MODEL_LTX_2_3_FAST, RETAKE, NULL, 0, -1, &err),
                     LTX_EINVAL);
    ck_assert_ptr_eq(err, given);
    ltx_error_free(err);
}
END_TEST

/* ---------------------------------------------------------------- refusal reasons */

START_TEST(a_refused_setter_says_which_field_value_and_rule)
{
    ltx_request *retake = complete_request(RETAKE, NULL), *t2v = complete_request(T2V, NULL);
    const ltx_error *e;

    ck_assert_ptr_null(ltx_request_last_error(retake));
    ck_assert_int_eq(ltx_request_set_fps(retake, 24), LTX_EINVAL);
    e = ltx_request_last_error(retake);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(ltx_error_code(e), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_field(e), "fps");
    ck_assert_msg(strstr(ltx_error_message(e), "not a field of retake") &&
                      strstr(ltx_error_message(e), "text-to-video"),
                  "%s", ltx_error_message(e));
    /* the next setter replaces it; one that succeeds leaves none */
    ck_assert_int_eq(ltx_request_set_duration(retake, NAN), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_field(ltx_request_last_error(retake)), "duration");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_request_last_error(retake)), "nan"));
    ck_assert_int_eq(ltx_request_set_duration_auto(retake), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_request_last_error(retake)), "null"));
    ck_assert_int_eq(ltx_request_set_duration(retake, 3), LTX_OK);
    ck_assert_ptr_null(ltx_request_last_error(retake));

    ck_assert_int_eq(ltx_request_set_json(t2v, "seed", "{"), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_field(ltx_request_last_error(t2v)), "seed");
    ck_assert_int_eq(ltx_request_set_input_file(t2v, "poster_uri", "/tmp/x.png"), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_request_last_error(t2v)), "media field"));
    ck_assert_int_eq(ltx_request_set_deadline_ms(t2v, 0), LTX_EINVAL);
    ck_assert_ptr_nonnull(ltx_request_last_error(t2v));
    ck_assert_int_eq(ltx_request_set_deadline_ms(t2v, 1000), LTX_OK);
    ck_assert_ptr_null(ltx_request_last_error(t2v));
    ck_assert_ptr_null(ltx_request_last_error(NULL));
    ltx_request_free(retake);
    ltx_request_free(t2v);
}
END_TEST

/* ---------------------------------------------------------------- forward compatibility */

START_TEST(fields_the_live_api_added_are_set_and_sent)
{
    ltx_request *a2v = complete_request(A2V, NULL), *extend = complete_request(EXTEND, NULL);
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_fps(a2v, 48), LTX_OK);
    ck_assert_int_eq(ltx_request_set_camera_motion(a2v, "static"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_last_frame_uri(a2v, IMAGE), LTX_OK);
    doc = body_of(a2v);
    ck_assert(json_is_integer(json_object_get(doc, "fps")));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "fps")), 48);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "camera_motion")), "static");
    ck_assert_str_eq(json_string_value(json_object_get(doc, "last_frame_uri")), IMAGE);
    json_decref(doc);
    /* the rules that are known still apply */
    ck_assert_int_eq(ltx_request_set_camera_motion(a2v, "orbit"), LTX_OK);
    assert_rejected(a2v, "camera_motion");

    ck_assert_int_eq(ltx_request_set_resolution(extend, "1080x1920"), LTX_OK);
    doc = body_of(extend);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "resolution")), "1080x1920");
    json_decref(doc);
    ltx_request_free(a2v);
    ltx_request_free(extend);
}
END_TEST

START_TEST(set_json_sends_hdr_and_reframe_fields_added_later)
{
    ltx_request *hdr = complete_request(HDR, NULL), *reframe = complete_request(REFRAME, NULL);
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_json(hdr, "output_colorspace", "\"srgb_linear\""), LTX_OK);
    doc = body_of(hdr);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "output_colorspace")), "srgb_linear");
    json_decref(doc);
    ck_assert_int_eq(ltx_request_set_json(reframe, "placement", "\"top_left\""), LTX_OK);
    doc = body_of(reframe);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "placement")), "top_left");
    json_decref(doc);
    ltx_request_free(hdr);
    ltx_request_free(reframe);
}
END_TEST

START_TEST(a_typed_setter_after_set_json_replaces_its_value)
{
    ltx_request *r = complete_request(T2V, NULL);
    json_t *doc;

    ck_assert_int_eq(ltx_request_set_json(r, "fps", "\"thirty\""), LTX_OK); /* unchecked */
    assert_valid(r);
    ck_assert_int_eq(ltx_request_set_fps(r, 25), LTX_OK);
    doc = body_of(r);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "fps")), 25);
    json_decref(doc);
    ltx_request_free(r);
}
END_TEST

START_TEST(endpoint_by_name_maps_known_names_and_refuses_unsafe_ones)
{
    static const char *const unsafe[] = {"", "Text-To-Video", "../v1/upload", "a/b", "a b",
                                         "x?y=1", "caf\xC3\xA9",
                                         "ab123456789012345678901234567890123456789012345678901234567890123"};
    ltx_request *r = NULL;

    for (int ep = T2V; ep <= REFRAME; ep++) {
        ck_assert_int_eq(ltx_request_new_by_name(&r, ltx_endpoint_name(ep)), LTX_OK);
        ck_assert_int_eq(ltx_request_endpoint(r), ep);
        ck_assert_str_eq(ltx_request_endpoint_name(r), ltx_endpoint_name(ep));
        ltx_request_free(r);
    }
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
        r = (ltx_request *)&r;
        ck_assert_msg(ltx_request_new_by_name(&r, unsafe[i]) == LTX_EINVAL, "accepted <%s>",
                      unsafe[i]);
        ck_assert_ptr_null(r);
    }
    ck_assert_int_eq(ltx_request_new_by_name(&r, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_new_by_name(NULL, "retake"), LTX_EINVAL);
    /* 64 characters is the longest name */
    ck_assert_int_eq(ltx_request_new_by_name(&r, unsafe[7] + 1), LTX_OK);
    ck_assert_int_eq(ltx_request_endpoint(r), LTX_ENDPOINT_OTHER);
    ltx_request_free(r);
    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_OTHER), LTX_EINVAL);
    ck_assert_ptr_null(ltx_request_endpoint_name(NULL));
    ck_assert_int_eq(ltx_request_endpoint(NULL), LTX_ENDPOINT_OTHER);
}
END_TEST

START_TEST(an_endpoint_not_known_sends_every_field_and_checks_only_the_prompt)
{
    ltx_request *r = NULL;
    char *json = NULL, *big;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_request_new_by_name(&r, "video-compositing"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_video_uri(r, "http://plain.example.com/v.mp4"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    ck_assert_int_eq(ltx_request_set_mode(r, "overlay"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_guidance_scale(r, 0.5), LTX_OK);
    ck_assert_int_eq(ltx_request_to_json(&json, r, NULL), LTX_OK);
    ck_assert_str_eq(json, "{\"duration\":null,\"video_uri\":\"http://plain.example.com/v.mp4\","
                           "\"guidance_scale\":0.5,\"mode\":\"overlay\"}");
    ltx_free(json);
    /* no row says integer here: a fraction is kept (text-to-video's duration is whole) */
    ck_assert_int_eq(ltx_request_set_duration(r, 2.5), LTX_OK);
    ck_assert_int_eq(ltx_request_to_json(&json, r, NULL), LTX_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"duration\":2.5,"));
    ltx_free(json);
    big = malloc(LTX_PROMPT_MAX_CHARS + 2);
    memset(big, 'a', LTX_PROMPT_MAX_CHARS + 1);
    big[LTX_PROMPT_MAX_CHARS + 1] = '\0';
    ck_assert_int_eq(ltx_request_set_prompt(r, big), LTX_OK);
    ck_assert_int_eq(ltx_request_validate(r, &err), LTX_EREQUEST);
    ck_assert_str_eq(ltx_error_field(err), "prompt");
    ltx_error_free(err);
    free(big);
    ltx_request_free(r);
}
END_TEST

Suite *suite_request(void)
{
    Suite *s = suite_create("request");
    TCase *fields = tcase_create("fields");
    TCase *values = tcase_create("values");
    TCase *matrix = tcase_create("matrix");
    TCase *setters = tcase_create("setters");
    TCase *body = tcase_create("body");
    TCase *names = tcase_create("names");
    TCase *models = tcase_create("model_check");

    tcase_add_loop_test(fields, complete_request_of_each_endpoint_is_valid, 0, N_REQUIRED_ROWS);
    tcase_add_loop_test(fields, each_missing_required_field_is_named, 0, N_REQUIRED_ROWS);
    tcase_add_test(fields, audio_to_video_needs_a_prompt_or_an_image);
    tcase_add_test(fields, audio_to_video_empty_prompt_needs_an_image);
    tcase_add_test(fields, validate_of_null_request_is_einval);
    tcase_add_test(fields, a_refused_setter_says_which_field_value_and_rule);
    tcase_add_test(fields, fields_the_live_api_added_are_set_and_sent);
    tcase_add_test(fields, set_json_sends_hdr_and_reframe_fields_added_later);
    tcase_add_test(fields, a_typed_setter_after_set_json_replaces_its_value);
    tcase_add_test(fields, endpoint_by_name_maps_known_names_and_refuses_unsafe_ones);
    tcase_add_test(fields, an_endpoint_not_known_sends_every_field_and_checks_only_the_prompt);
    suite_add_tcase(s, fields);

    tcase_add_test(values, prompt_of_5000_characters_is_accepted);
    tcase_add_test(values, prompt_of_5001_characters_is_rejected_naming_the_limit);
    tcase_add_test(values, prompt_length_counts_characters_not_bytes);
    tcase_add_loop_test(values, prompt_with_invalid_utf8_is_rejected, 0,
                        (int)(sizeof(invalid_utf8) / sizeof(invalid_utf8[0])));
    tcase_add_loop_test(values, each_documented_camera_motion_is_accepted, 0, N_CAMERA_MOTIONS);
    tcase_add_test(values, unknown_camera_motion_is_rejected_listing_the_allowed_ones);
    tcase_add_test(values, retake_shorter_than_2_seconds_is_rejected);
    tcase_add_test(values, retake_negative_start_time_is_rejected);
    tcase_add_test(values, retake_modes_are_checked);
    tcase_add_test(values, extend_mode_middle_is_rejected_listing_start_and_end);
    tcase_add_test(values, extend_duration_within_2_to_20_and_context_within_0_to_20);
    tcase_add_test(values, audio_to_video_guidance_scale_stays_within_1_to_50);
    tcase_add_loop_test(values, each_documented_reframe_resolution_is_accepted, 0,
                        N_REFRAME_RESOLUTIONS);
    tcase_add_test(values, undocumented_reframe_resolution_is_rejected);
    tcase_add_test(values, retake_resolution_is_1080p_landscape_or_portrait);
    tcase_add_test(values, malformed_resolution_is_rejected);
    tcase_add_test(values, text_to_video_duration_must_be_whole_seconds);
    tcase_add_test(values, non_positive_fps_is_rejected);
    suite_add_tcase(s, values);

    tcase_add_test(matrix, pro_at_20_seconds_is_rejected_naming_duration_and_allowed_values);
    tcase_add_test(matrix, fast_1080p_24fps_20_seconds_is_accepted);
    tcase_add_test(matrix, fast_default_fps_is_24_so_20_seconds_is_accepted);
    tcase_add_test(matrix, fast_50fps_20_seconds_is_rejected);
    tcase_add_test(matrix, fast_4k_longer_than_10_seconds_is_rejected);
    tcase_add_test(matrix, unknown_model_is_passed_through);
    tcase_add_test(matrix, audio_to_video_with_ltx_2_3_fast_is_rejected);
    tcase_add_test(matrix, retake_and_extend_take_only_ltx_2_3_pro);
    tcase_add_test(matrix, duration_auto_with_ltx_2_3_pro_is_rejected);
    tcase_add_test(matrix, duration_auto_with_ltx_2_5_pro_is_sent_as_null);
    tcase_add_test(matrix, duration_auto_with_last_frame_is_rejected);
    tcase_add_test(matrix, duration_auto_is_refused_where_the_api_has_none);
    tcase_add_test(matrix, duration_after_duration_auto_is_sent_as_a_number);
    suite_add_tcase(s, matrix);

    tcase_add_test(setters, request_new_rejects_unknown_endpoints);
    tcase_add_test(setters, setters_reject_fields_the_endpoint_does_not_take);
    tcase_add_test(setters, setters_reject_a_null_request);
    tcase_add_test(setters, set_json_rejects_text_that_is_not_one_json_value);
    tcase_add_test(setters, set_json_value_is_sent_as_given);
    tcase_add_test(setters, set_json_overrides_a_typed_field);
    tcase_add_test(setters, set_json_lets_a_value_the_matrix_refuses_through);
    tcase_add_test(setters, sync_is_refused_for_hdr_and_reframe);
    tcase_add_test(setters, sync_can_be_set_and_cleared_on_v1_endpoints);
    tcase_add_test(setters, media_uri_over_http_or_a_local_path_is_rejected);
    tcase_add_test(setters, media_uri_https_ltx_or_data_is_accepted);
    suite_add_tcase(s, setters);

    tcase_add_test(body, full_text_to_video_body_has_exactly_the_fields_set);
    tcase_add_test(body, unset_optional_fields_are_not_sent);
    tcase_add_test(body, huge_whole_duration_is_sent_as_a_number_not_a_wrapped_integer);
    tcase_add_test(body, retake_times_keep_their_fractions);
    tcase_add_test(body, to_json_of_an_invalid_request_gives_no_body);
    suite_add_tcase(s, body);

    tcase_add_test(names, endpoint_names_are_the_api_path_segments_and_round_trip);
    tcase_add_test(names, unknown_endpoints_have_no_name);
    suite_add_tcase(s, names);

    tcase_add_test(models, model_check_supported_combinations);
    tcase_add_test(models, model_check_unknown_model_is_passed_through);
    tcase_add_test(models, model_check_known_bad_combination_names_the_field);
    tcase_add_test(models, model_check_retake_names_the_model_that_can);
    tcase_add_test(models, model_check_rejects_missing_model_or_endpoint);
    tcase_add_test(models, duration_beyond_int_is_rejected_by_the_matrix);
    suite_add_tcase(s, models);
    return s;
}
