/* lib/batch_int.h — what the batch's files share: an entry, the batch, its heaps and tables.
 *
 * batch.c      the public handle: settings, adding entries, reading their outcome
 * batch_sched.c the timer heap, the queue of entries waiting for a place, watched descriptors
 * batch_step.c one entry's state machine: uploads, submit, polls, download
 * batch_run.c  the run: start, perform, timeout, run, stop
 * batch_media.c local input files: one upload per distinct file, bodies built at submit
 */
#ifndef LTX_BATCH_INT_H
#define LTX_BATCH_INT_H

#include "client_int.h"
#include "error_int.h"
#include "job_int.h"
#include "jobops.h"
#include "request_int.h"

#include <poll.h>

/* The longest the loop waits while transfers run: stall detection and the deadline are checked
 * from the transfers' progress, which libcurl reports when it looks at them (as curl_easy_perform
 * does, once a second at least). */
#define BATCH_TICK_MS 1000u
#define BATCH_SPARE_CONNECTIONS 4u
#define BATCH_NOWHERE SIZE_MAX /* an entry not in a heap */

typedef enum {
    ENTRY_QUEUED,      /* waiting for a place                                   */
    ENTRY_UPLOAD,      /* uploading a local file: an attempt in flight or a wait  */
    ENTRY_UPLOAD_WAIT, /* waiting for another entry's upload of the same file     */
    ENTRY_SUBMIT,      /* submitting: an attempt in flight or a retry's wait     */
    ENTRY_POLL_WAIT,   /* submitted: waiting for the next poll                   */
    ENTRY_POLL,        /* polling: an attempt in flight or a retry's wait        */
    ENTRY_DOWNLOAD,    /* downloading: an attempt in flight or a retry's wait    */
    ENTRY_ENDED
} entry_state;

struct batch_file; /* one distinct local file of the batch (batch_media.c) */

/* A local input file of an entry: inlined at submit, or uploaded once for the batch. */
typedef struct {
    int field; /* enum ltx_media_field                                  */
    char *path;
    struct batch_file *file; /* the shared upload; NULL: inline as a data: URI at submit */
} entry_media;

typedef struct entry {
    struct ltx_batch *batch;
    size_t index;
    entry_state state;
    int status;
    int holds_place;     /* counts against the concurrency bound               */
    int resumed;         /* added by id: never submitted by this batch         */
    char *endpoint_name; /* the path segment submitted to                      */
    char *poll_kind;     /* the job's kind for the poll schedule, until accepted */
    char *tmpl;          /* the submit's JSON with a mark for each local file, until accepted */
    char *body;          /* the submit's JSON, built at submit and freed when it ends */
    int body_owned;      /* body is not tmpl                                   */
    char *submit_url;
    char *submit_what;
    char *poll_url;
    char *poll_what;
    entry_media *media; /* local input files, n_media of them                 */
    unsigned n_media;
    unsigned media_next;       /* the first one not yet resolved (uploaded)          */
    struct entry *next_waiter; /* ENTRY_UPLOAD_WAIT: the next entry waiting on that file */
    int upload_fd;             /* the file being sent by this entry's upload, or -1  */
    ltx_job *job;
    ltx_sink *sink;
    ltx_cancel *cancel; /* the request's own handle: stops this entry only    */
    ltx_progress_ctx pc;
    uint32_t submit_deadline_ms; /* the request's own deadline for its submit; 0 = none */
    int has_policy;              /* the request's own retry settings for its submit    */
    ltx_retry_policy policy;
    ltx_http_req rq;     /* the submit's or the poll's exchange                */
    ltx_http_resp rs;    /* the answer of the attempt in flight                */
    ltx_call call;       /* ENTRY_UPLOAD, ENTRY_SUBMIT, ENTRY_POLL             */
    ltx_download dl;     /* ENTRY_DOWNLOAD                                     */
    ltx_http_xfer *xfer; /* the attempt in flight, or NULL                     */
    uint64_t wake_at;    /* when a waiting entry goes on; UINT64_MAX = not waiting */
    uint64_t wake_seq;   /* when wake_at was set, in the batch's count of settings */
    size_t timer_pos;    /* in the timer heap, or BATCH_NOWHERE                */
    size_t queue_pos;    /* in the queue, or BATCH_NOWHERE                     */
    ltx_error *err;
} entry;

/* A binary min-heap of entries; each entry knows its place in it (O(log n) removal). */
typedef struct {
    entry **v;
    size_t n, cap;
    int queue; /* 0: by (wake_at, wake_seq), the timers; 1: by index, the queue */
} entry_heap;

/* A cancel handle of an entry that the run watches, with the number of unended entries that
 * have it. */
typedef struct {
    ltx_cancel *cancel;
    size_t refs;
} own_cancel;

