/* tests/integration/test_upload.c — local files: checked first, inlined when small, else uploaded. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PNG_MAGIC "\x89PNG\r\n\x1a\n"

/* A file that starts with `magic` and has `size` bytes in all. */
static const char *make_file(const char *name, const char *magic, size_t magic_len, size_t size)
{
    const char *path = itest_path(name);
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fwrite(magic, 1, magic_len, f);
    for (size_t i = magic_len; i < size; i++)
        fputc((int)(i * 7 % 251), f);
    fclose(f);
    return path;
}

static ltx_request *i2v(void)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_IMAGE_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "The lighthouse beam sweeps the sea"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 6), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1920x1080"), LTX_OK);
    return r;
}

START_TEST(upload_file_puts_every_required_header_and_no_key)
{
    char path[512], *auth, *range, *ctype;
    ltx_upload *upload = NULL;
    const char *uri;

    snprintf(path, sizeof(path), "%s", make_file("photo.png", PNG_MAGIC, 8, 4096));
    ck_assert_int_eq(ltx_upload_file(&upload, client, path, NULL, NULL), LTX_OK);
    uri = ltx_upload_storage_uri(upload);
    ck_assert_ptr_nonnull(ltx_upload_expires_at(upload)); /* the answer's expires_at */
    ck_assert_msg(strncmp(uri, "ltx://", 6) == 0, "storage uri %s", uri);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/upload"), 1);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 1);
    auth = lmock_last_header(mock, "/uploads/", "Authorization");
    range = lmock_last_header(mock, "/uploads/", "x-goog-content-length-range");
    ctype = lmock_last_header(mock, "/uploads/", "Content-Type");
    ck_assert_ptr_null(auth);
    ck_assert_ptr_nonnull(range); /* the required header the mock's answer listed */
    ck_assert_str_eq(ctype, "image/png"); /* from the content, not the name */
    free(range);
    free(ctype);
    /* while the request for the URL, on the API host, carried the key */
    auth = lmock_last_header(mock, "/v1/upload", "Authorization");
    ck_assert_str_eq(auth, "Bearer " ITEST_KEY);
    free(auth);
    ltx_upload_free(upload);
}
END_TEST

static void count_put_attempts(const ltx_attempt *a, void *ud)
{
    if (strcmp(ltx_attempt_method(a), "PUT") == 0)
        (*(unsigned *)ud)++;
}

/* The PUT reuses the connection of the POST before it; the server closes it without answering,
 * and libcurl sends the file again on a new connection by itself, after rewinding it through
 * the seek callback. One attempt as libltx counts them, two PUTs at the server. */
START_TEST(a_put_on_a_dead_connection_rewinds_the_file_and_is_sent_again)
{
    char path[512];
    ltx_upload *upload = NULL;
    lmock_fault f = {0};
    unsigned put_attempts = 0;

    snprintf(path, sizeof(path), "%s", make_file("again.png", PNG_MAGIC, 8, 64 * 1024));
    f.kind = LMOCK_FAULT_RESET;
    f.method = "PUT";
    f.path_prefix = "/uploads/";
    f.times = 1;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_client_set_attempt_hook(client, count_put_attempts, &put_attempts),
                     LTX_OK);
    ck_assert_int_eq(ltx_upload_file(&upload, client, path, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 2);
    ck_assert_uint_eq(put_attempts, 1); /* rewound and resent within the attempt */
    ltx_upload_free(upload);
}
END_TEST

START_TEST(a_large_local_image_is_uploaded_then_used)
{
    ltx_request *req = i2v();
    ltx_job *job = NULL;
    ltx_sink *sink = NULL;
    char *body;

    ck_assert_int_eq(ltx_request_set_input_file(req, "image_uri",
                                                make_file("big.png", PNG_MAGIC, 8, 1200000)),
                     LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 1);
    /* read before polling: the polls share the path prefix */
    body = lmock_last_body(mock, "/v2/image-to-video");
    ck_assert_ptr_nonnull(strstr(body, "\"image_uri\":\"ltx://"));
    ck_assert_int_eq(ltx_job_wait(job, 0, NULL, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_job_download(job, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    free(body);
    ltx_sink_free(sink);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_small_local_image_goes_inline_as_a_data_uri)
{
    ltx_request *req = i2v();
    ltx_job *job = NULL;
    char *body;

    ck_assert_int_eq(ltx_request_set_input_file(req, "image_uri",
                                                make_file("small.jpg", "\xff\xd8\xff\xe0", 4, 3000)),
                     LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/upload"), 0);
    body = lmock_last_body(mock, "/v2/image-to-video");
    ck_assert_ptr_nonnull(strstr(body, "\"image_uri\":\"data:image/jpeg;base64,/9j/4"));
    free(body);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

START_TEST(bad_local_files_fail_before_any_byte_is_sent)
{
    static const struct {
        const char *field;
        const char *name;
        const char *magic;
        size_t magic_len, size;
    } cases[] = {
        {"image_uri", "notes.png", "plain text, not an image", 24, 100}, /* the name lies */
        {"image_uri", "clip.png", "\0\0\0\x18" "ftypisom", 12, 100},    /* a video as an image */
        {"image_uri", "empty.png", "", 0, 0},
        {"image_uri", "missing.png", NULL, 0, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ltx_request *req = i2v();
        ltx_sink *sink = NULL;
        ltx_error *err = NULL;
        const char *path = cases[i].magic ? make_file(cases[i].name, cases[i].magic,
                                                      cases[i].magic_len, cases[i].size)
                                          : itest_path(cases[i].name);

        ck_assert_int_eq(ltx_request_set_input_file(req, cases[i].field, path), LTX_OK);
        ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
        ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EREQUEST);
        ck_assert_str_eq(ltx_error_field(err), cases[i].field);
        ck_assert_msg(strstr(ltx_error_message(err), "PNG") || strstr(ltx_error_message(err), "bytes") ||
                          strstr(ltx_error_message(err), "cannot open"),
                      "case %zu: %s", i, ltx_error_message(err));
        ltx_error_free(err);
        ltx_sink_free(sink);
        ltx_request_free(req);
    }
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
}
END_TEST

START_TEST(a_local_audio_file_is_always_uploaded)
{
    ltx_request *req = NULL;
    ltx_job *job = NULL;
    char *body;

    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_AUDIO_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(req, "A choir in a cathedral"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(req, "audio_uri",
                                                make_file("voice.wav", "RIFF\x24\0\0\0WAVEfmt ", 16, 2048)),
                     LTX_OK);
    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "PUT", "/uploads/"), 1);
    body = lmock_last_body(mock, "/v2/audio-to-video");
    ck_assert_ptr_nonnull(strstr(body, "\"audio_uri\":\"ltx://"));
    free(body);
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

Suite *suite_upload(void)
{
    Suite *s = suite_create("upload");
    TCase *tc = tcase_create("local files");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, upload_file_puts_every_required_header_and_no_key);
    tcase_add_test(tc, a_put_on_a_dead_connection_rewinds_the_file_and_is_sent_again);
    tcase_add_test(tc, a_large_local_image_is_uploaded_then_used);
    tcase_add_test(tc, a_small_local_image_goes_inline_as_a_data_uri);
    tcase_add_test(tc, bad_local_files_fail_before_any_byte_is_sent);
    tcase_add_test(tc, a_local_audio_file_is_always_uploaded);
    suite_add_tcase(s, tc);
    return s;
}
