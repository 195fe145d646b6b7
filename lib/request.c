/* lib/request.c — the request builder and its validation, before any byte is sent. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"
#include "fields.h"
#include "private.h"
#include "request_int.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T2V LTX_EP(LTX_ENDPOINT_TEXT_TO_VIDEO)
#define I2V LTX_EP(LTX_ENDPOINT_IMAGE_TO_VIDEO)
#define A2V LTX_EP(LTX_ENDPOINT_AUDIO_TO_VIDEO)

static int request_make(ltx_request **out, ltx_endpoint endpoint, const char *name)
{
    ltx_request *r;

    if (!(r = calloc(1, sizeof(*r))))
        return LTX_ENOMEM;
    r->endpoint = endpoint;
    strcpy(r->endpoint_name, name); /* ltx__endpoint_name_ok() bounded it */
    r->retry_unknown_outcome = -1;
    *out = r;
    return LTX_OK;
}

LTX_API int ltx_request_new(ltx_request **out, ltx_endpoint endpoint)
{
    if (!out)
        return LTX_EINVAL;
    *out = NULL;
    if (!ltx_endpoint_name(endpoint))
        return LTX_EINVAL;
    return request_make(out, endpoint, ltx_endpoint_name(endpoint));
}

LTX_API int ltx_request_new_by_name(ltx_request **out, const char *endpoint_name)
{
    ltx_endpoint ep;

    if (!out)
        return LTX_EINVAL;
    *out = NULL;
    if (!ltx__endpoint_name_ok(endpoint_name))
        return LTX_EINVAL;
    ltx_endpoint_from_name(&ep, endpoint_name);
    return request_make(out, ep, endpoint_name);
}

static void value_clear(struct ltx_value *v)
{
    free(v->text);
    memset(v, 0, sizeof(*v));
}

LTX_API void ltx_request_free(ltx_request *r)
{
    if (!r)
        return;
    for (int i = 0; i < LTX_FIELD_SLOTS; i++)
        value_clear(&r->values[i]);
    for (size_t i = 0; i < r->n_extras; i++) {
        free(r->extras[i].name);
        free(r->extras[i].json);
    }
    free(r->extras);
    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++)
        free(r->input_files[i]);
    ltx_error_free(r->last_error);
    free(r);
}

LTX_API ltx_endpoint ltx_request_endpoint(const ltx_request *r)
{
    return r ? (ltx_endpoint)r->endpoint : LTX_ENDPOINT_OTHER;
}

LTX_API const char *ltx_request_endpoint_name(const ltx_request *r)
{
    return r ? r->endpoint_name : NULL;
}

const char *ltx__request_endpoint_name(const ltx_request *r)
{
    return r->endpoint_name;
}

LTX_API const ltx_error *ltx_request_last_error(const ltx_request *r)
{
    return r ? r->last_error : NULL;
}

/* ---------------------------------------------------------------- setters */

/* Record why a setter refused (the caller reads it with ltx_request_last_error()). */
#define REFUSE(r, field, ...) ltx__fail_field(&(r)->last_error, LTX_EINVAL, (field), __VA_ARGS__)

/*
 * The start of every field setter: forget the last refusal, and find the slot of a field
 * this request's endpoint takes (any field when the endpoint is not known to this release).
 */
static int begin(ltx_request *r, const char *field, struct ltx_value **v)
{
    char where[160];

    if (!r)
        return LTX_EINVAL;
    ltx_error_free(r->last_error);
    r->last_error = NULL;
    if (r->endpoint != LTX_ENDPOINT_OTHER && !ltx__field_rule(field, r->endpoint)) {
        ltx__field_endpoints(field, where, sizeof(where));
        (void)REFUSE(r, field,
                     "%s: not a field of %s (it is one of %s); ltx_request_set_json() sends it "
                     "anyway",
                     field, r->endpoint_name, where);
        return LTX_EINVAL; /* said outright: an analyser cannot see that REFUSE is not 0 */
    }
    *v = &r->values[ltx__field_slot(field)];
    return LTX_OK;
}