struct ltx_batch {
    ltx_client *client;
    entry **entries;
    size_t n, cap;
    unsigned concurrency;
    ltx_progress_fn progress;
    void *progress_ud;
    ltx_error *last_error; /* the last setter's refusal */
    ltx_cancel *cancel;    /* borrowed; stops the whole run when triggered        */
    ltx_batch_socket_fn socket_fn;
    void *socket_ud;
    ltx_cancel *wake;   /* ltx_batch_wakeup()'s flag and pipe                  */
    struct pollfd *fds; /* what the caller is told to watch (for ltx_batch_run) */
    size_t n_fds, cap_fds;
    size_t *fd_slot; /* by descriptor: its index in fds + 1, or 0 when not watched */
    size_t n_fd_slot;
    own_cancel *cancels; /* entries' own cancel handles being watched           */
    size_t n_cancels, cap_cancels;
    struct batch_files *files; /* distinct local files (batch_media.c)          */
    int running;
    /* the run in progress */
    struct ltx_http_multi *multi;
    ltx_batch_done_fn done;
    void *done_ud;
    entry_heap timers;  /* entries waiting for a time: polls, retries          */
    entry_heap queue;   /* ENTRY_QUEUED entries, by index                      */
    uint64_t wake_seq;  /* settings of wake_at so far                          */
    unsigned places;    /* the bound now: lowered after a concurrency_limit_error */
    unsigned in_flight; /* entries holding a place                            */
    unsigned transfers; /* exchanges in the multi handle                      */
    size_t unended;
    uint64_t started;
    uint64_t deadline;
    int stopping;       /* done asked to stop                                 */
    int cancelled;      /* the cancel handle was triggered                    */
    int engine_failed;  /* libcurl failed: the run ends with this status      */
    uint64_t last_look; /* when transfers were last looked at (stall, deadline) */
    int timed_out;      /* the deadline passed with entries left              */
    size_t failed;
};

LTX_INTERNAL uint64_t ltx__batch_now(const ltx_batch *b);

/* batch_sched.c */
LTX_INTERNAL int ltx__heap_push(entry_heap *h, entry *e);
LTX_INTERNAL void ltx__heap_remove(entry_heap *h, entry *e);
LTX_INTERNAL entry *ltx__heap_top(const entry_heap *h);
LTX_INTERNAL void ltx__heap_free(entry_heap *h);
/* Set when e goes on (UINT64_MAX: not waiting), keeping the timer heap in step. */
LTX_INTERNAL void ltx__entry_wake_at(entry *e, uint64_t at);
/* Put e in the queue of entries waiting for a place, or take it out. */
LTX_INTERNAL void ltx__entry_enqueue(entry *e);
LTX_INTERNAL void ltx__entry_dequeue(entry *e);
/* Tell the caller (and ltx_batch_run()'s poll set) to watch fd for events (LTX_POLL_*). */
LTX_INTERNAL void ltx__batch_watch(ltx_batch *b, int fd, int events);
/* An entry's own cancel handle: watched while an unended entry has it. */
LTX_INTERNAL void ltx__batch_cancel_ref(ltx_batch *b, ltx_cancel *c);
LTX_INTERNAL void ltx__batch_cancel_unref(ltx_batch *b, ltx_cancel *c);
/* Is fd one of the batch's own descriptors (wakeup, cancel handles) rather than libcurl's? */
LTX_INTERNAL int ltx__batch_own_fd(const ltx_batch *b, int fd);
/* A triggered entry cancel handle being watched, or NULL. */
LTX_INTERNAL ltx_cancel *ltx__batch_cancel_triggered(const ltx_batch *b);

/* batch_step.c */
LTX_INTERNAL void ltx__entry_join(ltx_batch *b, entry *e, uint64_t now);
LTX_INTERNAL void ltx__entry_end(entry *e, int rc);
LTX_INTERNAL void ltx__entry_start(entry *e);
LTX_INTERNAL void ltx__entry_wake(entry *e);
LTX_INTERNAL void ltx__entry_stop(entry *e);
LTX_INTERNAL void ltx__entry_release(entry *e);
/* An attempt of e's ended (its answer in e->rs): the next step. */
LTX_INTERNAL void ltx__attempt_ended(entry *e);
/* The next attempt of e's current exchange (e->rq, or the download's). */
LTX_INTERNAL void ltx__attempt_start(entry *e);

/* batch_media.c */
/* Check req's local files for e, find each one's shared upload (or plan it inline), and
 * build the body's template; LTX_OK or the error, nothing sent. */
LTX_INTERNAL int ltx__batch_media_add(ltx_batch *b, entry *e, const ltx_request *req,
                                      ltx_error **err);
/* Go on with e's uploads: returns 1 when all are done (e may go on to submit), 0 when e
 * waits (an upload in flight or another entry's), -1 when e ended. */
LTX_INTERNAL int ltx__batch_media_step(entry *e);
/* e's upload attempt ended (ENTRY_UPLOAD, step from the policy): the next part of it. */
LTX_INTERNAL void ltx__batch_media_ended(entry *e, ltx_step step, int rc);
/* e ends or stops while it uploads or waits for an upload: give the file up to others. */
LTX_INTERNAL void ltx__batch_media_abandon(entry *e);
/* Build e's submit body from its template, reading inline files now. LTX_OK or the error. */
LTX_INTERNAL int ltx__batch_media_body(entry *e);
LTX_INTERNAL void ltx__batch_media_free_entry(entry *e);
LTX_INTERNAL void ltx__batch_files_free(ltx_batch *b);

#endif
