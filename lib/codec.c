/* lib/codec.c — the JSON layer over jansson; the only library file that includes <jansson.h>. */
#define _POSIX_C_SOURCE 200809L
#include "codec.h"
#include "fields.h"
#include "pricing.h"
#include "request_int.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
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
    for (size_t i = 0; i < d->n_results; i++) { /* either array may be short of memory */
        if (d->result_keys)
            free(d->result_keys[i]);
        if (d->result_urls)
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

/* ---------------------------------------------------------------- price files (ltx-prices(5)) */

static const char *const price_units[] = {
    [LTX_UNIT_OUTPUT_SECOND] = "output_second",
    [LTX_UNIT_INPUT_AUDIO_SECOND] = "input_audio_second",
    [LTX_UNIT_INPUT_VIDEO_SECOND] = "input_video_second",
    [LTX_UNIT_OUTPUT_AND_CONTEXT_SECOND] = "output_and_context_second",
};
static const char *const price_tiers[] = {"720p", "1080p", "1440p", "4k", NULL};

#define PRICE_TEXT_MAX 200 /* characters of a source, comment or model */

int ltx__date_ok(const char *s)
{
    int month, day;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    month = (s[5] - '0') * 10 + (s[6] - '0');
    day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

void ltx__price_row_clear(ltx_price_row *row)
{
    free(row->endpoint);
    free(row->model);
    free(row->tier);
    free(row->source);
    free(row->date);
    free(row->since);
    free(row->comment);
    memset(row, 0, sizeof(*row));
}

void ltx__price_rows_free(ltx_price_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        ltx__price_row_clear(&rows[i]);
    free(rows);
}

/* Printable text of at most PRICE_TEXT_MAX characters, without control characters. */
static int price_text_ok(const char *s)
{
    long n = ltx__utf8_length(s);

    if (n < 1 || n > PRICE_TEXT_MAX)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* Fail with "<origin>: row N (endpoint model tier): <field>: <text>". */
static int price_fail(ltx_error **err, const char *origin, size_t row, const json_t *jrow,
                      const char *field, const char *text)
{
    const char *ep = json_string_value(json_object_get(jrow, "endpoint"));
    const char *model = json_string_value(json_object_get(jrow, "model"));
    const char *tier = json_string_value(json_object_get(jrow, "resolution"));
    char *e_ep = ltx__escape(ep ? ep : "?", 64), *e_model = ltx__escape(model ? model : "", 64);
    char *e_tier = ltx__escape(tier ? tier : "", 16);
    int rc = ltx__fail_field(err, LTX_EINVAL, field, "%s: row %zu (%s%s%s%s%s): %s: %s", origin,
                             row + 1, e_ep ? e_ep : "?", model ? " " : "",
                             model && e_model ? e_model : "", tier ? " " : "",
                             tier && e_tier ? e_tier : "", field, text);

    free(e_ep);
    free(e_model);
    free(e_tier);
    /* never LTX_OK (LTX_EINVAL, or LTX_ENOMEM), said outright: scan-build cannot see into
     * ltx__fail_field() and would go on with a row that failed */
    return rc != LTX_OK ? rc : LTX_EINVAL;
}

/* One row being read, for the messages. */
typedef struct {
    json_t *jrow;
    size_t i;
    const char *origin;
    ltx_error **err;
} price_ctx;

static int row_fail(const price_ctx *c, const char *field, const char *text)
{
    return price_fail(c->err, c->origin, c->i, c->jrow, field, text);
}

static int row_copy(const price_ctx *c, char **slot, const char *s)
{
    return (*slot = ltx__strdup(s)) ? LTX_OK : ltx__fail(c->err, LTX_ENOMEM, "out of memory");
}

/* Every member is one of the format's. */
static int row_members(const price_ctx *c)
{
    static const char *const members[] = {"endpoint", "model", "resolution", "unit",
                                          "usd_per_unit", "max_billed_frames", "source", "date",
                                          "since", "comment", NULL};
    const char *key;
    json_t *v;
    int k, rc;

    json_object_foreach(c->jrow, key, v) {
        for (k = 0; members[k] && strcmp(members[k], key) != 0; k++)
            ;
        if (!members[k]) {
            char *e = ltx__escape(key, 64);

            rc = row_fail(c, e ? e : "?",
                          "not a member of a price row (endpoint, model, resolution, unit, "
                          "usd_per_unit, max_billed_frames, source, date, since, comment)");
            free(e);
            return rc;
        }
    }
    return LTX_OK;
}

/* An optional text member of 1 to PRICE_TEXT_MAX characters. */
static int row_text(const price_ctx *c, const char *key, char **slot, const char *rule)
{
    json_t *v = json_object_get(c->jrow, key);

    if (!v)
        return LTX_OK;
    if (!json_is_string(v) || !price_text_ok(json_string_value(v)))
        return row_fail(c, key, rule);
    return row_copy(c, slot, json_string_value(v));
}

/* An optional date member. */
static int row_date(const price_ctx *c, const char *key, char **slot)
{
    json_t *v = json_object_get(c->jrow, key);

    if (!v)
        return LTX_OK;
    if (!ltx__date_ok(json_string_value(v)))
        return row_fail(c, key, "a date \"YYYY-MM-DD\"");
    return row_copy(c, slot, json_string_value(v));
}

/* One of a NULL-terminated list of names, or -1. */
static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t k = 0; s && k < n && names[k]; k++)
        if (strcmp(names[k], s) == 0)
            return (int)k;
    return -1;
}

static int row_key(const price_ctx *c, ltx_price_row *r)
{
    const char *s = json_string_value(json_object_get(c->jrow, "endpoint"));
    json_t *tier = json_object_get(c->jrow, "resolution");
    int rc;

    if (!s || !ltx__endpoint_name_ok(s))
        return row_fail(c, "endpoint", "required: an endpoint name such as \"text-to-video\"");
    if ((rc = row_copy(c, &r->endpoint, s)) != LTX_OK ||
        (rc = row_text(c, "model", &r->model, "a model id (leave it out for any model)")) != LTX_OK)
        return rc;
    if (!tier)
        return LTX_OK;
    if (name_index(price_tiers, 4, json_string_value(tier)) < 0)
        return row_fail(c, "resolution",
                        "one of \"720p\", \"1080p\", \"1440p\", \"4k\" (leave it out for any)");
    return row_copy(c, &r->tier, json_string_value(tier));
}

static int row_price(const price_ctx *c, ltx_price_row *r)
{
    json_t *v = json_object_get(c->jrow, "usd_per_unit");
    double usd = json_number_value(v);

    r->unit = name_index(price_units, sizeof(price_units) / sizeof(price_units[0]),
                         json_string_value(json_object_get(c->jrow, "unit")));
    if (r->unit < 0)
        return row_fail(c, "unit", "required: \"output_second\", \"input_audio_second\", "
                                   "\"input_video_second\" or \"output_and_context_second\"");
    if (json_is_null(v))
        r->micro_usd = -1; /* the price is not known */
    else if (json_is_number(v) && isfinite(usd) && usd >= 0 &&
             usd * 1e6 <= (double)LTX_PRICE_MAX_MICRO_USD)
        r->micro_usd = (int64_t)llround(usd * 1e6);
    else
        return row_fail(c, "usd_per_unit", "required: a number of US dollars from 0 to 1000, "
                                           "or null for a price that is not known");
    if (!(v = json_object_get(c->jrow, "max_billed_frames")))
        return LTX_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000)
        return row_fail(c, "max_billed_frames", "an integer from 1 to 1000000");
    r->max_billed_frames = (int64_t)json_integer_value(v);
    return LTX_OK;
}

