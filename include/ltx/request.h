/* ltx/request.h — generation requests: one builder for every endpoint, validated before anything is sent. */
#ifndef LTX_REQUEST_H
#define LTX_REQUEST_H

#include <ltx/common.h>
#include <ltx/error.h>

LTX_BEGIN_DECLS

/* The API's generation endpoints. Numbers are ABI. */
typedef enum ltx_endpoint {
    LTX_ENDPOINT_OTHER = 0, /* one this release does not know: see ltx_request_new_by_name() */
    LTX_ENDPOINT_TEXT_TO_VIDEO = 1,
    LTX_ENDPOINT_IMAGE_TO_VIDEO = 2,
    LTX_ENDPOINT_AUDIO_TO_VIDEO = 3,
    LTX_ENDPOINT_RETAKE = 4,
    LTX_ENDPOINT_EXTEND = 5,
    LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR = 6,    /* v2 only */
    LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME = 7 /* v2 only */
} ltx_endpoint;

/* The endpoint's path segment ("text-to-video"), static; NULL for LTX_ENDPOINT_OTHER and
 * numbers this release does not know. */
LTX_API const char *ltx_endpoint_name(ltx_endpoint endpoint);

/* The endpoint for a path segment: LTX_OK and *out, or LTX_EINVAL with *out set to
 * LTX_ENDPOINT_OTHER when the name is not one this release knows (or out is NULL). */
LTX_API int ltx_endpoint_from_name(ltx_endpoint *out, const char *name);

/* Model ids known to this release. Unknown ids are passed through to the API. */
#define LTX_MODEL_LTX_2_3_FAST "ltx-2-3-fast"
#define LTX_MODEL_LTX_2_3_PRO "ltx-2-3-pro"
#define LTX_MODEL_LTX_2_5_FAST "ltx-2-5-fast"
#define LTX_MODEL_LTX_2_5_PRO "ltx-2-5-pro"

#define LTX_PROMPT_MAX_CHARS 5000

/*
 * Create an empty request for `endpoint`. Every field starts unset and unset
 * fields are not sent. Returns LTX_OK and *out (free with ltx_request_free()),
 * LTX_EINVAL or LTX_ENOMEM. One thread at a time; calls that send a request
 * only read it, so it may be sent again or by another thread afterwards.
 */
LTX_API int ltx_request_new(ltx_request **out, ltx_endpoint endpoint);
/*
 * Create an empty request for the endpoint with this path segment: 1 to 64
 * characters of [a-z0-9-]. A name this release knows gives that endpoint; any
 * other gives LTX_ENDPOINT_OTHER, whose requests are sent to /v2/<name> with
 * every field set and no per-endpoint rule (the prompt's length and UTF-8 are
 * still checked). LTX_OK, LTX_EINVAL (not a safe name) or LTX_ENOMEM.
 */
LTX_API int ltx_request_new_by_name(ltx_request **out, const char *endpoint_name);
LTX_API void ltx_request_free(ltx_request *req);
/* LTX_ENDPOINT_OTHER for a NULL request. */
LTX_API ltx_endpoint ltx_request_endpoint(const ltx_request *req);
/* The endpoint's path segment, owned by the request; NULL for a NULL request. */
LTX_API const char *ltx_request_endpoint_name(const ltx_request *req);

/*
 * Why the last setter called on req refused its value: an error naming the
 * field (ltx_error_field()), the value and the rule, borrowed from req until
 * the next setter call; NULL after a setter that succeeded, and for NULL.
 */
LTX_API const ltx_error *ltx_request_last_error(const ltx_request *req);

/*
 * Field setters. Strings are copied. They refuse (LTX_EINVAL, with the reason
 * in ltx_request_last_error()) a NULL handle, a number that is not finite, and
 * a field that no endpoint of this request takes. A field the live API added
 * to an endpoint after the July 2026 document (audio-to-video fps,
 * last_frame_uri and camera_motion; extend resolution) is accepted, and sent
 * with a WARN log line. The values themselves are checked by
 * ltx_request_validate(), which every sending call runs first, so that one
 * error names the field and the allowed values.
 */
