/* tools/ltx/cmd.h — what the ltx command's own files share: the option and command tables,
 * the parsed command line, the progress line and the failure reports. */
#ifndef LTX_CMD_H
#define LTX_CMD_H

#include "cli.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION LTX_VERSION
#endif

#define MS_PER_SECOND 1000.0
#define STATUS_USAGE CLI_STATUS_USAGE

/* ------------------------------------------------------------------ options */

enum option_id {
    /* global */
    OPT_API_KEY,
    OPT_API_KEY_FILE,
    OPT_BASE_URL,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_JSON,
    OPT_POLL_INTERVAL,
    OPT_TIMEOUT,
    OPT_HELP,
    OPT_VERSION,
    OPT_CA_FILE,
    OPT_CA_PATH,
    OPT_INSECURE_HTTP,
    /* how a command runs */
    OPT_MAX_SIZE,
    OPT_OUTPUT,
    OPT_NO_WAIT,
    OPT_SYNC,
    OPT_SET,
    OPT_PREVIEW,
    OPT_DRY_RUN,
    OPT_PRICES,
    /* batch */
    OPT_CONCURRENCY,
    OPT_JOURNAL,
    OPT_OUTPUT_DIR,
    OPT_RESUBMIT_UNKNOWN,
    OPT_RETRY_FAILED,
    OPT_MAX_COST,
    OPT_ALLOW_UNKNOWN_COST,
    /* request fields */
    OPT_PROMPT,
    OPT_PROMPT_FILE,
    OPT_MODEL,
    OPT_DURATION,
    OPT_AUTO_DURATION,
    OPT_RESOLUTION,
    OPT_FPS,
    OPT_CAMERA_MOTION,
    OPT_NO_AUDIO,
    OPT_IMAGE,
    OPT_LAST_FRAME,
    OPT_AUDIO,
    OPT_VIDEO,
    OPT_START,
    OPT_MODE,
    OPT_CONTEXT,
    OPT_GUIDANCE_SCALE,
    OPT_COUNT
};

enum arg_kind { ARG_NONE, ARG_TEXT, ARG_INT, ARG_REAL };

struct option_def {
    const char *name; /* long name, without "--" */
    char short_name;  /* or 0 */
    enum arg_kind kind;
    const char *metavar;
    const char *field; /* the request field it sets (for error hints), or NULL */
    /* At most one setter; options without one are handled by ltx itself. */
    int (*set_text)(ltx_request *, const char *);
    int (*set_int)(ltx_request *, int);
    int (*set_real)(ltx_request *, double);
    int (*set_flag)(ltx_request *);
    const char *help;
};

extern const struct option_def options[OPT_COUNT];

#define BIT(id) (UINT64_C(1) << (id))

enum run_kind {
    RUN_GENERATE,
    RUN_UPLOAD,
    RUN_STATUS,
    RUN_WAIT,
    RUN_DOWNLOAD,
    RUN_BATCH,
    RUN_VERSION,
    RUN_HELP,
    RUN_COMPLETION
};

struct command {
    const char *name;
    enum run_kind run;
    int endpoint;     /* the generation endpoint, 0 for the other commands */
    uint64_t options; /* what it takes besides the global options */
    size_t nargs;     /* positional arguments */
    const char *args; /* their names, for the usage error */
    const char *synopsis;
    const char *summary;
    uint64_t required;   /* options it cannot run without (--prompt-file stands for --prompt,
                            --auto-duration for --duration; -o is checked apart) */
    const char *example; /* a complete command line after the command name, or NULL */
};

extern const struct command commands[];
extern const size_t ncommands;
#define NCOMMANDS ncommands

struct ui {
    int tty;      /* draw a progress line on standard error */
    int drawn;    /* a progress line is on the screen */
    char *job_id; /* learnt from the progress callback */
    /* the live line (progress.c), redrawn every second by a thread of its own between the
     * library's reports; all under lock */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t ticker;
    int ticking, stop;
    uint64_t start_ms; /* monotonic clock, when the call began */
    uint64_t last_draw_ms;
    int stage;
    char status[64];
    uint64_t bytes, total;
    uint64_t rate_ms, rate_bytes; /* the sample the speed is measured from */
    double speed;                 /* bytes per second, 0 until measured */
};

