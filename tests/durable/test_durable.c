/* tests/durable/test_durable.c — a durable path sink fsyncs the file before the rename and its
 * directory after it. Linked with -Wl,--wrap=fsync,--wrap=rename: the library (linked in
 * statically, as lib/libltx-core.la) calls the recorders below, which then do the real call. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>

#include "private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);

#define MAX_EVENTS 16

typedef struct {
    char what;      /* 'f': fsync, 'r': rename */
    int is_dir;     /* fsync: of a directory */
    dev_t dev;      /* fsync: what was synced */
    ino_t ino;
    char to[512];   /* rename: the new name */
} event;

static event events[MAX_EVENTS];
static unsigned n_events;
static int fail_dir_fsync; /* make an fsync of a directory fail with EIO */

int __wrap_fsync(int fd)
{
    struct stat st;

    if (n_events < MAX_EVENTS && fstat(fd, &st) == 0) {
        event *e = &events[n_events++];

        e->what = 'f';
        e->is_dir = S_ISDIR(st.st_mode);
        e->dev = st.st_dev;
        e->ino = st.st_ino;
        if (e->is_dir && fail_dir_fsync) {
            errno = EIO;
            return -1;
        }
    }
    return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (n_events < MAX_EVENTS) {
        events[n_events].what = 'r';
        snprintf(events[n_events].to, sizeof(events[n_events].to), "%s", to);
        n_events++;
    }
    return __real_rename(from, to);
}

static char dir[256];
static char path[300];

static void setup(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/ltx-durable-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/video.mp4", dir);
    n_events = 0;
    fail_dir_fsync = 0;
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

/* Write a small output through a path sink and commit it, as a download does. */
static int write_one(int durable, ltx_error **err)
{
    ltx_sink *sink = NULL;
    int rc;

    ck_assert_int_eq(ltx_sink_new_path(&sink, path), LTX_OK);
    ck_assert_int_eq(ltx_sink_set_durable(sink, durable), LTX_OK);
    ck_assert_int_eq(ltx__sink_begin(sink, NULL), LTX_OK);
    ck_assert_int_eq(ltx__sink_write(sink, "video", 5), LTX_OK);
    rc = ltx__sink_commit(sink, err);
    ltx_sink_free(sink);
    return rc;
}

START_TEST(durable_sink_syncs_the_directory_after_the_rename)
{
    struct stat file_st, dir_st;
    int renamed = -1, file_synced = -1, dir_synced = -1;

    ck_assert_int_eq(write_one(1, NULL), LTX_OK);
    ck_assert_int_eq(stat(path, &file_st), 0);
    ck_assert_int_eq(stat(dir, &dir_st), 0);
    for (unsigned i = 0; i < n_events; i++) {
        if (events[i].what == 'r' && strcmp(events[i].to, path) == 0)
            renamed = (int)i;
        else if (events[i].what == 'f' && !events[i].is_dir && events[i].ino == file_st.st_ino &&
                 events[i].dev == file_st.st_dev)
            file_synced = (int)i;
        else if (events[i].what == 'f' && events[i].is_dir && events[i].ino == dir_st.st_ino &&
                 events[i].dev == dir_st.st_dev)
            dir_synced = (int)i;
    }
    ck_assert_msg(renamed >= 0, "the output was not renamed into place");
    ck_assert_msg(file_synced >= 0 && file_synced < renamed,
                  "the file was not fsynced before its rename");
    ck_assert_msg(dir_synced > renamed, "the directory %s was not fsynced after the rename", dir);
}
END_TEST

START_TEST(non_durable_sink_syncs_nothing)
{
    ck_assert_int_eq(write_one(0, NULL), LTX_OK);
    for (unsigned i = 0; i < n_events; i++)
        ck_assert_msg(events[i].what != 'f', "a non-durable sink called fsync");
    ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(a_directory_that_cannot_be_synced_is_an_error)
{
    ltx_error *err = NULL;

    fail_dir_fsync = 1;
    ck_assert_int_eq(write_one(1, &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "directory"));
    ltx_error_free(err);
    /* the file is whole and in place; only its durability is in doubt */
    ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("durable");
    TCase *tc = tcase_create("path sink");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, durable_sink_syncs_the_directory_after_the_rename);
    tcase_add_test(tc, non_durable_sink_syncs_nothing);
    tcase_add_test(tc, a_directory_that_cannot_be_synced_is_an_error);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
