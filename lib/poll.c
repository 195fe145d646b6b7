/* lib/poll.c — when to poll a job next: fixed, or adaptive with run times learned per kind. */
#define _POSIX_C_SOURCE 200809L
#include "schedule.h"
#include "client_int.h"
#include "job_int.h"
#include "jobops.h"
#include "request_int.h"

#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return b ? (a + b - 1) / b : a;
}

/* Without history: 1 s after acceptance, then steps of twice the elapsed time up to the cap. */
static uint64_t delay_fresh(const ltx_poll_in *in, uint64_t cap)
{
    uint64_t t = in->elapsed_ms, first = cap < 1000 ? cap : 1000;

    if (in->polls == 0)
        return t >= first ? 0 : first - t;
    return clamp_u64(2 * t, first, cap);
}

/* With history: sparse polls up to the window [a, b], dense polls in it, backing off after. */
static uint64_t delay_learned(const ltx_poll_in *in, uint64_t cap)
{
    uint64_t lo = UINT64_MAX, hi = 0, pad, a, b, width, step, budget, steps, sparse,
             longest = 4 * cap, min_step = cap < LTX_POLL_MIN_STEP_MS ? cap : LTX_POLL_MIN_STEP_MS,
             t = in->elapsed_ms;

    for (size_t i = 0; i < in->n_history; i++) {
        if (in->history[i] < lo)
            lo = in->history[i];
        if (in->history[i] > hi)
            hi = in->history[i];
    }
    /* the margin: the gap expected between the ends seen and the next job's (the spread over
     * n - 1 for n ends drawn from one range), and a wide one while fewer than three are known */
    pad = 150 + (in->n_history > 1 ? (hi - lo) / (in->n_history - 1) : 0) +
          (in->n_history < 3 ? 1000 : 0);
    a = lo > pad ? lo - pad : 0;
    b = hi + pad;
    width = b - a;
    /* the fixed schedule polls at 0, cap, 2 cap, ... past b: ceil(b / cap) + 1 polls; one more
     * is the budget, spent on the polls up to a (none further apart than `longest`; the last
     * at a) and the steps of the window (at least one) */
    sparse = a ? div_up(a, longest) : 0;
    budget = div_up(b, cap) + 2;
    steps = budget > (sparse ? sparse : 1) ? budget - (sparse ? sparse : 1) : 1;
    step = clamp_u64(div_up(width, steps), min_step, cap);
    if (t < a) {
        /* evenly spaced polls ending at a, no more than the budget leaves, none longer apart
         * than `longest` */
        uint64_t in_window = div_up(width, step), n, next;

        n = budget > in_window ? budget - in_window : 1;
        if (n < sparse)
            n = sparse;
        if (n <= 1)
            n = 1; /* <= rather than <: scan-build then knows the n below is not 0 */
        if (in->polls == 0 && n > 1 && a / n < min_step)
            n = 1;
        /* the first of the k * a / n (k = 1..n) past t */
        for (uint64_t k = (t * n) / a;; k++)
            if ((next = a * k / n) > t || k >= n)
                break;
        return next > t ? next - t : 0;
    }
    if (in->polls == 0)
        return 0; /* the job may be done: look now */
    if (t < b) {
        uint64_t next = a + ((t - a) / step + 1) * step;

        return next - t;
    }
    /* past the window: the job runs longer than any of its kind; back off to the cap */
    return clamp_u64(t - b, step, cap);
}

uint64_t ltx__poll_delay(const ltx_poll_in *in)
{
    uint64_t cap = in->interval_ms ? in->interval_ms : 1, delay;

    if (in->mode == LTX_POLL_FIXED)
        delay = in->polls == 0 ? 0 : cap;
    else if (in->n_history == 0)
        delay = delay_fresh(in, cap);
    else
        delay = delay_learned(in, cap);
    if (in->retry_after_ms > 0) {
        uint64_t ra = (uint64_t)in->retry_after_ms;

        if (ra > in->retry_after_cap_ms)
            ra = in->retry_after_cap_ms;
        if (ra > delay)
            delay = ra;
    }
    return delay;
}

/* ---------------------------------------------------------------- kinds */

/* Append up to n bytes of text to buf (len bytes so far), keeping it terminated. */
static size_t append_text(char *buf, size_t size, size_t len, const char *text, size_t n)
{
    if (len + 1 >= size)
        return len;
    if (n > size - 1 - len)
        n = size - 1 - len;
    memcpy(buf + len, text, n);
    buf[len + n] = '\0';
    return len + n;
}

/* "|value" for one field: plain copies rather than printf on every submit (the poll path is
 * measured per generation, bench/per-request.sh); only numbers need formatting. */
