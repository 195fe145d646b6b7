/* tests/integration/test_money.c — a paid video is never lost: outputs checked before paying,
 * every failure after acceptance names the job, and a repeated billed request is told. */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- before paying */

/* A directory nothing may be created in, for this user: root writes through modes, so it gets a
 * file system that refuses new files whoever asks. */
static const char *unwritable_output(void)
{
    static char path[1024];

    if (geteuid() == 0)
        return "/sys/ltx-test-output.mp4";
    snprintf(path, sizeof(path), "%s", itest_path("locked"));
    ck_assert_int_eq(mkdir(path, 0555), 0);
    strcat(path, "/out.mp4");
    return path;
}

static void refused_before_any_request(const char *output, int sync)
{
    ltx_request *req = itest_t2v(sync);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&sink, output), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "nothing was submitted"));
    ck_assert_int_eq(ltx_error_possibly_executed(err), 0);
    ck_assert_ptr_null(ltx_error_job_id(err));
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0); /* not a byte sent, nothing billed */
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}

START_TEST(a_missing_directory_is_refused_before_anything_is_sent)
{
    refused_before_any_request(itest_path("no-such-dir/out.mp4"), 0);
    refused_before_any_request(itest_path("no-such-dir/out.mp4"), 1);
}
END_TEST

START_TEST(an_unwritable_directory_is_refused_before_anything_is_sent)
{
    const char *output = unwritable_output();

    refused_before_any_request(output, 0);
    refused_before_any_request(output, 1);
}
END_TEST

