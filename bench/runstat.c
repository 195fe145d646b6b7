/* bench/runstat.c — run a command, print its wall time and peak RSS: "wall_s=F maxrss_kb=N rc=N".
 *
 *   runstat [-o FILE] -- command args...
 *
 * The child's peak RSS comes from wait4()'s rusage, so it is the command's own
 * (curl's or a libltx program's), measured the same way for both.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *out_path = NULL;
    struct rusage ru;
    double t0, t1;
    int argi = 1, status = 0, rc;
    pid_t pid;
    FILE *out = stdout;

    if (argi + 1 < argc && strcmp(argv[argi], "-o") == 0) {
        out_path = argv[argi + 1];
        argi += 2;
    }
    if (argi < argc && strcmp(argv[argi], "--") == 0)
        argi++;
    if (argi >= argc) {
        fprintf(stderr, "usage: runstat [-o FILE] -- command args...\n");
        return 2;
    }
    t0 = now_s();
    pid = fork();
    if (pid < 0) {
        perror("runstat: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[argi], argv + argi);
        perror(argv[argi]);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("runstat: wait4");
        return 1;
    }
    t1 = now_s();
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (out_path && !(out = fopen(out_path, "a"))) {
        perror(out_path);
        return 1;
    }
    fprintf(out, "wall_s=%.6f maxrss_kb=%ld user_s=%.3f sys_s=%.3f rc=%d\n", t1 - t0,
            ru.ru_maxrss, (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, rc);
    if (out != stdout)
        fclose(out);
    return rc;
}
