/* fuzz/standalone_driver.c — run a libFuzzer target without libFuzzer: every file named on the
 * command line, or every file in a directory named there, goes through LLVMFuzzerTestOneInput()
 * once. make check replays the corpora with it under the normal build (and CI under ASan and
 * UBSan), so a crash once found stays found. Modelled on libgit2's fuzzers/standalone_driver.c. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    /* a copy of exactly the input's size, so that ASan sees any read past its end */
    if (!(data = malloc(size ? (size_t)size : 1)) ||
        fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, (size_t)size);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned runs = 0;
    int failed = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            failed = 1;
        } else if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;

            while (d && (e = readdir(d))) {
                char path[4096];

                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                    failed |= run_file(path) != 0;
                    runs++;
                }
            }
            if (d)
                closedir(d);
        } else {
            failed |= run_file(argv[i]) != 0;
            runs++;
        }
    }
    printf("%s: %u inputs replayed\n", argv[0], runs);
    return failed || runs == 0 ? 1 : 0;
}
