/* tools/ltx/ltx.c — the ltx command: one subcommand per endpoint, plus upload, status, wait,
 * download and batch (tools/ltx/batch.c). */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cli.h"
#include "redact.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION LTX_VERSION
#endif

#define USER_AGENT_SUFFIX "ltx-cli/" PACKAGE_VERSION
#define REDRAW_INTERVAL_MS 100u /* progress line refresh while bytes arrive */
#define PROGRESS_BAR_WIDTH 20
#define PROGRESS_LINE_MAX 79 /* columns: fits an 80-column terminal */
#define MS_PER_SECOND 1000.0

/* ------------------------------------------------------------------ exit status */

#define STATUS_USAGE CLI_STATUS_USAGE

static const struct exit_class {
    int status; /* ltx_status, or STATUS_USAGE */
    int exit_code;
    const char *name; /* "class" in --json output */
    int resumable;    /* a job that stopped this way may still be downloaded */
} exit_classes[] = {
    {STATUS_USAGE, EXIT_USAGE, "usage", 0},
    {LTX_EINVAL, EXIT_REQUEST, "invalid_request", 0},
    {LTX_EREQUEST, EXIT_REQUEST, "invalid_request", 0},
    {LTX_EBADREQUEST, EXIT_REQUEST, "invalid_request", 0},
    {LTX_ETOOLARGE, EXIT_REQUEST, "invalid_request", 0},
    {LTX_EAUTH, EXIT_AUTH, "authentication", 0},
    {LTX_EFORBIDDEN, EXIT_AUTH, "authentication", 0},
    {LTX_EFUNDS, EXIT_FUNDS, "insufficient_funds", 0},
    {LTX_ECONTENT, EXIT_CONTENT, "content_filtered", 0},
    {LTX_ERATELIMIT, EXIT_RATELIMIT, "rate_limited", 1},
    {LTX_ESERVER, EXIT_SERVER, "server", 1},
    {LTX_EBADGATEWAY, EXIT_SERVER, "server", 1},
    {LTX_EUNAVAILABLE, EXIT_SERVER, "server", 1},
    {LTX_EGATEWAYTIMEOUT, EXIT_SERVER, "server", 1},
    {LTX_EHTTP, EXIT_SERVER, "server", 1},
    {LTX_ENETWORK, EXIT_NETWORK, "network", 1},
    {LTX_ETIMEDOUT, EXIT_TIMEOUT, "timeout", 1},
    {LTX_EJOBFAILED, EXIT_JOBFAILED, "job_failed", 0},
    {LTX_EIO, EXIT_IO, "io", 1},
    {LTX_ESINKFULL, EXIT_IO, "io", 1},
    {LTX_ENOTFOUND, EXIT_NOTFOUND, "not_found", 0},
    {LTX_EPROTOCOL, EXIT_PROTOCOL, "protocol", 1},
    {LTX_EHEADER, EXIT_PROTOCOL, "protocol", 0},
    {LTX_ETLS, EXIT_NETWORK, "tls", 0},
    {LTX_EURL, EXIT_REQUEST, "invalid_request", 0},
    {LTX_ECANCELLED, EXIT_INTERRUPTED, "interrupted", 1},
    {LTX_ENOMEM, EXIT_OTHER, "other", 0},
    {LTX_EINIT, EXIT_OTHER, "other", 0},
};

static const struct exit_class other_http_class = {LTX_EHTTP, EXIT_SERVER, "server", 1};
static const struct exit_class other_class = {0, EXIT_OTHER, "other", 0};

static const struct exit_class *exit_class_of(int status)
{
    for (size_t i = 0; i < sizeof(exit_classes) / sizeof(exit_classes[0]); i++)
        if (exit_classes[i].status == status)
            return &exit_classes[i];
    return status >= 100 ? &other_http_class : &other_class;
}

int cli_exit_code(int status)
{
    return exit_class_of(status)->exit_code;
}

const char *cli_class_name(int status)
{
    return exit_class_of(status)->name;
}

/* ------------------------------------------------------------------ options */

enum option_id {
    /* global */
    OPT_API_KEY,
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
    /* batch */
    OPT_CONCURRENCY,
    OPT_JOURNAL,
    OPT_OUTPUT_DIR,
    OPT_RESUBMIT_UNKNOWN,
    OPT_RETRY_FAILED,
    /* request fields */
    OPT_PROMPT,
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

static int set_no_audio(ltx_request *req)
{
    return ltx_request_set_generate_audio(req, 0);
}

static int set_sync(ltx_request *req)
{
    return ltx_request_set_sync(req, 1);
}

/* A URI is passed as given; anything else names a local file that libltx inlines or uploads. */
int cli_is_uri(const char *v)
{
    static const char *const schemes[] = {"https://", "http://", "data:", "ltx://"};

    if (!*v)
        return 1; /* an empty value: let validation name the field */
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        if (strncasecmp(v, schemes[i], strlen(schemes[i])) == 0)
            return 1;
    return 0;
}

int cli_set_media(ltx_request *req, const char *field, const char *value)
{
    static const struct {
        const char *field;
        int (*set_uri)(ltx_request *, const char *);
    } media[] = {{"image_uri", ltx_request_set_image_uri},
                 {"last_frame_uri", ltx_request_set_last_frame_uri},
                 {"audio_uri", ltx_request_set_audio_uri},
                 {"video_uri", ltx_request_set_video_uri}};

    for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++)
        if (strcmp(media[i].field, field) == 0)
            return cli_is_uri(value) ? media[i].set_uri(req, value)
                                 : ltx_request_set_input_file(req, field, value);
    return LTX_EINVAL;
}

static int set_image(ltx_request *req, const char *v)
{
    return cli_set_media(req, "image_uri", v);
}

static int set_last_frame(ltx_request *req, const char *v)
{
    return cli_set_media(req, "last_frame_uri", v);
}

static int set_audio(ltx_request *req, const char *v)
{
    return cli_set_media(req, "audio_uri", v);
}

static int set_video(ltx_request *req, const char *v)
{
    return cli_set_media(req, "video_uri", v);
}

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

#define TEXT(setter) .kind = ARG_TEXT, .set_text = (setter)
#define INT(setter) .kind = ARG_INT, .set_int = (setter)
#define REAL(setter) .kind = ARG_REAL, .set_real = (setter)
#define FLAG(setter) .kind = ARG_NONE, .set_flag = (setter)