/* A URI or value replaces a local file given before for the same media field. */
static void forget_file(ltx_request *r, const char *field)
{
    int media = ltx__media_field_of(field);

    if (media >= 0) {
        free(r->input_files[media]);
        r->input_files[media] = NULL;
    }
}

static int set_text(ltx_request *r, const char *field, const char *value)
{
    struct ltx_value *v;
    char *copy = NULL;
    int rc;

    if ((rc = begin(r, field, &v)) != LTX_OK)
        return rc;
    if (value && !(copy = ltx__strdup(value)))
        return LTX_ENOMEM;
    value_clear(v);
    if (copy) { /* NULL clears the field */
        v->kind = LTX_V_TEXT;
        v->text = copy;
    }
    forget_file(r, field);
    return LTX_OK;
}

static int set_number(ltx_request *r, const char *field, int kind, double value)
{
    struct ltx_value *v;
    int rc;

    if ((rc = begin(r, field, &v)) != LTX_OK)
        return rc;
    if (!isfinite(value))
        return REFUSE(r, field, "%s: %g is not a finite number", field, value);
    value_clear(v);
    v->kind = kind;
    v->number = value;
    return LTX_OK;
}

LTX_API int ltx_request_set_input_file(ltx_request *r, const char *field, const char *path)
{
    int media = ltx__media_field_of(field);
    struct ltx_value *v;
    char *copy;
    int rc;

    if (!r)
        return LTX_EINVAL;
    if (media < 0) {
        ltx_error_free(r->last_error);
        r->last_error = NULL;
        return REFUSE(r, field, "%s: not a media field; allowed: image_uri, last_frame_uri, "
                                "audio_uri, video_uri", field ? field : "(null)");
    }
    if ((rc = begin(r, field, &v)) != LTX_OK)
        return rc;
    if (!path || !*path)
        return REFUSE(r, field, "%s: the path of a local file is empty", field);
    if (!(copy = ltx__strdup(path)))
        return LTX_ENOMEM;
    free(r->input_files[media]);
    r->input_files[media] = copy;
    value_clear(v); /* the file replaces a URI given before */
    return LTX_OK;
}

