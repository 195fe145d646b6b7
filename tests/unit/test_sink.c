/* tests/unit/test_sink.c — where the video goes: an atomically replaced file, an fd, a callback,
 * or capped memory (ltx/sink.h), driven through the library's internal begin/write/commit. */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- a scratch directory */

static char dir[64];

static void dir_setup(void)
{
    strcpy(dir, "/tmp/ltx-unit-sink-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void dir_teardown(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d) {
        while ((e = readdir(d))) {
            char path[512];

            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* A path in the scratch directory; static storage, one at a time per slot. */
static const char *in_dir(const char *name)
{
    static char path[2][512];
    static int slot;

    slot = !slot;
    snprintf(path[slot], sizeof(path[slot]), "%s/%s", dir, name);
    return path[slot];
}

/* The number of entries in the scratch directory; *only receives the name of the last one. */
static int dir_entries(char *only, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (only)
            snprintf(only, size, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    ck_assert_int_eq(fclose(f), 0);
}

/* The file's whole content (NUL-terminated), or NULL when it does not exist. Caller frees. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (!f)
        return NULL;
    buf = malloc(65536);
    ck_assert_ptr_nonnull(buf);
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void assert_file(const char *path, const char *want)
{
    char *got = read_file(path);

    ck_assert_msg(got != NULL, "%s does not exist", path);
    ck_assert_str_eq(got, want);
    free(got);
}

static void assert_no_file(const char *path)
{
    struct stat st;

    ck_assert_msg(stat(path, &st) != 0 && errno == ENOENT, "%s exists", path);
}

static void begin(ltx_sink *s)
{
    ltx_error *err = NULL;
    int rc = ltx__sink_begin(s, &err);

    ck_assert_msg(rc == LTX_OK, "begin: %s", ltx_error_message(err));
}

static void put(ltx_sink *s, const char *text)
{
    ck_assert_int_eq(ltx__sink_write(s, text, strlen(text)), LTX_OK);
}

static void commit(ltx_sink *s)
{
    ltx_error *err = NULL;
    int rc = ltx__sink_commit(s, &err);

    ck_assert_msg(rc == LTX_OK, "commit: %s", ltx_error_message(err));
}

static ltx_sink *path_sink(const char *name)
{
    ltx_sink *s = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&s, in_dir(name)), LTX_OK);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* ---------------------------------------------------------------- path sink */

START_TEST(path_sink_writes_nothing_at_the_path_until_commit)
{
    ltx_sink *s = path_sink("out.mp4");
    char name[256] = "";

    begin(s);
    put(s, "first half, ");
    put(s, "second half");
    assert_no_file(in_dir("out.mp4"));
    /* the bytes go to one temporary file beside the target */
    ck_assert_int_eq(dir_entries(name, sizeof(name)), 1);
    ck_assert_str_ne(name, "out.mp4");
    commit(s);
    assert_file(in_dir("out.mp4"), "first half, second half");
    ck_assert_int_eq(dir_entries(name, sizeof(name)), 1);
    ck_assert_str_eq(name, "out.mp4");
    ck_assert_uint_eq(ltx_sink_bytes_written(s), strlen("first half, second half"));
    ltx_sink_free(s);
    assert_file(in_dir("out.mp4"), "first half, second half"); /* free keeps a committed file */
}
END_TEST

START_TEST(a_path_sink_that_is_not_durable_is_still_atomic)
{
    ltx_sink *s = path_sink("fast.mp4");
    ltx_sink *mem = NULL;

    ck_assert_int_eq(ltx_sink_set_durable(s, 0), LTX_OK);
    begin(s);
    put(s, "no fsync, ");
    put(s, "same rename");
    assert_no_file(in_dir("fast.mp4"));
    commit(s);
    assert_file(in_dir("fast.mp4"), "no fsync, same rename");
    ck_assert_int_eq(dir_entries(NULL, 0), 1);
    ltx_sink_free(s);
    /* only a file has durability to trade */
    ck_assert_int_eq(ltx_sink_new_memory(&mem, 16), LTX_OK);
    ck_assert_int_eq(ltx_sink_set_durable(mem, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_set_durable(NULL, 1), LTX_EINVAL);
    ltx_sink_free(mem);
}
END_TEST

START_TEST(path_sink_commit_replaces_an_existing_file)
{
    ltx_sink *s = path_sink("out.mp4");

    write_file(in_dir("out.mp4"), "old video");
    begin(s);
    put(s, "new video");
    assert_file(in_dir("out.mp4"), "old video");
    commit(s);
    assert_file(in_dir("out.mp4"), "new video");
    ck_assert_int_eq(dir_entries(NULL, 0), 1);
    ltx_sink_free(s);
}
END_TEST

START_TEST(path_sink_abort_leaves_no_file_and_no_temporary)
{
    ltx_sink *s = path_sink("out.mp4");

    begin(s);
    put(s, "partial");
    ltx__sink_abort(s);
    assert_no_file(in_dir("out.mp4"));
    ck_assert_int_eq(dir_entries(NULL, 0), 0);
    ltx_sink_free(s);
    ck_assert_int_eq(dir_entries(NULL, 0), 0);
}
END_TEST

START_TEST(path_sink_abort_leaves_an_existing_file_untouched)
{
    ltx_sink *s = path_sink("out.mp4");
    char name[256] = "";

    write_file(in_dir("out.mp4"), "the video from yesterday");
    begin(s);
    put(s, "partial");
    ltx__sink_abort(s);
    ltx_sink_free(s);
    assert_file(in_dir("out.mp4"), "the video from yesterday");
    ck_assert_int_eq(dir_entries(name, sizeof(name)), 1);
    ck_assert_str_eq(name, "out.mp4");
}
END_TEST

START_TEST(path_sink_freed_without_commit_removes_its_temporary)
{
    ltx_sink *s = path_sink("out.mp4");

    begin(s);
    put(s, "partial");
    ck_assert_int_eq(dir_entries(NULL, 0), 1);
    ltx_sink_free(s);
    ck_assert_int_eq(dir_entries(NULL, 0), 0);
}
END_TEST

START_TEST(path_sink_in_a_missing_directory_fails_at_begin)
{
    ltx_sink *s = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&s, in_dir("no-such-dir/out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx__sink_begin(s, &err), LTX_EIO);
    ck_assert_int_eq(ltx_error_code(err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "no-such-dir/out.mp4"));
    ltx_error_free(err);
    ltx_sink_free(s);
    ck_assert_int_eq(dir_entries(NULL, 0), 0);
}
END_TEST

START_TEST(path_sink_can_be_reused_after_an_abort)
{
    ltx_sink *s = path_sink("out.mp4");

    begin(s);
    put(s, "first try, cut off");
    ltx__sink_abort(s);
    begin(s);
    put(s, "second try");
    commit(s);
    assert_file(in_dir("out.mp4"), "second try");
    ck_assert_int_eq(dir_entries(NULL, 0), 1);
    ltx_sink_free(s);
}
END_TEST

START_TEST(path_sink_rewind_starts_the_file_over)
{
    ltx_sink *s = path_sink("out.mp4");

    begin(s);
    put(s, "a long body the server restarted");
    ck_assert_int_eq(ltx__sink_rewind(s), LTX_OK);
    ck_assert_uint_eq(ltx_sink_bytes_written(s), 0);
    put(s, "whole");
    commit(s);
    assert_file(in_dir("out.mp4"), "whole");
    ltx_sink_free(s);
}
END_TEST

/* The temporary is created like any new file (mode 0666 less the umask), not 0600. */
START_TEST(committed_file_has_the_permissions_of_a_new_file)
{
    ltx_sink *s = path_sink("out.mp4");
    mode_t old = umask(022);
    struct stat st;

    begin(s);
    put(s, "x");
    commit(s);
    umask(old);
    ck_assert_int_eq(stat(in_dir("out.mp4"), &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ltx_sink_free(s);
}
END_TEST

/* ---------------------------------------------------------------- memory sink */

START_TEST(memory_sink_fails_past_its_cap_and_keeps_at_most_the_cap)
{
    ltx_sink *s = NULL;
    const void *data;
    size_t len;

    ck_assert_int_eq(ltx_sink_new_memory(&s, 10), LTX_OK);
    begin(s);
    put(s, "abcdef");
    ck_assert_int_eq(ltx__sink_write(s, "ghijkl", 6), LTX_ESINKFULL);
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, s), LTX_OK);
    ck_assert_uint_le(len, 10);
    ck_assert_mem_eq(data, "abcdef", 6 < len ? 6 : len);
    ltx_sink_free(s);
}
END_TEST

START_TEST(memory_sink_holds_exactly_its_cap)
{
    ltx_sink *s = NULL;
    const void *data;
    size_t len;

    ck_assert_int_eq(ltx_sink_new_memory(&s, 10), LTX_OK);
    begin(s);
    put(s, "0123456789");
    ck_assert_int_eq(ltx__sink_write(s, "!", 1), LTX_ESINKFULL);
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, s), LTX_OK);
    ck_assert_uint_eq(len, 10);
    ck_assert_mem_eq(data, "0123456789", 10);
    ck_assert_uint_eq(ltx_sink_bytes_written(s), 10);
    ltx_sink_free(s);
}
END_TEST

START_TEST(memory_sink_begins_empty_and_rewinds_to_empty)
{
    ltx_sink *s = NULL;
    const void *data;
    size_t len = 99;

    ck_assert_int_eq(ltx_sink_new_memory(&s, 100), LTX_OK);
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, s), LTX_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert_ptr_nonnull(data);
    begin(s);
    put(s, "stale");
    ck_assert_int_eq(ltx__sink_rewind(s), LTX_OK);
    put(s, "fresh");
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, s), LTX_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_mem_eq(data, "fresh", 5);
    begin(s); /* a second transfer into the same sink starts empty */
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, s), LTX_OK);
    ck_assert_uint_eq(len, 0);
    ltx_sink_free(s);
}
END_TEST