START_TEST(a_batch_refuses_an_output_it_cannot_write_when_the_entry_is_added)
{
    ltx_request *req = itest_t2v(0);
    ltx_batch *b = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    size_t index = 99;

    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("gone/out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_batch_add(&index, b, req, sink, &err), LTX_EIO);
    ck_assert_uint_eq(index, 99); /* nothing added */
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0);
    ltx_error_free(err);
    ltx_batch_free(b);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(sink_check_tells_a_bad_output_from_a_good_one)
{
    ltx_sink *good = NULL, *bad = NULL, *fd_sink = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_sink_new_path(&good, itest_path("fine.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_sink_check(good, NULL), LTX_OK);
    ck_assert_int_eq(itest_dir_entries(), 0); /* the probe file is gone again */
    ck_assert_int_eq(ltx_sink_new_path(&bad, itest_path("none/x.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_sink_check(bad, &err), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "none/x.mp4"));
    ltx_error_free(err);
    err = NULL;
    ck_assert_int_eq(ltx_sink_new_fd(&fd_sink, 1000), LTX_OK);
    ck_assert_int_eq(ltx_sink_check(fd_sink, &err), LTX_EIO); /* not an open descriptor */
    ltx_error_free(err);
    ltx_sink_free(fd_sink);
    ltx_sink_free(bad);
    ltx_sink_free(good);
}
END_TEST

/* ---------------------------------------------------------------- after paying */

enum after { GONE_DIRECTORY, SINK_REFUSES, SINK_TOO_SMALL, STOP_WHILE_WAITING, JOB_FAILS };

struct scene {
    enum after what;
    char dir[1024];
};

static int on_progress(const ltx_progress *p, void *ud)
{
    struct scene *s = ud;

    if (s->what == GONE_DIRECTORY && ltx_progress_stage(p) == LTX_STAGE_SUBMITTED)
        ck_assert_int_eq(rmdir(s->dir), 0); /* the output's place goes away once paid for */
    if (s->what == STOP_WHILE_WAITING && ltx_progress_stage(p) == LTX_STAGE_WAITING)
        return LTX_PROGRESS_STOP;
    return LTX_PROGRESS_CONTINUE;
}

static int refuse_bytes(const void *data, size_t len, void *ud)
{
    (void)data;
    (void)len;
    (void)ud;
    return 1;
}

static const struct {
    enum after what;
    int code;
} afters[] = {
    {GONE_DIRECTORY, LTX_EIO},
    {SINK_REFUSES, LTX_ECANCELLED},
    {SINK_TOO_SMALL, LTX_ESINKFULL},
    {STOP_WHILE_WAITING, LTX_ECANCELLED},
    {JOB_FAILS, LTX_EJOBFAILED},
};

START_TEST(every_failure_after_acceptance_names_the_job)
{
    struct scene s = {afters[_i].what, ""};
    ltx_request *req = itest_t2v(0);
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    int rc;

    snprintf(s.dir, sizeof(s.dir), "%s", itest_path("out"));
    ck_assert_int_eq(mkdir(s.dir, 0700), 0);
    switch (s.what) {
    case SINK_REFUSES:
        ck_assert_int_eq(ltx_sink_new_callback(&sink, refuse_bytes, NULL), LTX_OK);
        break;
    case SINK_TOO_SMALL:
        ck_assert_int_eq(ltx_sink_new_memory(&sink, 16), LTX_OK);
        break;
    case JOB_FAILS: {
        lmock_fault f;

        memset(&f, 0, sizeof(f));
        f.kind = LMOCK_FAULT_JOB_FAIL;
        f.method = "POST";
        f.path_prefix = "/v2/text-to-video";
        lmock_fault_add(mock, &f);
    }
        /* fall through */
    default:
        ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out/video.mp4")), LTX_OK);
        break;
    }
    rc = ltx_generate(client, req, sink, on_progress, &s, &err);
    ck_assert_msg(rc == afters[_i].code, "case %d gave %d: %s", _i, rc, ltx_error_message(err));
    ck_assert_uint_eq(lmock_jobs_accepted(mock), 1);
    ck_assert_msg(ltx_error_job_id(err) != NULL, "case %d: no job id in \"%s\"", _i,
                  ltx_error_message(err));
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

/* ---------------------------------------------------------------- billed twice, told in code */

START_TEST(a_v1_504_retried_to_success_is_told_on_the_sink)
{
    ltx_request *req = itest_t2v(1);
    ltx_sink *sink = NULL;

    itest_fault("POST", "/v1/text-to-video", 504, 1);
    ck_assert_int_eq(ltx_sink_new_path(&sink, itest_path("out.mp4")), LTX_OK);
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v1/text-to-video"), 2);
    ck_assert_int_eq(ltx_sink_possibly_billed_twice(sink), 1);
    ck_assert(itest_is_mock_video(itest_path("out.mp4")));
    /* the next generation into the same sink starts clean */
    ck_assert_int_eq(ltx_generate(client, req, sink, NULL, NULL, NULL), LTX_OK);
    ck_assert_int_eq(ltx_sink_possibly_billed_twice(sink), 0);
    ltx_sink_free(sink);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_v2_submit_of_unknown_outcome_is_never_repeated_even_when_allowed)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;
    ltx_error *err = NULL;

    /* the option covers a v1 504 only: a v2 submit that may have made a job is never repeated */
    ck_assert_int_eq(ltx_request_set_retry_unknown_outcome(req, 1), LTX_OK);
    itest_fault("POST", "/v2/text-to-video", 500, 1);
    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_ESERVER);
    ck_assert_uint_eq(lmock_count(mock, "POST", "/v2/text-to-video"), 1);
    ck_assert_int_eq(ltx_error_possibly_executed(err), 1);
    ltx_error_free(err);
    ltx_request_free(req);
}
END_TEST

/* ---------------------------------------------------------------- shapes */

START_TEST(a_non_null_err_on_entry_is_refused_and_kept)
{
    ltx_request *req = itest_t2v(0);
    ltx_error *err = NULL, *first;
    ltx_job *job = NULL;

    ck_assert_int_eq(ltx_job_open(&job, client, LTX_ENDPOINT_TEXT_TO_VIDEO, "../x", &err),
                     LTX_EINVAL);
    first = err;
    ck_assert_ptr_nonnull(first);
    ck_assert_int_eq(ltx_submit(&job, client, req, &err), LTX_EINVAL);
    ck_assert_ptr_eq(err, first); /* untouched: not overwritten, not leaked */
    ck_assert_ptr_null(job);
    ck_assert_uint_eq(lmock_count(mock, NULL, NULL), 0); /* and nothing was done */
    ltx_error_free(err);
    ltx_request_free(req);
}
END_TEST

START_TEST(a_setter_that_refuses_says_why)
{
    ltx_batch *b = NULL;
    ltx_sink *sink = NULL;

    ck_assert_int_eq(ltx_client_set_connect_timeout_ms(client, 0), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_field(ltx_client_last_error(client)), "connect_timeout_ms");
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_client_last_error(client)), "LTX_NO_LIMIT"));
    ck_assert_int_eq(ltx_client_set_base_url(client, "ftp://example.com"), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_client_last_error(client)), "ftp://"));
    ck_assert_int_eq(ltx_client_set_connect_timeout_ms(client, 1000), LTX_OK);
    ck_assert_ptr_null(ltx_client_last_error(client));

    ck_assert_int_eq(ltx_batch_new(&b, client), LTX_OK);
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 0), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_field(ltx_batch_last_error(b)), "concurrency");
    ck_assert_int_eq(ltx_batch_set_concurrency(b, 3), LTX_OK);
    ck_assert_ptr_null(ltx_batch_last_error(b));

    ck_assert_int_eq(ltx_sink_new_memory(&sink, 10), LTX_OK);
    ck_assert_int_eq(ltx_sink_set_durable(sink, 1), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(ltx_sink_last_error(sink)), "path sink"));
    ck_assert_ptr_null(ltx_client_last_error(NULL));
    ck_assert_ptr_null(ltx_batch_last_error(NULL));
    ck_assert_ptr_null(ltx_sink_last_error(NULL));
    ltx_sink_free(sink);
    ltx_batch_free(b);
}
END_TEST

