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
    ltx_price_row *grown = NULL;

    if (n > SIZE_MAX / sizeof(*grown) - p->n_rows ||
        (p->n_rows + n && !(grown = realloc(p->rows, (p->n_rows + n) * sizeof(*grown))))) {
        ltx__price_rows_free(rows, n);
        return LTX_ENOMEM;
    }
    if (grown)
        p->rows = grown;
    for (size_t i = 0; i < n; i++) {
        size_t j;

        for (j = 0; j < p->n_rows; j++)
            if (strcmp(p->rows[j].endpoint, rows[i].endpoint) == 0 &&
                same(p->rows[j].model, rows[i].model) && same(p->rows[j].tier, rows[i].tier))
                break;
        if (j < p->n_rows) {
            ltx_price_row old = p->rows[j];

            p->rows[j] = rows[i];
            rows[i] = old; /* freed below */
        } else {
            p->rows[p->n_rows++] = rows[i];
            memset(&rows[i], 0, sizeof(rows[i]));
        }
    }
    ltx__price_rows_free(rows, n);
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

#define WHY (in.why ? in.why : "out of memory")
#define UNKNOWN(...) estimate_new(out, 0, -1, ltx__printf(__VA_ARGS__), NULL, p->date, err)

LTX_API int ltx_request_estimate_cost(ltx_estimate **out, const ltx_request *req,
                                      const ltx_prices *prices, ltx_error **err)
{
    const char *endpoint, *model, *tier = NULL, *what;
    char model_buf[128], res_buf[64], secs[24], per[32], cap_note[128] = "", context_note[64] = "",
         parts[256];
    const struct ltx_value *duration;
    const ltx_price_row *row;
    ltx_prices *builtin = NULL;
    const ltx_prices *p = prices;
    input_len in = {0};
    int64_t ms = 0, base_ms = -1, micro;
    double seconds;
    int rc, media = -1;

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
    endpoint = ltx__request_endpoint_name(req);
    model = model_of(req, model_buf, sizeof(model_buf));

    /* the input whose length or size the price may need */
    switch (req->endpoint) {
    case LTX_ENDPOINT_AUDIO_TO_VIDEO: media = LTX_MEDIA_AUDIO; break;
    case LTX_ENDPOINT_RETAKE:
    case LTX_ENDPOINT_EXTEND:
    case LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR:
    case LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME: media = LTX_MEDIA_VIDEO; break;
    default:
        if (is_set(req, LTX_MEDIA_VIDEO))
            media = LTX_MEDIA_VIDEO;
        else if (is_set(req, LTX_MEDIA_AUDIO))
            media = LTX_MEDIA_AUDIO;
    }
    if (media >= 0)
        input_length(req, media, &in);

    /* the resolution tier the price is for */
    switch (req->endpoint) {
    case LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR:
        /* priced by the input's tier; inputs are snapped to 1080p, 1440p or 4K */
        tier = in.tier && strcmp(in.tier, "720p") == 0 ? "1080p" : in.tier;
        if (!tier) {
            rc = in.known ? UNKNOWN("the frame size of %s could not be read from its header",
                                    req->input_files[media])
                          : UNKNOWN("%s: the HDR price depends on the input's resolution", WHY);
            goto done;
        }
        break;
    case LTX_ENDPOINT_EXTEND:
        /* the output keeps the input's resolution */
        tier = tier_of_resolution(text_field(req, "resolution", res_buf, sizeof(res_buf)));
        if (!tier)
            tier = in.tier;
        if (!tier) {
            rc = in.known ? UNKNOWN("the frame size of %s could not be read from its header",
                                    req->input_files[media])
                          : UNKNOWN("%s: the extend price depends on the input's resolution",
                                    WHY);
            goto done;
        }
        break;
    case LTX_ENDPOINT_AUDIO_TO_VIDEO:
    case LTX_ENDPOINT_RETAKE:
        /* without a resolution the output is 1920x1080 or 1080x1920 */
        tier = tier_of_resolution(text_field(req, "resolution", res_buf, sizeof(res_buf)));
        if (!text_field(req, "resolution", res_buf, sizeof(res_buf)))
            tier = "1080p";
        break;
    default:
        tier = tier_of_resolution(text_field(req, "resolution", res_buf, sizeof(res_buf)));
    }

    row = lookup(p, endpoint, model, tier);
    if (!row) {
        const char *res = tier ? tier : text_field(req, "resolution", res_buf, sizeof(res_buf));

        rc = UNKNOWN("no published price for %s%s%s%s%s", endpoint, model ? " on " : "",
                     model ? model : "", res ? " at " : "", res ? res : "");
        goto done;
    }
    if (row->micro_usd < 0) {
        rc = UNKNOWN("the price of %s%s%s is not known (%s%s%s)", endpoint,
                     model ? " on " : "", model ? model : "", row->source,
                     row->comment ? ": " : "", row->comment ? row->comment : "");
        goto done;
    }

    /* the length the price is per */
    duration = field(req, "duration");
    switch (row->unit) {
    case LTX_UNIT_OUTPUT_SECOND:
    case LTX_UNIT_OUTPUT_AND_CONTEXT_SECOND:
        if (duration && (duration->kind == LTX_V_NULL ||
                         (duration->kind == LTX_V_JSON && strcmp(duration->text, "null") == 0))) {
            rc = UNKNOWN("duration is automatic (null): the length is not known before the "
                         "job ends, and credits are held against the maximum duration");
            goto done;
        }
        if (!number_of(duration, &seconds)) {
            rc = UNKNOWN("no duration is set as a number");
            goto done;
        }
        if (!(seconds >= 0 && seconds < 1e9)) {
            rc = UNKNOWN("duration %g is out of range", seconds);
            goto done;
        }
        ms = llround(seconds * 1000);
        what = "";
        if (row->unit == LTX_UNIT_OUTPUT_AND_CONTEXT_SECOND) {
            const struct ltx_value *ctx = field(req, "context");
            int64_t ctx_ms;

            if (number_of(ctx, &seconds) && seconds >= 0 && seconds < 1e9) {
                ctx_ms = llround(seconds * 1000);
                if (in.known && in.ms < ctx_ms)
                    ctx_ms = in.ms;
            } else if (in.known) {
                /* "as much as fits": the input, at most 20 s (the cap below bounds the sum) */
                ctx_ms = in.ms < 20000 ? in.ms : 20000;
            } else {
                rc = UNKNOWN("%s, and the context used depends on its length", WHY);
                goto done;
            }
            seconds_text(secs, sizeof(secs), ctx_ms);
            snprintf(context_note, sizeof(context_note), " + %s s of context", secs);
            base_ms = ms;
            ms += ctx_ms;
        }
        break;
    case LTX_UNIT_INPUT_AUDIO_SECOND:
    case LTX_UNIT_INPUT_VIDEO_SECOND: {
        int want = row->unit == LTX_UNIT_INPUT_AUDIO_SECOND ? LTX_MEDIA_AUDIO : LTX_MEDIA_VIDEO;

        if (media != want) {
            rc = UNKNOWN("the price is per second of %s, which this request does not have",
                         ltx__media_field_name(want));
            goto done;
        }
        if (!in.known) {
            rc = UNKNOWN("%s", WHY);
            goto done;
        }
        ms = in.ms;
        what = want == LTX_MEDIA_AUDIO ? " of input audio" : " of input video";
        break;
    }
    default:
        rc = UNKNOWN("a price row of an unknown unit");
        goto done;
    }
    if (row->max_billed_frames > 0) {
        int64_t cap_ms = row->max_billed_frames * 1000 / CAP_FPS;

        if (ms > cap_ms) {
            ms = cap_ms;
            seconds_text(secs, sizeof(secs), ms);
            snprintf(cap_note, sizeof(cap_note), ", capped at %" PRId64 " frames at %d fps: %s s",
                     row->max_billed_frames, CAP_FPS, secs);
        }
    }
    if (ms > 0 && row->micro_usd > INT64_MAX / ms) {
        rc = UNKNOWN("the estimate is too large to count");
        goto done;
    }
    micro = (row->micro_usd * ms + 500) / 1000;
    seconds_text(secs, sizeof(secs), base_ms >= 0 ? base_ms : ms);
    usd_text(per, sizeof(per), row->micro_usd);
    snprintf(parts, sizeof(parts), "%s%s%s%s%s", model ? model : "", model ? ", " : "",
             tier ? tier : "", tier ? ", " : "", endpoint);
    rc = estimate_new(out, 1, micro,
                      ltx__printf("%s s%s%s%s x %s/s (%s)", secs, what, context_note, cap_note, per,
                                  parts),
                      row->source, row->date, err);
done:
    free(in.why);
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
