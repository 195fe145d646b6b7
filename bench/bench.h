/* bench/bench.h — small helpers shared by the benchmark programs (not part of libltx). */
#ifndef LTX_BENCH_H
#define LTX_BENCH_H

#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* The request every benchmark sends: the smallest valid text-to-video generation. */
#define BENCH_PROMPT "A lighthouse at dusk, waves rolling in"
#define BENCH_MODEL "ltx-2-3-fast"
#define BENCH_DURATION 6
#define BENCH_RESOLUTION "1920x1080"
#define BENCH_KEY "test-key"

/* Upper bound of any request loop: benchmarks never run unbounded. */
#define BENCH_MAX_ITERATIONS 1000000L

static inline double bench_now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set of this process so far, in KiB. */
static inline long bench_maxrss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static inline long bench_arg_long(const char *s, long min, long max, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < min || v > max) {
        fprintf(stderr, "bench: %s: expected %ld..%ld, got '%s'\n", what, min, max, s);
        exit(2);
    }
    return v;
}

/* Read a whole (small) file, for verifying outputs. Caller frees. */
static inline unsigned char *bench_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Outgoing TCP connects made by this process (bench/connect_count.c), or -1 when that
 * file is not linked in (TSan builds). */
unsigned long bench_connects(void) __attribute__((weak));

static inline long bench_connects_or_none(void)
{
    return bench_connects ? (long)bench_connects() : -1L;
}

#endif