#define TEXT_SETTER(fn, field)                                                                     \
    LTX_API int ltx_request_set_##fn(ltx_request *r, const char *value)                            \
    {                                                                                              \
        return set_text(r, #field, value);                                                         \
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

LTX_API int ltx_request_set_duration(ltx_request *r, double seconds)
{
    return set_number(r, "duration", LTX_V_NUMBER, seconds);
}

LTX_API int ltx_request_set_duration_auto(ltx_request *r)
{
    const ltx_field *rule;
    struct ltx_value *v;
    int rc;

    if ((rc = begin(r, "duration", &v)) != LTX_OK)
        return rc;
    rule = ltx__field_rule("duration", r->endpoint);
    if (rule && !(rule->nullable & LTX_EP(r->endpoint)))
        return REFUSE(r, "duration",
                      "duration: automatic length (null) is not allowed for %s; allowed: "
                      "text-to-video and image-to-video", r->endpoint_name);
    value_clear(v);
    v->kind = LTX_V_NULL;
    return LTX_OK;
}

LTX_API int ltx_request_set_start_time(ltx_request *r, double seconds)
{
    return set_number(r, "start_time", LTX_V_NUMBER, seconds);
}

LTX_API int ltx_request_set_guidance_scale(ltx_request *r, double scale)
{
    return set_number(r, "guidance_scale", LTX_V_NUMBER, scale);
}

LTX_API int ltx_request_set_context(ltx_request *r, double seconds)
{
    return set_number(r, "context", LTX_V_NUMBER, seconds);
}

LTX_API int ltx_request_set_fps(ltx_request *r, int fps)
{
    return set_number(r, "fps", LTX_V_NUMBER, fps);
}

LTX_API int ltx_request_set_generate_audio(ltx_request *r, int enable)
{
    return set_number(r, "generate_audio", LTX_V_BOOL, enable != 0);
}

LTX_API int ltx_request_set_json(ltx_request *r, const char *name, const char *json)
{
    struct ltx_request_extra *grown;
    int slot;
    char *n, *j;

    if (!r)
        return LTX_EINVAL;
    ltx_error_free(r->last_error);
    r->last_error = NULL;
    if (!name || !*name || ltx__utf8_length(name) < 0)
        return REFUSE(r, name && ltx__utf8_length(name) >= 0 ? name : NULL,
                      "set_json: the field name is %s",
                      !name ? "NULL" : !*name ? "empty" : "not valid UTF-8");
    if (!json || !ltx__json_value_valid(json))
        return REFUSE(r, name, "%s: %.40s%s is not one JSON value (valid UTF-8)", name,
                      json ? json : "NULL", json && strlen(json) > 40 ? "..." : "");
    if (!(j = ltx__strdup(json)))
        return LTX_ENOMEM;
    if ((slot = ltx__field_slot(name)) >= 0) { /* a known field: the value replaces the typed one */
        value_clear(&r->values[slot]);
        r->values[slot].kind = LTX_V_JSON;
        r->values[slot].text = j;
        forget_file(r, name);
        return LTX_OK;
    }
    for (size_t i = 0; i < r->n_extras; i++)
        if (strcmp(r->extras[i].name, name) == 0) {
            free(r->extras[i].json);
            r->extras[i].json = j;
            return LTX_OK;
        }
    grown = realloc(r->extras, (r->n_extras + 1) * sizeof(*grown));
    if (!grown || !(n = ltx__strdup(name))) {
        if (grown)
            r->extras = grown;
        free(j);
        return LTX_ENOMEM;
    }
    r->extras = grown;
    r->extras[r->n_extras].name = n;
    r->extras[r->n_extras].json = j;
    r->n_extras++;
    return LTX_OK;
}

/* The start of a setter of no field. */
static int begin_setting(ltx_request *r)
{
    if (!r)
        return LTX_EINVAL;
    ltx_error_free(r->last_error);
    r->last_error = NULL;
    return LTX_OK;
}

LTX_API int ltx_request_set_retry(ltx_request *r, unsigned max_retries, uint32_t base_ms,
                                  uint32_t cap_ms)
{
    if (begin_setting(r) != LTX_OK)
        return LTX_EINVAL;
    if (base_ms == 0 || cap_ms < base_ms || cap_ms == LTX_NO_LIMIT)
        return REFUSE(r, NULL,
                      "retry: base %" PRIu32 " ms, cap %" PRIu32 " ms; allowed: a base of at "
                      "least 1 ms and a finite cap not below it",
                      base_ms, cap_ms);
    r->has_retry = true;
    r->max_retries = max_retries;
    r->retry_base_ms = base_ms;
    r->retry_cap_ms = cap_ms;
    return LTX_OK;
}

LTX_API int ltx_request_set_retry_unknown_outcome(ltx_request *r, int allow)
{
    if (begin_setting(r) != LTX_OK)
        return LTX_EINVAL;
    r->retry_unknown_outcome = allow != 0;
    return LTX_OK;
}

LTX_API int ltx_request_set_deadline_ms(ltx_request *r, uint32_t ms)
{
    if (begin_setting(r) != LTX_OK)
        return LTX_EINVAL;
    if (ms == 0)
        return REFUSE(r, NULL, "deadline: 0 ms; allowed: 1 ms or more, or LTX_NO_LIMIT");
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
    if (begin_setting(r) != LTX_OK)
        return LTX_EINVAL;
    if (sync && ltx__endpoint_row(r->endpoint) && ltx__endpoint_row(r->endpoint)->v2_only)
        return REFUSE(r, NULL, "sync: %s has no synchronous (v1) endpoint; allowed: the v2 job "
                               "flow only", r->endpoint_name);
    r->sync = sync != 0;
    return LTX_OK;
}

LTX_API int ltx_request_sync(const ltx_request *r)
{
    return r ? r->sync : 0;
}

/* ---------------------------------------------------------------- validation */

static const struct ltx_value *value_of(const ltx_request *r, const char *name)
{
    int slot = ltx__field_slot(name);

    return slot >= 0 ? &r->values[slot] : NULL;
}

/* Set through ltx_request_set_json(): sent as given, its value unchecked. */
static int overridden(const ltx_request *r, const char *name)
{
    const struct ltx_value *v = value_of(r, name);

    return v && v->kind == LTX_V_JSON;
}

static int field_is_set(const ltx_request *r, const char *name)
{
    const struct ltx_value *v = value_of(r, name);
    int media = ltx__media_field_of(name);

    return (v && v->kind != LTX_V_UNSET) || (media >= 0 && r->input_files[media]);
}

/* How the field is set (LTX_V_UNSET for a name the table lacks). */
static int kind_of(const ltx_request *r, const char *name)
{
    const struct ltx_value *v = value_of(r, name);

    return v ? v->kind : LTX_V_UNSET;
}

/* The field's text when set by a typed setter, else NULL. */
static const char *text_of(const ltx_request *r, const char *name)
{
    const struct ltx_value *v = value_of(r, name);

    return v && v->kind == LTX_V_TEXT ? v->text : NULL;
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

static int check_uri(const char *field, const char *v, ltx_error **err)
{
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

/* The table's rules for one field set by a typed setter. */
static int check_value(const ltx_request *r, const ltx_field *rule, const struct ltx_value *v,
                       ltx_error **err)
{
    const char *f = rule->name;
    char *allowed;
    int rc;

    switch (v->kind) {
    case LTX_V_TEXT:
        if (rule->type == LTX_FT_URI)
            return check_uri(f, v->text, err);
        if (rule->type == LTX_FT_RESOLUTION && !check_resolution_format(v->text))
            return ltx__reject(err, f, "%s: \"%.40s\" is not WIDTHxHEIGHT (e.g. 1920x1080)", f,
                               v->text);
        if (!rule->values || rule->open || in_list(v->text, rule->values))
            return LTX_OK;
        allowed = join(rule->values);
        rc = ltx__reject(err, f, "%s: \"%s\" is not allowed for %s; allowed: %s", f, v->text,
                         r->endpoint_name, allowed ? allowed : "?");
        free(allowed);
        return rc;
    case LTX_V_NUMBER:
        if (rule->type == LTX_FT_INTEGER && v->number != floor(v->number))
            return ltx__reject(err, f, "%s: %g is not a whole number; allowed: whole numbers%s", f,
                               v->number,
                               strcmp(f, "duration") == 0 ? " of seconds (see the model matrix), "
                                                            "or automatic with ltx-2-5 models"
                                                          : "");
        if (rule->min > rule->max || (v->number >= rule->min && v->number <= rule->max))
            return LTX_OK;
        if (isinf(rule->max))
            return ltx__reject(err, f, "%s: %g is out of range; allowed: at least %g", f,
                               v->number, rule->min);
        return ltx__reject(err, f, "%s: %g is out of range; allowed: %g to %g", f, v->number,
                           rule->min, rule->max);
    case LTX_V_NULL:
        if (rule->nullable & LTX_EP(r->endpoint))
            return LTX_OK;
        return ltx__reject(err, f, "%s: null is not allowed for %s", f, r->endpoint_name);
    default:
        return LTX_OK;
    }
}

/* The fields the table marks required on this endpoint. */
static int check_required(const ltx_request *r, unsigned ep, ltx_error **err)
{
    for (size_t i = 0; ep && i < ltx__n_fields; i++)
        if ((ltx__fields[i].required & ep) && !field_is_set(r, ltx__fields[i].name))
            return ltx__reject(err, ltx__fields[i].name, "%s is required for %s",
                               ltx__fields[i].name, r->endpoint_name);
    return LTX_OK;
}

/* Local rules 2 (audio-to-video needs a prompt or an image) and 1 (the prompt's length). */
static int check_prompt(const ltx_request *r, unsigned ep, ltx_error **err)
{
    const char *prompt = text_of(r, "prompt");
    long chars;

    if (ep & A2V && !field_is_set(r, "image_uri") &&
        (!field_is_set(r, "prompt") || (prompt && !*prompt)))
        return ltx__reject(err, "prompt", "prompt: a non-empty prompt or an image_uri is required "
                                          "for audio-to-video");
    if (!prompt)
        return LTX_OK;
    chars = ltx__utf8_length(prompt);
    if (chars < 0)
        return ltx__reject(err, "prompt", "prompt: not valid UTF-8");
    if (chars > LTX_PROMPT_MAX_CHARS)
        return ltx__reject(err, "prompt", "prompt: %ld characters; allowed: at most %d", chars,
                           LTX_PROMPT_MAX_CHARS);
    if (chars == 0 && (ep & (T2V | I2V)))
        return ltx__reject(err, "prompt", "prompt: must not be empty for %s", r->endpoint_name);
    return LTX_OK;
}

/* Every text is UTF-8; local rule 4: the local files are read before anything is sent. */
static int check_texts_and_files(const ltx_request *r, ltx_error **err)
{
    int rc;

    for (int s = 0; s < LTX_FIELD_SLOTS; s++)
        if (r->values[s].kind == LTX_V_TEXT && ltx__utf8_length(r->values[s].text) < 0)
            return ltx__reject(err, ltx__field_slot_name(s), "%s: not valid UTF-8",
                               ltx__field_slot_name(s));
    for (int i = 0; i < LTX_N_MEDIA_FIELDS; i++)
        if (r->input_files[i] && (rc = ltx__media_check(i, r->input_files[i], err)) != LTX_OK)
            return rc;
    return LTX_OK;
}

/* The table's rules, for the fields of an endpoint this release knows. */
static int check_table(const ltx_request *r, int known, ltx_error **err)
{
    int rc;

    for (int s = 0; known && s < LTX_FIELD_SLOTS; s++) {
        const ltx_field *rule = ltx__field_rule(ltx__field_slot_name(s), r->endpoint);

        if (rule && (rc = check_value(r, rule, &r->values[s], err)) != LTX_OK)
            return rc;
    }
    return LTX_OK;
}

/* Local rule 3: an automatic length needs a model that chooses it, and no last frame. */
static int check_auto_duration(const ltx_request *r, unsigned ep, ltx_error **err)
{
    const char *model;

    if (kind_of(r, "duration") != LTX_V_NULL || !(ep & (T2V | I2V)))
        return LTX_OK;
    model = text_of(r, "model");
    if (model && ltx__model_is_known(model) && !ltx__model_auto_duration(model)) {
        char allowed[128];

        ltx__model_auto_list(allowed, sizeof(allowed));
        return ltx__reject(err, "duration",
                           "duration: automatic length needs an ltx-2-5 model; allowed: %s",
                           allowed);
    }
    if (field_is_set(r, "last_frame_uri"))
        return ltx__reject(err, "duration",
                           "duration: automatic length cannot be combined with last_frame_uri");
    return LTX_OK;
}

/* Local rule 6: the model matrix, for the values not set through ltx_request_set_json(). */
static int check_model(const ltx_request *r, unsigned ep, ltx_error **err)
{
    const char *model = text_of(r, "model");
    const struct ltx_value *fps = value_of(r, "fps"), *duration = value_of(r, "duration");
    int check_values, known_model;

    if (!ep || !model)
        return LTX_OK;
    check_values = (ep & (T2V | I2V)) && !overridden(r, "resolution") && !overridden(r, "fps") &&
                   !overridden(r, "duration");
    return ltx_model_check(&known_model, model, r->endpoint,
                           check_values ? text_of(r, "resolution") : NULL,
                           !check_values                ? 0
                           : fps->kind == LTX_V_NUMBER ? (int)fps->number
                                                        : 24,
                           check_values && duration->kind == LTX_V_NUMBER ? duration->number : -1,
                           err);
}

LTX_API int ltx_request_validate(const ltx_request *r, ltx_error **err)
{
    unsigned ep;
    int rc;

    if (err && *err)
        return LTX_EINVAL;
    if (!r)
        return ltx__fail(err, LTX_EINVAL, "ltx_request_validate: request is NULL");
    ep = r->endpoint == LTX_ENDPOINT_OTHER ? 0 : LTX_EP(r->endpoint);
    if ((rc = check_required(r, ep, err)) != LTX_OK || (rc = check_prompt(r, ep, err)) != LTX_OK ||
        (rc = check_texts_and_files(r, err)) != LTX_OK ||
        (rc = check_table(r, ep != 0, err)) != LTX_OK ||
        (rc = check_auto_duration(r, ep, err)) != LTX_OK)
        return rc;
    return check_model(r, ep, err);
}

char *ltx__request_undocumented(const ltx_request *r)
{
    char *out = NULL, *grown;
    size_t n = 0;

    if (r->endpoint == LTX_ENDPOINT_OTHER)
        return NULL; /* the caller chose the endpoint by name: warned about once, as a whole */
    for (int s = 0; s < LTX_FIELD_SLOTS + (int)r->n_extras; s++) {
        const char *name = s < LTX_FIELD_SLOTS ? ltx__field_slot_name(s)
                                               : r->extras[s - LTX_FIELD_SLOTS].name;
        const ltx_field *rule;

        /* the slot's own value first: looking the rule up is the costly part */
        if (s < LTX_FIELD_SLOTS && (!name || (r->values[s].kind == LTX_V_UNSET &&
                                              !field_is_set(r, name))))
            continue;
        rule = s < LTX_FIELD_SLOTS ? ltx__field_rule(name, r->endpoint) : NULL;
        if (rule && (rule->endpoints & LTX_EP(r->endpoint)))
            continue;
        if (!(grown = realloc(out, n + strlen(name) + 3))) {
            free(out);
            return NULL;
        }
        out = grown;
        n += (size_t)sprintf(out + n, "%s%s", n ? ", " : "", name);
    }
    return out;
}

void ltx__request_warn(const ltx_client *c, const ltx_request *r)
{
    char *names;

    if (!ltx__log_enabled(c, LTX_LOG_WARN))
        return; /* nobody would read it: nothing to work out */
    if (r->endpoint == LTX_ENDPOINT_OTHER) {
        ltx__log(c, LTX_LOG_WARN, "%s: an endpoint this release does not know; its fields are "
                                  "sent as given, unchecked", r->endpoint_name);
        return;
    }
    if (!(names = ltx__request_undocumented(r)))
        return;
    ltx__log(c, LTX_LOG_WARN, "%s: sending %s, which the API document of July 2026 does not give "
                              "this endpoint (sent as given)", r->endpoint_name, names);
    free(names);
}

LTX_API int ltx_request_to_json(char **out, const ltx_request *r, ltx_error **err)
{
    int rc;

    if (err && *err)
        return LTX_EINVAL;
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_request_to_json: out is NULL");
    *out = NULL;
    if ((rc = ltx_request_validate(r, err)) != LTX_OK)
        return rc;
    if (!(*out = ltx__request_encode(r)))
        return ltx__fail(err, LTX_ENOMEM, "out of memory encoding the request");
    return LTX_OK;
}
