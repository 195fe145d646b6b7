/* lib/codec.c — the JSON layer over jansson; the only library file that includes <jansson.h>. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FALLBACK_TEXT_MAX 300 /* characters of a non-JSON error body kept as its message */

static int put(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new(obj, key, value) : -1;
}

static json_t *number(double v, int want_integer)
{
    if (want_integer || (v == floor(v) && fabs(v) < 9.0e15))
        return json_integer((json_int_t)v);
    return json_real(v);
}

char *ltx__request_encode(const ltx_request *r)
{
    json_t *o = json_object();
    int whole_duration = r->endpoint == LTX_ENDPOINT_TEXT_TO_VIDEO ||
                         r->endpoint == LTX_ENDPOINT_IMAGE_TO_VIDEO;
    int bad = 0;
    char *out = NULL;

    if (!o)
        return NULL;
    if (r->prompt)
        bad |= put(o, "prompt", json_string(r->prompt));
    if (r->model)
        bad |= put(o, "model", json_string(r->model));
    if (r->duration_auto)
        bad |= put(o, "duration", json_null());
    else if (r->has_duration)
        bad |= put(o, "duration", number(r->duration, whole_duration));
    if (r->resolution)
        bad |= put(o, "resolution", json_string(r->resolution));
    if (r->has_fps)
        bad |= put(o, "fps", json_integer(r->fps));
    if (r->has_audio)
        bad |= put(o, "generate_audio", json_boolean(r->generate_audio));
    if (r->camera_motion)
        bad |= put(o, "camera_motion", json_string(r->camera_motion));
    if (r->image_uri)
        bad |= put(o, "image_uri", json_string(r->image_uri));
    if (r->last_frame_uri)
        bad |= put(o, "last_frame_uri", json_string(r->last_frame_uri));
    if (r->audio_uri)
        bad |= put(o, "audio_uri", json_string(r->audio_uri));
    if (r->video_uri)
        bad |= put(o, "video_uri", json_string(r->video_uri));
    if (r->has_start)
        bad |= put(o, "start_time", number(r->start_time, 0));
    if (r->has_guidance)
        bad |= put(o, "guidance_scale", json_real(r->guidance_scale));
    if (r->mode)
        bad |= put(o, "mode", json_string(r->mode));
    if (r->has_context)
        bad |= put(o, "context", number(r->context, 0));
    for (size_t i = 0; i < r->n_extras; i++)
        bad |= put(o, r->extras[i].name,
                   json_loads(r->extras[i].json, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL));
    if (!bad)
        out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return out;
}

int ltx__json_value_valid(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);

    json_decref(v);
    return v != NULL;
}

static json_t *load(const char *body, size_t len)
{
    return body && len ? json_loadb(body, len, JSON_DECODE_ANY, NULL) : NULL;
}

static char *dup_string(json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_string(v) ? ltx__strdup(json_string_value(v)) : NULL;
}

/* The body as text: control characters and HTML tags dropped, spaces folded, bounded. */
static char *plain_text(const char *body, size_t len)
{
    char *out = malloc(FALLBACK_TEXT_MAX + 4);
    size_t n = 0;
    int in_tag = 0, space = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len && n < FALLBACK_TEXT_MAX; i++) {
        unsigned char ch = (unsigned char)body[i];

        if (ch == '<') {
            in_tag = 1;
            space = n > 0;
            continue;
        }
        if (in_tag) {
            in_tag = ch != '>';
            continue;
        }
        if (ch < 0x20 || ch == ' ') {
            space = n > 0;
            continue;
        }
        if (space) {
            out[n++] = ' ';
            space = 0;
        }
        out[n++] = (char)ch;
    }
    out[n] = '\0';
    if (n == 0) {
        free(out);
        return NULL;
    }
    return out;
}

void ltx__envelope_parse(const char *body, size_t len, char **type, char **message)
{
    json_t *doc = load(body, len);
    json_t *inner = json_is_object(doc) ? json_object_get(doc, "error") : NULL;
    char *t = NULL, *m = NULL;

    if (json_is_object(inner)) {
        t = dup_string(inner, "type");
        m = dup_string(inner, "message");
    } else if (json_is_string(inner)) {
        m = ltx__strdup(json_string_value(inner));
    }
    if (!m && json_is_object(doc))
        m = dup_string(doc, "message");
    if (!m && json_is_object(doc))
        m = dup_string(doc, "detail");
    if (!m && !doc)
        m = plain_text(body, len);
    json_decref(doc);
    if (type)
        *type = t;
    else
        free(t);
    if (message)
        *message = m;
    else
        free(m);
}

int ltx__job_created_parse(const char *body, size_t len, char **id)
{
    json_t *doc = load(body, len);

    *id = dup_string(doc, "id");
    json_decref(doc);
    return *id && **id ? LTX_OK : LTX_EPROTOCOL;
}

int ltx__job_status_parse(const char *body, size_t len, ltx_job_doc *d)
{
    json_t *doc = load(body, len);
    json_t *result, *error;

    memset(d, 0, sizeof(*d));
    d->status = dup_string(doc, "status");
    if (!d->status) {
        json_decref(doc);
        return LTX_EPROTOCOL;
    }
    result = json_object_get(doc, "result");
    if (json_is_object(result)) {
        d->result_url = dup_string(result, "video_url");
        if (!d->result_url)
            d->result_url = dup_string(result, "exr_frames_url");
        if (!d->result_url) { /* a label this release does not know: take any URL */
            const char *key;
            json_t *v;

            json_object_foreach(result, key, v) {
                if (json_is_string(v)) {
                    d->result_url = ltx__strdup(json_string_value(v));
                    break;
                }
            }
        }
    }
    error = json_object_get(doc, "error");
    if (json_is_object(error)) {
        d->error_type = dup_string(error, "type");
        d->error_message = dup_string(error, "message");
    }
    json_decref(doc);
    return LTX_OK;
}

void ltx__job_doc_free(ltx_job_doc *d)
{
    free(d->status);
    free(d->result_url);
    free(d->error_type);
    free(d->error_message);
    memset(d, 0, sizeof(*d));
}
