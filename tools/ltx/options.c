/* tools/ltx/options.c — the ltx command's options and commands (one table each), parsing,
 * --help and the checks that need no library state. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cmd.h"
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

#define TEXT(setter) .kind = ARG_TEXT, .set_text = (setter)
#define INT(setter) .kind = ARG_INT, .set_int = (setter)
#define REAL(setter) .kind = ARG_REAL, .set_real = (setter)
#define FLAG(setter) .kind = ARG_NONE, .set_flag = (setter)

const struct option_def options[OPT_COUNT] = {
    [OPT_API_KEY] = {"api-key", 0, TEXT(NULL), .metavar = "KEY",
                     .help = "API key (default: $LTX_API_KEY, then $LTXV_API_KEY)"},
    [OPT_API_KEY_FILE] = {"api-key-file", 0, TEXT(NULL), .metavar = "FILE",
                          .help = "read the API key from FILE, out of sight of ps (default: "
                                  "$LTX_API_KEY_FILE)"},
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

    [OPT_DRY_RUN] = {"dry-run", 0, FLAG(NULL),
                     .help = "check, print the request body and the estimated price; send "
                             "nothing"},
    [OPT_PRICES] = {"prices", 0, TEXT(NULL), .metavar = "FILE",
                    .help = "prices that override or complete the built-in table (default: "
                            "$LTX_PRICES)"},

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

    [OPT_MAX_COST] = {"max-cost", 0, REAL(NULL), .metavar = "USD",
                      .help = "submit entries only while the estimated spend, the journal's "
                              "included, stays within USD"},
    [OPT_ALLOW_UNKNOWN_COST] = {"allow-unknown-cost", 0, FLAG(NULL),
                                .help = "under --max-cost, also submit entries whose price is "
                                        "unknown"},

    [OPT_PROMPT] = {"prompt", 0, TEXT(ltx_request_set_prompt), .metavar = "TEXT", .field = "prompt",
                    .help = "what the video shows (at most 5000 characters; '-': standard input)"},
    [OPT_PROMPT_FILE] = {"prompt-file", 0, TEXT(NULL), .metavar = "FILE", .field = "prompt",
                         .help = "read the prompt from FILE (UTF-8; a final newline is dropped)"},
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

#define GLOBAL_OPTIONS                                                                             \
    (BIT(OPT_API_KEY) | BIT(OPT_BASE_URL) | BIT(OPT_VERBOSE) | BIT(OPT_QUIET) | BIT(OPT_JSON) |    \
     BIT(OPT_POLL_INTERVAL) | BIT(OPT_TIMEOUT) | BIT(OPT_HELP) | BIT(OPT_VERSION) |                \
     BIT(OPT_CA_FILE) | BIT(OPT_CA_PATH) | BIT(OPT_INSECURE_HTTP) | BIT(OPT_API_KEY_FILE))
#define SUBMIT_OPTIONS                                                                             \
    (BIT(OPT_OUTPUT) | BIT(OPT_NO_WAIT) | BIT(OPT_SET) | BIT(OPT_MAX_SIZE) | BIT(OPT_DRY_RUN) |    \
     BIT(OPT_PRICES))
#define GENERATE_OPTIONS                                                                           \
    (SUBMIT_OPTIONS | BIT(OPT_SYNC) | BIT(OPT_PROMPT) | BIT(OPT_PROMPT_FILE) | BIT(OPT_MODEL))
#define BATCH_OPTIONS                                                                              \
    (BIT(OPT_CONCURRENCY) | BIT(OPT_JOURNAL) | BIT(OPT_OUTPUT_DIR) | BIT(OPT_RESUBMIT_UNKNOWN) |   \
     BIT(OPT_RETRY_FAILED) | BIT(OPT_MAX_SIZE) | BIT(OPT_DRY_RUN) | BIT(OPT_PRICES) |              \
     BIT(OPT_MAX_COST) | BIT(OPT_ALLOW_UNKNOWN_COST))
#define T2V_OPTIONS                                                                                \
    (GENERATE_OPTIONS | BIT(OPT_DURATION) | BIT(OPT_AUTO_DURATION) | BIT(OPT_RESOLUTION) |         \
     BIT(OPT_FPS) | BIT(OPT_CAMERA_MOTION) | BIT(OPT_NO_AUDIO))

/* Options that contradict each other, whatever the command. */
static const enum option_id conflicts[][2] = {
    {OPT_DURATION, OPT_AUTO_DURATION}, {OPT_SYNC, OPT_NO_WAIT},       {OPT_OUTPUT, OPT_NO_WAIT},
    {OPT_PREVIEW, OPT_NO_WAIT},        {OPT_PROMPT, OPT_PROMPT_FILE}, {OPT_DRY_RUN, OPT_NO_WAIT},
    {OPT_API_KEY, OPT_API_KEY_FILE},
};

