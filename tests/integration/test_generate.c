/* tests/integration/test_generate.c — ltx_generate() when the answer, the inputs or the output
 * go wrong: nothing is written that is not the video, and the caller is told what may be
 * billed. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(v1_answering_json_instead_of_video_is_a_protocol_error)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    lmock_fault f = {0};
    int entries = itest_dir_entries();

    f.kind = LMOCK_FAULT_BODY;
    f.method = "POST";
    f.path_prefix = "/v1/text-to-video";
    f.status = 200;
    f.body = "{\"status\":\"ok\"}";
    f.times = 1;
    lmock_fault_add(mock, &f);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("json.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EPROTOCOL);
    ck_assert_int_eq(ltx_error_code(err), LTX_EPROTOCOL);
    /* the POST was answered 200: the generation may have run, and is said to */
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_int_eq(ltx_error_http_status(err), 200);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "without video bytes"));
    /* sent once, never again: a second POST would bill a second video */
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/text-to-video"), 1);
    /* no output file, no temporary file left behind */
    ck_assert_int_ne(access(itest_path("json.mp4"), F_OK), 0);
    ck_assert_int_eq(itest_dir_entries(), entries);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(v1_input_file_gone_before_generate_sends_nothing)
{
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    const char *image = itest_path("gone.png");
    FILE *fp = fopen(image, "wb");

    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite("\x89PNG\r\n\x1a\n", 1, 8, fp), 8);
    ck_assert_int_eq(fclose(fp), 0);
    ck_assert_int_eq(ltx_request_new(&req, LTX_ENDPOINT_IMAGE_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(req, "The lighthouse beam sweeps the sea"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(req, LTX_MODEL_LTX_2_3_PRO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(req, 6), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(req, "1920x1080"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_sync(req, 1), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(req, "image_uri", itest_path("gone.png")), LTX_OK);
    ck_assert_int_eq(unlink(itest_path("gone.png")), 0);

    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("never.mp4")), LTX_OK);
    ck_assert_int_ne(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_OK);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 0);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "gone.png"));
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/"), 0);
    ck_assert_int_ne(access(itest_path("never.mp4"), F_OK), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* Progress callback: while the job runs (the output checked already), put a directory
 * where the output is to go. */
static int block_output(const ltx_progress *p, void *userdata)
{
    if (ltx_progress_stage(p) == LTX_STAGE_WAITING)
        (void)mkdir((const char *)userdata, 0700);
    return LTX_PROGRESS_CONTINUE;
}

START_TEST(output_that_cannot_be_put_in_place_is_an_io_error)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    char out[512];

    snprintf(out, sizeof out, "%s", itest_path("blocked.mp4"));
    ck_assert_int_eq(ltx_sink_new_path(&sink, out), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, block_output, out, &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "cannot rename"));
    /* the video arrived: it ran and is billed, whatever became of the file */
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    ck_assert_int_eq(rmdir(out), 0);
    ck_assert_int_eq(itest_dir_entries(), 0); /* the temporary file is gone too */
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(v2_output_device_full_is_an_io_error_naming_the_job)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

    if (fd < 0)
        return; /* no /dev/full here */
    ck_assert_int_eq(ltx_sink_new_fd(&sink, fd), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "writing the output failed"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), strerror(ENOSPC)));
    ck_assert_ptr_nonnull(ltx_error_job_id(err)); /* to download again once there is room */
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    close(fd);
}
END_TEST

/* The first download is cut short; the second, asked for the rest with Range, is answered
 * `status` with body `body` (as video/mp4) and no Content-Range. */
static void cut_then_answer(int status, const char *body)
{
    lmock_fault f = {0};

    f.kind = LMOCK_FAULT_TRUNCATE;
    f.method = "GET";
    f.path_prefix = "/results/";
    f.times = 1;
    lmock_fault_add(mock, &f);
    f.kind = LMOCK_FAULT_BODY;
    f.status = status;
    f.body = body;
    f.content_type = "video/mp4";
    lmock_fault_add(mock, &f);
}

START_TEST(a_resume_answered_whole_starts_the_output_over)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    unsigned char *got;
    size_t len;

    cut_then_answer(200, "the whole result again");
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("over.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "GET", "/results/"), 2);
    /* exactly the second answer: the first half is not kept in front of it */
    got = itest_read(itest_path("over.mp4"), &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, strlen("the whole result again"));
    ck_assert_mem_eq(got, "the whole result again", len);
    free(got);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_resume_answered_with_another_range_is_a_protocol_error)
{
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    cut_then_answer(206, "bytes from who knows where");
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("spliced.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EPROTOCOL);
    ck_assert_msg(strstr(ltx_error_message(err), "different range"), "%s", ltx_error_message(err));
    ck_assert_ptr_nonnull(ltx_error_job_id(err));
    ck_assert_int_ne(access(itest_path("spliced.mp4"), F_OK), 0);
    ck_assert_int_eq(itest_dir_entries(), 0);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(generate_needs_a_client_a_request_and_a_sink)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_sink_new_memory(&sink, 1u << 20), LTX_OK);
    ck_assert_int_eq(ltx_generate(NULL, req, sink, NULL, NULL, &err), LTX_EINVAL);
    ck_assert_ptr_nonnull(err);
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_generate(client, NULL, sink, NULL, NULL, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_generate(client, req, NULL, NULL, NULL, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_sink_check(NULL, &err), LTX_EINVAL);
    ck_assert_ptr_nonnull(err);
    ltx_error_free(err);
    ck_assert_uint_eq(lmock_count(mock, NULL, "/v"), 0);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

Suite *suite_generate(void)
{
    Suite *s = suite_create("generate");
    TCase *tc = tcase_create("failures");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_add_test(tc, v1_answering_json_instead_of_video_is_a_protocol_error);
    tcase_add_test(tc, v1_input_file_gone_before_generate_sends_nothing);
    tcase_add_test(tc, output_that_cannot_be_put_in_place_is_an_io_error);
    tcase_add_test(tc, v2_output_device_full_is_an_io_error_naming_the_job);
    tcase_add_test(tc, a_resume_answered_whole_starts_the_output_over);
    tcase_add_test(tc, a_resume_answered_with_another_range_is_a_protocol_error);
    tcase_add_test(tc, generate_needs_a_client_a_request_and_a_sink);
    suite_add_tcase(s, tc);
    return s;
}
