/* lib/price.c — the price table (built-in rows from lib/prices.json, then user files) and the
 * estimate of a request's cost. The rules of which length a price is per live here; the
 * figures live in the data. */
#define _POSIX_C_SOURCE 200809L
#include "fields.h"
#include "pricing.h"
#include "request_int.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The largest price file read (a table of every endpoint, model and tier is a few KiB). */
#define PRICE_FILE_MAX (1024u * 1024u)
/* Frames per second at which a frame cap is turned into seconds: the lowest rate the API
 * produces, so that the capped length is the longest it can be (an upper bound). */
#define CAP_FPS 24

struct ltx_prices {
    ltx_price_row *rows;
    size_t n_rows;
    char date[11];
};

struct ltx_estimate {
    int known;
    int64_t micro_usd;
    char *basis;
    char *source;
    char *date;
};

/* ---------------------------------------------------------------- the table */
static void newer_date(ltx_prices *p, const char *date)
{
    if (strcmp(date, p->date) > 0)
        memcpy(p->date, date, sizeof(p->date));
}

/* Merge rows into the table: a row with the same key replaces the table's. Takes the rows
 * (frees them, on failure too). */
static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int merge(ltx_prices *p, ltx_price_row *rows, size_t n)
{
    ltx_price_row *grown;

    /* Nothing to merge is said first, so that the table is grown whenever the loop below runs:
     * gcc -fanalyzer cannot tell that a non-zero n_rows + n has kept the realloc. */
    if (n == 0) {
        ltx__price_rows_free(rows, n);
        return LTX_OK;
    }
    if (n > SIZE_MAX / sizeof(*grown) - p->n_rows ||
        !(grown = realloc(p->rows, (p->n_rows + n) * sizeof(*grown)))) {
        ltx__price_rows_free(rows, n);
        return LTX_ENOMEM;
    }
    p->rows = grown;
    /* rows[] is only read here, and each of its rows moves into the table whole: gcc
     * -fanalyzer cannot tell rows[i] from a rows[] element the loop wrote over before. */
    for (size_t i = 0; i < n; i++) {
        size_t j;

        for (j = 0; j < p->n_rows; j++)
            if (strcmp(p->rows[j].endpoint, rows[i].endpoint) == 0 &&
                same(p->rows[j].model, rows[i].model) && same(p->rows[j].tier, rows[i].tier))
                break;
        if (j < p->n_rows)
            ltx__price_row_clear(&p->rows[j]);
        else
            p->n_rows++;
        p->rows[j] = rows[i];
    }
    free(rows); /* the array only: its strings are the table's now */
    return LTX_OK;
}

LTX_API int ltx_prices_new(ltx_prices **out, ltx_error **err)
{
    ltx_price_row *rows = NULL;
    ltx_prices *p;
    size_t n = 0;
    char *date = NULL;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_prices_new: out is NULL");
    if (!(p = calloc(1, sizeof(*p))))
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    rc = ltx__prices_parse(ltx__prices_json, strlen(ltx__prices_json), "built-in price table",
                           &rows, &n, &date, err);
    if (rc != LTX_OK) {
        free(p);
        return rc;
    }
    memcpy(p->date, date, sizeof(p->date));
    free(date);
    if (merge(p, rows, n) != LTX_OK) {
        ltx_prices_free(p);
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    }
    *out = p;
    return LTX_OK;
}

LTX_API int ltx_prices_load_file(ltx_prices *prices, const char *path, ltx_error **err)
{
    ltx_price_row *rows = NULL;
    ltx_buf buf = {.limit = PRICE_FILE_MAX + 1};
    char chunk[4096], *date = NULL;
    size_t n = 0, got;
    FILE *f;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!prices || !path || !*path)
        return ltx__fail(err, LTX_EINVAL, "ltx_prices_load_file: %s is NULL",
                         prices ? "path" : "prices");
    if (!(f = fopen(path, "rb")))
        return ltx__fail(err, LTX_EIO, "cannot open %s: %s", path, strerror(errno));
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (ltx__buf_append(&buf, chunk, got) != LTX_OK) {
            fclose(f);
            ltx__buf_free(&buf);
            return ltx__fail(err, LTX_ENOMEM, "out of memory");
        }
    if (ferror(f)) {
        int saved = errno;

        fclose(f);
        ltx__buf_free(&buf);
        return ltx__fail(err, LTX_EIO, "cannot read %s: %s", path, strerror(saved));
    }
    fclose(f);
    if (buf.dropped || buf.len > PRICE_FILE_MAX) {
        ltx__buf_free(&buf);
        return ltx__fail(err, LTX_EINVAL, "%s: larger than %u bytes: not a price file", path,
                         PRICE_FILE_MAX);
    }
    rc = ltx__prices_parse(buf.data ? buf.data : "", buf.len, path, &rows, &n, &date, err);
    ltx__buf_free(&buf);
    if (rc != LTX_OK)
        return rc;
    if (merge(prices, rows, n) != LTX_OK) {
        free(date);
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    }
    newer_date(prices, date);
    free(date);
    return LTX_OK;
}