/* ------------------------------------------------------------------ commands */

/* What text-to-video and image-to-video cannot do without, and an example of it. */
#define MRD (BIT(OPT_MODEL) | BIT(OPT_RESOLUTION) | BIT(OPT_DURATION))
#define EX_MRD "--model ltx-2-3-fast --duration 6 --resolution 1920x1080"

const struct command commands[] = {
    {"text-to-video", RUN_GENERATE, LTX_ENDPOINT_TEXT_TO_VIDEO, T2V_OPTIONS, 0, NULL,
     "--prompt TEXT --model ID --duration S --resolution WxH -o FILE",
     "generate a video from a text prompt", BIT(OPT_PROMPT) | MRD,
     "--prompt 'A lighthouse at dusk' " EX_MRD " -o out.mp4"},
    {"image-to-video", RUN_GENERATE, LTX_ENDPOINT_IMAGE_TO_VIDEO,
     T2V_OPTIONS | BIT(OPT_IMAGE) | BIT(OPT_LAST_FRAME), 0, NULL,
     "--image FILE|URI --prompt TEXT --model ID --duration S --resolution WxH -o FILE",
     "animate an image", BIT(OPT_IMAGE) | BIT(OPT_PROMPT) | MRD,
     "--image cat.png --prompt 'The cat turns its head' " EX_MRD " -o cat.mp4"},
    {"audio-to-video", RUN_GENERATE, LTX_ENDPOINT_AUDIO_TO_VIDEO,
     GENERATE_OPTIONS | BIT(OPT_AUDIO) | BIT(OPT_IMAGE) | BIT(OPT_RESOLUTION) |
         BIT(OPT_GUIDANCE_SCALE) | BIT(OPT_FPS) | BIT(OPT_CAMERA_MOTION) | BIT(OPT_LAST_FRAME),
     0, NULL, "--audio FILE|URI (--image FILE|URI | --prompt TEXT) -o FILE",
     "generate a video for a sound track", BIT(OPT_AUDIO),
     "--audio song.mp3 --prompt 'A singer on a stage at night' -o song.mp4"},
    {"retake", RUN_GENERATE, LTX_ENDPOINT_RETAKE,
     GENERATE_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_START) | BIT(OPT_DURATION) | BIT(OPT_MODE) |
         BIT(OPT_RESOLUTION),
     0, NULL, "--video FILE|URI --start S --duration S -o FILE", "regenerate a section of a video",
     BIT(OPT_VIDEO) | BIT(OPT_START) | BIT(OPT_DURATION),
     "--video in.mp4 --start 2 --duration 3 --prompt 'It starts to rain' -o retake.mp4"},
    {"extend", RUN_GENERATE, LTX_ENDPOINT_EXTEND,
     GENERATE_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_DURATION) | BIT(OPT_MODE) | BIT(OPT_CONTEXT) |
         BIT(OPT_RESOLUTION),
     0, NULL, "--video FILE|URI --duration S -o FILE", "lengthen a video at its start or end",
     BIT(OPT_VIDEO) | BIT(OPT_DURATION), "--video in.mp4 --duration 5 --mode end -o longer.mp4"},
    {"hdr", RUN_GENERATE, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR,
     SUBMIT_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_PREVIEW), 0, NULL,
     "--video FILE|URI -o FRAMES.zip [--preview FILE.mp4]",
     "convert a video to HDR (a ZIP of EXR frames)", BIT(OPT_VIDEO),
     "--video in.mp4 -o frames.zip"},
    {"reframe", RUN_GENERATE, LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME,
     SUBMIT_OPTIONS | BIT(OPT_VIDEO) | BIT(OPT_RESOLUTION) | BIT(OPT_MODEL), 0, NULL,
     "--video FILE|URI --resolution WxH -o FILE", "change a video's aspect ratio",
     BIT(OPT_VIDEO) | BIT(OPT_RESOLUTION), "--video in.mp4 --resolution 1080x1920 -o tall.mp4"},
    {"submit", RUN_GENERATE, 0,
     T2V_OPTIONS | BIT(OPT_IMAGE) | BIT(OPT_LAST_FRAME) | BIT(OPT_AUDIO) | BIT(OPT_VIDEO) |
         BIT(OPT_START) | BIT(OPT_MODE) | BIT(OPT_CONTEXT) | BIT(OPT_GUIDANCE_SCALE),
     1, "ENDPOINT", "ENDPOINT [--set NAME=JSON ...] -o FILE",
     "generate on any endpoint by its name, also one this release does not know", 0, NULL},
    {"upload", RUN_UPLOAD, 0, 0, 1, "FILE", "FILE",
     "upload a local file, print its ltx:// URI (valid 24 hours)", 0, NULL},
    {"status", RUN_STATUS, 0, 0, 2, "ENDPOINT JOB_ID", "ENDPOINT JOB_ID",
     "print a job's state (one poll)", 0, NULL},
    {"wait", RUN_WAIT, 0, 0, 2, "ENDPOINT JOB_ID", "ENDPOINT JOB_ID",
     "wait until a job ends, print its state", 0, NULL},
    {"download", RUN_DOWNLOAD, 0, BIT(OPT_OUTPUT) | BIT(OPT_MAX_SIZE), 2, "ENDPOINT JOB_ID",
     "ENDPOINT JOB_ID -o FILE", "wait for a job if needed, then download its result", 0, NULL},
    {"batch", RUN_BATCH, 0, BATCH_OPTIONS, 1, "FILE",
     "FILE.jsonl [--concurrency N] [--journal FILE] [--output-dir DIR]",
     "run many generations from a JSON Lines file, resumably", 0, NULL},
    {"version", RUN_VERSION, 0, 0, 0, NULL, "", "print the versions of ltx and libltx", 0, NULL},
    {"help", RUN_HELP, 0, 0, 1, "[COMMAND]", "[COMMAND]", "show the help of ltx or of a command", 0,
     NULL},
    {"completion", RUN_COMPLETION, 0, 0, 1, "SHELL", "bash|zsh|fish",
     "print a completion script for bash, zsh or fish", 0, NULL},
};

