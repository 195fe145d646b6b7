/* tools/ltx-mock/main.c — the ltx-mock program: serve the mock LTX API until SIGINT/SIGTERM. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mock.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define PORT_MAX 65535UL
#define EXIT_USAGE 2

static void usage(FILE *out)
{
    fputs("usage: ltx-mock [options]\n"
          "Serve a local imitation of the LTX video generation API on 127.0.0.1.\n"
          "\n"
          "  --port N              port to listen on (default 0: an ephemeral port)\n"
          "  --api-key KEY         Bearer key to accept (default \"" LMOCK_DEFAULT_API_KEY "\")\n"
          "  --pending-polls N     polls answered \"pending\" (default 1)\n"
          "  --processing-polls N  polls answered \"processing\" (default 1)\n"
          "  --pending-ms N        time pending instead of counting polls\n"
          "  --processing-ms N     time processing instead of counting polls\n"
          "  --duration-jitter-ms N  with --processing-ms: each job processes N ms more at\n"
          "                        most, drawn from --seed (GET /_mock/jobs: each job's run\n"
          "                        time, polls, and wait from completion to download)\n"
          "  --seed N              seed of those draws (default 0)\n"
          "  --video FILE          MP4 served as the generated video (default: built in)\n"
          "  --expire-ms N         forget jobs N ms after they complete (default 0: never)\n"
          "  --fault SPEC          add a scripted fault, a JSON object as POST /_mock/faults\n"
          "                        takes (repeatable), e.g. '{\"kind\":\"status\",\"status\":503}'\n"
          "  --result-base URL     base of the result URLs of completed jobs\n"
          "  --serve-any-result    serve /results/<uuid>.mp4|.zip for unknown jobs too\n"
          "  --profile NAME        the API to play: default, july-2026 (the OpenAPI document\n"
          "                        as shipped) or live (v1 generation retired, and later\n"
          "                        additions); see ltx-mock(1), PROFILES\n"
          "  --hdr-results WHICH   result URLs of HDR jobs: exr, video or both\n"
          "                        (default: exr; live: both)\n"
          "  --extra-endpoint NAME also serve POST /v2/NAME (body video_uri, prompt)\n"
          "                        and its polls (live: video-compositing)\n"
          "  --v1-content-type T   Content-Type of v1 successes (default video/mp4;\n"
          "                        july-2026: application/octet-stream)\n"
          "  --upload-ttl-ms N     signed upload URLs expire after N ms (default 3600000)\n"
          "  --port-file FILE      write the port number to FILE once listening\n"
          "  --quiet               no log lines on stderr\n"
          "  --help                show this help\n"
          "  --version             show the version\n",
          out);
}

static int parse_unsigned(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || v > max) {
        fprintf(stderr, "ltx-mock: %s: invalid value '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Write the port to path via a temporary file and rename(), so a reader never
 * sees a half-written number. */