LTX_API void ltx_prices_free(ltx_prices *prices)
{
    if (!prices)
        return;
    ltx__price_rows_free(prices->rows, prices->n_rows);
    free(prices);
}

LTX_API const char *ltx_prices_date(const ltx_prices *prices)
{
    return prices ? prices->date : NULL;
}

/* The most specific row for the key: a row's model and tier, when it has them, must match;
 * a row naming the model beats one naming the tier, which beats one naming neither. */
static const ltx_price_row *lookup(const ltx_prices *p, const char *endpoint, const char *model,
                                   const char *tier)
{
    const ltx_price_row *best = NULL;
    int best_score = -1;

    for (size_t i = 0; i < p->n_rows; i++) {
        const ltx_price_row *r = &p->rows[i];
        int score;

        if (strcmp(r->endpoint, endpoint) != 0)
            continue;
        if (r->model && (!model || strcmp(r->model, model) != 0))
            continue;
        if (r->tier && (!tier || strcmp(r->tier, tier) != 0))
            continue;
        score = (r->model ? 2 : 0) + (r->tier ? 1 : 0);
        if (score > best_score) {
            best = r;
            best_score = score;
        }
    }
    return best;
}

/* ---------------------------------------------------------------- estimates */
/* The smallest tier a frame of w x h fits in, or NULL. */
static const char *tier_of(unsigned long w, unsigned long h)
{
    unsigned long s = w < h ? w : h, l = w < h ? h : w;

    if (s == 0)
        return NULL;
    if (s <= 720 && l <= 1280)
        return "720p";
    if (s <= 1080 && l <= 1920)
        return "1080p";
    if (s <= 1440 && l <= 2560)
        return "1440p";
    if (s <= 2160 && l <= 3840)
        return "4k";
    return NULL;
}

static const struct ltx_value *field(const ltx_request *req, const char *name)
{
    int slot = ltx__field_slot(name);

    return slot >= 0 ? &req->values[slot] : NULL;
}

/* A text field's value (a typed setter's, or a JSON string given to ltx_request_set_json()
 * that needs no unescaping), copied into buf; NULL when unset or not such a string. */
static const char *text_field(const ltx_request *req, const char *name, char *buf, size_t size)
{
    const struct ltx_value *v = field(req, name);
    size_t len;

    if (!v || !v->text)
        return NULL;
    if (v->kind == LTX_V_TEXT) {
        snprintf(buf, size, "%s", v->text);
        return buf;
    }
    len = strlen(v->text);
    if (v->kind == LTX_V_JSON && len >= 2 && len < size + 1 && v->text[0] == '"' &&
        v->text[len - 1] == '"' && !memchr(v->text, '\\', len)) {
        memcpy(buf, v->text + 1, len - 2);
        buf[len - 2] = '\0';
        return buf;
    }
    return NULL;
}

/* The model the request is priced as: its own, or the endpoint's documented default. */
static const char *model_of(const ltx_request *req, char *buf, size_t size)
{
    const ltx_field *rule;
    size_t len;

    if (text_field(req, "model", buf, size))
        return buf;
    rule = ltx__field_rule("model", req->endpoint);
    if (!rule || !rule->def || (len = strlen(rule->def)) < 2 || len > size + 1)
        return NULL;
    memcpy(buf, rule->def + 1, len - 2); /* the default is JSON text: "\"ltx-2-3-pro\"" */
    buf[len - 2] = '\0';
    return buf;
}

/* A number field's value, typed or given as JSON text ("6"). */
static int number_of(const struct ltx_value *v, double *out)
{
    char *end;

    if (!v)
        return 0;
    if (v->kind == LTX_V_NUMBER) {
        *out = v->number;
        return 1;
    }
    if (v->kind != LTX_V_JSON || !v->text)
        return 0;
    errno = 0;
    *out = strtod(v->text, &end);
    return end != v->text && !*end && errno == 0 && isfinite(*out);
}