const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

const struct command *command_find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int has(const struct cli *c, enum option_id id)
{
    return (c->seen & BIT(id)) != 0;
}

const char *option_for_field(const struct cli *c, const char *field)
{
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (options[id].field && strcmp(options[id].field, field) == 0 && c->cmd &&
            (c->cmd->options & BIT(id)))
            return options[id].name;
    return NULL;
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

/* --name or --name=value; *i moves past a value taken from the next argument. */
static void parse_long(struct cli *c, int argc, char **argv, int *i)
{
    char *name = argv[*i] + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int id = find_long(name, len);
    const char *guess;

    if (id < 0 && (guess = nearest_option(name, len)))
        note_error(c, "unknown option --%.*s; did you mean --%s?", (int)len, name, guess);
    else if (id < 0)
        note_error(c, "unknown option --%.*s", (int)len, name);
    else if (options[id].kind == ARG_NONE && eq)
        note_error(c, "option --%s takes no value", options[id].name);
    else if (options[id].kind == ARG_NONE)
        store(c, id, NULL);
    else if (eq)
        store(c, id, eq + 1);
    else if (*i + 1 < argc)
        store(c, id, argv[++*i]);
    else
        note_error(c, "option --%s needs a value", options[id].name);
}

/* -abc, -ovalue or -o value. */
static void parse_short(struct cli *c, int argc, char **argv, int *i)
{
    for (char *p = argv[*i] + 1; *p; p++) {
        int id = find_short(*p);

        if (id < 0) {
            note_error(c, "unknown option -%c", isprint((unsigned char)*p) ? *p : '?');
            return;
        }
        if (options[id].kind == ARG_NONE) {
            store(c, id, NULL);
            continue;
        }
        if (p[1])
            store(c, id, p + 1);
        else if (*i + 1 < argc)
            store(c, id, argv[++*i]);
        else
            note_error(c, "option -%c needs a value", *p);
        return;
    }
}

/* Split argv into options and positional arguments; options may come anywhere. */
void parse_args(struct cli *c, int argc, char **argv)
{
    int only_positional = 0;

    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];

        if (only_positional || arg[0] != '-' || arg[1] == '\0')
            add_positional(c, arg);
        else if (strcmp(arg, "--") == 0)
            only_positional = 1;
        else if (arg[1] == '-')
            parse_long(c, argc, argv, &i);
        else
            parse_short(c, argc, argv, &i);
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

int parse_real(const char *s, double *out)
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
uint64_t max_size(const struct cli *c)
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
    return usage_error(c,
                       "'%s' is not an endpoint name (%s, or another API path segment of "
                       "lower-case letters, digits and '-')",
                       name, list);
}

