/* tools/ltx/help.c — ltx --help and ltx help [COMMAND], from the option and command tables, and
 * the nearest name to a misspelt command or option. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cmd.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
        if (option_taken(NULL, (enum option_id)id))
            print_option(f, (enum option_id)id);
}

void print_help(const struct command *cmd)
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
        if (cmd->example)
            fprintf(f, "\nExample:\n  " PROGRAM " %s %s\n", cmd->name, cmd->example);
        return;
    }
    fputs("Usage: " PROGRAM " [options] COMMAND [command options]\n"
          "Generate videos with the LTX API.\n\nCommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
    print_global_options(f);
    fputs("\nRun '" PROGRAM " help COMMAND' for the options of a command; see ltx(1).\n", f);
}

/* The edit distance between a[0..la) and b (insertions, deletions, substitutions), capped. */
static size_t distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b), row[64], prev, tmp;

    if (la >= sizeof(row) / sizeof(row[0]) || lb >= sizeof(row) / sizeof(row[0]))
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev + (a[i - 1] != b[j - 1]);

            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            tmp = row[j];
            row[j] = best;
            prev = tmp;
        }
    }
    return row[lb];
}

/* Near enough to be a typing mistake: at most 2 edits, and fewer than a third of the word. */
static int near(size_t d, size_t len)
{
    return d <= 2 && d * 3 <= len + 1;
}

static const char *option_name(size_t i)
{
    return options[i].name;
}

static const char *command_name(size_t i)
{
    return commands[i].name;
}

/* The nearest of n names to name[0..len), when near enough. */
static const char *nearest(const char *name, size_t len, const char *(*name_at)(size_t), size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;

    for (size_t i = 0; i < n; i++) {
        size_t d = distance(name, len, name_at(i));

        if (d < best_d && near(d, len)) {
            best = name_at(i);
            best_d = d;
        }
    }
    return best;
}

const char *nearest_option(const char *name, size_t len)
{
    return nearest(name, len, option_name, OPT_COUNT);
}

const char *nearest_command(const char *name)
{
    return nearest(name, strlen(name), command_name, NCOMMANDS);
}
