/* tools/ltx/batch_cost.c — ltx batch: the estimated price of each entry, --dry-run, the
 * --max-cost budget, and the live line "n of N done" on a terminal. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the live line */

#define STATUS_TICK_MS 1000u

void batch_status_clear(const struct batch *b)
{
    struct batch *mb = (struct batch *)b; /* the line is the batch's own scratch state */

    if (mb->line_drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        mb->line_drawn = 0;
    }
}

/* "3 of 10 done, 1 failed, 2 in flight, estimated $1.20" on a terminal, at most once a
 * second unless force. */
void draw_status(struct batch *b, int force)
{
    size_t done = 0, failed = 0, flight = 0;
    uint64_t now = now_ms();
    char usd[32], line[160];

    if (!b->status_line || (!force && b->line_drawn && now - b->line_ms < STATUS_TICK_MS))
        return;
    for (size_t i = 0; i < b->n; i++) {
        done += b->entries[i].outcome == O_DONE;
        failed += b->entries[i].outcome == O_FAILED;
        flight += b->entries[i].in_round && b->entries[i].job_id; /* accepted, not ended */
    }
    cli_format_usd(usd, sizeof(usd), b->spent_before + b->spent_now);
    snprintf(line, sizeof(line), "%zu of %zu done, %zu failed, %zu in flight, estimated %s%s", done,
             b->n, failed, flight, usd, b->unknown_cost ? " and unknown" : "");
    flockfile(stderr);
    fputs("\r", stderr);
    cli_put_safe(stderr, line);
    fputs("\033[K", stderr);
    fflush(stderr);
    funlockfile(stderr);
    b->line_drawn = 1;
    b->line_ms = now;
}

/* ------------------------------------------------------------------ the budget */

/* May e be submitted under --max-cost? If not, it is left unfinished and says why. */
int within_budget(struct batch *b, struct entry *e)
{
    const struct batch_config *cfg = b->cfg;
    char usd[32], max[32];

    if (e->charged)
        return 1; /* counted already (a submission again after a 429) */
    if (cfg->has_max_cost && b->budget_reached)
        e->over_budget = 1;
    else if (cfg->has_max_cost && !e->est.known && !cfg->allow_unknown)
        e->over_budget = 2;
    else if (cfg->has_max_cost && e->est.known &&
             b->spent_before + b->spent_now + e->est.micro_usd > cfg->max_cost)
        e->over_budget = b->budget_reached = 1;
    if (e->over_budget) {
        e->todo = TODO_NOTHING;
        cli_format_usd(usd, sizeof(usd), e->est.micro_usd);
        cli_format_usd(max, sizeof(max), cfg->max_cost);
        replace(b, &e->message,
                e->over_budget == 2 ? "not submitted: its price is unknown and --max-cost is "
                                      "set (--allow-unknown-cost submits it)"
                                    : "not submitted: over the --max-cost budget");
        say(e, 1, "%s (%s; budget %s)", e->message, usd, max);
        return 0;
    }
    e->charged = 1;
    if (e->est.known)
        b->spent_now += e->est.micro_usd;
    else
        b->unknown_cost++;
    return 1;
}

void batch_json_spend(const struct batch *b, json_t *o)
{
    json_object_set_new(o, "estimated_spend_usd",
                        json_real((double)(b->spent_before + b->spent_now) / 1e6));
    json_object_set_new(o, "estimated_spend_this_run_usd", json_real((double)b->spent_now / 1e6));
    json_object_set_new(o, "unknown_cost_submissions", json_integer((json_int_t)b->unknown_cost));
}

/* "; estimated $1.20 ($0.40 this run)" after the counts. */
void print_spend(const struct batch *b)
{
    char all[32], now[32];

    fprintf(stderr, "; estimated spend %s",
            cli_format_usd(all, sizeof(all), b->spent_before + b->spent_now));
    if (b->spent_before)
        fprintf(stderr, " (%s this run)", cli_format_usd(now, sizeof(now), b->spent_now));
    if (b->unknown_cost)
        fprintf(stderr, " and %zu of unknown price", b->unknown_cost);
}

size_t over_budget(const struct batch *b)
{
    size_t n = 0;

    for (size_t i = 0; i < b->n; i++)
        n += b->entries[i].over_budget != 0;
    return n;
}

/* Every entry's estimate (the prices were loaded by the caller). */
int estimate_all(struct batch *b)
{
    char why[MESSAGE_MAX];

    for (size_t i = 0; i < b->n; i++) {
        struct entry *e = &b->entries[i];

        e->j_estimate = -1;
        if (cli_estimate(&e->est, e->req, why, sizeof(why)) != 0) {
            e->est.known = 0;
            e->est.micro_usd = -1;
            snprintf(e->est.basis, sizeof(e->est.basis), "unknown: %.200s", why);
        }
    }
    return 0;
}

/* --dry-run: each entry's body and estimate, then the total; nothing is sent or written. */
int print_dry_run(struct batch *b)
{
    json_t *o = json_object(), *list = json_array();
    int64_t total = 0;
    size_t unknown = 0;
    char usd[32];

    for (size_t i = 0; i < b->n && o && list; i++) {
        struct entry *e = &b->entries[i];
        char *body = NULL;
        json_t *item = json_object();

        (void)ltx_request_to_json(&body, e->req, NULL); /* valid: load() checked it */
        if (e->est.known)
            total += e->est.micro_usd;
        unknown += !e->est.known;
        json_object_set_new(item, "key", cli_json_str(e->key));
        json_object_set_new(item, "endpoint", cli_json_str(e->endpoint_name));
        json_object_set_new(item, "output", cli_json_str(e->output));
        json_object_set_new(item, "body", body ? json_loads(body, 0, NULL) : json_null());
        json_object_set_new(item, "estimate", cli_json_estimate(&e->est));
        json_array_append_new(list, item);
        if (!b->cfg->json) {
            cli_put_safe(stdout, e->key);
            printf(" POST /v2/%s %s\n  estimate: %s (", e->endpoint_name, body ? body : "",
                   cli_format_usd(usd, sizeof(usd), e->est.micro_usd));
            cli_put_safe(stdout, e->est.basis);
            puts(")");
        }
        ltx_free(body);
    }
    if (!b->cfg->json) {
        printf("total: %s for %zu entr%s", cli_format_usd(usd, sizeof(usd), total), b->n,
               b->n == 1 ? "y" : "ies");
        printf(unknown ? ", and %zu of unknown price\n" : "\n", unknown);
        json_decref(o);
        json_decref(list);
        note(b, 1, "dry run: nothing was uploaded, sent or written");
        return 0;
    }
    json_object_set_new(o, "ok", json_true());
    json_object_set_new(o, "dry_run", json_true());
    json_object_set_new(o, "entries", list);
    json_object_set_new(o, "estimated_total_usd", json_real((double)total / 1e6));
    json_object_set_new(o, "estimated_total_micro_usd", json_integer(total));
    json_object_set_new(o, "unknown_cost_entries", json_integer((json_int_t)unknown));
    cli_json_print(stdout, o);
    return 0;
}