/* The positional arguments: as many as the command takes (help: zero or one). */
static int check_positional(struct cli *c)
{
    const struct command *cmd = c->cmd;

    if (c->nargs == cmd->nargs || (cmd->run == RUN_HELP && c->nargs == 0))
        return 0;
    return cmd->nargs ? usage_error(c, "%s takes %s: %s", cmd->name,
                                    cmd->nargs == 1 ? "one argument" : "two arguments", cmd->args)
                      : usage_error(c, "%s takes no arguments", cmd->name);
}

int option_taken(const struct command *cmd, enum option_id id)
{
    return ((GLOBAL_OPTIONS | (cmd ? cmd->options : 0)) & BIT(id)) != 0;
}

/* Options the command takes, none contradicting another. */
static int check_accepted(struct cli *c)
{
    for (size_t id = 0; id < OPT_COUNT; id++)
        if (has(c, (enum option_id)id) && !option_taken(c->cmd, (enum option_id)id))
            return usage_error(c, "option --%s is not accepted by %s", options[id].name,
                               c->cmd->name);
    for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++)
        if (has(c, conflicts[i][0]) && has(c, conflicts[i][1]))
            return usage_error(c, "options --%s and --%s cannot be used together",
                               options[conflicts[i][0]].name, options[conflicts[i][1]].name);
    return 0;
}

/* Whole numbers and numbers, parsed into c->integer[] and c->real[]. */
static int check_numbers(struct cli *c)
{
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
    return 0;
}

/* An option given an empty file or directory name. */
static int check_empty_names(struct cli *c)
{
    static const enum option_id named[] = {OPT_JOURNAL, OPT_OUTPUT_DIR, OPT_PROMPT_FILE,
                                           OPT_API_KEY_FILE, OPT_PRICES};

    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (c->value[named[i]] && !*c->value[named[i]])
            return usage_error(c, "option --%s: the %s name is empty", options[named[i]].name,
                               named[i] == OPT_OUTPUT_DIR ? "directory" : "file");
    if (c->cmd->nargs == 1 && c->nargs == 1 && !*c->args[0] && c->cmd->run != RUN_GENERATE)
        return usage_error(c, "%s: the file name is empty", c->cmd->name);
    return 0;
}

static int check_timeout(struct cli *c)
{
    double s;

    if (!has(c, OPT_TIMEOUT) || strcmp(c->value[OPT_TIMEOUT], "none") == 0)
        return 0;
    if (parse_real(c->value[OPT_TIMEOUT], &s) || s <= 0 ||
        s * MS_PER_SECOND >= (double)LTX_NO_LIMIT)
        return usage_error(c, "option --timeout: '%s' is not a number of seconds or 'none'",
                           c->value[OPT_TIMEOUT]);
    return 0;
}