static const struct option_def options[OPT_COUNT] = {
    [OPT_API_KEY] = {"api-key", 0, TEXT(NULL), .metavar = "KEY",
                     .help = "API key (default: $LTX_API_KEY, then $LTXV_API_KEY)"},
    [OPT_BASE_URL] = {"base-url", 0, TEXT(NULL), .metavar = "URL",
                      .help = "API host (default: $LTX_BASE_URL, then " LTX_DEFAULT_BASE_URL ")"},
    [OPT_VERBOSE] = {"verbose", 'v', FLAG(NULL), .help = "log debug lines to standard error"},
    [OPT_QUIET] = {"quiet", 'q', FLAG(NULL), .help = "no progress, summary or warning lines"},
    [OPT_JSON] = {"json", 0, FLAG(NULL), .help = "print one line of JSON on standard output"},
    [OPT_POLL_INTERVAL] = {"poll-interval", 0, INT(NULL), .metavar = "MS",
                           .help = "milliseconds between status polls (default 5000)"},
    [OPT_TIMEOUT] = {"timeout", 0, TEXT(NULL), .metavar = "SECONDS",
                     .help = "deadline of each call, or 'none' (default 1800)"},
    [OPT_HELP] = {"help", 'h', FLAG(NULL), .help = "show this help"},
    [OPT_VERSION] = {"version", 0, FLAG(NULL), .help = "show the version"},
    [OPT_CA_FILE] = {"ca-file", 0, TEXT(NULL), .metavar = "FILE",
                     .help = "trust the CA certificates in FILE (default: $LTX_CA_FILE, then "
                             "the system's)"},
    [OPT_CA_PATH] = {"ca-path", 0, TEXT(NULL), .metavar = "DIR",
                     .help = "trust the CA certificates in DIR (default: $LTX_CA_PATH)"},
    [OPT_INSECURE_HTTP] = {"insecure-http", 0, FLAG(NULL),
                           .help = "INSECURE: allow a plain http:// base URL on another machine "
                                   "(sends the key in clear text)"},
    [OPT_MAX_SIZE] = {"max-size", 0, TEXT(NULL), .metavar = "SIZE",
                      .help = "largest result to write, in bytes or with K, M, G, T; 0: no limit "
                              "(default 16G)"},

    [OPT_OUTPUT] = {"output", 'o', TEXT(NULL), .metavar = "FILE",
                    .help = "write the video to FILE ('-': standard output)"},
    [OPT_NO_WAIT] = {"no-wait", 0, FLAG(NULL),
                     .help = "submit, print the endpoint and job id, exit"},
    [OPT_SYNC] = {"sync", 0, FLAG(set_sync),
                  .help = "use the synchronous v1 endpoint (deprecated by LTX)"},
    [OPT_SET] = {"set", 0, TEXT(NULL), .metavar = "NAME=JSON",
                 .help = "send field NAME with a JSON value (repeatable)"},
    [OPT_PREVIEW] = {"preview", 0, TEXT(NULL), .metavar = "FILE",
                     .help = "also write the result's MP4 preview to FILE"},

    [OPT_CONCURRENCY] = {"concurrency", 0, INT(NULL), .metavar = "N",
                         .help = "jobs in flight at once (default 2, the API's limit)"},
    [OPT_JOURNAL] = {"journal", 0, TEXT(NULL), .metavar = "FILE",
                     .help = "record of submitted jobs (default DIR/BATCH-FILE.journal)"},
    [OPT_OUTPUT_DIR] = {"output-dir", 0, TEXT(NULL), .metavar = "DIR",
                        .help = "where the videos go (default: the current directory)"},
    [OPT_RESUBMIT_UNKNOWN] = {"resubmit-unknown", 0, FLAG(NULL),
                              .help = "submit again entries whose submission has no known "
                                      "outcome"},
    [OPT_RETRY_FAILED] = {"retry-failed", 0, FLAG(NULL),
                          .help = "submit again entries that failed in an earlier run"},

    [OPT_PROMPT] = {"prompt", 0, TEXT(ltx_request_set_prompt), .metavar = "TEXT", .field = "prompt",
                    .help = "what the video shows (at most 5000 characters)"},
    [OPT_MODEL] = {"model", 0, TEXT(ltx_request_set_model), .metavar = "ID", .field = "model",
                   .help = "model id, e.g. ltx-2-3-fast, ltx-2-3-pro, ltx-2-5-pro"},
    [OPT_DURATION] = {"duration", 0, REAL(ltx_request_set_duration), .metavar = "S",
                      .field = "duration", .help = "length in seconds"},
    [OPT_AUTO_DURATION] = {"auto-duration", 0, FLAG(ltx_request_set_duration_auto),
                           .field = "duration",
                           .help = "let the model choose the length (ltx-2-5 models)"},
    [OPT_RESOLUTION] = {"resolution", 0, TEXT(ltx_request_set_resolution), .metavar = "WxH",
                        .field = "resolution", .help = "output size, e.g. 1920x1080 or 1080x1920"},
    [OPT_FPS] = {"fps", 0, INT(ltx_request_set_fps), .metavar = "N", .field = "fps",
                 .help = "frames per second: 24, 25, 48 or 50"},
    [OPT_CAMERA_MOTION] = {"camera-motion", 0, TEXT(ltx_request_set_camera_motion), .metavar = "M",
                           .field = "camera_motion",
                           .help = "camera move: dolly_in, jib_up, static, ... (see ltx(1))"},
    [OPT_NO_AUDIO] = {"no-audio", 0, FLAG(set_no_audio), .field = "generate_audio",
                      .help = "generate a silent video"},
    [OPT_IMAGE] = {"image", 0, TEXT(set_image), .metavar = "FILE|URI", .field = "image_uri",
                   .help = "first frame: a file, or an https:, data: or ltx:// URI"},
    [OPT_LAST_FRAME] = {"last-frame", 0, TEXT(set_last_frame), .metavar = "FILE|URI",
                        .field = "last_frame_uri", .help = "last frame"},
    [OPT_AUDIO] = {"audio", 0, TEXT(set_audio), .metavar = "FILE|URI", .field = "audio_uri",
                   .help = "sound track, 2 to 20 seconds"},
    [OPT_VIDEO] = {"video", 0, TEXT(set_video), .metavar = "FILE|URI", .field = "video_uri",
                   .help = "input video"},
    [OPT_START] = {"start", 0, REAL(ltx_request_set_start_time), .metavar = "S",
                   .field = "start_time", .help = "start of the section, in seconds"},
    [OPT_MODE] = {"mode", 0, TEXT(ltx_request_set_mode), .metavar = "M", .field = "mode",
                  .help = "retake: replace_audio, replace_video or replace_audio_and_video; "
                          "extend: start or end"},
    [OPT_CONTEXT] = {"context", 0, REAL(ltx_request_set_context), .metavar = "S",
                     .field = "context", .help = "seconds of the input used as context"},
    [OPT_GUIDANCE_SCALE] = {"guidance-scale", 0, REAL(ltx_request_set_guidance_scale),
                            .metavar = "X", .field = "guidance_scale",
                            .help = "how closely to follow the prompt, 1 to 50"},
};

#undef TEXT
#undef INT
#undef REAL
#undef FLAG

#define BIT(id) (UINT64_C(1) << (id))

#define GLOBAL_OPTIONS                                                                             \
    (BIT(OPT_API_KEY) | BIT(OPT_BASE_URL) | BIT(OPT_VERBOSE) | BIT(OPT_QUIET) | BIT(OPT_JSON) |    \
     BIT(OPT_POLL_INTERVAL) | BIT(OPT_TIMEOUT) | BIT(OPT_HELP) | BIT(OPT_VERSION) |              \
     BIT(OPT_CA_FILE) | BIT(OPT_CA_PATH) | BIT(OPT_INSECURE_HTTP))
#define SUBMIT_OPTIONS (BIT(OPT_OUTPUT) | BIT(OPT_NO_WAIT) | BIT(OPT_SET) | BIT(OPT_MAX_SIZE))
#define GENERATE_OPTIONS (SUBMIT_OPTIONS | BIT(OPT_SYNC) | BIT(OPT_PROMPT) | BIT(OPT_MODEL))
#define BATCH_OPTIONS                                                                              \
    (BIT(OPT_CONCURRENCY) | BIT(OPT_JOURNAL) | BIT(OPT_OUTPUT_DIR) | BIT(OPT_RESUBMIT_UNKNOWN) |   \
     BIT(OPT_RETRY_FAILED) | BIT(OPT_MAX_SIZE))
#define T2V_OPTIONS                                                                                \
    (GENERATE_OPTIONS | BIT(OPT_DURATION) | BIT(OPT_AUTO_DURATION) | BIT(OPT_RESOLUTION) |         \
     BIT(OPT_FPS) | BIT(OPT_CAMERA_MOTION) | BIT(OPT_NO_AUDIO))

/* Options that contradict each other, whatever the command. */
static const enum option_id conflicts[][2] = {
    {OPT_DURATION, OPT_AUTO_DURATION},
    {OPT_SYNC, OPT_NO_WAIT},
    {OPT_OUTPUT, OPT_NO_WAIT},
    {OPT_PREVIEW, OPT_NO_WAIT},
};

/* ------------------------------------------------------------------ commands */

enum run_kind {
    RUN_GENERATE,
    RUN_UPLOAD,
    RUN_STATUS,
    RUN_WAIT,
    RUN_DOWNLOAD,
    RUN_BATCH,
    RUN_VERSION
};