LTX_API int ltx_request_set_prompt(ltx_request *req, const char *prompt);
LTX_API int ltx_request_set_model(ltx_request *req, const char *model);
/* Seconds. Whole seconds on text- and image-to-video; fractions on retake and extend. */
LTX_API int ltx_request_set_duration(ltx_request *req, double seconds);
/* Automatic length (JSON null), ltx-2-5 models on text- and image-to-video only. */
LTX_API int ltx_request_set_duration_auto(ltx_request *req);
/* "WIDTHxHEIGHT", e.g. "1920x1080". */
LTX_API int ltx_request_set_resolution(ltx_request *req, const char *resolution);
LTX_API int ltx_request_set_fps(ltx_request *req, int fps);
LTX_API int ltx_request_set_generate_audio(ltx_request *req, int enable);
/* dolly_in, dolly_out, dolly_left, dolly_right, jib_up, jib_down, static, focus_shift */
LTX_API int ltx_request_set_camera_motion(ltx_request *req, const char *motion);
LTX_API int ltx_request_set_image_uri(ltx_request *req, const char *uri);
LTX_API int ltx_request_set_last_frame_uri(ltx_request *req, const char *uri);
LTX_API int ltx_request_set_audio_uri(ltx_request *req, const char *uri);
LTX_API int ltx_request_set_video_uri(ltx_request *req, const char *uri);
LTX_API int ltx_request_set_start_time(ltx_request *req, double seconds);
LTX_API int ltx_request_set_guidance_scale(ltx_request *req, double scale);
/* retake: replace_audio, replace_video, replace_audio_and_video; extend: start, end */
LTX_API int ltx_request_set_mode(ltx_request *req, const char *mode);
LTX_API int ltx_request_set_context(ltx_request *req, double seconds);

/*
 * Use a local file for a media field: "image_uri", "last_frame_uri",
 * "audio_uri" or "video_uri". ltx_request_validate() checks the file (it
 * exists, its content is a format the field takes, it is within the limits).
 * When the request is sent, a small image or video (at most 1 MiB) goes inline
 * as a data: URI; anything larger, and all audio, goes through the upload flow
 * (ltx_upload_file()) first. A later ltx_request_set_*_uri() of the same field
 * replaces the file, and the reverse.
 */
LTX_API int ltx_request_set_input_file(ltx_request *req, const char *field, const char *path);

/*
 * Escape hatch for fields the API adds later: set `name` to a JSON value given
 * as text ("true", "12", "\"x\"", "null"). Replaces a typed field of the same
 * name (and a later typed setter replaces it); its value is sent unchecked.
 * A name the endpoint does not document (HDR output_colorspace, reframe
 * placement, or any other) is sent with a WARN log line at submit.
 * LTX_EINVAL when json is not one valid JSON value.
 */
LTX_API int ltx_request_set_json(ltx_request *req, const char *name, const char *json);

/*
 * Use the synchronous v1 endpoint (the answer is the MP4 itself) instead of
 * the default v2 job flow. v1 generation is deprecated by LTX; v2 is safer
 * because only its submit can be billed twice. Not available for HDR and reframe.
 */
LTX_API int ltx_request_set_sync(ltx_request *req, int sync);
/* 1 when req is set to v1; 0 for v2 and for a NULL request. */
LTX_API int ltx_request_sync(const ltx_request *req);

/*
 * Per-call settings for the billed request this request makes (the v2 submit
 * or the v1 POST), overriding the client's: retries as ltx_client_set_retry()
 * (max_retries 0 turns them off), whether a v1 504 may be sent again as
 * ltx_client_set_retry_unknown_outcome(), and a deadline for the whole call
 * (ltx_generate() including its polls and download; LTX_NO_LIMIT accepted; 0
 * is LTX_EINVAL). Polls and downloads keep the client's retry settings: they
 * cannot bill. In an ltx_batch, the retry settings and the deadline bound the
 * entry's submit (the run as a whole keeps the client's deadline).
 */
LTX_API int ltx_request_set_retry(ltx_request *req, unsigned max_retries, uint32_t base_ms,
                                  uint32_t cap_ms);
LTX_API int ltx_request_set_retry_unknown_outcome(ltx_request *req, int allow);
LTX_API int ltx_request_set_deadline_ms(ltx_request *req, uint32_t ms);

/*
 * Watch a cancel handle (see ltx/cancel.h) in the calls that send this
 * request: ltx_generate() (all of it: uploads, submit, wait, download) and
 * ltx_submit(). Borrowed: it must outlive those calls. NULL detaches.
 * LTX_OK, or LTX_EINVAL for a NULL request.
 */
LTX_API int ltx_request_set_cancel(ltx_request *req, ltx_cancel *cancel);

/*
 * Check required fields, types, ranges, enums, the prompt's length (at most
 * 5000 characters) and UTF-8, and known-bad model combinations (see
 * ltx_model_check()). Returns LTX_OK or LTX_EREQUEST with ltx_error_field() set
 * and a message naming the allowed values. No network.
 */
LTX_API int ltx_request_validate(const ltx_request *req, ltx_error **err);

/*
 * The JSON body the request sends, after validation. *out is a NUL-terminated
 * string the caller frees with ltx_free(). LTX_EREQUEST when invalid.
 */
LTX_API int ltx_request_to_json(char **out, const ltx_request *req, ltx_error **err);

LTX_END_DECLS
#endif
