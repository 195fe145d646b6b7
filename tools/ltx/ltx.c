/* tools/ltx/ltx.c — the ltx command: one subcommand per endpoint, plus upload, status, wait,
 * download and batch (tools/ltx/batch.c). */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cmd.h"
#include "loglevel.h"

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

#define USER_AGENT_SUFFIX "ltx-cli/" PACKAGE_VERSION

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

/* ------------------------------------------------------------------ client and request */

/* -v, else LTX_LOG, else warnings unless --quiet. 0 = no logging. */
static int log_level(struct cli *c)
{
    const char *env = getenv("LTX_LOG");

    if (has(c, OPT_VERBOSE))
        return LTX_LOG_DEBUG;
    if (env && *env) {
        int level = ltx__log_level_from_name(env);

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
 * The API key: --api-key, --api-key-file, $LTX_API_KEY, $LTX_API_KEY_FILE, $LTXV_API_KEY. A key
 * read from a file is in *key_read, for the caller to wipe and free.
 */
static int resolve_key(struct cli *c, const char **key, char **key_read)
{
    const char *file = c->value[OPT_API_KEY_FILE];
    char why[MESSAGE_MAX];

    *key = c->value[OPT_API_KEY];
    if (!*key && !file)
        *key = env_nonempty("LTX_API_KEY");
    if (!*key && !file)
        file = env_nonempty("LTX_API_KEY_FILE");
    if (!*key && file) {
        if (cli_read_key_file(key_read, file, why, sizeof(why)) != 0)
            return config_error(c, "%s", why);
        *key = *key_read;
    }
    if (!*key)
        *key = env_nonempty("LTXV_API_KEY");
    if (!*key || !**key)
        return config_error(c, "no API key: pass --api-key-file FILE or set LTX_API_KEY");
    return 0;
}

/*
 * A client configured by precedence: command-line option, then environment,
 * then the library default. No key anywhere is a usage error, before any network.
 */
static int make_client(struct cli *c, ltx_client **out)
{
    const char *key = NULL, *base_url = c->value[OPT_BASE_URL];
    char *key_read = NULL;
    const char *base_source = "option --base-url";
    ltx_client *client = NULL;
    ltx_error *err = NULL;
    int level = log_level(c), st, rc = 0;

    if ((rc = resolve_key(c, &key, &key_read)) != 0)
        return rc;
    if (!base_url && (base_url = env_nonempty("LTX_BASE_URL")))
        base_source = "LTX_BASE_URL";

    cli_set_secret(key);
    st = ltx_client_new(&client, key, &err);
    if (key_read) { /* the library and the redaction hold their own copies */
        cli_wipe(key_read, strlen(key_read));
        free(key_read);
    }
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
        const char *ca_file =
            c->value[OPT_CA_FILE] ? c->value[OPT_CA_FILE] : env_nonempty("LTX_CA_FILE");
        const char *ca_path =
            c->value[OPT_CA_PATH] ? c->value[OPT_CA_PATH] : env_nonempty("LTX_CA_PATH");

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

/* {"ok":true,"job_id":...,"endpoint":... begun */
static void json_job_begin(struct json *j, const ltx_job *job)
{
    json_begin(j);
    json_bool(j, "ok", 1);
    json_text(j, "job_id", ltx_job_id(job));
    json_text(j, "endpoint", ltx_job_endpoint_name(job));
}

static void print_submitted(struct cli *c, const ltx_job *job)
{
    if (c->json) {
        struct json j;

        json_job_begin(&j, job);
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

        json_job_begin(&j, job);
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
    int billed_twice;    /* a retry after an unknown outcome delivered it */
    const char *preview; /* the --preview file written, or NULL */
};

static void print_written(struct cli *c, const struct written *w)
{
    const char *path = c->value[OPT_OUTPUT], *job_id = w->job_id;
    int to_stdout = strcmp(path, "-") == 0;
    uint64_t bytes = w->bytes;

    if (w->billed_twice && !c->quiet) /* money: said even with --json, on standard error */
        fputs(PROGRAM ": warning: the video came from a request sent again after an attempt "
                      "whose outcome was unknown; that attempt may also have been billed\n",
              stderr);
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
static int write_preview(struct cli *c, ltx_client *client, const char *endpoint, ltx_sink *preview,
                         struct written *w)
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
                          "was written\n",
                  stderr);
    } else if (f.status == LTX_OK) {
        ui_start(&c->ui);
        f.status = ltx_job_download_result(job, "video_url", preview, on_progress, &c->ui, &err);
        ui_stop(&c->ui);
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
    if ((rc = load_prompt(c)) != 0 || (rc = build_request(c, &req)) != 0)
        goto out;
    if (has(c, OPT_DRY_RUN)) {
        rc = dry_run(c, req, endpoint);
        goto out;
    }
    if (has(c, OPT_PRICES) && (rc = open_prices(c)) != 0) /* a bad file is said at once */
        goto out;
    if ((rc = make_client(c, &client)) != 0)
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
    ui_start(&c->ui);
    st = ltx_generate(client, req, sink, on_progress, &c->ui, &err);
    ui_stop(&c->ui);
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
    int rc;

    memset(&b, 0, sizeof(b));
    b.input = c->args[0];
    b.journal = c->value[OPT_JOURNAL];
    b.output_dir = c->value[OPT_OUTPUT_DIR];
    b.concurrency =
        has(c, OPT_CONCURRENCY) ? (unsigned)c->integer[OPT_CONCURRENCY] : BATCH_DEFAULT_CONCURRENCY;
    b.resubmit_unknown = has(c, OPT_RESUBMIT_UNKNOWN);
    b.dry_run = has(c, OPT_DRY_RUN);
    b.has_max_cost = has(c, OPT_MAX_COST);
    b.max_cost = (int64_t)llround(c->max_cost * 1e6);
    b.allow_unknown = has(c, OPT_ALLOW_UNKNOWN_COST);
    b.verbose = has(c, OPT_VERBOSE);
    b.tty = c->ui.tty;
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
    if ((rc = open_prices(c)) != 0)
        return rc;
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
    ui_start(&c->ui);
    f.status = ltx_job_wait(job, 0, on_progress, &c->ui, &err);
    ui_stop(&c->ui);
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
    ui_start(&c->ui);
    f.status = ltx_job_download(job, sink, on_progress, &c->ui, &err);
    ui_stop(&c->ui);
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

/* A terminal that cannot erase a line or move the cursor: no progress line at all. */
static int term_is_dumb(void)
{
    const char *term = getenv("TERM");

    return !term || !*term || strcmp(term, "dumb") == 0;
}

/* ltx help [COMMAND] */
static int run_help(struct cli *c)
{
    const struct command *cmd = c->nargs ? command_find(c->args[0]) : NULL;
    const char *guess;

    if (c->nargs && !cmd && (guess = nearest_command(c->args[0])))
        return usage_error(c, "help: unknown command '%s'; did you mean '%s'?", c->args[0], guess);
    if (c->nargs && !cmd)
        return usage_error(c, "help: unknown command '%s'", c->args[0]);
    print_help(cmd);
    return EXIT_SUCCESS;
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
    c->ui.tty = isatty(STDERR_FILENO) && !c->quiet && !c->json && !term_is_dumb();
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
        return nearest_command(c->command_name)
                   ? usage_error(c, "unknown command '%s'; did you mean '%s'?", c->command_name,
                                 nearest_command(c->command_name))
                   : usage_error(c, "unknown command '%s'", c->command_name);
    if ((rc = check_args(c)) != 0)
        return rc;
    if (c->cmd->run == RUN_VERSION)
        return print_version(c);
    if (c->cmd->run == RUN_HELP)
        return run_help(c);
    if (c->cmd->run == RUN_COMPLETION)
        return print_completion(c->args[0]) == 0
                   ? EXIT_SUCCESS
                   : usage_error(c, "completion: '%s' is not bash, zsh or fish", c->args[0]);

    if ((rc = ltx_global_init(LTX_GLOBAL_DEFAULT)) != LTX_OK)
        return fail_status(c, rc, NULL);
    switch (c->cmd->run) {
    case RUN_GENERATE: rc = run_generate(c); break;
    case RUN_UPLOAD: rc = run_upload(c); break;
    case RUN_BATCH: rc = run_batch(c); break;
    default: rc = run_job(c); break;
    }
    ltx_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    struct cli c;
    int rc;

    memset(&c, 0, sizeof(c));
    ui_init(&c.ui);
    rc = run(&c, argc, argv);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs(PROGRAM ": cannot write standard output\n", stderr);
        if (rc == EXIT_SUCCESS)
            rc = EXIT_IO;
    }
    ui_destroy(&c.ui);
    free(c.ui.job_id);
    free(c.sets);
    free(c.prompt);
    cli_prices_close();
    return rc;
}
