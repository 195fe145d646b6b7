/* lib/schedule.h — when to poll a job next: the adaptive schedule and what it learns (lib/poll.c). */
#ifndef LTX_SCHEDULE_H
#define LTX_SCHEDULE_H

#include "private.h"

/* Run times remembered per kind of job, and kinds remembered per client (the least recently
 * used kind is forgotten first): the memory a client spends on learning is bounded. */
#define LTX_POLL_HISTORY 8
#define LTX_POLL_KINDS 64

/* Adaptive polling never waits less than this between two polls of a job (unless the client's
 * interval is shorter), nor longer than 4 x the client's interval. */
#define LTX_POLL_MIN_STEP_MS 250u

/*
 * Everything the schedule depends on. The kind of job (endpoint, model, resolution,
 * duration) enters through `history`: the run times of earlier jobs of that kind.
 */
typedef struct {
    int mode;                      /* LTX_POLL_ADAPTIVE or LTX_POLL_FIXED                       */
    uint32_t interval_ms;          /* fixed: the interval; adaptive: the longest step without
                                    * history, and the step the budget of requests is counted in */
    uint64_t elapsed_ms;           /* since the API accepted the job                            */
    unsigned polls;                /* status answers received so far                            */
    int64_t retry_after_ms;        /* Retry-After of the last status answer; -1 when none       */
    uint32_t retry_after_cap_ms;   /* a Retry-After above this counts as this                   */
    const uint32_t *history;       /* run times (ms from acceptance to completion) of earlier  */
    size_t n_history;              /* jobs of the same kind, in any order; may be 0            */
} ltx_poll_in;

/*
 * The delay in ms from now (elapsed_ms) to the next poll. A pure function: the same input
 * gives the same delay, so tests pin whole schedules with an injected clock.
 *
 * Fixed: the first poll at once, then every interval_ms (the schedule of libltx 0.1).
 * Adaptive without history: the first poll 1 s after acceptance, then steps of twice the
 * elapsed time, at most interval_ms (1 s, 3 s, 8 s, 13 s, ... with the default 5 s): as many
 * requests as the fixed schedule, the first one not wasted. Adaptive with history: the window
 * where jobs of the kind ended, widened by a margin, is polled at even steps (at least
 * 250 ms, at most interval_ms) with what the budget leaves: the fixed schedule's count plus
 * one, less a few evenly spaced polls before the window (at most 4 x interval_ms apart) that
 * catch failures; for jobs of 20 s and more the steps are under a second. After the window,
 * the steps grow back to interval_ms. A Retry-After on the last status answer is a floor on the delay.
 */
LTX_INTERNAL uint64_t ltx__poll_delay(const ltx_poll_in *in);

/* The kind of a request, "endpoint|model|resolution|duration" (fields unset are empty), into
 * buf (cut at size - 1). */
LTX_INTERNAL void ltx__poll_kind(const ltx_request *req, char *buf, size_t size);

/* The client's memory of run times per kind (thread-safe; created with the client). */
struct ltx_poll_book;
LTX_INTERNAL struct ltx_poll_book *ltx__poll_book_new(void);
LTX_INTERNAL void ltx__poll_book_free(struct ltx_poll_book *book);
/* Copy the run times known for kind into out (at most LTX_POLL_HISTORY); returns how many. */
LTX_INTERNAL size_t ltx__poll_book_get(struct ltx_poll_book *book, const char *kind,
                                       uint32_t out[LTX_POLL_HISTORY]);
/* Remember one run time for kind (the oldest of the kind is forgotten past LTX_POLL_HISTORY). */
LTX_INTERNAL void ltx__poll_book_add(struct ltx_poll_book *book, const char *kind,
                                     uint32_t run_ms);

/*
 * For a job's follower (ltx_job_wait(), ltx_generate(), the batch):
 *
 * ltx__job_poll_begin(job, req) right after the API accepted job for req: the job's kind,
 * and the moment (the client's clock) from which its run time is counted. Jobs opened by id
 * have no kind and no start: they are polled at once, then as without history.
 *
 * ltx__job_poll_delay(job, fixed_ms) before each poll: the delay from now to that poll, from
 * the client's mode and interval (or every fixed_ms when it is not 0: ltx_job_wait()'s
 * poll_interval_ms), the job's kind's history, its elapsed time, polls so far and the last
 * Retry-After (never clamped to a deadline: the caller does that).
 *
 * ltx__job_poll_apply() (lib/job.c), which every status answer goes through, counts the
 * poll, keeps its Retry-After, and when it shows the job completed, teaches the client the
 * job's run time.
 */
LTX_INTERNAL void ltx__job_poll_begin(ltx_job *job, const ltx_request *req);
LTX_INTERNAL uint64_t ltx__job_poll_delay(const ltx_job *job, uint32_t fixed_ms);
/* Called by ltx__job_poll_apply() with the answer's Retry-After header (or NULL) and the
 * job's state before and after it. */
LTX_INTERNAL void ltx__job_poll_observed(ltx_job *job, const char *retry_after, int was_state);

#endif