START_TEST(a_job_tells_its_times_request_id_and_raw_status)
{
    ltx_request *req = itest_t2v(0);
    ltx_job *job = NULL;

    ck_assert_int_eq(ltx_submit(&job, client, req, NULL), LTX_OK);
    ck_assert_ptr_nonnull(ltx_job_created_at(job)); /* from the 202 answer */
    ck_assert_ptr_nonnull(ltx_job_request_id(job));
    ck_assert_ptr_null(ltx_job_status_json(job));
    ck_assert_int_eq(ltx_job_wait(job, 10, NULL, NULL, NULL), LTX_OK);
    ck_assert_ptr_nonnull(ltx_job_completed_at(job));
    ck_assert_ptr_nonnull(strstr(ltx_job_status_json(job), "\"completed\""));
    ck_assert_uint_eq(ltx_job_result_count(job), 1);
    ck_assert_str_eq(ltx_job_result_key(job, 0), "video_url");
    ck_assert_ptr_null(ltx_job_result_key(job, 1));
    ck_assert_str_eq(ltx_job_result_url(job, NULL), ltx_job_result_url(job, "video_url"));
    ck_assert_ptr_null(ltx_job_result_url(job, "exr_frames_url"));
    ltx_job_free(job);
    ltx_request_free(req);
}
END_TEST

Suite *suite_money(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("no paid video lost");

    tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_missing_directory_is_refused_before_anything_is_sent);
    tcase_add_test(tc, an_unwritable_directory_is_refused_before_anything_is_sent);
    tcase_add_test(tc, a_batch_refuses_an_output_it_cannot_write_when_the_entry_is_added);
    tcase_add_test(tc, sink_check_tells_a_bad_output_from_a_good_one);
    tcase_add_loop_test(tc, every_failure_after_acceptance_names_the_job, 0,
                        (int)(sizeof(afters) / sizeof(afters[0])));
    tcase_add_test(tc, a_v1_504_retried_to_success_is_told_on_the_sink);
    tcase_add_test(tc, a_v2_submit_of_unknown_outcome_is_never_repeated_even_when_allowed);
    tcase_add_test(tc, a_non_null_err_on_entry_is_refused_and_kept);
    tcase_add_test(tc, a_setter_that_refuses_says_why);
    tcase_add_test(tc, a_job_tells_its_times_request_id_and_raw_status);
    suite_add_tcase(s, tc);
    return s;
}