static const char *tier_of_resolution(const char *res)
{
    unsigned long w, h;
    char x, end;

    if (!res || sscanf(res, "%lu%c%lu%c", &w, &x, &h, &end) != 3 || x != 'x')
        return NULL;
    return tier_of(w, h);
}

/* A media field's local length (and the input's tier when it can be told). *why says why not. */
typedef struct {
    int known;
    int64_t ms;
    const char *tier;
    char *why; /* allocated */
} input_len;

static void input_length(const ltx_request *req, int media, input_len *in)
{
    const char *name = ltx__media_field_name(media);
    const char *path = req->input_files[media];
    ltx_error *e = NULL;
    ltx_media_info info;

    memset(in, 0, sizeof(*in));
    if (!path) {
        const struct ltx_value *v = field(req, name);

        in->why = v && v->kind != LTX_V_UNSET
                      ? ltx__printf("%s is a remote URI, whose length cannot be read here", name)
                      : ltx__printf("%s is not set", name);
        return;
    }
    if (ltx__media_probe_file(&info, path, &e) != LTX_OK) {
        in->why = ltx__strdup(e ? ltx_error_message(e) : "out of memory");
        ltx_error_free(e);
        return;
    }
    in->known = 1;
    in->ms = info.duration_ms;
    in->tier = tier_of(info.width, info.height);
}

static int is_set(const ltx_request *req, int media)
{
    const struct ltx_value *v = field(req, ltx__media_field_name(media));

    return req->input_files[media] || (v && v->kind != LTX_V_UNSET);
}