static size_t append_value(const ltx_request *req, const char *name, char *buf, size_t size,
                           size_t len)
{
    int slot = ltx__field_slot(name);
    const struct ltx_value *v = slot >= 0 ? &req->values[slot] : NULL;
    char num[32];

    if (len + 1 >= size)
        return len;
    len = append_text(buf, size, len, "|", 1);
    if (!v || v->kind == LTX_V_UNSET)
        return len;
    if (v->kind == LTX_V_NUMBER || v->kind == LTX_V_BOOL) {
        int n = snprintf(num, sizeof(num), "%.17g", v->number);

        return append_text(buf, size, len, num, n > 0 ? (size_t)n : 0);
    }
    if (v->kind == LTX_V_NULL)
        return append_text(buf, size, len, "null", 4);
    return append_text(buf, size, len, v->text ? v->text : "", v->text ? strnlen(v->text, 40) : 0);
}

void ltx__poll_kind(const ltx_request *req, char *buf, size_t size)
{
    size_t len;

    if (!size)
        return;
    buf[0] = '\0';
    /* the struct, not request.c: no call cycle */
    len = append_text(buf, size, 0, req->endpoint_name, strlen(req->endpoint_name));
    len = append_value(req, "model", buf, size, len);
    len = append_value(req, "resolution", buf, size, len);
    append_value(req, "duration", buf, size, len);
}

/* ---------------------------------------------------------------- the book */

#define KIND_MAX 160

struct poll_kind {
    char name[KIND_MAX]; /* "" when the slot is free */
    uint32_t runs[LTX_POLL_HISTORY];
    unsigned n, next;
    uint64_t used; /* the book's counter when last read or written: the oldest is replaced */
};

struct ltx_poll_book {
    pthread_mutex_t lock;
    uint64_t tick;
    struct poll_kind kinds[LTX_POLL_KINDS];
};

struct ltx_poll_book *ltx__poll_book_new(void)
{
    struct ltx_poll_book *book = calloc(1, sizeof(*book));

    if (book)
        pthread_mutex_init(&book->lock, NULL);
    return book;
}

void ltx__poll_book_free(struct ltx_poll_book *book)
{
    if (!book)
        return;
    pthread_mutex_destroy(&book->lock);
    free(book);
}

static struct poll_kind *find(struct ltx_poll_book *book, const char *kind)
{
    for (size_t i = 0; i < LTX_POLL_KINDS; i++)
        if (book->kinds[i].name[0] && strncmp(book->kinds[i].name, kind, KIND_MAX - 1) == 0)
            return &book->kinds[i];
    return NULL;
}

size_t ltx__poll_book_get(struct ltx_poll_book *book, const char *kind,
                          uint32_t out[LTX_POLL_HISTORY])
{
    struct poll_kind *k;
    size_t n = 0;

    if (!book || !kind || !*kind)
        return 0;
    pthread_mutex_lock(&book->lock);
    if ((k = find(book, kind))) {
        n = k->n;
        memcpy(out, k->runs, n * sizeof(out[0]));
        k->used = ++book->tick;
    }
    pthread_mutex_unlock(&book->lock);
    return n;
}

void ltx__poll_book_add(struct ltx_poll_book *book, const char *kind, uint32_t run_ms)
{
    struct poll_kind *k;

    if (!book || !kind || !*kind)
        return;
    pthread_mutex_lock(&book->lock);
    if (!(k = find(book, kind))) {
        k = &book->kinds[0];
        for (size_t i = 1; i < LTX_POLL_KINDS && k->name[0]; i++)
            if (!book->kinds[i].name[0] || book->kinds[i].used < k->used)
                k = &book->kinds[i];
        memset(k, 0, sizeof(*k));
        snprintf(k->name, sizeof(k->name), "%s", kind);
    }
    k->runs[k->next] = run_ms;
    k->next = (k->next + 1) % LTX_POLL_HISTORY;
    if (k->n < LTX_POLL_HISTORY)
        k->n++;
    k->used = ++book->tick;
    pthread_mutex_unlock(&book->lock);
}

/* ---------------------------------------------------------------- a job's polls */

void ltx__job_poll_begin(ltx_job *job, const ltx_request *req)
{
    const ltx_clock *clk = job->client->clock;

    if (req)
        ltx__poll_kind(req, job->poll_kind, sizeof(job->poll_kind));
    job->poll_start_ms = clk->now_ms(clk->ud);
    job->poll_started = 1;
}

uint64_t ltx__job_poll_delay(const ltx_job *job, uint32_t fixed_ms)
{
    const ltx_client *c = job->client;
    const ltx_clock *clk = c->clock;
    uint32_t runs[LTX_POLL_HISTORY];
    ltx_poll_in in = {0};
    uint64_t now = clk->now_ms(clk->ud);

    in.mode = fixed_ms ? LTX_POLL_FIXED : c->poll_mode;
    in.interval_ms = fixed_ms ? fixed_ms : c->poll_interval_ms;
    in.polls = job->polls;
    in.retry_after_ms = job->poll_retry_after_ms;
    in.retry_after_cap_ms = c->retry.retry_after_cap_ms;
    /* opened by id: look at once, then as a job without history whose time counts from
     * that first answer (ltx__job_poll_observed() notes it) */
    in.elapsed_ms = now > job->poll_start_ms ? now - job->poll_start_ms : 0;
    if (!job->poll_started)
        return job->polls == 0 ? 0 : ltx__poll_delay(&in);
    if (in.mode == LTX_POLL_ADAPTIVE) {
        in.n_history = ltx__poll_book_get(c->poll_book, job->poll_kind, runs);
        in.history = runs;
    }
    return ltx__poll_delay(&in);
}