static int price_row_parse(json_t *jrow, size_t i, const char *origin, const char *file_date,
                           ltx_price_row *r, ltx_error **err)
{
    static const char *const text_rule = "text of 1 to 200 characters";
    price_ctx c = {jrow, i, origin, err};
    int rc;

    if (!json_is_object(jrow))
        return row_fail(&c, "row", "must be an object");
    if ((rc = row_members(&c)) != LTX_OK || (rc = row_key(&c, r)) != LTX_OK ||
        (rc = row_price(&c, r)) != LTX_OK ||
        (rc = row_text(&c, "source", &r->source, text_rule)) != LTX_OK ||
        (rc = row_date(&c, "date", &r->date)) != LTX_OK ||
        (rc = row_date(&c, "since", &r->since)) != LTX_OK ||
        (rc = row_text(&c, "comment", &r->comment, text_rule)) != LTX_OK)
        return rc;
    if (!r->source && !(r->source = ltx__printf("price file %s", origin)))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    return r->date ? LTX_OK : row_copy(&c, &r->date, file_date);
}

static int same_key(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Row i's key (endpoint, model, tier) is not an earlier row's. */
static int price_row_unique(const ltx_price_row *rows, size_t i, const char *origin,
                            json_t *jrow, ltx_error **err)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(rows[j].endpoint, rows[i].endpoint) == 0 &&
            same_key(rows[j].model, rows[i].model) && same_key(rows[j].tier, rows[i].tier)) {
            char why[80];

            snprintf(why, sizeof(why), "the same endpoint, model and resolution as row %zu",
                     j + 1);
            return price_fail(err, origin, i, jrow, "row", why);
        }
    return LTX_OK;
}