/* ---------------------------------------------------------------- callback sink */

typedef struct {
    char seen[256];
    size_t len;
    int refuse_after; /* refuse the call number N (1-based); 0: never */
    int calls;
} collector;

static int collect(const void *data, size_t len, void *ud)
{
    collector *c = ud;

    c->calls++;
    if (c->refuse_after && c->calls >= c->refuse_after)
        return 1;
    ck_assert_uint_lt(c->len + len, sizeof(c->seen));
    memcpy(c->seen + c->len, data, len);
    c->len += len;
    return 0;
}

START_TEST(callback_sink_receives_the_bytes_in_order)
{
    collector col = {.refuse_after = 0};
    ltx_sink *s = NULL;

    ck_assert_int_eq(ltx_sink_new_callback(&s, collect, &col), LTX_OK);
    begin(s);
    put(s, "one ");
    put(s, "two");
    ck_assert_uint_eq(col.len, 7);
    ck_assert_mem_eq(col.seen, "one two", 7);
    ck_assert_uint_eq(ltx_sink_bytes_written(s), 7);
    ltx_sink_free(s);
}
END_TEST

START_TEST(callback_refusing_the_data_cancels)
{
    collector col = {.refuse_after = 2};
    ltx_sink *s = NULL;

    ck_assert_int_eq(ltx_sink_new_callback(&s, collect, &col), LTX_OK);
    begin(s);
    put(s, "one");
    ck_assert_int_eq(ltx__sink_write(s, "two", 3), LTX_ECANCELLED);
    ck_assert_uint_eq(ltx_sink_bytes_written(s), 3);
    ltx_sink_free(s);
}
END_TEST

