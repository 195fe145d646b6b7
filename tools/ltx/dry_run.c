/* tools/ltx/dry_run.c — what a generating command reads and checks before it pays: the prompt
 * from standard input or a file, the price table, and --dry-run. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --prompt - and --prompt-file: the prompt read now stands for --prompt's value. */
int load_prompt(struct cli *c)
{
    const char *path = has(c, OPT_PROMPT_FILE) ? c->value[OPT_PROMPT_FILE] : NULL;
    char why[MESSAGE_MAX];

    if (!path && has(c, OPT_PROMPT) && strcmp(c->value[OPT_PROMPT], "-") == 0)
        path = "-";
    if (!path)
        return 0;
    if (strcmp(path, "-") == 0 && isatty(STDIN_FILENO) && !c->quiet)
        fputs(PROGRAM ": reading the prompt from standard input (end it with Ctrl-D)\n", stderr);
    if (cli_read_prompt(&c->prompt, path, why, sizeof(why)) != 0)
        return usage_error(c, "%s", why);
    c->value[OPT_PROMPT] = c->prompt;
    c->seen |= BIT(OPT_PROMPT);
    return 0;
}

/* The price table, with --prices or $LTX_PRICES. */
int open_prices(struct cli *c)
{
    const char *env = getenv("LTX_PRICES");
    const char *path = has(c, OPT_PRICES) ? c->value[OPT_PRICES] : env && *env ? env : NULL;
    char why[MESSAGE_MAX];

    if (cli_prices_open(path, why, sizeof(why)) != 0)
        return config_error(c, "prices: %s", why);
    return 0;
}

/* The media options that name local files: sent inline or uploaded, so not in the body yet. */
static void print_local_files(struct cli *c, struct json *j)
{
    static const enum option_id media[] = {OPT_IMAGE, OPT_LAST_FRAME, OPT_AUDIO, OPT_VIDEO};
    json_t *files = j ? json_object() : NULL;

    for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
        const char *v = c->value[media[i]];

        if (!has(c, media[i]) || cli_is_uri(v))
            continue;
        if (files) {
            json_object_set_new(files, options[media[i]].field, cli_json_str(v));
            continue;
        }
        printf("%s: the local file ", options[media[i]].field);
        cli_put_safe(stdout, v);
        fputs(", inlined or uploaded when sent\n", stdout);
    }
    if (j)
        json_put_new(j, "local_files", files);
}

/* --dry-run: the body that would be sent, and what it would cost; nothing leaves. */
int dry_run(struct cli *c, const ltx_request *req, const char *endpoint)
{
    char *body = NULL, why[MESSAGE_MAX], usd[32];
    ltx_error *err = NULL;
    struct cli_estimate est;
    int st, rc;

    if ((st = ltx_request_to_json(&body, req, &err)) != LTX_OK) {
        rc = fail_status(c, st, err);
        ltx_error_free(err);
        return rc;
    }
    if ((rc = open_prices(c)) != 0 || (cli_estimate(&est, req, why, sizeof(why)) != 0 &&
                                       (rc = config_error(c, "%s", why)) != 0)) {
        ltx_free(body);
        return rc;
    }
    cli_format_usd(usd, sizeof(usd), est.micro_usd);
    if (c->json) {
        struct json j;

        json_begin(&j);
        json_bool(&j, "ok", 1);
        json_bool(&j, "dry_run", 1);
        json_text(&j, "endpoint", endpoint);
        json_text(&j, "method", "POST");
        snprintf(why, sizeof(why), "/%s/%s", ltx_request_sync(req) ? "v1" : "v2", endpoint);
        json_text(&j, "path", why);
        json_put_raw(&j, "body", body);
        print_local_files(c, &j);
        json_estimate(&j, &est);
        json_end(&j);
    } else {
        printf("POST /%s/%s\n%s\n", ltx_request_sync(req) ? "v1" : "v2", endpoint, body);
        print_local_files(c, NULL);
        printf("estimate: %s (", usd);
        cli_put_safe(stdout, est.basis);
        printf(")%s%s\n", est.date[0] ? ", prices of " : "", est.date);
        if (!c->quiet)
            fputs(PROGRAM ": dry run: nothing was uploaded or sent\n", stderr);
    }
    ltx_free(body);
    return 0;
}