static const struct command {
    const char *name;
    enum run_kind run;
    int endpoint;     /* the generation endpoint, 0 for the other commands */
    uint64_t options; /* what it takes besides the global options */
    size_t nargs;     /* positional arguments */
    const char *args; /* their names, for the usage error */
    const char *synopsis;
    const char *summary;
} commands[] = {
    {"text-to-video", RUN_GENERATE, LTX_ENDPOINT_TEXT_TO_VIDEO, T2V_OPTIONS, 0, NULL,
     "--prompt TEXT --model ID --duration S --resolution WxH -o FILE",
     "generate a video from a text prompt"},
    {"image-to-video", RUN_GENERATE, LTX_ENDPOINT_IMAGE_TO_VIDEO,
     T2V_OPTIONS | BIT(OPT_IMAGE) | BIT(OPT_LAST_FRAME), 0, NULL,
     "--image FILE|URI --prompt TEXT --model ID --duration S --resolution WxH -o FILE",
     "animate an image"},
    {"audio-to-video", RUN_GENERATE, LTX_ENDPOINT_AUDIO_TO_VIDEO,
     GENERATE_OPTIONS | BIT(OPT_AUDIO) | BIT(OPT_IMAGE) | BIT(OPT_RESOLUTION) |
         BIT(OPT_GUIDANCE_SCALE) | BIT(OPT_FPS) | BIT(OPT_CAMERA_MOTION) | BIT(OPT_LAST_FRAME),
     0, NULL, "--audio FILE|URI (--image FILE|URI | --prompt TEXT) -o FILE",
     "generate a video for a sound track"},
    {"retake", RUN_GENERATE, LTX_ENDPOINT_RETAKE,
     GENERATE_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_START) | BIT(OPT_DURATION) | BIT(OPT_MODE) |
         BIT(OPT_RESOLUTION),
     0, NULL, "--video FILE|URI --start S --duration S -o FILE", "regenerate a section of a video"},
    {"extend", RUN_GENERATE, LTX_ENDPOINT_EXTEND,
     GENERATE_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_DURATION) | BIT(OPT_MODE) | BIT(OPT_CONTEXT) |
         BIT(OPT_RESOLUTION),
     0,
     NULL, "--video FILE|URI --duration S -o FILE", "lengthen a video at its start or end"},
    {"hdr", RUN_GENERATE, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR,
     SUBMIT_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_PREVIEW), 0, NULL,
     "--video FILE|URI -o FRAMES.zip [--preview FILE.mp4]",
     "convert a video to HDR (a ZIP of EXR frames)"},
    {"reframe", RUN_GENERATE, LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME,
     SUBMIT_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_RESOLUTION) | BIT(OPT_MODEL), 0,
     NULL, "--video FILE|URI --resolution WxH -o FILE", "change a video's aspect ratio"},
    {"submit", RUN_GENERATE, 0,
     T2V_OPTIONS | BIT(OPT_IMAGE) | BIT(OPT_LAST_FRAME) | BIT(OPT_AUDIO) | BIT(OPT_VIDEO) |
         BIT(OPT_START) | BIT(OPT_MODE) | BIT(OPT_CONTEXT) | BIT(OPT_GUIDANCE_SCALE),
     1, "ENDPOINT", "ENDPOINT [--set NAME=JSON ...] -o FILE",
     "generate on any endpoint by its name, also one this release does not know"},
    {"upload", RUN_UPLOAD, 0, 0, 1, "FILE", "FILE",
     "upload a local file, print its ltx:// URI (valid 24 hours)"},
    {"status", RUN_STATUS, 0, 0, 2, "ENDPOINT JOB_ID", "ENDPOINT JOB_ID",
     "print a job's state (one poll)"},
    {"wait", RUN_WAIT, 0, 0, 2, "ENDPOINT JOB_ID", "ENDPOINT JOB_ID",
     "wait until a job ends, print its state"},
    {"download", RUN_DOWNLOAD, 0, BIT(OPT_OUTPUT) | BIT(OPT_MAX_SIZE), 2, "ENDPOINT JOB_ID", "ENDPOINT JOB_ID -o FILE",
     "wait for a job if needed, then download its result"},
    {"batch", RUN_BATCH, 0, BATCH_OPTIONS, 1, "FILE",
     "FILE.jsonl [--concurrency N] [--journal FILE] [--output-dir DIR]",
     "run many generations from a JSON Lines file, resumably"},
    {"version", RUN_VERSION, 0, 0, 0, NULL, "", "print the versions of ltx and libltx"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *command_find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* ------------------------------------------------------------------ state */

struct ui {
    int tty;   /* draw a progress line on standard error */
    int drawn; /* a progress line is on the screen */
    int last_stage;
    uint64_t last_draw_ms;
    char *job_id; /* learnt from the progress callback */
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
    struct ui ui;
};

/* Set by the signal handler, read by every thread: a lock-free atomic may be both. */
static atomic_int interrupted;

int cli_interrupted(void)
{
    return atomic_load(&interrupted) != 0;
}

static int has(const struct cli *c, enum option_id id)
{
    return (c->seen & BIT(id)) != 0;
}

/* ------------------------------------------------------------------ output helpers */

static size_t utf8_sequence_length(const unsigned char *p);

static char *cli_secret;

void cli_set_secret(const char *key)
{
    if (cli_secret) {
        for (volatile char *p = cli_secret; *p; p++)
            *p = 0;
        free(cli_secret);
    }
    cli_secret = key ? strdup(key) : NULL;
}

char *cli_redact(const char *s, unsigned what)
{
    char *out = s ? ltx__redact(s, cli_secret, what) : NULL;

    return out ? out : strdup("[message withheld: out of memory]");
}

/* The code point of the valid UTF-8 sequence of n bytes at p. */
static uint32_t utf8_code_point(const unsigned char *p, size_t n)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    uint32_t cp = p[0] & lead_mask[n];

    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3f);
    return cp;
}

/*
 * Terminal-safe copy of text that may come from the server: C0 controls, DEL, the C1 controls
 * U+0080-U+009F (U+009B is CSI, which starts escape sequences in many terminals) and bytes that
 * are not UTF-8 (a lone 0x9b is CSI to an 8-bit terminal) each become '?'.
 */
void cli_put_safe(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t n = utf8_sequence_length(p);

        if (n == 0 || *p < 0x20 || *p == 0x7f || (n == 2 && utf8_code_point(p, n) <= 0x9f)) {
            fputc('?', f);
            p += n ? n : 1;
            continue;
        }
        fwrite(p, 1, n, f);
        p += n;
    }
}

/* Length of the valid UTF-8 sequence at p, or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *p)
{
    static const struct {
        unsigned char mask, lead; /* p[0] & mask == lead */
        uint32_t min;             /* smallest code point (no overlong forms) */
    } forms[] = {{0x80, 0x00, 0}, {0xe0, 0xc0, 0x80}, {0xf0, 0xe0, 0x800}, {0xf8, 0xf0, 0x10000}};
    size_t n = 0;
    uint32_t cp, min;

    while (n < sizeof(forms) / sizeof(forms[0]) && (p[0] & forms[n].mask) != forms[n].lead)
        n++;
    if (n == sizeof(forms) / sizeof(forms[0]))
        return 0;
    min = forms[n].min;
    cp = p[0] & (unsigned char)~forms[n].mask;
    n++;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD so that the line stays valid JSON. */
void cli_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    while (*p) {
        size_t n = utf8_sequence_length(p);

        if (n == 0)
            fputs("\\ufffd", f);
        else if (n == 2 && utf8_code_point(p, n) <= 0x9f) /* C1 controls, escaped like C0 */
            fprintf(f, "\\u%04x", (unsigned)utf8_code_point(p, n));
        else if (n > 1)
            fwrite(p, 1, n, f);
        else if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", (unsigned)*p);
        else
            fputc(*p, f);
        p += n ? n : 1;
    }
    fputc('"', f);
}

/* One JSON object on one line of standard output. */
struct json {
    int fields;
};

static void json_begin(struct json *j)
{
    j->fields = 0;
    fputc('{', stdout);
}

static void json_key(struct json *j, const char *key)
{
    if (j->fields++)
        fputc(',', stdout);
    cli_json_string(stdout, key);
    fputc(':', stdout);
}

/* A text field; the key, Authorization values and URL userinfo never appear (a result URL keeps
 * its query, which is what makes it work). */
static void json_text(struct json *j, const char *key, const char *value)
{
    json_key(j, key);
    if (value) {
        char *clean = cli_redact(value, LTX_REDACT_USERINFO);

        cli_json_string(stdout, clean ? clean : "");
        free(clean);
    } else {
        fputs("null", stdout);
    }
}

static void json_int(struct json *j, const char *key, long long value)
{
    json_key(j, key);
    printf("%lld", value);
}

static void json_uint(struct json *j, const char *key, uint64_t value)
{
    json_key(j, key);
    printf("%" PRIu64, value);
}

static void json_bool(struct json *j, const char *key, int value)
{
    json_key(j, key);
    fputs(value ? "true" : "false", stdout);
}

static void json_end(struct json *j)
{
    (void)j;
    fputs("}\n", stdout);
    fflush(stdout);
}

/* ------------------------------------------------------------------ progress */

static void ui_clear(struct ui *ui)
{
    if (ui->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        ui->drawn = 0;
        ui->last_stage = 0;
    }
}