static int write_port_file(const char *path, unsigned short port)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    FILE *f = NULL;
    int rc = -1;

    if (!tmp) {
        fprintf(stderr, "ltx-mock: out of memory\n");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "ltx-mock: %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    fprintf(f, "%u\n", (unsigned)port);
    if (fclose(f) != 0) {
        f = NULL;
        fprintf(stderr, "ltx-mock: %s: write error\n", tmp);
        unlink(tmp);
        goto out;
    }
    f = NULL;
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "ltx-mock: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

enum {
    OPT_PORT = 256,
    OPT_API_KEY,
    OPT_PENDING_POLLS,
    OPT_PROCESSING_POLLS,
    OPT_PENDING_MS,
    OPT_PROCESSING_MS,
    OPT_DURATION_JITTER_MS,
    OPT_SEED,
    OPT_VIDEO,
    OPT_EXPIRE_MS,
    OPT_FAULT,
    OPT_RESULT_BASE,
    OPT_SERVE_ANY_RESULT,
    OPT_QUIET,
    OPT_PORT_FILE,
    OPT_PROFILE,
    OPT_HDR_RESULTS,
    OPT_EXTRA_ENDPOINT,
    OPT_V1_CONTENT_TYPE,
    OPT_UPLOAD_TTL_MS,
    OPT_HELP,
    OPT_VERSION,
};

static const struct option long_options[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"api-key", required_argument, NULL, OPT_API_KEY},
    {"pending-polls", required_argument, NULL, OPT_PENDING_POLLS},
    {"processing-polls", required_argument, NULL, OPT_PROCESSING_POLLS},
    {"pending-ms", required_argument, NULL, OPT_PENDING_MS},
    {"processing-ms", required_argument, NULL, OPT_PROCESSING_MS},
    {"duration-jitter-ms", required_argument, NULL, OPT_DURATION_JITTER_MS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"video", required_argument, NULL, OPT_VIDEO},
    {"expire-ms", required_argument, NULL, OPT_EXPIRE_MS},
    {"fault", required_argument, NULL, OPT_FAULT},
    {"result-base", required_argument, NULL, OPT_RESULT_BASE},
    {"serve-any-result", no_argument, NULL, OPT_SERVE_ANY_RESULT},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"port-file", required_argument, NULL, OPT_PORT_FILE},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"hdr-results", required_argument, NULL, OPT_HDR_RESULTS},
    {"extra-endpoint", required_argument, NULL, OPT_EXTRA_ENDPOINT},
    {"v1-content-type", required_argument, NULL, OPT_V1_CONTENT_TYPE},
    {"upload-ttl-ms", required_argument, NULL, OPT_UPLOAD_TTL_MS},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* "--name" of a long option, for messages. */
static const char *option_name(int c)
{
    static char buf[64];

    for (const struct option *o = long_options; o->name; o++) {
        if (o->val == c) {
            snprintf(buf, sizeof buf, "--%s", o->name);
            return buf;
        }
    }
    return "option";
}

/* What the command line asks for besides lmock_options. */
typedef struct {
    const char *port_file;
    const char *result_base;
    const char **faults; /* --fault specs, in order */
    size_t n_faults;
} extra_args;