struct cli {
    uint64_t seen;
    const char *value[OPT_COUNT]; /* the last value given to each option */
    long long integer[OPT_COUNT];
    double real[OPT_COUNT];
    const char **sets; /* every --set, in order */
    size_t nsets;
    const char *args[2]; /* positional arguments after the command */
    size_t nargs;
    const char *command_name;
    const struct command *cmd;
    char *api_key_arg;        /* inside argv, wiped once copied */
    const char *job_endpoint; /* status, wait, download: canonical endpoint name */
    char first_error[MESSAGE_MAX];
    int json, quiet;
    char *prompt;        /* read from standard input or --prompt-file */
    int stdin_taken;     /* standard input was read (for a prompt) */
    double max_cost;     /* ltx batch --max-cost, in dollars */
    const char *example; /* a usage error's example line (after the command name), or NULL */
    struct ui ui;
};

/* What went wrong, and the job it concerns when there is one. */
struct failure {
    int status;           /* ltx_status or STATUS_USAGE */
    const ltx_error *err; /* details, or NULL */
    const char *message;  /* when err is NULL; NULL = ltx_strerror(status) */
    const char *endpoint; /* the job's endpoint, or NULL */
    const char *job_id;   /* or NULL (then ltx_error_job_id()) */
    const char *state;    /* the job's final state when known */
    int try_help;         /* a command-line mistake: point at --help */
};

struct exit_class {
    int status; /* ltx_status, or STATUS_USAGE */
    int exit_code;
    const char *name; /* "class" in --json output */
    int resumable;    /* a job that stopped this way may still be downloaded */
};
const struct exit_class *exit_class_of(int status);

/* options.c */
/* The option or command name nearest to a misspelt one, or NULL. */
const char *nearest_option(const char *name, size_t len);
const char *nearest_command(const char *name);
int option_taken(const struct command *cmd, enum option_id id);
const struct command *command_find(const char *name);
int has(const struct cli *c, enum option_id id);
const char *option_for_field(const struct cli *c, const char *field);
void print_help(const struct command *cmd); /* help.c */
void parse_args(struct cli *c, int argc, char **argv);
int parse_real(const char *s, double *out);
uint64_t max_size(const struct cli *c);
int check_args(struct cli *c);

/* output.c */
int fail(struct cli *c, const struct failure *f);
int fail_status(struct cli *c, int status, const ltx_error *err);
int usage_report(struct cli *c, int try_help, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* A mistake on the command line: exit 2, with a pointer to --help. */
#define usage_error(c, ...) usage_report((c), 1, __VA_ARGS__)
/* A missing or unusable setting: the same exit status, no pointer to --help. */
#define config_error(c, ...) usage_report((c), 0, __VA_ARGS__)
/* progress.c */
void ui_init(struct ui *ui);
void ui_destroy(struct ui *ui);
/* Before a call that reports progress: the line starts, and its clock. */
void ui_start(struct ui *ui);
/* After it: the line stops and is erased. */
void ui_stop(struct ui *ui);
void ui_clear(struct ui *ui);
int on_progress(const ltx_progress *p, void *userdata);
void on_log(int level, const char *line, void *userdata);

/* One JSON object on one line of standard output. */
struct json {
    json_t *obj;
};
void json_begin(struct json *j);
void json_text(struct json *j, const char *key, const char *value);
void json_int(struct json *j, const char *key, long long value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, int value);
void json_number(struct json *j, const char *key, double value);
void json_put_raw(struct json *j, const char *key, const char *text);
void json_put_new(struct json *j, const char *key, json_t *v);
void json_estimate(struct json *j, const struct cli_estimate *est);
void json_end(struct json *j);

/* dry_run.c */
int load_prompt(struct cli *c);
int open_prices(struct cli *c);
int dry_run(struct cli *c, const ltx_request *req, const char *endpoint);

/* complete.c: ltx completion SHELL, from the tables above */
int print_completion(const char *shell);

#endif