START_TEST(callback_sink_cannot_rewind_after_bytes)
{
    collector col = {.refuse_after = 0};
    ltx_sink *s = NULL;

    ck_assert_int_eq(ltx_sink_new_callback(&s, collect, &col), LTX_OK);
    begin(s);
    ck_assert_int_eq(ltx__sink_rewind(s), LTX_OK); /* nothing delivered yet */
    put(s, "delivered");
    ck_assert_int_eq(ltx__sink_rewind(s), LTX_EPROTOCOL);
    ltx_sink_free(s);
}
END_TEST

/* ---------------------------------------------------------------- fd sink */

START_TEST(fd_sink_writes_at_the_current_offset_and_leaves_the_fd_open)
{
    int fd = open(in_dir("fd.out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ltx_sink *s = NULL;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "header:", 7), 7);
    ck_assert_int_eq(ltx_sink_new_fd(&s, fd), LTX_OK);
    begin(s);
    put(s, "body");
    commit(s);
    ltx_sink_free(s);
    ck_assert_int_ne(fcntl(fd, F_GETFD), -1); /* still open */
    ck_assert_int_eq(close(fd), 0);
    assert_file(in_dir("fd.out"), "header:body");
}
END_TEST

START_TEST(fd_sink_rewind_goes_back_to_where_the_transfer_began)
{
    int fd = open(in_dir("fd.out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ltx_sink *s = NULL;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "header:", 7), 7);
    ck_assert_int_eq(ltx_sink_new_fd(&s, fd), LTX_OK);
    begin(s);
    put(s, "bo");
    ck_assert_int_eq(ltx__sink_rewind(s), LTX_OK);
    put(s, "body");
    ltx_sink_free(s);
    close(fd);
    assert_file(in_dir("fd.out"), "header:body");
}
END_TEST

START_TEST(fd_sink_on_a_pipe_cannot_rewind_after_bytes)
{
    int p[2];
    ltx_sink *s = NULL;

    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(ltx_sink_new_fd(&s, p[1]), LTX_OK);
    begin(s);
    put(s, "streamed");
    ck_assert_int_eq(ltx__sink_rewind(s), LTX_EPROTOCOL);
    ltx_sink_free(s);
    close(p[0]);
    close(p[1]);
}
END_TEST

/* ---------------------------------------------------------------- constructors */

static int never_called(const void *data, size_t len, void *ud)
{
    (void)data;
    (void)len;
    (void)ud;
    return 1;
}

START_TEST(constructors_reject_invalid_arguments)
{
    ltx_sink *s = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&s, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_path(&s, ""), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_path(NULL, "out.mp4"), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_fd(&s, -1), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_fd(NULL, 1), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_callback(&s, NULL, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_callback(NULL, never_called, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_memory(&s, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_new_memory(NULL, 10), LTX_EINVAL);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(memory_data_is_only_for_memory_sinks)
{
    ltx_sink *s = NULL;
    const void *data;
    size_t len;

    ck_assert_int_eq(ltx_sink_new_callback(&s, never_called, NULL), LTX_OK);
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, s), LTX_EINVAL);
    ltx_sink_free(s);
    ck_assert_int_eq(ltx_sink_memory_data(&data, &len, NULL), LTX_EINVAL);
}
END_TEST

START_TEST(free_and_bytes_written_accept_null)
{
    ltx_sink_free(NULL);
    ck_assert_uint_eq(ltx_sink_bytes_written(NULL), 0);
}
END_TEST

Suite *suite_sink(void)
{
    Suite *s = suite_create("sink");
    TCase *path = tcase_create("path");
    TCase *memory = tcase_create("memory");
    TCase *callback = tcase_create("callback");
    TCase *fd = tcase_create("fd");
    TCase *args = tcase_create("arguments");

    tcase_add_checked_fixture(path, dir_setup, dir_teardown);
    tcase_add_test(path, path_sink_writes_nothing_at_the_path_until_commit);
    tcase_add_test(path, path_sink_commit_replaces_an_existing_file);
    tcase_add_test(path, a_path_sink_that_is_not_durable_is_still_atomic);
    tcase_add_test(path, path_sink_abort_leaves_no_file_and_no_temporary);
    tcase_add_test(path, path_sink_abort_leaves_an_existing_file_untouched);
    tcase_add_test(path, path_sink_freed_without_commit_removes_its_temporary);
    tcase_add_test(path, path_sink_in_a_missing_directory_fails_at_begin);
    tcase_add_test(path, path_sink_can_be_reused_after_an_abort);
    tcase_add_test(path, path_sink_rewind_starts_the_file_over);
    tcase_add_test(path, committed_file_has_the_permissions_of_a_new_file);
    suite_add_tcase(s, path);

    tcase_add_test(memory, memory_sink_fails_past_its_cap_and_keeps_at_most_the_cap);
    tcase_add_test(memory, memory_sink_holds_exactly_its_cap);
    tcase_add_test(memory, memory_sink_begins_empty_and_rewinds_to_empty);
    suite_add_tcase(s, memory);

    tcase_add_test(callback, callback_sink_receives_the_bytes_in_order);
    tcase_add_test(callback, callback_refusing_the_data_cancels);
    tcase_add_test(callback, callback_sink_cannot_rewind_after_bytes);
    suite_add_tcase(s, callback);

    tcase_add_checked_fixture(fd, dir_setup, dir_teardown);
    tcase_add_test(fd, fd_sink_writes_at_the_current_offset_and_leaves_the_fd_open);
    tcase_add_test(fd, fd_sink_rewind_goes_back_to_where_the_transfer_began);
    tcase_add_test(fd, fd_sink_on_a_pipe_cannot_rewind_after_bytes);
    suite_add_tcase(s, fd);

    tcase_add_test(args, constructors_reject_invalid_arguments);
    tcase_add_test(args, memory_data_is_only_for_memory_sinks);
    tcase_add_test(args, free_and_bytes_written_accept_null);
    suite_add_tcase(s, args);
    return s;
}