/* Parse argv into opts; returns -1 to exit with `*status`, 0 to run. */
static int parse_args(int argc, char **argv, lmock_options *opts, extra_args *extra, int *status)
{
    unsigned long v;
    int c;

    *status = EXIT_USAGE;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_PORT:
            if (parse_unsigned("--port", optarg, PORT_MAX, &v) != 0)
                return -1;
            opts->port = (unsigned short)v;
            break;
        case OPT_API_KEY:
            opts->api_key = optarg;
            break;
        case OPT_PENDING_POLLS:
        case OPT_PROCESSING_POLLS:
        case OPT_PENDING_MS:
        case OPT_PROCESSING_MS:
        case OPT_DURATION_JITTER_MS:
        case OPT_SEED:
        case OPT_EXPIRE_MS:
        case OPT_UPLOAD_TTL_MS:
            if (parse_unsigned(option_name(c), optarg, UINT_MAX, &v) != 0)
                return -1;
            if (c == OPT_PENDING_POLLS)
                opts->pending_polls = (unsigned)v;
            else if (c == OPT_PROCESSING_POLLS)
                opts->processing_polls = (unsigned)v;
            else if (c == OPT_PENDING_MS)
                opts->pending_ms = (unsigned)v;
            else if (c == OPT_PROCESSING_MS)
                opts->processing_ms = (unsigned)v;
            else if (c == OPT_DURATION_JITTER_MS)
                opts->duration_jitter_ms = (unsigned)v;
            else if (c == OPT_SEED)
                opts->seed = v;
            else if (c == OPT_UPLOAD_TTL_MS)
                opts->upload_ttl_ms = (unsigned)v;
            else
                opts->expire_ms = (unsigned)v;
            break;
        case OPT_FAULT:
            /* extra->faults has room for argc entries: one per argument at most */
            extra->faults[extra->n_faults++] = optarg;
            break;
        case OPT_RESULT_BASE:
            extra->result_base = optarg;
            break;
        case OPT_SERVE_ANY_RESULT:
            opts->serve_any_result = 1;
            break;
        case OPT_VIDEO:
            opts->video_path = optarg;
            break;
        case OPT_QUIET:
            opts->quiet = 1;
            break;
        case OPT_PORT_FILE:
            extra->port_file = optarg;
            break;
        case OPT_PROFILE:
            if (lmock_profile_parse(optarg, &opts->profile) != 0) {
                fprintf(stderr,
                        "ltx-mock: --profile: unknown profile '%s' (default, july-2026, live)\n",
                        optarg);
                return -1;
            }
            break;
        case OPT_HDR_RESULTS:
            if (strcmp(optarg, "exr") == 0)
                opts->hdr_results = LMOCK_HDR_RESULTS_EXR;
            else if (strcmp(optarg, "video") == 0)
                opts->hdr_results = LMOCK_HDR_RESULTS_VIDEO;
            else if (strcmp(optarg, "both") == 0)
                opts->hdr_results = LMOCK_HDR_RESULTS_BOTH;
            else {
                fprintf(stderr, "ltx-mock: --hdr-results: '%s' is not exr, video or both\n",
                        optarg);
                return -1;
            }
            break;
        case OPT_EXTRA_ENDPOINT:
            opts->extra_endpoint = optarg;
            break;
        case OPT_V1_CONTENT_TYPE:
            if (!*optarg || strpbrk(optarg, "\r\n")) {
                fprintf(stderr, "ltx-mock: --v1-content-type: invalid value '%s'\n", optarg);
                return -1;
            }
            opts->v1_content_type = optarg;
            break;
        case OPT_HELP:
            usage(stdout);
            *status = EXIT_SUCCESS;
            return -1;
        case OPT_VERSION:
            printf("ltx-mock %s\n", PACKAGE_VERSION);
            *status = EXIT_SUCCESS;
            return -1;
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ltx-mock: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    lmock_options opts;
    extra_args extra = {0};
    char err[512];
    sigset_t stop_signals;
    lmock *m = NULL;
    int status, sig;

    lmock_options_init(&opts);
    extra.faults = calloc((size_t)argc, sizeof *extra.faults);
    if (!extra.faults) {
        fprintf(stderr, "ltx-mock: out of memory\n");
        return EXIT_FAILURE;
    }
    if (parse_args(argc, argv, &opts, &extra, &status) != 0) {
        free(extra.faults);
        return status;
    }

    /* Block the stop signals before the server's threads exist, so that they
     * inherit the mask and sigwait() below is the only place they arrive. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0) {
        fprintf(stderr, "ltx-mock: cannot block signals\n");
        free(extra.faults);
        return EXIT_FAILURE;
    }

    status = EXIT_FAILURE;
    m = lmock_start(&opts);
    if (!m)
        goto out;
    /* Faults and the result base are in place before anyone can know the port. */
    for (size_t i = 0; i < extra.n_faults; i++) {
        if (lmock_fault_add_json(m, extra.faults[i], err, sizeof err) != 0) {
            fprintf(stderr, "ltx-mock: --fault: %s\n", err);
            status = EXIT_USAGE;
            goto out;
        }
    }
    if (extra.result_base)
        lmock_set_result_base(m, extra.result_base);
    if (extra.port_file && write_port_file(extra.port_file, lmock_port(m)) != 0)
        goto out;
    printf("ltx-mock listening on %s\n", lmock_base_url(m));
    if (fflush(stdout) != 0)
        goto out;

    do {
        if (sigwait(&stop_signals, &sig) != 0)
            goto out;
    } while (sig != SIGINT && sig != SIGTERM);
    status = EXIT_SUCCESS;
out:
    lmock_stop(m);
    free(extra.faults);
    return status;
}
