/* tools/ltx/progress.c — the live progress line of one job on a terminal: the state and the
 * time elapsed, redrawn every second by a thread of its own (the library reports at each
 * poll; no poll is added for the line's sake), then during the download the bytes, the
 * speed and the time left. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cmd.h"
#include "redact.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TICK_MS 1000u           /* the line changes at least this often */
#define REDRAW_INTERVAL_MS 100u /* and at most this often while bytes arrive */
#define PROGRESS_BAR_WIDTH 20
#define PROGRESS_LINE_MAX 79 /* columns: fits an 80-column terminal */

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void ui_init(struct ui *ui)
{
    pthread_condattr_t attr;

    pthread_mutex_init(&ui->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ui->wake, &attr);
    pthread_condattr_destroy(&attr);
}

void ui_destroy(struct ui *ui)
{
    ui_stop(ui);
    pthread_cond_destroy(&ui->wake);
    pthread_mutex_destroy(&ui->lock);
}

/* Erase the line; the caller holds the lock. */
static void erase_locked(struct ui *ui)
{
    if (ui->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        ui->drawn = 0;
    }
}

void ui_clear(struct ui *ui)
{
    pthread_mutex_lock(&ui->lock);
    erase_locked(ui);
    pthread_mutex_unlock(&ui->lock);
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

static void format_duration(char *buf, size_t len, uint64_t s)
{
    snprintf(buf, len, "%" PRIu64 ":%02u", s / 60, (unsigned)(s % 60));
}

/* ", 1.2 MiB/s, 0:03 left" once the speed is known. */
static void format_rate(char *buf, size_t len, const struct ui *ui)
{
    char speed[32], left[32];

    buf[0] = '\0';
    if (ui->speed < 1.0)
        return;
    format_bytes(speed, sizeof(speed), (uint64_t)ui->speed);
    if (ui->total > ui->bytes) {
        format_duration(left, sizeof(left),
                        (uint64_t)((double)(ui->total - ui->bytes) / ui->speed));
        snprintf(buf, len, ", %s/s, %s left", speed, left);
    } else {
        snprintf(buf, len, ", %s/s", speed);
    }
}

static void download_line(char *line, size_t len, const struct ui *ui, const char *elapsed)
{
    char got[32], all[32], bar[PROGRESS_BAR_WIDTH + 1], rate[96];
    uint64_t done = ui->total && ui->bytes > ui->total ? ui->total : ui->bytes;

    format_bytes(got, sizeof(got), ui->bytes);
    format_rate(rate, sizeof(rate), ui);
    if (!ui->total) {
        snprintf(line, len, "downloading %s%s, %s", got, rate, elapsed);
        return;
    }
    for (size_t i = 0; i < PROGRESS_BAR_WIDTH; i++)
        bar[i] = i < (size_t)(done * PROGRESS_BAR_WIDTH / ui->total) ? '#' : '.';
    bar[PROGRESS_BAR_WIDTH] = '\0';
    format_bytes(all, sizeof(all), ui->total);
    snprintf(line, len, "[%s] %s / %s (%" PRIu64 "%%)%s", bar, got, all, done * 100 / ui->total,
             rate);
}

/* Draw the line from the state; the caller holds the lock. */
static void draw_locked(struct ui *ui, uint64_t now)
{
    char line[256], elapsed[32];

    format_duration(elapsed, sizeof(elapsed), (now - ui->start_ms) / 1000);
    if (ui->stage == LTX_STAGE_DOWNLOADING)
        download_line(line, sizeof(line), ui, elapsed);
    else
        snprintf(line, sizeof(line), "%s%s%s%s, %s elapsed", ui->job_id ? "job " : "",
                 ui->job_id ? ui->job_id : "", ui->job_id ? ": " : "",
                 ui->status[0] ? ui->status : "submitting", elapsed);
    line[PROGRESS_LINE_MAX] = '\0'; /* a wrapped line could not be redrawn in place */
    fputs("\r", stderr);
    cli_put_safe(stderr, line);
    fputs("\033[K", stderr);
    fflush(stderr);
    ui->drawn = 1;
    ui->last_draw_ms = now;
}

static void *tick(void *arg)
{
    struct ui *ui = arg;

    pthread_mutex_lock(&ui->lock);
    while (!ui->stop) {
        uint64_t due = ui->last_draw_ms + TICK_MS;
        struct timespec ts = {(time_t)(due / 1000), (long)(due % 1000) * 1000000L};

        pthread_cond_timedwait(&ui->wake, &ui->lock, &ts);
        if (!ui->stop && mono_ms() >= ui->last_draw_ms + TICK_MS)
            draw_locked(ui, mono_ms());
    }
    pthread_mutex_unlock(&ui->lock);
    return NULL;
}

void ui_start(struct ui *ui)
{
    if (!ui->tty || ui->ticking)
        return;
    pthread_mutex_lock(&ui->lock);
    ui->start_ms = ui->last_draw_ms = ui->rate_ms = mono_ms();
    ui->stage = 0;
    ui->status[0] = '\0';
    ui->bytes = ui->total = ui->rate_bytes = 0;
    ui->speed = 0;
    ui->stop = 0;
    draw_locked(ui, ui->start_ms);
    pthread_mutex_unlock(&ui->lock);
    ui->ticking = pthread_create(&ui->ticker, NULL, tick, ui) == 0;
}

void ui_stop(struct ui *ui)
{
    if (ui->ticking) {
        pthread_mutex_lock(&ui->lock);
        ui->stop = 1;
        pthread_cond_signal(&ui->wake);
        pthread_mutex_unlock(&ui->lock);
        pthread_join(ui->ticker, NULL);
        ui->ticking = 0;
    }
    ui_clear(ui);
}

/* The bytes of a download, and the speed over the last second or more. */
static void note_bytes(struct ui *ui, const ltx_progress *p, uint64_t now)
{
    uint64_t bytes = ltx_progress_bytes(p);

    if (ui->stage != LTX_STAGE_DOWNLOADING || bytes < ui->rate_bytes) { /* a new transfer */
        ui->rate_ms = now;
        ui->rate_bytes = bytes;
        ui->speed = 0;
    } else if (now - ui->rate_ms >= TICK_MS) {
        ui->speed = (double)(bytes - ui->rate_bytes) * 1000.0 / (double)(now - ui->rate_ms);
        ui->rate_ms = now;
        ui->rate_bytes = bytes;
    }
    ui->bytes = bytes;
    ui->total = ltx_progress_total(p);
}

int on_progress(const ltx_progress *p, void *userdata)
{
    struct ui *ui = userdata;
    int stage = ltx_progress_stage(p), redraw;
    const char *id = ltx_progress_job_id(p), *status = ltx_progress_status(p);
    uint64_t now;

    pthread_mutex_lock(&ui->lock);
    if (id && !ui->job_id)
        ui->job_id = strdup(id); /* out of memory only costs the resume hint */
    if (!ui->tty) {
        pthread_mutex_unlock(&ui->lock);
        return cli_interrupted();
    }
    now = mono_ms();
    if (stage == LTX_STAGE_DOWNLOADING)
        note_bytes(ui, p, now);
    redraw = stage != ui->stage || stage != LTX_STAGE_DOWNLOADING ||
             now - ui->last_draw_ms >= REDRAW_INTERVAL_MS || (ui->total && ui->bytes >= ui->total);
    ui->stage = stage;
    if (status)
        snprintf(ui->status, sizeof(ui->status), "%s", status);
    if (redraw)
        draw_locked(ui, now);
    pthread_mutex_unlock(&ui->lock);
    return cli_interrupted();
}

void on_log(int level, const char *line, void *userdata)
{
    static const char *const names[] = {"", "error", "warning", "info", "debug"};
    struct ui *ui = userdata;
    char *clean = cli_redact(line, LTX_REDACT_ALL);

    pthread_mutex_lock(&ui->lock);
    flockfile(stderr); /* one line at a time, whoever else writes to standard error */
    erase_locked(ui);
    fprintf(stderr, PROGRAM ": %s: ",
            level >= LTX_LOG_ERROR && level <= LTX_LOG_DEBUG ? names[level] : "log");
    cli_put_safe(stderr, clean ? clean : "");
    fputc('\n', stderr);
    funlockfile(stderr);
    pthread_mutex_unlock(&ui->lock);
    free(clean);
}
