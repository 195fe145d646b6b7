/* tools/ltx/batch.h — what the files of ltx batch share: the entries, the batch, the journal
 * record (batch_file.c reads the batch file, batch_journal.c the journal and the output files,
 * batch.c runs the rounds). */
#ifndef LTX_BATCH_INT_H
#define LTX_BATCH_INT_H

#include "cli.h"

#include <jansson.h>
#include <stdint.h>

#define BACKOFF_FIRST_MS 5000u /* first wait after a 429 the library gave up on */
#define BACKOFF_CAP_MS 60000u  /* the wait doubles up to this */
#define RETRY_AFTER_CAP_MS 120000u
#define NAP_SLICE_MS 100u /* how soon a wait notices an interrupt */
#define KEY_MAX 100       /* characters of an "id" */
#define TEMP_NAME_TRIES 100
#define COPY_BUFFER 16384
#define N_MEDIA 4 /* image_uri, last_frame_uri, audio_uri, video_uri */

/* ------------------------------------------------------------------ entries */

/* The journal's last word on an entry. */
enum jstate { J_NONE, J_SUBMITTING, J_ACCEPTED, J_DONE, J_FAILED };

/* What this run does with it. */
enum plan { P_SKIP, P_RESUME, P_SUBMIT, P_UNKNOWN, P_FAILED_BEFORE };

/* How it ends this run. */
enum outcome { O_UNFINISHED, O_DONE, O_FAILED, O_UNKNOWN };

/* What is left to do with it this run. */
enum todo { TODO_NOTHING, TODO_RESUME, TODO_SUBMIT };

struct batch;

struct output {
    ltx_sink *sink;
    int fd; /* an unnamed O_TMPFILE file, or -1 when the sink names its own temporary file */
};

struct entry {
    struct batch *b;
    unsigned line;
    char *key;
    int endpoint;        /* LTX_ENDPOINT_OTHER for one this release does not know */
    char *endpoint_name; /* its path segment, known or not */
    char *output;
    ltx_request *req;
    char *files[N_MEDIA]; /* local files for the media fields, uploaded before submitting */
    /* from the journal, then this run's own job */
    enum jstate jstate;
    char *job_id, *job_endpoint;
    int j_code, j_possibly;
    char *j_message;
    /* this run */
    enum plan plan;
    enum outcome outcome;
    int status; /* ltx_status of a failure */
    char *message;
    uint64_t bytes;
    char last_status[32]; /* the job status last reported */
    enum todo todo;
    struct output out;        /* while the entry is in a round */
    int in_round;             /* added to the round's ltx_batch and not ended yet */
    int refused;              /* its submission was refused by on_progress: nothing sent */
    int timed_out;            /* cancelled by on_progress when --timeout ran out */
    uint64_t t0;              /* when it was accepted or resumed (for --timeout) */
    uint64_t first_submit_ms; /* its first submission this run (429s give up --timeout later) */
    uint64_t retry_at;        /* after a 429: not submitted again before this */
    uint64_t backoff;
    unsigned seed;
    /* the price */
    struct cli_estimate est;
    int64_t j_estimate; /* the journal's estimate of its last submission, -1 unknown */
    int charged;        /* counted in this run's spend */
    int over_budget;    /* not submitted: --max-cost */
};

struct problem {
    unsigned line;
    char *field;
    char *message;
};

struct batch {
    const struct batch_config *cfg;
    const char *output_dir;
    char *journal_path;
    int progress;    /* a line per event on standard error (-v) */
    int status_line; /* the one live line "n of N done" on a terminal */
    int line_drawn;
    uint64_t line_ms;
    int budget_reached;
    ltx_client *client;
    struct entry *entries;
    size_t n, cap;
    struct problem *problems;
    size_t nproblems, problems_cap;
    int oom;

    struct entry **queue; /* resumed entries first, then new ones */
    size_t nqueue;
    int stop_status; /* non-zero: start nothing more (a failure every submit would share) */

    int journal_fd;
    int journal_broken;

    /* estimates, in micro-dollars */
    int64_t spent_before; /* what the journal's earlier submissions were estimated at */
    int64_t spent_now;    /* what this run's submissions were estimated at */
    size_t unknown_cost;  /* submissions whose price is unknown */

    /* local files uploaded in this run (batch_upload.c) */
    struct uploaded *uploaded;
    size_t n_uploaded, uploaded_cap;
};

struct record {
    const char *event;
    const char *endpoint, *job_id, *output;
    int has_bytes;
    uint64_t bytes;
    int has_code, code, http_status, possibly_executed;
    const char *message, *error_type;
    int has_estimate;
    int64_t estimate; /* micro-dollars: what this submission was estimated to cost */
};

/* batch_upload.c: the ltx:// URI of a file this run uploaded, by device, inode, size and
 * modification time (NULL: not uploaded yet); remember one; forget them all */
struct stat;
const char *uploaded_find(const struct batch *b, const struct stat *st);
void uploaded_add(struct batch *b, const struct stat *st, const char *uri);
void uploaded_free(struct batch *b);

/* batch_file.c */
extern const char *const media_fields[N_MEDIA];
char *xstrdup(struct batch *b, const char *s);
char *xprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
uint64_t now_ms(void);
int write_all(int fd, const char *p, size_t len);
char *parent_dir(const char *path);
const char *base_name(const char *path);
char *join_path(const char *dir, const char *name);
int is_regular_file(const char *path);
int make_dirs(const char *dir);
void say(const struct entry *e, int always, const char *fmt, ...) PRINTF_LIKE(3, 4);
void note(const struct batch *b, int always, const char *fmt, ...) PRINTF_LIKE(3, 4);
const char *plain_string(const json_t *v);
void check_duplicates(struct batch *b, struct entry **sorted);
int load(struct batch *b);
int report_problems(struct batch *b);
void parse_line(struct batch *b, unsigned line, const char *text, size_t len);
/* batch_journal.c */
void stop_batch(struct batch *b, int status);
int stopped(const struct batch *b);
int journal_append(struct batch *b, const struct entry *e, const struct record *r);
void replace(struct batch *b, char **slot, const char *value);
int journal_open(struct batch *b, struct entry **sorted);
void plan_entry(struct batch *b, struct entry *e);
void remove_stale_parts(const char *output);
int output_open(struct output *o, const char *path);
void output_close(struct output *o);
int output_commit(struct output *o, const char *path);
int apply_record(struct batch *b, struct entry **sorted, json_t *rec, size_t *strangers);
/* batch_cost.c */
void draw_status(struct batch *b, int force);
int within_budget(struct batch *b, struct entry *e);
void batch_json_spend(const struct batch *b, json_t *o);
void print_spend(const struct batch *b);
size_t over_budget(const struct batch *b);
int estimate_all(struct batch *b);
int print_dry_run(struct batch *b);
/* batch.c */
void batch_status_clear(const struct batch *b);
void free_batch(struct batch *b);

#endif