/* The members of a price file besides its rows. */
static int price_file_header(json_t *root, const char *origin, ltx_error **err)
{
    static const char *const members[] = {"version", "date", "currency", "rows", "comment",
                                          NULL};
    const char *key;
    json_t *v;

    json_object_foreach(root, key, v) {
        if (name_index(members, 5, key) < 0) {
            char *e = ltx__escape(key, 64);
            int rc = ltx__fail_field(err, LTX_EINVAL, e, "%s: %s: not a member of a price file "
                                     "(version, date, currency, rows, comment)", origin,
                                     e ? e : "?");

            free(e);
            return rc;
        }
    }
    v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return ltx__fail_field(err, LTX_EINVAL, "version", "%s: version: required, and 1",
                               origin);
    if (!ltx__date_ok(json_string_value(json_object_get(root, "date"))))
        return ltx__fail_field(err, LTX_EINVAL, "date",
                               "%s: date: required, a date \"YYYY-MM-DD\"", origin);
    v = json_object_get(root, "currency");
    if (v && (!json_is_string(v) || strcmp(json_string_value(v), "USD") != 0))
        return ltx__fail_field(err, LTX_EINVAL, "currency", "%s: currency: only \"USD\" is known",
                               origin);
    v = json_object_get(root, "comment");
    if (v && !json_is_string(v))
        return ltx__fail_field(err, LTX_EINVAL, "comment", "%s: comment: must be text", origin);
    return LTX_OK;
}

int ltx__prices_parse(const char *text, size_t len, const char *origin, ltx_price_row **rows_out,
                      size_t *n_out, char **date_out, ltx_error **err)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *rows;
    ltx_price_row *out = NULL;
    const char *date;
    size_t n = 0, count;
    int rc = LTX_OK;

    if (!root) {
        char *e = ltx__escape(jerr.text, 120);

        rc = ltx__fail(err, LTX_EINVAL, "%s: line %d, column %d: not valid JSON: %s", origin,
                       jerr.line, jerr.column, e ? e : "");
        free(e);
        return rc;
    }
    if (!json_is_object(root)) {
        rc = ltx__fail(err, LTX_EINVAL, "%s: must be a JSON object", origin);
        goto done;
    }
    if ((rc = price_file_header(root, origin, err)) != LTX_OK)
        goto done;
    date = json_string_value(json_object_get(root, "date"));
    rows = json_object_get(root, "rows");
    if (!json_is_array(rows) || json_array_size(rows) > 10000) {
        rc = ltx__fail_field(err, LTX_EINVAL, "rows", "%s: rows: required, an array of at most "
                             "10000 price rows", origin);
        goto done;
    }
    /* the size read once: scan-build cannot tell that json_array_size() gives the same answer
     * each time, and would walk the loop with no array allocated */
    count = json_array_size(rows);
    if (count && !(out = calloc(count, sizeof(*out)))) {
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *jrow = json_array_get(rows, i);

        n = i + 1;
        if ((rc = price_row_parse(jrow, i, origin, date, &out[i], err)) != LTX_OK)
            goto done;
        if ((rc = price_row_unique(out, i, origin, jrow, err)) != LTX_OK)
            goto done;
    }
    if (!(*date_out = ltx__strdup(date))) {
        rc = ltx__fail(err, LTX_ENOMEM, "out of memory");
        goto done;
    }
    *rows_out = out;
    *n_out = count;
    out = NULL;
done:
    ltx__price_rows_free(out, n);
    json_decref(root);
    return rc;
}
