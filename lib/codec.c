/* lib/codec.c — the JSON layer over jansson; the only library file that includes <jansson.h>. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"
#include "fields.h"
#include "request_int.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FALLBACK_TEXT_MAX 300 /* characters of a non-JSON error body kept as its message */

static int put(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new(obj, key, value) : -1;
}

/* An integer when v is whole and exactly representable, else a real: casting a double outside
 * json_int_t's range (1e300) is undefined behaviour, so a wanted integer that large goes as a
 * real and the API judges it. */
static json_t *number(double v, int want_integer)
{
    if (fabs(v) < 9.0e15 && (want_integer || v == floor(v)))
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *json_text(const char *text)
{
    return json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
}

/* One field's value, typed by the field table's row for the request's endpoint. Without one
 * (an endpoint by name), a number is sent as an integer only when it is whole. */
static json_t *encode_value(const ltx_request *r, const char *name, const struct ltx_value *v)
{
    const ltx_field *rule = ltx__field_rule(name, r->endpoint);

    switch (v->kind) {
    case LTX_V_TEXT: return json_string(v->text);
    case LTX_V_NUMBER: return number(v->number, rule && rule->type == LTX_FT_INTEGER);
    case LTX_V_BOOL: return json_boolean(v->number != 0);
    case LTX_V_NULL: return json_null();
    case LTX_V_JSON: return json_text(v->text);
    default: return NULL;
    }
}

char *ltx__request_encode(const ltx_request *r)
{
    json_t *o = json_object();
    int bad = 0;
    char *out = NULL;

    if (!o)
        return NULL;
    for (int s = 0; s < LTX_FIELD_SLOTS; s++)
        if (r->values[s].kind != LTX_V_UNSET) {
            const char *name = ltx__field_slot_name(s);

            bad |= put(o, name, encode_value(r, name, &r->values[s]));
        }
    for (size_t i = 0; i < r->n_extras; i++)
        bad |= put(o, r->extras[i].name, json_text(r->extras[i].json));
    if (!bad)
        out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return out;
}

void ltx__codec_global_init(void)
{
    /* seed jansson's hash once, here, rather than from whichever thread first makes an
     * object (a race helgrind reports when a shared client is used by many threads) */
    json_object_seed(0);
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

/* The body as text: tags and control characters dropped, spaces folded, bytes that are not
 * UTF-8 (a Latin-1 proxy page) replaced by '?', cut on a character boundary. */
static char *plain_text(const char *body, size_t len)
{
    const unsigned char *p = (const unsigned char *)body;
    char *out = malloc(FALLBACK_TEXT_MAX + 1);
    size_t n = 0, i = 0;
    int in_tag = 0, space = 0;

    if (!out)
        return NULL;
    while (i < len) {
        unsigned char ch = p[i];
        size_t seq;

        if (ch == '<' || in_tag) {
            in_tag = ch != '>';
            space = space || (ch == '<' && n > 0);
            i++;
            continue;
        }
        if (ch < 0x20 || ch == ' ') {
            space = n > 0;
            i++;
            continue;
        }
        seq = ltx__utf8_sequence(p + i, len - i);
        if (n + space + (seq ? seq : 1) > FALLBACK_TEXT_MAX)
            break;
        if (space) {
            out[n++] = ' ';
            space = 0;
        }
        if (seq) {
            memcpy(out + n, p + i, seq);
            n += seq;
            i += seq;
        } else {
            out[n++] = '?';
            i++;
        }
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

/* A kept member's copy: NULL when absent, not a string, or out of memory (as dup_string()). */
static char *span_dup(const ltx_span *s)
{
    return s->seen && s->is_string ? ltx__strndup(s->p, s->n) : NULL;
}

int ltx__job_created_parse(const char *body, size_t len, char **id, char **created_at)
{
    ltx_scan sc;

    if (!ltx__scan_answer(body, len, &sc))
        return ltx__job_created_parse_slow(body, len, id, created_at);
    *id = span_dup(&sc.id);
    *created_at = span_dup(&sc.created_at);
    if (*id && **id)
        return LTX_OK;
    free(*id);
    free(*created_at);
    *id = *created_at = NULL;
    return LTX_EPROTOCOL;
}

int ltx__job_created_parse_slow(const char *body, size_t len, char **id, char **created_at)
{
    json_t *doc = load(body, len);

    *id = dup_string(doc, "id");
    *created_at = dup_string(doc, "created_at");
    json_decref(doc);
    if (*id && **id)
        return LTX_OK;
    free(*id);
    free(*created_at);
    *id = *created_at = NULL;
    return LTX_EPROTOCOL;
}

/* Every string member of result, keys and URLs, in the answer's order. */
static int results_copy(json_t *result, ltx_job_doc *d)
{
    size_t n = json_object_size(result), i = 0;
    const char *key;
    json_t *v;

    if (!n)
        return LTX_OK;
    d->result_keys = calloc(n, sizeof(char *));
    d->result_urls = calloc(n, sizeof(char *));
    if (!d->result_keys || !d->result_urls)
        return LTX_ENOMEM;
    json_object_foreach(result, key, v) {
        if (!json_is_string(v) || i >= n)
            continue;
        d->result_keys[i] = ltx__strdup(key);
        d->result_urls[i] = ltx__strdup(json_string_value(v));
        if (!d->result_keys[i] || !d->result_urls[i]) {
            free(d->result_keys[i]);
            free(d->result_urls[i]);
            d->result_keys[i] = d->result_urls[i] = NULL; /* not counted in n_results */
            return LTX_ENOMEM;
        }
        d->n_results = ++i;
    }
    return LTX_OK;
}

/* The status document from the fast reader's spans: what the jansson path makes of it. */
static int status_from_scan(const ltx_scan *sc, ltx_job_doc *d)
{
    size_t n = sc->n_results, i = 0;

    memset(d, 0, sizeof(*d));
    if (!(d->status = span_dup(&sc->status)))
        return LTX_EPROTOCOL;
    d->created_at = span_dup(&sc->created_at);
    d->completed_at = span_dup(&sc->completed_at);
    if (sc->error_seen) {
        d->error_type = span_dup(&sc->error_type);
        d->error_message = span_dup(&sc->error_message);
    }
    if (!n)
        return LTX_OK;
    d->result_keys = calloc(n, sizeof(char *));
    d->result_urls = calloc(n, sizeof(char *));
    if (!d->result_keys || !d->result_urls) {
        ltx__job_doc_free(d);
        return LTX_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        if (!sc->result_urls[k].is_string)
            continue;
        d->result_keys[i] = span_dup(&sc->result_keys[k]);
        d->result_urls[i] = span_dup(&sc->result_urls[k]);
        if (!d->result_keys[i] || !d->result_urls[i]) {
            free(d->result_keys[i]);
            free(d->result_urls[i]);
            d->result_keys[i] = d->result_urls[i] = NULL; /* not counted in n_results */
            ltx__job_doc_free(d);
            return LTX_ENOMEM;
        }
        d->n_results = ++i;
    }
    return LTX_OK;
}

int ltx__job_status_parse(const char *body, size_t len, ltx_job_doc *d)
{
    ltx_scan sc;

    if (ltx__scan_answer(body, len, &sc))
        return status_from_scan(&sc, d);
    return ltx__job_status_parse_slow(body, len, d);
}

int ltx__job_status_parse_slow(const char *body, size_t len, ltx_job_doc *d)
{
    json_t *doc = load(body, len);
    json_t *result, *error;
    int rc = LTX_OK;

    memset(d, 0, sizeof(*d));
    d->status = dup_string(doc, "status");
    if (!d->status) {
        json_decref(doc);
        return LTX_EPROTOCOL;
    }
    d->created_at = dup_string(doc, "created_at");
    d->completed_at = dup_string(doc, "completed_at");
    result = json_object_get(doc, "result");
    if (json_is_object(result))
        rc = results_copy(result, d);
    error = json_object_get(doc, "error");
    if (json_is_object(error)) {
        d->error_type = dup_string(error, "type");
        d->error_message = dup_string(error, "message");
    }
    json_decref(doc);
    if (rc != LTX_OK)
        ltx__job_doc_free(d);
    return rc;
}

void ltx__job_doc_free(ltx_job_doc *d)
{
    free(d->status);
    free(d->created_at);
    free(d->completed_at);
    for (size_t i = 0; i < d->n_results; i++) {
        free(d->result_keys[i]);
        free(d->result_urls[i]);
    }
    free(d->result_keys);
    free(d->result_urls);
    free(d->error_type);
    free(d->error_message);
    memset(d, 0, sizeof(*d));
}

int ltx__upload_parse(const char *body, size_t len, ltx_upload_doc *d)
{
    json_t *doc = load(body, len);
    json_t *headers = json_object_get(doc, "required_headers");
    const char *key;
    json_t *v;
    size_t n = 0;
    int rc = LTX_EPROTOCOL;

    memset(d, 0, sizeof(*d));
    d->upload_url = dup_string(doc, "upload_url");
    d->storage_uri = dup_string(doc, "storage_uri");
    d->expires_at = dup_string(doc, "expires_at");
    if (!d->upload_url || !d->storage_uri || !json_is_object(headers))
        goto out;
    d->headers = calloc(json_object_size(headers) + 1, sizeof(char *));
    if (!d->headers)
        goto out;
    json_object_foreach(headers, key, v) {
        /* a name or value that could split the header block is not a header */
        if (!json_is_string(v) || strpbrk(key, "\r\n:") || strpbrk(json_string_value(v), "\r\n") ||
            !(d->headers[n] = ltx__printf("%s: %s", key, json_string_value(v))))
            goto out;
        n++;
    }
    rc = LTX_OK;
out:
    json_decref(doc);
    if (rc != LTX_OK)
        ltx__upload_doc_free(d);
    return rc;
}

void ltx__upload_doc_free(ltx_upload_doc *d)
{
    free(d->upload_url);
    free(d->storage_uri);
    free(d->expires_at);
    for (size_t i = 0; d->headers && d->headers[i]; i++)
        free(d->headers[i]);
    free(d->headers);
    memset(d, 0, sizeof(*d));
}