/* "12.5" for 12500 ms, "6" for 6000. */
static void seconds_text(char *buf, size_t size, int64_t ms)
{
    if (ms % 1000 == 0)
        snprintf(buf, size, "%" PRId64, ms / 1000);
    else if (ms % 100 == 0)
        snprintf(buf, size, "%" PRId64 ".%01" PRId64, ms / 1000, ms % 1000 / 100);
    else if (ms % 10 == 0)
        snprintf(buf, size, "%" PRId64 ".%02" PRId64, ms / 1000, ms % 1000 / 10);
    else
        snprintf(buf, size, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
}

/* "$0.06" for 60000 micro-dollars, "$0.125" for 125000, "$2" for 2000000. */
static void usd_text(char *buf, size_t size, int64_t micro)
{
    char frac[8];
    int len;

    snprintf(frac, sizeof(frac), "%06" PRId64, micro % 1000000);
    for (len = 6; len > 2 && frac[len - 1] == '0'; len--)
        ;
    frac[len] = '\0';
    snprintf(buf, size, "$%" PRId64 ".%s", micro / 1000000, frac);
}

static int estimate_new(ltx_estimate **out, int known, int64_t micro, char *basis,
                        const char *source, const char *date, ltx_error **err)
{
    ltx_estimate *e = calloc(1, sizeof(*e));

    if (!e || !basis || !(e->date = ltx__strdup(date)) ||
        (source && !(e->source = ltx__strdup(source)))) {
        if (e) {
            free(e->date);
            free(e);
        }
        free(basis);
        return ltx__fail(err, LTX_ENOMEM, "out of memory");
    }
    e->known = known;
    e->micro_usd = known ? micro : -1;
    e->basis = basis;
    *out = e;
    return LTX_OK;
}

/* What an estimate is worked out from. A step that finds the price cannot be known stores
 * why (allocated) and answers 0. */
typedef struct {
    const ltx_request *req;
    const char *endpoint;
    int media;    /* the input whose length or size the price may need, or -1 */
    input_len in; /* that input's length and tier */
    const char *model, *tier;
    char model_buf[128], res_buf[64];
    int64_t ms;       /* the length billed */
    int64_t base_ms;  /* extend: the output part of it; -1 otherwise */
    const char *what; /* " of input video" */
    char context_note[64], cap_note[128];
    char *why;
} est_work;

static const char *in_why(const est_work *w)
{
    return w->in.why ? w->in.why : "out of memory";
}

static int input_media(const ltx_request *req)
{
    switch (req->endpoint) {
    case LTX_ENDPOINT_AUDIO_TO_VIDEO: return LTX_MEDIA_AUDIO;
    case LTX_ENDPOINT_RETAKE:
    case LTX_ENDPOINT_EXTEND:
    case LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR:
    case LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME: return LTX_MEDIA_VIDEO;
    default:
        if (is_set(req, LTX_MEDIA_VIDEO))
            return LTX_MEDIA_VIDEO;
        return is_set(req, LTX_MEDIA_AUDIO) ? LTX_MEDIA_AUDIO : -1;
    }
}

/* The resolution tier the price is for. */
static int find_tier(est_work *w)
{
    const char *res = text_field(w->req, "resolution", w->res_buf, sizeof(w->res_buf));

    switch (w->req->endpoint) {
    case LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR:
        /* priced by the input's tier; inputs are snapped to 1080p, 1440p or 4K */
        w->tier = w->in.tier && strcmp(w->in.tier, "720p") == 0 ? "1080p" : w->in.tier;
        break;
    case LTX_ENDPOINT_EXTEND:
        /* the output keeps the input's resolution */
        w->tier = tier_of_resolution(res);
        if (!w->tier)
            w->tier = w->in.tier;
        break;
    case LTX_ENDPOINT_AUDIO_TO_VIDEO:
    case LTX_ENDPOINT_RETAKE:
        /* without a resolution the output is 1920x1080 or 1080x1920 */
        w->tier = res ? tier_of_resolution(res) : "1080p";
        return 1;
    default: w->tier = tier_of_resolution(res); return 1;
    }
    if (w->tier)
        return 1;
    w->why = w->in.known ? ltx__printf("the frame size of %s could not be read from its header",
                                       w->req->input_files[w->media])
                         : ltx__printf("%s: the %s price depends on the input's resolution",
                                       in_why(w), w->endpoint);
    return 0;
}

/* The table's row for the request, or NULL. */
static const ltx_price_row *find_row(est_work *w, const ltx_prices *p)
{
    const ltx_price_row *row = lookup(p, w->endpoint, w->model, w->tier);
    const char *on = w->model ? " on " : "", *model = w->model ? w->model : "";

    if (!row) {
        const char *res = w->tier ? w->tier : w->res_buf[0] ? w->res_buf : NULL;

        w->why = ltx__printf("no published price for %s%s%s%s%s", w->endpoint, on, model,
                             res ? " at " : "", res ? res : "");
        return NULL;
    }
    if (row->micro_usd < 0) {
        w->why =
            ltx__printf("the price of %s%s%s is not known (%s%s%s)", w->endpoint, on, model,
                        row->source, row->comment ? ": " : "", row->comment ? row->comment : "");
        return NULL;
    }
    return row;
}

/* A length in seconds from a number field: unset, automatic or out of range is unknown. */
static int seconds_field(est_work *w, const char *name, int64_t *ms)
{
    const struct ltx_value *v = field(w->req, name);
    double seconds;

    if (v && (v->kind == LTX_V_NULL || (v->kind == LTX_V_JSON && strcmp(v->text, "null") == 0))) {
        w->why = ltx__printf("%s is automatic (null): the length is not known before the job "
                             "ends, and credits are held against the maximum duration",
                             name);
        return 0;
    }
    if (!number_of(v, &seconds) || !(seconds >= 0 && seconds < 1e9)) {
        w->why = ltx__printf("no %s is set as a number of seconds", name);
        return 0;
    }
    *ms = llround(seconds * 1000);
    return 1;
}

/* extend: the context used, added to the duration. */
static int add_context(est_work *w)
{
    const struct ltx_value *ctx = field(w->req, "context");
    char secs[24];
    int64_t ctx_ms;

    if (ctx && ctx->kind != LTX_V_UNSET) {
        if (!seconds_field(w, "context", &ctx_ms))
            return 0;
        if (w->in.known && w->in.ms < ctx_ms)
            ctx_ms = w->in.ms;
    } else if (w->in.known) {
        /* "as much as fits": the input, at most 20 s (the cap bounds the sum) */
        ctx_ms = w->in.ms < 20000 ? w->in.ms : 20000;
    } else {
        w->why = ltx__printf("%s, and the context used depends on its length", in_why(w));
        return 0;
    }
    seconds_text(secs, sizeof(secs), ctx_ms);
    snprintf(w->context_note, sizeof(w->context_note), " + %s s of context", secs);
    w->base_ms = w->ms;
    w->ms += ctx_ms;
    return 1;
}

/* The length the row's price is per, capped by the row, in w->ms. */
static int billed_length(est_work *w, const ltx_price_row *row)
{
    int want = row->unit == LTX_UNIT_INPUT_AUDIO_SECOND ? LTX_MEDIA_AUDIO : LTX_MEDIA_VIDEO;

    switch (row->unit) {
    case LTX_UNIT_OUTPUT_SECOND:
        if (!seconds_field(w, "duration", &w->ms))
            return 0;
        break;
    case LTX_UNIT_OUTPUT_AND_CONTEXT_SECOND:
        if (!seconds_field(w, "duration", &w->ms) || !add_context(w))
            return 0;
        break;
    default: /* per second of an input */
        if (w->media != want) {
            w->why = ltx__printf("the price is per second of %s, which this request does not "
                                 "have",
                                 ltx__media_field_name(want));
            return 0;
        }
        if (!w->in.known) {
            w->why = ltx__strdup(in_why(w));
            return 0;
        }
        w->ms = w->in.ms;
        w->what = want == LTX_MEDIA_AUDIO ? " of input audio" : " of input video";
    }
    if (row->max_billed_frames > 0 && w->ms > row->max_billed_frames * 1000 / CAP_FPS) {
        char secs[24];

        w->ms = row->max_billed_frames * 1000 / CAP_FPS;
        seconds_text(secs, sizeof(secs), w->ms);
        snprintf(w->cap_note, sizeof(w->cap_note), ", capped at %" PRId64 " frames at %d fps: %s s",
                 row->max_billed_frames, CAP_FPS, secs);
    }
    if (w->ms > 0 && row->micro_usd > (INT64_MAX - 500) / w->ms) {
        w->why = ltx__strdup("the estimate is too large to count");
        return 0;
    }
    return 1;
}

static int known_estimate(ltx_estimate **out, const est_work *w, const ltx_price_row *row,
                          ltx_error **err)
{
    char secs[24], per[32], parts[256];

    seconds_text(secs, sizeof(secs), w->base_ms >= 0 ? w->base_ms : w->ms);
    usd_text(per, sizeof(per), row->micro_usd);
    snprintf(parts, sizeof(parts), "%s%s%s%s%s", w->model ? w->model : "", w->model ? ", " : "",
             w->tier ? w->tier : "", w->tier ? ", " : "", w->endpoint);
    return estimate_new(out, 1, (row->micro_usd * w->ms + 500) / 1000,
                        ltx__printf("%s s%s%s%s x %s/s (%s)", secs, w->what, w->context_note,
                                    w->cap_note, per, parts),
                        row->source, row->date, err);
}

LTX_API int ltx_request_estimate_cost(ltx_estimate **out, const ltx_request *req,
                                      const ltx_prices *prices, ltx_error **err)
{
    est_work w = {.req = req, .base_ms = -1, .what = ""};
    const ltx_price_row *row;
    ltx_prices *builtin = NULL;
    const ltx_prices *p = prices;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!out || !req)
        return ltx__fail(err, LTX_EINVAL, "ltx_request_estimate_cost: %s is NULL",
                         out ? "req" : "out");
    if ((rc = ltx_request_validate(req, err)) != LTX_OK)
        return rc;
    if (!p) {
        if ((rc = ltx_prices_new(&builtin, err)) != LTX_OK)
            return rc;
        p = builtin;
    }
    w.endpoint = ltx__request_endpoint_name(req);
    w.model = model_of(req, w.model_buf, sizeof(w.model_buf));
    if ((w.media = input_media(req)) >= 0)
        input_length(req, w.media, &w.in);
    if (find_tier(&w) && (row = find_row(&w, p)) && billed_length(&w, row))
        rc = known_estimate(out, &w, row, err);
    else
        rc = estimate_new(out, 0, -1, w.why, NULL, p->date, err); /* takes why */
    free(w.in.why);
    ltx_prices_free(builtin);
    return rc;
}

LTX_API void ltx_estimate_free(ltx_estimate *estimate)
{
    if (!estimate)
        return;
    free(estimate->basis);
    free(estimate->source);
    free(estimate->date);
    free(estimate);
}

LTX_API int ltx_estimate_known(const ltx_estimate *estimate)
{
    return estimate ? estimate->known : 0;
}

LTX_API int64_t ltx_estimate_micro_usd(const ltx_estimate *estimate)
{
    return estimate ? estimate->micro_usd : -1;
}

LTX_API const char *ltx_estimate_basis(const ltx_estimate *estimate)
{
    return estimate ? estimate->basis : NULL;
}

LTX_API const char *ltx_estimate_source(const ltx_estimate *estimate)
{
    return estimate && estimate->known ? estimate->source : NULL;
}

LTX_API const char *ltx_estimate_date(const ltx_estimate *estimate)
{
    return estimate ? estimate->date : NULL;
}