/* The values whose range ltx itself decides. */
static int check_ranges(struct cli *c)
{
    uint64_t size;

    if (has(c, OPT_CONCURRENCY) &&
        (c->integer[OPT_CONCURRENCY] < 1 || c->integer[OPT_CONCURRENCY] > BATCH_MAX_CONCURRENCY))
        return usage_error(c, "option --concurrency: must be from 1 to %u", BATCH_MAX_CONCURRENCY);
    if (has(c, OPT_MAX_SIZE) && parse_size(c->value[OPT_MAX_SIZE], &size))
        return usage_error(c,
                           "option --max-size: '%s' is not a size such as 500M, 16G "
                           "or 0 (no limit)",
                           c->value[OPT_MAX_SIZE]);
    if (has(c, OPT_POLL_INTERVAL) && c->integer[OPT_POLL_INTERVAL] < 1)
        return usage_error(c, "option --poll-interval: must be at least 1 millisecond");
    if (has(c, OPT_MAX_COST) && (c->real[OPT_MAX_COST] < 0 || c->real[OPT_MAX_COST] > 1e9))
        return usage_error(c, "option --max-cost: '%s' is not an amount of dollars",
                           c->value[OPT_MAX_COST]);
    if (has(c, OPT_ALLOW_UNKNOWN_COST) && !has(c, OPT_MAX_COST))
        return usage_error(c, "option --allow-unknown-cost goes with --max-cost");
    c->max_cost = c->real[OPT_MAX_COST];
    return check_timeout(c);
}

/* Is the required option id given, or what stands for it? */
static int given(const struct cli *c, enum option_id id)
{
    if (id == OPT_PROMPT && has(c, OPT_PROMPT_FILE))
        return 1;
    if (id == OPT_DURATION && has(c, OPT_AUTO_DURATION))
        return 1;
    return has(c, id);
}

/* Every missing required option in one message, with an example line. */
static int check_required(struct cli *c)
{
    const struct command *cmd = c->cmd;
    char list[MESSAGE_MAX] = "";
    size_t used = 0, missing = 0;
    int need_output = (cmd->options & BIT(OPT_OUTPUT)) && !has(c, OPT_OUTPUT) &&
                      !has(c, OPT_NO_WAIT) && !has(c, OPT_DRY_RUN);

    for (size_t id = 0; id < OPT_COUNT; id++)
        if ((cmd->required & BIT(id)) && !given(c, (enum option_id)id) && used < sizeof(list)) {
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s--%s", used ? ", " : "",
                                     options[id].name);
            missing++;
        }
    if (!missing && need_output)
        return usage_error(c, "%s needs -o FILE%s", cmd->name,
                           cmd->run == RUN_GENERATE ? " (or --no-wait)" : "");
    if (!missing)
        return 0;
    if (need_output && used < sizeof(list))
        snprintf(list + used, sizeof(list) - used, ", -o FILE");
    c->example = cmd->example;
    return usage_error(c, "%s: missing %s", cmd->name, list);
}

/* The endpoint named by submit, status, wait and download, and a job id. */
static int check_endpoint_args(struct cli *c)
{
    const struct command *cmd = c->cmd;

    if (!(cmd->run == RUN_GENERATE && cmd->nargs == 1) && cmd->nargs != 2)
        return 0;
    c->job_endpoint = job_endpoint_name(c->args[0]);
    if (!c->job_endpoint)
        return usage_unknown_endpoint(c, c->args[0]);
    if (cmd->nargs == 2 && !*c->args[1])
        return usage_error(c, "the job id is empty");
    return 0;
}

static int check_sets(struct cli *c)
{
    for (size_t i = 0; i < c->nsets; i++) {
        const char *eq = strchr(c->sets[i], '=');

        if (!eq || eq == c->sets[i])
            return usage_error(c, "option --set: expected NAME=JSON, got '%s'", c->sets[i]);
    }
    return 0;
}

/* Everything about the command line that needs no library state. Returns 0 or an exit code. */
int check_args(struct cli *c)
{
    int rc;

    if ((rc = check_positional(c)) || (rc = check_accepted(c)) || (rc = check_numbers(c)) ||
        (rc = check_empty_names(c)) || (rc = check_ranges(c)) || (rc = check_required(c)))
        return rc;
    if (c->json && c->value[OPT_OUTPUT] && strcmp(c->value[OPT_OUTPUT], "-") == 0)
        return usage_error(c, "--json and -o - both need standard output");
    if ((rc = check_sets(c)) != 0)
        return rc;
    return check_endpoint_args(c);
}