/* Exactly n decimal digits at *p, then the character after them must be sep (0: anything);
 * -1 when not. Digits by hand: sscanf() costed more than the rest of a poll's bookkeeping. */
static int digits(const char **p, int n, char sep)
{
    int v = 0;

    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    if (sep) {
        if (**p != sep)
            return -1;
        (*p)++;
    }
    return v;
}

/* Days since 1970-01-01 of "YYYY-MM-DD" at *p (Howard Hinnant's days from civil) into *out,
 * then one of "Tt " past it; -1 when not a date. */
static int date_days(const char **p, int64_t *out)
{
    int y, mo, d, yy, era;
    unsigned yoe, doy, doe;

    if ((y = digits(p, 4, '-')) < 0 || (mo = digits(p, 2, '-')) < 0 || (d = digits(p, 2, 0)) < 0 ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || (**p != 'T' && **p != 't' && **p != ' '))
        return -1;
    (*p)++;
    yy = y - (mo <= 2);
    era = (yy >= 0 ? yy : yy - 399) / 400;
    yoe = (unsigned)(yy - era * 400);
    doy = (unsigned)((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = (int64_t)era * 146097 + (int64_t)doe - 719468;
    return 0;
}

/* Milliseconds into the day of "HH:MM:SS[.fff]" at *p; -1 when not a time. */
static int64_t time_ms(const char **p)
{
    int h, mi, sec;
    int64_t ms = 0, scale = 100;

    if ((h = digits(p, 2, ':')) < 0 || (mi = digits(p, 2, ':')) < 0 ||
        (sec = digits(p, 2, 0)) < 0 || h > 23 || mi > 59 || sec > 60)
        return -1;
    if (**p == '.')
        for ((*p)++; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
            ms += scale ? (**p - '0') * scale : 0;
    return ((int64_t)h * 60 + mi) * 60000 + (int64_t)sec * 1000 + ms;
}

/* Milliseconds since the epoch of an RFC 3339 date-time ("2026-11-26T12:00:00.250Z",
 * "+01:00" offsets; no zone read as UTC), or -1. */
static int64_t rfc3339_ms(const char *s)
{
    const char *p = s;
    int64_t days, ms;
    int sign, oh, om;

    if (!s || date_days(&p, &days) < 0 || (ms = time_ms(&p)) < 0)
        return -1;
    ms += days * 86400000;
    if (*p == 'Z' || *p == 'z' || !*p)
        return ms;
    if (*p != '+' && *p != '-')
        return -1;
    sign = *p++ == '+' ? 1 : -1;
    if ((oh = digits(&p, 2, ':')) < 0 || (om = digits(&p, 2, 0)) < 0 || *p)
        return -1;
    return ms - sign * ((int64_t)oh * 60 + om) * 60000;
}

void ltx__job_poll_observed(ltx_job *job, const char *retry_after, int was_state)
{
    ltx_client *c = job->client;
    const ltx_clock *clk = c->clock;
    uint64_t now = clk->now_ms(clk->ud), elapsed;
    int64_t ra = ltx__retry_after_parse_ms(retry_after, clk->wall_s(clk->ud));
    int64_t created, completed;
    uint64_t run;

    job->polls++;
    job->poll_retry_after_ms = ra > 0 ? ra : 0;
    if (!job->poll_started) { /* opened by id: no start, no run time to learn */
        if (job->polls == 1)
            job->poll_start_ms = now;
        return;
    }
    elapsed = now > job->poll_start_ms ? now - job->poll_start_ms : 0;
    if (job->state != LTX_JOB_COMPLETED) {
        job->poll_quiet_ms = elapsed;
        return;
    }
    if (was_state == LTX_JOB_COMPLETED || !job->poll_kind[0] || c->poll_mode != LTX_POLL_ADAPTIVE)
        return;
    /* it ended between the last answer that said otherwise and this one: the server's own
     * times say where, when they are inside that bracket; its middle otherwise */
    created = rfc3339_ms(job->created_at);
    completed = rfc3339_ms(job->completed_at);
    run = job->poll_quiet_ms + (elapsed - job->poll_quiet_ms) / 2;
    if (created >= 0 && completed >= created)
        run = clamp_u64((uint64_t)(completed - created), job->poll_quiet_ms, elapsed);
    ltx__poll_book_add(c->poll_book, job->poll_kind, run > UINT32_MAX ? UINT32_MAX : (uint32_t)run);
}

LTX_API int ltx_client_set_poll_mode(ltx_client *c, int mode)
{
    if (!c)
        return LTX_EINVAL;
    if (mode != LTX_POLL_ADAPTIVE && mode != LTX_POLL_FIXED)
        return ltx__refuse(&c->last_error, LTX_EINVAL, "poll_mode",
                           "poll_mode: %d is neither LTX_POLL_ADAPTIVE (0) nor LTX_POLL_FIXED (1)",
                           mode);
    c->poll_mode = mode;
    return ltx__accept(&c->last_error);
}
