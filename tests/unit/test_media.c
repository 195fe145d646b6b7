/* tests/unit/test_media.c — what a local file is, as ltx_media_type() and ltx_upload_file()
 * tell before sending a byte: each supported format by its first bytes, and the refusals. */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include <ltx/ltx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- a scratch directory */

static char dir[64];
static char path[2][128];

static void dir_setup(void)
{
    strcpy(dir, "/tmp/ltx-unit-media-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path[0], sizeof path[0], "%s/file", dir);
    snprintf(path[1], sizeof path[1], "%s/subdir", dir);
}

static void dir_teardown(void)
{
    unlink(path[0]);
    rmdir(path[1]);
    rmdir(dir);
}

/* Write n bytes of b (then zeros up to 64 bytes, as a real header is followed by data). */
static const char *file_of(const void *b, size_t n)
{
    unsigned char buf[64] = {0};
    FILE *f = fopen(path[0], "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_le(n, sizeof buf);
    memcpy(buf, b, n);
    ck_assert_uint_eq(fwrite(buf, 1, n ? sizeof buf : 0, f), n ? sizeof buf : 0);
    ck_assert_int_eq(fclose(f), 0);
    return path[0];
}

/* ---------------------------------------------------------------- the formats */

static const struct {
    const char *head;
    size_t len;
    const char *type;
} formats[] = {
    {"\x89PNG\r\n\x1a\n", 8, "image/png"},
    {"\xff\xd8\xff\xe0", 4, "image/jpeg"},
    {"RIFF\x24\0\0\0WEBPVP8 ", 16, "image/webp"},
    {"RIFF\x24\0\0\0WAVEfmt ", 16, "audio/wav"},
    {"OggS\0\x02", 6, "audio/ogg"},
    {"ID3\x04\0", 5, "audio/mpeg"},
    {"\xff\xfb\x90\x64", 4, "audio/mpeg"}, /* an MPEG audio frame without a tag */
    {"\x1a\x45\xdf\xa3\x9f", 5, "video/x-matroska"},
    {"\0\0\0\024ftypqt  ", 12, "video/quicktime"},
    {"\0\0\0\040ftypM4A ", 12, "audio/mp4"},
    {"\0\0\0\040ftypM4B ", 12, "audio/mp4"},
    {"\0\0\0\040ftypisom", 12, "video/mp4"},
};

START_TEST(media_type_by_first_bytes)
{
    const char *type = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_media_type(&type, file_of(formats[_i].head, formats[_i].len), &err),
                     LTX_OK);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(type, formats[_i].type);
}
END_TEST

START_TEST(media_type_refuses_an_unknown_format)
{
    const char *type = "stale";
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_media_type(&type, file_of("GIF89a", 6), &err), LTX_EREQUEST);
    ck_assert_ptr_null(type);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(ltx_error_code(err), LTX_EREQUEST);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "not a supported format"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "PNG"));
    ltx_error_free(err);
}
END_TEST

START_TEST(media_type_refuses_what_is_not_a_file)
{
    const char *type = "stale";
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_media_type(NULL, path[0], &err), LTX_EINVAL);
    ck_assert_ptr_nonnull(err);
    ltx_error_free(err);
    err = NULL;

    ck_assert_int_eq(ltx_media_type(&type, NULL, &err), LTX_EINVAL);
    ck_assert_ptr_null(type);
    ltx_error_free(err);
    err = NULL;

    ck_assert_int_eq(ltx_media_type(&type, "", &err), LTX_EINVAL);
    ltx_error_free(err);
    err = NULL;

    /* absent: named with the reason */
    ck_assert_int_eq(ltx_media_type(&type, path[0], &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "cannot open"));
    ltx_error_free(err);
    err = NULL;

    ck_assert_int_eq(mkdir(path[1], 0700), 0);
    ck_assert_int_eq(ltx_media_type(&type, path[1], &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "not a regular file"));
    ck_assert_ptr_null(type);
    ltx_error_free(err);
}
END_TEST

/* ---------------------------------------------------------------- uploads refused before sending
 */

START_TEST(upload_refuses_before_any_request)
{
    ltx_client *c = NULL;
    ltx_upload *up = (ltx_upload *)1;
    ltx_error *err = NULL;

    /* the client points nowhere: any request would fail with a transport error, not these */
    ck_assert_int_eq(ltx_global_init(LTX_GLOBAL_DEFAULT), LTX_OK);
    ck_assert_int_eq(ltx_client_new(&c, "test-key", &err), LTX_OK);
    ck_assert_int_eq(ltx_client_set_base_url(c, "http://127.0.0.1:9"), LTX_OK);

    ck_assert_int_eq(ltx_upload_file(NULL, c, path[0], NULL, &err), LTX_EINVAL);
    ltx_error_free(err);
    err = NULL;

    ck_assert_int_eq(ltx_upload_file(&up, NULL, file_of("OggS", 4), NULL, &err), LTX_EINVAL);
    ck_assert_ptr_null(up);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "client"));
    ltx_error_free(err);
    err = NULL;

    ck_assert_int_eq(ltx_upload_file(&up, c, file_of("GIF89a", 6), NULL, &err), LTX_EREQUEST);
    ck_assert_ptr_null(up);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "not a supported format"));
    ltx_error_free(err);
    err = NULL;

    /* an empty file has no format to sniff either, and no byte to upload */
    ck_assert_int_eq(ltx_upload_file(&up, c, file_of("", 0), NULL, &err), LTX_EREQUEST);
    ck_assert_ptr_null(up);
    ltx_error_free(err);
    err = NULL;

    /* one byte over the limit (a sparse file: no disk is used) */
    file_of("\x89PNG\r\n\x1a\n", 8);
    ck_assert_int_eq(truncate(path[0], (off_t)LTX_UPLOAD_MAX_BYTES + 1), 0);
    ck_assert_int_eq(ltx_upload_file(&up, c, path[0], NULL, &err), LTX_EREQUEST);
    ck_assert_ptr_null(up);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "100000001 bytes"));
    ltx_error_free(err);
    err = NULL;

    ck_assert_int_eq(ltx_upload_file(&up, c, "", NULL, &err), LTX_EINVAL);
    ck_assert_ptr_null(up);
    ltx_error_free(err);
    ltx_client_free(c);
    ltx_global_cleanup();
}
END_TEST

Suite *suite_media(void)
{
    Suite *s = suite_create("media");
    TCase *tc = tcase_create("files");

    tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
    tcase_add_loop_test(tc, media_type_by_first_bytes, 0, sizeof formats / sizeof formats[0]);
    tcase_add_test(tc, media_type_refuses_an_unknown_format);
    tcase_add_test(tc, media_type_refuses_what_is_not_a_file);
    tcase_add_test(tc, upload_refuses_before_any_request);
    suite_add_tcase(s, tc);
    return s;
}