static void format_bytes(char *buf, size_t len, uint64_t bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    size_t u = 0;

    for (; v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
        v /= 1024.0;
    if (u == 0)
        snprintf(buf, len, "%" PRIu64 " B", bytes);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void ui_draw(struct ui *ui, const ltx_progress *p, int stage)
{
    uint64_t now = ltx_progress_elapsed_ms(p);
    uint64_t bytes = ltx_progress_bytes(p), total = ltx_progress_total(p);
    int finished = stage == LTX_STAGE_DOWNLOADING && total && bytes >= total;
    char line[256];

    if (ui->drawn && stage == ui->last_stage && now - ui->last_draw_ms < REDRAW_INTERVAL_MS &&
        !finished)
        return;
    if (stage == LTX_STAGE_DOWNLOADING) {
        char got[32], all[32], bar[PROGRESS_BAR_WIDTH + 1];

        format_bytes(got, sizeof(got), bytes);
        if (total) {
            uint64_t done = bytes > total ? total : bytes;
            size_t filled = (size_t)(done * PROGRESS_BAR_WIDTH / total);

            for (size_t i = 0; i < PROGRESS_BAR_WIDTH; i++)
                bar[i] = i < filled ? '#' : '.';
            bar[PROGRESS_BAR_WIDTH] = '\0';
            format_bytes(all, sizeof(all), total);
            snprintf(line, sizeof(line), "downloading [%s] %s / %s (%" PRIu64 "%%)", bar, got, all,
                     done * 100 / total);
        } else {
            snprintf(line, sizeof(line), "downloading %s", got);
        }
    } else {
        const char *status = ltx_progress_status(p);
        const char *id = ltx_progress_job_id(p) ? ltx_progress_job_id(p) : ui->job_id;
        uint64_t s = now / 1000;

        snprintf(line, sizeof(line), "%s%s%s%s, %" PRIu64 ":%02u elapsed", id ? "job " : "",
                 id ? id : "", id ? ": " : "", status ? status : "submitted", s / 60,
                 (unsigned)(s % 60));
    }
    line[PROGRESS_LINE_MAX] = '\0'; /* a wrapped line could not be redrawn in place */
    fputs("\r", stderr);
    cli_put_safe(stderr, line);
    fputs("\033[K", stderr);
    fflush(stderr);
    ui->drawn = 1;
    ui->last_stage = stage;
    ui->last_draw_ms = now;
}

static int on_progress(const ltx_progress *p, void *userdata)
{
    struct ui *ui = userdata;
    int stage = ltx_progress_stage(p);
    const char *id = ltx_progress_job_id(p);

    if (id && !ui->job_id)
        ui->job_id = strdup(id); /* out of memory only costs the resume hint */
    if (ui->tty)
        ui_draw(ui, p, stage);
    return cli_interrupted();
}

static void on_log(int level, const char *line, void *userdata)
{
    static const char *const names[] = {"", "error", "warning", "info", "debug"};
    struct ui *ui = userdata;

    flockfile(stderr); /* one line at a time, whoever else writes to standard error */
    ui_clear(ui);
    char *clean = cli_redact(line, LTX_REDACT_ALL);

    fprintf(stderr, PROGRAM ": %s: ",
            level >= LTX_LOG_ERROR && level <= LTX_LOG_DEBUG ? names[level] : "log");
    cli_put_safe(stderr, clean ? clean : "");
    free(clean);
    fputc('\n', stderr);
    funlockfile(stderr);
}

static void on_interrupt(int sig)
{
    (void)sig;
    atomic_store(&interrupted, 1);
}

static void catch_signal(int sig)
{
    struct sigaction sa;

    if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
        return;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(sig, &sa, NULL);
}

/*
 * The first Ctrl-C stops the wait cleanly; SA_RESETHAND lets a second one end
 * ltx at once. An interrupt the parent ignores (nohup, `cmd &`) stays ignored.
 */
void cli_catch_interrupts(int also_sigterm)
{
    catch_signal(SIGINT);
    if (also_sigterm)
        catch_signal(SIGTERM);
}

/* ------------------------------------------------------------------ errors */

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

static const char *option_for_field(const struct cli *c, const char *field)
{
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (options[id].field && strcmp(options[id].field, field) == 0 && c->cmd &&
            (c->cmd->options & BIT(id)))
            return options[id].name;
    return NULL;
}

/* What became of the job, and how to pick it up again without paying twice. */
static void print_job_hint(const struct cli *c, const struct failure *f, const struct exit_class *x,
                           const char *job_id)
{
    const char *output = c->value[OPT_OUTPUT];
    const char *what = f->status == LTX_EJOBFAILED   ? "failed"
                       : f->status == LTX_ENOTFOUND  ? "is unknown or expired"
                       : f->status == LTX_ECANCELLED ? "goes on running on the server and is billed"
                       : f->status == LTX_ETIMEDOUT  ? "goes on running on the server and is billed"
                                                     : NULL;

    if (what) {
        fprintf(stderr, PROGRAM ": job %s ", f->endpoint);
        cli_put_safe(stderr, job_id);
        fprintf(stderr, " %s\n", what);
    }
    if (!x->resumable || c->cmd->run == RUN_STATUS)
        return;
    fprintf(stderr, PROGRAM ": resume with: " PROGRAM " download %s ", f->endpoint);
    cli_put_safe(stderr, job_id);
    fputs(" -o ", stderr);
    cli_put_safe(stderr, output && strcmp(output, "-") != 0 ? output : "FILE");
    fputc('\n', stderr);
}

static int fail(struct cli *c, const struct failure *f)
{
    const struct exit_class *x = exit_class_of(f->status);
    const ltx_error *err = f->err;
    const char *message = err ? ltx_error_message(err) : f->message;
    const char *job_id = f->job_id ? f->job_id : err ? ltx_error_job_id(err) : NULL;
    const char *field = err ? ltx_error_field(err) : NULL;
    const char *option = field ? option_for_field(c, field) : NULL;
    int possibly_executed = err && ltx_error_possibly_executed(err);
    char *clean;

    if (f->status == LTX_ECANCELLED && cli_interrupted())
        message = "interrupted";
    if (!message)
        message = ltx_strerror(f->status);
    clean = cli_redact(message, LTX_REDACT_ALL); /* a configuration error may quote a URL */
    message = clean ? clean : "";

    ui_clear(&c->ui);
    fputs(PROGRAM ": ", stderr);
    cli_put_safe(stderr, message);
    fputc('\n', stderr);
    if (option && strcmp(option, field) != 0)
        fprintf(stderr, PROGRAM ": the field %s is set with --%s\n", field, option);
    if (possibly_executed) /* the message says why; say what to do */
        fputs(PROGRAM ": check your jobs and balance before running this again\n", stderr);
    if (job_id && f->endpoint)
        print_job_hint(c, f, x, job_id);
    if (f->try_help && !c->json)
        fprintf(stderr, "Try '" PROGRAM " %s%s--help' for more information.\n",
                c->cmd ? c->cmd->name : "", c->cmd ? " " : "");

    if (c->json) {
        struct json j;
        int http = err ? ltx_error_http_status(err) : 0;

        json_begin(&j);
        json_bool(&j, "ok", 0);
        json_int(&j, "code", f->status == STATUS_USAGE ? LTX_EINVAL : f->status);
        json_text(&j, "class", x->name);
        if (http)
            json_int(&j, "http_status", http);
        else
            json_text(&j, "http_status", NULL);
        json_text(&j, "error_type", err ? ltx_error_type(err) : NULL);
        json_text(&j, "message", message);
        json_text(&j, "request_id", err ? ltx_error_request_id(err) : NULL);
        json_bool(&j, "possibly_executed", possibly_executed);
        json_text(&j, "field", field);
        json_text(&j, "job_id", job_id);
        json_text(&j, "endpoint", job_id ? f->endpoint : NULL);
        json_text(&j, "state", f->state);
        json_end(&j);
    }
    free(clean);
    return x->exit_code;
}

static int fail_status(struct cli *c, int status, const ltx_error *err)
{
    struct failure f = {status, err, NULL, NULL, NULL, NULL, 0};

    return fail(c, &f);
}

static int usage_verror(struct cli *c, int try_help, const char *fmt, va_list ap) PRINTF_LIKE(3, 0);

static int usage_verror(struct cli *c, int try_help, const char *fmt, va_list ap)
{
    char message[MESSAGE_MAX];
    struct failure f = {STATUS_USAGE, NULL, message, NULL, NULL, NULL, try_help};

    vsnprintf(message, sizeof(message), fmt, ap);
    return fail(c, &f);
}

static int usage_error(struct cli *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int config_error(struct cli *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A mistake on the command line (exit 2, with a pointer to --help). */
static int usage_error(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = usage_verror(c, 1, fmt, ap);
    va_end(ap);
    return rc;
}

/* A missing or unusable setting: the same exit status, no pointer to --help. */
static int config_error(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = usage_verror(c, 0, fmt, ap);
    va_end(ap);
    return rc;
}

/* ------------------------------------------------------------------ help */

static void print_option(FILE *f, enum option_id id)
{
    const struct option_def *o = &options[id];
    char left[64];

    snprintf(left, sizeof(left), "%c%c%c --%s%s%s", o->short_name ? '-' : ' ',
             o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
             o->metavar ? " " : "", o->metavar ? o->metavar : "");
    fprintf(f, "  %-26s %s\n", left, o->help);
}

static void print_global_options(FILE *f)
{
    fputs("\nGlobal options (before or after the command):\n", f);
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (GLOBAL_OPTIONS & BIT(id))
            print_option(f, (enum option_id)id);
}

static void print_help(const struct command *cmd)
{
    FILE *f = stdout;

    if (cmd) {
        fprintf(f, "Usage: " PROGRAM " %s [options] %s\n%s.\n", cmd->name, cmd->synopsis,
                cmd->summary);
        if (cmd->options) {
            fputs("\nOptions:\n", f);
            for (size_t id = 0; id < OPT_COUNT; id++)
                if (cmd->options & BIT(id))
                    print_option(f, (enum option_id)id);
        }
        print_global_options(f);
        return;
    }
    fputs("Usage: " PROGRAM " [options] COMMAND [command options]\n"
          "Generate videos with the LTX API.\n\nCommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
    print_global_options(f);
    fputs("\nRun '" PROGRAM " COMMAND --help' for the options of a command; see ltx(1).\n", f);
}

static int print_version(struct cli *c)
{
    if (c->json) {
        struct json j;

        json_begin(&j);
        json_bool(&j, "ok", 1);
        json_text(&j, "version", PACKAGE_VERSION);
        json_text(&j, "libltx", ltx_version());
        json_end(&j);
    } else {
        printf(PROGRAM " %s (libltx %s)\n", PACKAGE_VERSION, ltx_version());
    }
    return EXIT_SUCCESS;
}

/* ------------------------------------------------------------------ command line */

static void note_error(struct cli *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Keep the first error but read on, so that --help and --json count wherever they are. */
static void note_error(struct cli *c, const char *fmt, ...)
{
    va_list ap;

    if (c->first_error[0])
        return;
    va_start(ap, fmt);
    vsnprintf(c->first_error, sizeof(c->first_error), fmt, ap);
    va_end(ap);
}

static int find_long(const char *name, size_t len)
{
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (strlen(options[id].name) == len && strncmp(options[id].name, name, len) == 0)
            return (int)id;
    return -1;
}

static int find_short(char ch)
{
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (options[id].short_name == ch)
            return (int)id;
    return -1;
}

static void store(struct cli *c, int id, char *value)
{
    c->seen |= BIT(id);
    if (id == OPT_SET)
        c->sets[c->nsets++] = value;
    else if (value)
        c->value[id] = value;
    if (id == OPT_API_KEY) {
        if (c->api_key_arg) /* overridden: hide it from ps at once */
            memset(c->api_key_arg, 'x', strlen(c->api_key_arg));
        c->api_key_arg = value;
    }
}

static void add_positional(struct cli *c, const char *arg)
{
    if (!c->command_name)
        c->command_name = arg;
    else if (c->nargs < sizeof(c->args) / sizeof(c->args[0]))
        c->args[c->nargs++] = arg;
    else
        note_error(c, "too many arguments: '%s'", arg);
}

/* Split argv into options and positional arguments; options may come anywhere. */
static void parse_args(struct cli *c, int argc, char **argv)
{
    int only_positional = 0;

    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];

        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            add_positional(c, arg);
        } else if (strcmp(arg, "--") == 0) {
            only_positional = 1;
        } else if (arg[1] == '-') {
            char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            int id = find_long(name, len);

            if (id < 0)
                note_error(c, "unknown option --%.*s", (int)len, name);
            else if (options[id].kind == ARG_NONE && eq)
                note_error(c, "option --%s takes no value", options[id].name);
            else if (options[id].kind == ARG_NONE)
                store(c, id, NULL);
            else if (eq)
                store(c, id, eq + 1);
            else if (i + 1 < argc)
                store(c, id, argv[++i]);
            else
                note_error(c, "option --%s needs a value", options[id].name);
        } else {
            for (char *p = arg + 1; *p; p++) {
                int id = find_short(*p);

                if (id < 0) {
                    note_error(c, "unknown option -%c", isprint((unsigned char)*p) ? *p : '?');
                    break;
                }
                if (options[id].kind == ARG_NONE) {
                    store(c, id, NULL);
                    continue;
                }
                if (p[1])
                    store(c, id, p + 1);
                else if (i + 1 < argc)
                    store(c, id, argv[++i]);
                else
                    note_error(c, "option -%c needs a value", *p);
                break;
            }
        }
    }
}

static int parse_integer(const char *s, long long *out)
{
    char *end;
    long long v;

    if (!*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

static int parse_real(const char *s, double *out)
{
    char *end;
    double v;

    if (!*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* A size in bytes: digits with an optional binary suffix K, M, G or T. */
static int parse_size(const char *s, uint64_t *out)
{
    static const char suffixes[] = "KMGT";
    uint64_t v = 0, unit = 1;
    const char *p = s;

    if (!(*p >= '0' && *p <= '9'))
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p) {
        const char *u = strchr(suffixes, toupper((unsigned char)*p));

        if (!u || p[1])
            return -1;
        for (const char *q = suffixes; q <= u; q++)
            unit *= 1024;
    }
    if (v > UINT64_MAX / unit)
        return -1;
    *out = v * unit;
    return 0;
}

/* The --max-size of this run: its value, or the default cap. */
static uint64_t max_size(const struct cli *c)
{
    uint64_t v = CLI_DEFAULT_MAX_SIZE;

    if (has(c, OPT_MAX_SIZE))
        (void)parse_size(c->value[OPT_MAX_SIZE], &v); /* checked by check_args() */
    return v;
}

/* The endpoint a job command names: an endpoint's path segment or a command name. */
static const char *job_endpoint_name(const char *name)
{
    const struct command *cmd = command_find(name);
    ltx_endpoint ep;

    if (cmd && cmd->endpoint)
        return ltx_endpoint_name(cmd->endpoint);
    if (ltx_endpoint_from_name(&ep, name) == LTX_OK)
        return name;
    /* an endpoint this release does not know: usable by its path segment */
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return NULL;
    return *name && strlen(name) <= 64 ? name : NULL;
}

const char *cli_endpoint_name(const char *name)
{
    return job_endpoint_name(name);
}

int cli_endpoint_from_name(const char *name)
{
    const char *canonical = job_endpoint_name(name);
    ltx_endpoint ep = LTX_ENDPOINT_OTHER;

    if (canonical)
        (void)ltx_endpoint_from_name(&ep, canonical);
    return ep;
}

static int usage_unknown_endpoint(struct cli *c, const char *name)
{
    char list[MESSAGE_MAX] = "";
    size_t used = 0;

    for (size_t i = 0; i < NCOMMANDS && used < sizeof(list); i++) {
        const char *e = commands[i].endpoint ? ltx_endpoint_name(commands[i].endpoint) : NULL;

        if (e)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", e);
    }
    return usage_error(c, "'%s' is not an endpoint name (%s, or another API path segment of "
                          "lower-case letters, digits and '-')", name, list);
}

/* Everything about the command line that needs no library state. Returns 0 or an exit code. */
static int check_args(struct cli *c)
{
    const struct command *cmd = c->cmd;

    if (c->nargs != cmd->nargs)
        return cmd->nargs ? usage_error(c, "%s takes %s: %s", cmd->name,
                                        cmd->nargs == 1 ? "one argument" : "two arguments",
                                        cmd->args)
                          : usage_error(c, "%s takes no arguments", cmd->name);
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (has(c, (enum option_id)id) && !((GLOBAL_OPTIONS | cmd->options) & BIT(id)))
            return usage_error(c, "option --%s is not accepted by %s", options[id].name, cmd->name);
    for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++)
        if (has(c, conflicts[i][0]) && has(c, conflicts[i][1]))
            return usage_error(c, "options --%s and --%s cannot be used together",
                               options[conflicts[i][0]].name, options[conflicts[i][1]].name);
    for (size_t id = 0; id < OPT_COUNT; id++) {
        const char *v = c->value[id];

        if (!v || options[id].kind == ARG_TEXT || options[id].kind == ARG_NONE)
            continue;
        if (options[id].kind == ARG_INT && (parse_integer(v, &c->integer[id]) ||
                                            c->integer[id] < INT_MIN || c->integer[id] > INT_MAX))
            return usage_error(c, "option --%s: '%s' is not a whole number in range",
                               options[id].name, v);
        if (options[id].kind == ARG_REAL && parse_real(v, &c->real[id]))
            return usage_error(c, "option --%s: '%s' is not a number", options[id].name, v);
    }
    if (has(c, OPT_CONCURRENCY) && (c->integer[OPT_CONCURRENCY] < 1 ||
                                    c->integer[OPT_CONCURRENCY] > BATCH_MAX_CONCURRENCY))
        return usage_error(c, "option --concurrency: must be from 1 to %u", BATCH_MAX_CONCURRENCY);
    if (c->value[OPT_JOURNAL] && !*c->value[OPT_JOURNAL])
        return usage_error(c, "option --journal: the file name is empty");
    if (c->value[OPT_OUTPUT_DIR] && !*c->value[OPT_OUTPUT_DIR])
        return usage_error(c, "option --output-dir: the directory name is empty");
    if (cmd->nargs == 1 && !*c->args[0] && cmd->run != RUN_GENERATE)
        return usage_error(c, "%s: the file name is empty", cmd->name);
    if (has(c, OPT_MAX_SIZE)) {
        uint64_t v;

        if (parse_size(c->value[OPT_MAX_SIZE], &v))
            return usage_error(c, "option --max-size: '%s' is not a size such as 500M, 16G "
                                  "or 0 (no limit)", c->value[OPT_MAX_SIZE]);
    }
    if (has(c, OPT_POLL_INTERVAL) && c->integer[OPT_POLL_INTERVAL] < 1)
        return usage_error(c, "option --poll-interval: must be at least 1 millisecond");
    if (has(c, OPT_TIMEOUT) && strcmp(c->value[OPT_TIMEOUT], "none") != 0) {
        double s;

        if (parse_real(c->value[OPT_TIMEOUT], &s) || s <= 0 ||
            s * MS_PER_SECOND >= (double)LTX_NO_LIMIT)
            return usage_error(c, "option --timeout: '%s' is not a number of seconds or 'none'",
                               c->value[OPT_TIMEOUT]);
    }
    if ((cmd->options & BIT(OPT_OUTPUT)) && !has(c, OPT_OUTPUT) && !has(c, OPT_NO_WAIT))
        return usage_error(c, "%s needs -o FILE%s", cmd->name,
                           cmd->run == RUN_GENERATE ? " (or --no-wait)" : "");
    if (c->json && c->value[OPT_OUTPUT] && strcmp(c->value[OPT_OUTPUT], "-") == 0)
        return usage_error(c, "--json and -o - both need standard output");
    for (size_t i = 0; i < c->nsets; i++) {
        const char *eq = strchr(c->sets[i], '=');

        if (!eq || eq == c->sets[i])
            return usage_error(c, "option --set: expected NAME=JSON, got '%s'", c->sets[i]);
    }
    if (cmd->run == RUN_GENERATE && cmd->nargs == 1) { /* submit ENDPOINT */
        c->job_endpoint = job_endpoint_name(c->args[0]);
        if (!c->job_endpoint)
            return usage_unknown_endpoint(c, c->args[0]);
    }
    if (cmd->nargs == 2) {
        c->job_endpoint = job_endpoint_name(c->args[0]);
        if (!c->job_endpoint)
            return usage_unknown_endpoint(c, c->args[0]);
        if (!*c->args[1])
            return usage_error(c, "the job id is empty");
    }
    return 0;
}

/* ------------------------------------------------------------------ client and request */

static int log_level_from_name(const char *name)
{
    static const struct {
        const char *name;
        int level;
    } levels[] = {{"error", LTX_LOG_ERROR},
                  {"warn", LTX_LOG_WARN},
                  {"warning", LTX_LOG_WARN},
                  {"info", LTX_LOG_INFO},
                  {"debug", LTX_LOG_DEBUG}};

    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strcasecmp(name, levels[i].name) == 0)
            return levels[i].level;
    return 0;
}

/* -v, else LTX_LOG, else warnings unless --quiet. 0 = no logging. */
static int log_level(struct cli *c)
{
    const char *env = getenv("LTX_LOG");

    if (has(c, OPT_VERBOSE))
        return LTX_LOG_DEBUG;
    if (env && *env) {
        int level = log_level_from_name(env);

        if (level)
            return level;
        if (!c->quiet) {
            fputs(PROGRAM ": LTX_LOG: unknown level '", stderr);
            cli_put_safe(stderr, env);
            fputs("' ignored (debug, info, warn or error)\n", stderr);
        }
    }
    return c->quiet ? 0 : LTX_LOG_WARN;
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

/*
 * A client configured by precedence: command-line option, then environment,
 * then the library default. No key anywhere is a usage error, before any network.
 */
static int make_client(struct cli *c, ltx_client **out)
{
    const char *key = c->value[OPT_API_KEY];
    const char *base_url = c->value[OPT_BASE_URL];
    const char *base_source = "option --base-url";
    ltx_client *client = NULL;
    ltx_error *err = NULL;
    int level = log_level(c), st, rc = 0;

    if (!key)
        key = env_nonempty("LTX_API_KEY");
    if (!key)
        key = env_nonempty("LTXV_API_KEY");
    if (!key || !*key)
        return config_error(c, "no API key: pass --api-key KEY or set LTX_API_KEY");
    if (!base_url && (base_url = env_nonempty("LTX_BASE_URL")))
        base_source = "LTX_BASE_URL";

    cli_set_secret(key);
    st = ltx_client_new(&client, key, &err);
    if (c->api_key_arg) /* the library holds its own copy; hide ours from ps */
        memset(c->api_key_arg, 'x', strlen(c->api_key_arg));
    if (st != LTX_OK) {
        rc = fail_status(c, st, err);
        goto out;
    }
    if (base_url && (st = ltx_client_set_base_url(client, base_url)) != LTX_OK) {
        rc = st == LTX_EINVAL ? config_error(c, "%s: '%s' is not an http:// or https:// URL",
                                             base_source, base_url)
                              : fail_status(c, st, NULL);
        goto out;
    }
    {
        const char *ca_file = c->value[OPT_CA_FILE] ? c->value[OPT_CA_FILE]
                                                    : env_nonempty("LTX_CA_FILE");
        const char *ca_path = c->value[OPT_CA_PATH] ? c->value[OPT_CA_PATH]
                                                    : env_nonempty("LTX_CA_PATH");

        if ((ca_file && (st = ltx_client_set_ca_file(client, ca_file)) != LTX_OK) ||
            (ca_path && (st = ltx_client_set_ca_path(client, ca_path)) != LTX_OK)) {
            rc = fail_status(c, st, NULL);
            goto out;
        }
    }
    if (has(c, OPT_INSECURE_HTTP))
        ltx_client_allow_insecure_http(client, 1);
    if (level)
        ltx_client_set_log(client, level, on_log, &c->ui);
    ltx_client_set_user_agent_suffix(client, USER_AGENT_SUFFIX);
    if (has(c, OPT_POLL_INTERVAL))
        ltx_client_set_poll_interval_ms(client, (uint32_t)c->integer[OPT_POLL_INTERVAL]);
    if (has(c, OPT_TIMEOUT)) {
        double s;
        uint32_t ms = LTX_NO_LIMIT;

        if (parse_real(c->value[OPT_TIMEOUT], &s) == 0)
            ms = s * MS_PER_SECOND < 1.0 ? 1u : (uint32_t)(s * MS_PER_SECOND);
        ltx_client_set_deadline_ms(client, ms);
    }
out:
    ltx_error_free(err);
    if (rc) {
        ltx_client_free(client);
        client = NULL;
    }
    *out = client;
    return rc;
}

static int apply_option(ltx_request *req, enum option_id id, const struct cli *c)
{
    const struct option_def *o = &options[id];

    if (o->set_text)
        return o->set_text(req, c->value[id]);
    if (o->set_int)
        return o->set_int(req, (int)c->integer[id]);
    if (o->set_real)
        return o->set_real(req, c->real[id]);
    if (o->set_flag)
        return o->set_flag(req);
    return LTX_OK;
}

static int apply_set(struct cli *c, ltx_request *req, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *name = strndup(arg, (size_t)(eq - arg));
    int st, rc = 0;

    if (!name)
        return fail_status(c, LTX_ENOMEM, NULL);
    st = ltx_request_set_json(req, name, eq + 1);
    if (st == LTX_EINVAL)
        rc = usage_error(c, "option --set %s: '%s' is not one valid JSON value", name, eq + 1);
    else if (st != LTX_OK)
        rc = fail_status(c, st, NULL);
    free(name);
    return rc;
}

/* The request from the options the command takes, --set values last so that they win. */
static int build_request(struct cli *c, ltx_request **out)
{
    ltx_request *req = NULL;
    int st, rc = 0;

    st = c->cmd->endpoint ? ltx_request_new(&req, c->cmd->endpoint)
                          : ltx_request_new_by_name(&req, c->job_endpoint);
    if (st != LTX_OK) {
        rc = fail_status(c, st, NULL);
        goto out;
    }
    for (size_t id = 0; id < OPT_COUNT && !rc; id++) {
        if (!has(c, (enum option_id)id))
            continue;
        st = apply_option(req, (enum option_id)id, c);
        if (st == LTX_EINVAL)
            rc =
                usage_error(c, "option --%s is not accepted by %s", options[id].name, c->cmd->name);
        else if (st != LTX_OK)
            rc = fail_status(c, st, NULL);
    }
    for (size_t i = 0; i < c->nsets && !rc; i++)
        rc = apply_set(c, req, c->sets[i]);
out:
    if (rc) {
        ltx_request_free(req);
        req = NULL;
    }
    *out = req;
    return rc;
}

static int open_sink(struct cli *c, ltx_sink **out)
{
    const char *path = c->value[OPT_OUTPUT];
    int to_stdout = strcmp(path, "-") == 0;
    char message[MESSAGE_MAX];
    struct failure f = {LTX_OK, NULL, message, NULL, NULL, NULL, 0};

    if (to_stdout && isatty(STDOUT_FILENO))
        return config_error(c, "-o -: standard output is a terminal, not a place for a video");
    f.status = to_stdout ? ltx_sink_new_fd(out, STDOUT_FILENO) : ltx_sink_new_path(out, path);
    if (f.status == LTX_OK)
        f.status = ltx_sink_set_max_bytes(*out, max_size(c));
    if (f.status == LTX_OK)
        return 0;
    if (f.status == LTX_EINVAL)
        return config_error(c, "-o: '%s' is not a usable output path", path);
    snprintf(message, sizeof(message), "cannot write %s: %s", path, ltx_strerror(f.status));
    return fail(c, &f);
}

/* ------------------------------------------------------------------ results */

static const char *state_name(int state)
{
    static const char *const names[] = {"submitted", "pending", "processing",
                                        "completed", "failed",  "unknown"};

    return state >= 0 && state < (int)(sizeof(names) / sizeof(names[0])) ? names[state] : "unknown";
}

static void print_submitted(struct cli *c, const ltx_job *job)
{
    if (c->json) {
        struct json j;

        json_begin(&j);
        json_bool(&j, "ok", 1);
        json_text(&j, "job_id", ltx_job_id(job));
        json_text(&j, "endpoint", ltx_job_endpoint_name(job));
        json_end(&j);
    } else {
        printf("%s %s\n", ltx_job_endpoint_name(job), ltx_job_id(job));
    }
}

/* The state on the first line; the result URL, or the failure, on the second. */
static void print_job(struct cli *c, const ltx_job *job)
{
    int state = ltx_job_state(job);
    const char *status = ltx_job_status(job);
    const char *url = state == LTX_JOB_COMPLETED ? ltx_job_result_url(job, NULL) : NULL;

    if (c->json) {
        struct json j;

        json_begin(&j);
        json_bool(&j, "ok", 1);
        json_text(&j, "job_id", ltx_job_id(job));
        json_text(&j, "endpoint", ltx_job_endpoint_name(job));
        json_text(&j, "state", state_name(state));
        json_text(&j, "status", status);
        json_text(&j, "result_url", url);
        json_text(&j, "error_type", ltx_job_error_type(job));
        json_text(&j, "error_message", ltx_job_error_message(job));
        json_end(&j);
        return;
    }
    cli_put_safe(stdout, status ? status : state_name(state));
    fputc('\n', stdout);
    if (url) {
        cli_put_safe(stdout, url);
        fputc('\n', stdout);
    } else if (state == LTX_JOB_FAILED && c->cmd->run == RUN_STATUS) {
        const char *type = ltx_job_error_type(job), *msg = ltx_job_error_message(job);

        cli_put_safe(stdout, type ? type : "error");
        fputs(": ", stdout);
        cli_put_safe(stdout, msg ? msg : "(no message)");
        fputc('\n', stdout);
    }
}

/* What the command wrote: the output, and a preview when one was asked for. */
struct written {
    const char *endpoint;
    const char *job_id;
    uint64_t bytes;
    int billed_twice;     /* a retry after an unknown outcome delivered it */
    const char *preview;  /* the --preview file written, or NULL */
};

static void print_written(struct cli *c, const struct written *w)
{
    const char *path = c->value[OPT_OUTPUT], *job_id = w->job_id;
    int to_stdout = strcmp(path, "-") == 0;
    uint64_t bytes = w->bytes;

    if (w->billed_twice && !c->quiet) /* money: said even with --json, on standard error */
        fputs(PROGRAM ": warning: the video came from a request sent again after an attempt "
              "whose outcome was unknown; that attempt may also have been billed\n", stderr);
    if (c->json) {
        struct json j;

        json_begin(&j);
        json_bool(&j, "ok", 1);
        json_text(&j, "job_id", job_id);
        json_text(&j, "endpoint", w->endpoint);
        json_text(&j, "output", path);
        json_uint(&j, "bytes", bytes);
        json_bool(&j, "possibly_billed_twice", w->billed_twice);
        if (has(c, OPT_PREVIEW))
            json_text(&j, "preview", w->preview);
        json_end(&j);
        return;
    }
    if (c->quiet)
        return;
    fputs("wrote ", stderr);
    cli_put_safe(stderr, to_stdout ? "standard output" : path);
    fprintf(stderr, " (%" PRIu64 " bytes)", bytes);
    if (job_id) {
        fputs(", job ", stderr);
        cli_put_safe(stderr, job_id);
    }
    fputc('\n', stderr);
    if (w->preview) {
        fputs("wrote the preview ", stderr);
        cli_put_safe(stderr, w->preview);
        fputc('\n', stderr);
    }
}

/* ------------------------------------------------------------------ commands */

/* The --preview sink, checked now so that a bad path costs nothing. */
static int open_preview(struct cli *c, ltx_sink **out)
{
    const char *path = c->value[OPT_PREVIEW];
    ltx_error *err = NULL;
    int st;

    if (ltx_sink_new_path(out, path) != LTX_OK)
        return config_error(c, "--preview: '%s' is not a usable output path", path);
    if ((st = ltx_sink_check(*out, &err)) != LTX_OK) {
        struct failure f = {st, err, NULL, NULL, NULL, NULL, 0};
        int rc = fail(c, &f);

        ltx_error_free(err);
        return rc;
    }
    return 0;
}

/* After the main output: the job's "video_url" result (HDR's MP4 preview) into preview. */
static int write_preview(struct cli *c, ltx_client *client, const char *endpoint,
                         ltx_sink *preview, struct written *w)
{
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    struct failure f = {LTX_OK, NULL, NULL, endpoint, w->job_id, NULL, 0};
    int rc = 0;

    /* one poll more: the finished job's answer names every result */
    if (w->job_id &&
        (f.status = ltx_job_open_by_name(&job, client, endpoint, w->job_id, &err)) == LTX_OK)
        f.status = ltx_job_refresh(job, &err);
    if (f.status == LTX_OK && !ltx_job_result_url(job, "video_url")) {
        if (!c->quiet)
            fputs(PROGRAM ": warning: the result has no MP4 preview; only the main output "
                  "was written\n", stderr);
    } else if (f.status == LTX_OK) {
        f.status = ltx_job_download_result(job, "video_url", preview, on_progress, &c->ui, &err);
        ui_clear(&c->ui);
        if (f.status == LTX_OK)
            w->preview = c->value[OPT_PREVIEW];
    }
    if (f.status != LTX_OK) {
        f.err = err;
        rc = fail(c, &f);
    }
    ltx_error_free(err);
    ltx_job_free(job);
    return rc;
}

static int run_generate(struct cli *c)
{
    const char *endpoint = c->cmd->endpoint ? ltx_endpoint_name(c->cmd->endpoint) : c->job_endpoint;
    struct written w = {0};
    ltx_request *req = NULL;
    ltx_client *client = NULL;
    ltx_sink *sink = NULL, *preview = NULL;
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    int st, rc;

    if (!endpoint)
        endpoint = c->cmd->name;
    if ((rc = build_request(c, &req)) != 0 || (rc = make_client(c, &client)) != 0)
        goto out;
    cli_catch_interrupts(0);
    if (has(c, OPT_NO_WAIT)) {
        if ((st = ltx_submit(&job, client, req, &err)) != LTX_OK) {
            struct failure f = {st, err, NULL, endpoint, NULL, NULL, 0};

            rc = fail(c, &f);
            goto out;
        }
        print_submitted(c, job);
        goto out;
    }
    if ((rc = open_sink(c, &sink)) != 0)
        goto out;
    /* both outputs are checked before anything is paid for */
    if (has(c, OPT_PREVIEW) && (rc = open_preview(c, &preview)) != 0)
        goto out;
    st = ltx_generate(client, req, sink, on_progress, &c->ui, &err);
    ui_clear(&c->ui);
    if (st != LTX_OK) {
        struct failure f = {st, err, NULL, endpoint, c->ui.job_id, NULL, 0};

        if (st == LTX_EJOBFAILED)
            f.state = state_name(LTX_JOB_FAILED);
        rc = fail(c, &f);
        goto out;
    }
    w.endpoint = endpoint;
    w.job_id = c->ui.job_id;
    w.bytes = ltx_sink_bytes_written(sink);
    w.billed_twice = ltx_sink_possibly_billed_twice(sink);
    if (preview && (rc = write_preview(c, client, endpoint, preview, &w)) != 0)
        goto out;
    print_written(c, &w);
out:
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_sink_free(preview);
    ltx_sink_free(sink);
    ltx_request_free(req);
    ltx_client_free(client);
    return rc;
}

/* upload FILE: the ltx:// URI on standard output. */
static int run_upload(struct cli *c)
{
    const char *path = c->args[0], *type = NULL;
    ltx_client *client = NULL;
    ltx_error *err = NULL;
    ltx_upload *upload = NULL;
    const char *uri = NULL;
    int st, rc;

    if ((rc = make_client(c, &client)) != 0)
        goto out;
    if ((st = ltx_upload_file(&upload, client, path, NULL, &err)) != LTX_OK) {
        /* a file that is missing, unreadable or not media is a mistake in the request */
        struct failure f = {st == LTX_EIO ? LTX_EREQUEST : st, err, NULL, NULL, NULL, NULL, 0};

        rc = fail(c, &f);
        goto out;
    }
    uri = ltx_upload_storage_uri(upload);
    if (c->json) {
        struct json j;

        if (ltx_media_type(&type, path, NULL) != LTX_OK)
            type = NULL; /* the file changed since; the URI is what matters */
        json_begin(&j);
        json_bool(&j, "ok", 1);
        json_text(&j, "file", path);
        json_text(&j, "media_type", type);
        json_text(&j, "storage_uri", uri);
        json_text(&j, "expires_at", ltx_upload_expires_at(upload));
        json_end(&j);
    } else {
        cli_put_safe(stdout, uri);
        fputc('\n', stdout);
    }
out:
    ltx_upload_free(upload);
    ltx_error_free(err);
    ltx_client_free(client);
    return rc;
}

static int batch_make_client(void *ctx, ltx_client **out)
{
    return make_client(ctx, out);
}

static int batch_fail(void *ctx, int status, const char *message)
{
    struct failure f = {status, NULL, message, NULL, NULL, NULL, 0};

    return fail(ctx, &f);
}

static int run_batch(struct cli *c)
{
    struct batch_config b;

    memset(&b, 0, sizeof(b));
    b.input = c->args[0];
    b.journal = c->value[OPT_JOURNAL];
    b.output_dir = c->value[OPT_OUTPUT_DIR];
    b.concurrency = has(c, OPT_CONCURRENCY) ? (unsigned)c->integer[OPT_CONCURRENCY]
                                            : BATCH_DEFAULT_CONCURRENCY;
    b.resubmit_unknown = has(c, OPT_RESUBMIT_UNKNOWN);
    b.retry_failed = has(c, OPT_RETRY_FAILED);
    b.quiet = c->quiet;
    b.json = c->json;
    b.timeout_ms = LTX_DEFAULT_DEADLINE_MS;
    b.max_bytes = max_size(c);
    if (has(c, OPT_TIMEOUT)) {
        double s;

        b.timeout_ms = LTX_NO_LIMIT;
        if (parse_real(c->value[OPT_TIMEOUT], &s) == 0)
            b.timeout_ms = s * MS_PER_SECOND < 1.0 ? 1u : (uint32_t)(s * MS_PER_SECOND);
    }
    b.ctx = c;
    b.make_client = batch_make_client;
    b.fail = batch_fail;
    cli_catch_interrupts(1);
    return cli_batch(&b);
}

/* status, wait and download: a job from (endpoint, id). */
static int run_job(struct cli *c)
{
    const char *endpoint = c->job_endpoint, *id = c->args[1];
    enum run_kind run = c->cmd->run;
    ltx_client *client = NULL;
    ltx_sink *sink = NULL;
    ltx_job *job = NULL;
    ltx_error *err = NULL;
    struct failure f = {LTX_OK, NULL, NULL, endpoint, id, NULL, 0};
    int rc;

    c->ui.job_id = strdup(id); /* for the progress line; out of memory only costs that */
    if ((rc = make_client(c, &client)) != 0)
        goto out;
    if (run != RUN_STATUS)
        cli_catch_interrupts(0);
    if (run == RUN_DOWNLOAD && (rc = open_sink(c, &sink)) != 0)
        goto out;
    if ((f.status = ltx_job_open_by_name(&job, client, endpoint, id, &err)) != LTX_OK)
        goto failed;
    if (run == RUN_STATUS) {
        if ((f.status = ltx_job_refresh(job, &err)) != LTX_OK)
            goto failed;
        print_job(c, job);
        goto out;
    }
    f.status = ltx_job_wait(job, 0, on_progress, &c->ui, &err);
    ui_clear(&c->ui);
    if (f.status == LTX_EJOBFAILED) {
        f.state = state_name(ltx_job_state(job));
        if (!c->json && run == RUN_WAIT)
            print_job(c, job);
    }
    if (f.status != LTX_OK)
        goto failed;
    if (run == RUN_WAIT) {
        print_job(c, job);
        goto out;
    }
    f.status = ltx_job_download(job, sink, on_progress, &c->ui, &err);
    ui_clear(&c->ui);
    if (f.status != LTX_OK)
        goto failed;
    {
        struct written w = {endpoint, id, ltx_sink_bytes_written(sink), 0, NULL};

        print_written(c, &w);
    }
    goto out;
failed:
    f.err = err;
    rc = fail(c, &f);
out:
    ltx_error_free(err);
    ltx_job_free(job);
    ltx_sink_free(sink);
    ltx_client_free(client);
    return rc;
}

static int run(struct cli *c, int argc, char **argv)
{
    int rc;

    c->sets = calloc((size_t)argc, sizeof(*c->sets));
    if (!c->sets)
        return fail_status(c, LTX_ENOMEM, NULL);
    parse_args(c, argc, argv);
    c->json = has(c, OPT_JSON);
    c->quiet = has(c, OPT_QUIET);
    c->ui.tty = isatty(STDERR_FILENO) && !c->quiet && !c->json;
    if (c->command_name)
        c->cmd = command_find(c->command_name);

    if (has(c, OPT_HELP)) {
        print_help(c->cmd);
        return EXIT_SUCCESS;
    }
    if (has(c, OPT_VERSION))
        return print_version(c);
    if (c->first_error[0])
        return usage_error(c, "%s", c->first_error);
    if (!c->command_name)
        return usage_error(c, "no command given");
    if (!c->cmd)
        return usage_error(c, "unknown command '%s'", c->command_name);
    if ((rc = check_args(c)) != 0)
        return rc;
    if (c->cmd->run == RUN_VERSION)
        return print_version(c);

    if ((rc = ltx_global_init(LTX_GLOBAL_DEFAULT)) != LTX_OK)
        return fail_status(c, rc, NULL);
    switch (c->cmd->run) {
    case RUN_GENERATE:
        rc = run_generate(c);
        break;
    case RUN_UPLOAD:
        rc = run_upload(c);
        break;
    case RUN_BATCH:
        rc = run_batch(c);
        break;
    default:
        rc = run_job(c);
        break;
    }
    ltx_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    struct cli c;
    int rc;

    memset(&c, 0, sizeof(c));
    rc = run(&c, argc, argv);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs(PROGRAM ": cannot write standard output\n", stderr);
        if (rc == EXIT_SUCCESS)
            rc = EXIT_IO;
    }
    free(c.ui.job_id);
    free(c.sets);
    return rc;
}
