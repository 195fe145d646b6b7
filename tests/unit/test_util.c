/* tests/unit/test_util.c — UTF-8 and bounded buffers, the client handle, and the version. */
#define _GNU_SOURCE /* memmem */
#include "tests.h"

#include "loglevel.h"
#include "private.h"
#include "redact.h"
#include "client_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- UTF-8 */

START_TEST(utf8_length_counts_code_points)
{
    ck_assert_int_eq(ltx__utf8_length(""), 0);
    ck_assert_int_eq(ltx__utf8_length("plain ascii"), 11);
    ck_assert_int_eq(ltx__utf8_length("\xC3\xA9"), 1);         /* é, 2 bytes */
    ck_assert_int_eq(ltx__utf8_length("\xE2\x82\xAC"), 1);     /* €, 3 bytes */
    ck_assert_int_eq(ltx__utf8_length("\xF0\x9F\x98\x80"), 1); /* U+1F600, 4 bytes */
    ck_assert_int_eq(ltx__utf8_length("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), 5);
    /* the edges of the valid ranges */
    ck_assert_int_eq(ltx__utf8_length("\xC2\x80"), 1);         /* U+0080 */
    ck_assert_int_eq(ltx__utf8_length("\xE0\xA0\x80"), 1);     /* U+0800 */
    ck_assert_int_eq(ltx__utf8_length("\xED\x9F\xBF"), 1);     /* U+D7FF */
    ck_assert_int_eq(ltx__utf8_length("\xEE\x80\x80"), 1);     /* U+E000 */
    ck_assert_int_eq(ltx__utf8_length("\xF0\x90\x80\x80"), 1); /* U+10000 */
    ck_assert_int_eq(ltx__utf8_length("\xF4\x8F\xBF\xBF"), 1); /* U+10FFFF */
}
END_TEST

START_TEST(utf8_length_of_invalid_text_is_minus_one)
{
    static const char *const bad[] = {
        "\xC3",                 /* lead byte at the end */
        "a\xC3z",               /* lead byte, then no continuation */
        "\xE2\x82",             /* 3-byte sequence cut short */
        "\x80",                 /* lone continuation */
        "\xC0\xAF",             /* overlong '/' */
        "\xC1\xBF",             /* overlong */
        "\xE0\x80\xAF",         /* overlong, 3 bytes */
        "\xF0\x80\x80\xAF",     /* overlong, 4 bytes */
        "\xED\xA0\x80",         /* surrogate U+D800 */
        "\xED\xBF\xBF",         /* surrogate U+DFFF */
        "\xF4\x90\x80\x80",     /* U+110000 */
        "\xF8\x88\x80\x80\x80", /* 5-byte form */
        "\xFF",
        "\xFE",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(ltx__utf8_length(bad[i]) == -1, "case %zu accepted", i);
}
END_TEST

/* ---------------------------------------------------------------- bounded buffers */

START_TEST(buffer_without_limit_keeps_everything_nul_terminated)
{
    ltx_buf b = {0};
    char chunk[700];

    memset(chunk, 'x', sizeof(chunk));
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(ltx__buf_append(&b, chunk, sizeof(chunk)), LTX_OK);
    ck_assert_uint_eq(b.len, 7000);
    ck_assert_uint_eq(b.dropped, 0);
    ck_assert_int_eq(b.data[b.len], '\0');
    ck_assert_uint_eq(strspn(b.data, "x"), 7000);
    ltx__buf_free(&b);
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(buffer_with_limit_keeps_the_first_bytes_and_counts_the_rest)
{
    ltx_buf b = {.limit = 10};

    ck_assert_int_eq(ltx__buf_append(&b, "hello", 5), LTX_OK);
    ck_assert_int_eq(ltx__buf_append(&b, "world!!", 7), LTX_OK);
    ck_assert_int_eq(ltx__buf_append(&b, "more", 4), LTX_OK);
    ck_assert_uint_eq(b.len, 10);
    ck_assert_str_eq(b.data, "helloworld");
    ck_assert_uint_eq(b.dropped, 6);
    ltx__buf_free(&b);
}
END_TEST

START_TEST(buffer_memory_stays_bounded_by_its_limit)
{
    enum { LIMIT = 64 * 1024, PIECE = 4096, TOTAL = 10 * 1024 * 1024 };
    ltx_buf b = {.limit = LIMIT};
    char *piece = malloc(PIECE);

    ck_assert_ptr_nonnull(piece);
    for (size_t sent = 0; sent < TOTAL; sent += PIECE) {
        memset(piece, 'a' + (int)((sent / PIECE) % 26), PIECE);
        ck_assert_int_eq(ltx__buf_append(&b, piece, PIECE), LTX_OK);
        ck_assert_uint_le(b.cap, LIMIT + 1);
    }
    ck_assert_uint_eq(b.len, LIMIT);
    ck_assert_uint_eq(b.dropped, TOTAL - LIMIT);
    ck_assert_int_eq(b.data[0], 'a');
    ck_assert_int_eq(b.data[LIMIT - 1], 'a' + (LIMIT / PIECE - 1) % 26);
    ck_assert_int_eq(b.data[LIMIT], '\0');
    free(piece);
    ltx__buf_free(&b);
}
END_TEST

START_TEST(one_huge_append_past_the_limit_is_bounded_too)
{
    enum { LIMIT = 100, SIZE = 1 << 20 };
    ltx_buf b = {.limit = LIMIT};
    char *big = malloc(SIZE);

    ck_assert_ptr_nonnull(big);
    memset(big, 'q', SIZE);
    ck_assert_int_eq(ltx__buf_append(&b, big, SIZE), LTX_OK);
    ck_assert_uint_eq(b.len, LIMIT);
    ck_assert_uint_le(b.cap, LIMIT + 1);
    ck_assert_uint_eq(b.dropped, SIZE - LIMIT);
    free(big);
    ltx__buf_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- strings */

START_TEST(string_helpers_copy_and_format)
{
    char *slot = NULL, *s;

    s = ltx__printf("%s-%d", "job", 42);
    ck_assert_str_eq(s, "job-42");
    free(s);
    s = ltx__strndup("abcdef", 3);
    ck_assert_str_eq(s, "abc");
    free(s);
    ck_assert_ptr_null(ltx__strdup(NULL));
    ck_assert_int_eq(ltx__set_string(&slot, "first"), LTX_OK);
    ck_assert_str_eq(slot, "first");
    ck_assert_int_eq(ltx__set_string(&slot, "second"), LTX_OK);
    ck_assert_str_eq(slot, "second");
    ck_assert_int_eq(ltx__set_string(&slot, NULL), LTX_OK);
    ck_assert_ptr_null(slot);
    ltx_free(NULL);
}
END_TEST

/* ---------------------------------------------------------------- client */

static void global_setup(void)
{
    ck_assert_int_eq(ltx_global_init(LTX_GLOBAL_DEFAULT), LTX_OK);
}

static void global_teardown(void)
{
    ltx_global_cleanup();
}

static ltx_client *new_client(const char *key)
{
    ltx_client *c = NULL;
    ltx_error *err = NULL;
    int rc = ltx_client_new(&c, key, &err);

    ck_assert_msg(rc == LTX_OK, "ltx_client_new: %s", ltx_error_message(err));
    ck_assert_ptr_nonnull(c);
    return c;
}

START_TEST(client_before_global_init_is_einit)
{
    ltx_client *c = NULL;
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_new(&c, "test-key", &err), LTX_EINIT);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(ltx_error_code(err), LTX_EINIT);
    ltx_error_free(err);
}
END_TEST

START_TEST(client_after_global_cleanup_is_einit_again)
{
    ltx_client *c = NULL;

    ck_assert_int_eq(ltx_global_init(LTX_GLOBAL_DEFAULT), LTX_OK);
    ck_assert_int_eq(ltx_global_init(LTX_GLOBAL_DEFAULT), LTX_OK);
    ltx_global_cleanup();
    ck_assert_int_eq(ltx_client_new(&c, "test-key", NULL), LTX_OK); /* still one reference */
    ltx_client_free(c);
    ltx_global_cleanup();
    c = NULL;
    ck_assert_int_eq(ltx_client_new(&c, "test-key", NULL), LTX_EINIT);
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(client_rejects_an_unusable_key)
{
    static const char *const bad[] = {"",      "key with space", "key\n", "key\r\nX-Evil: 1",
                                      "\tkey", "k\x7f"};
    ltx_client *c = NULL;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ltx_error *err = NULL;

        ck_assert_msg(ltx_client_new(&c, bad[i], &err) == LTX_EINVAL, "case %zu accepted", i);
        ck_assert_ptr_null(c);
        ck_assert_int_eq(ltx_error_code(err), LTX_EINVAL);
        ltx_error_free(err);
    }
    ck_assert_int_eq(ltx_client_new(&c, NULL, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_client_new(NULL, "test-key", NULL), LTX_EINVAL);
    ltx_client_free(NULL);
}
END_TEST

START_TEST(user_agent_names_libltx_and_libcurl)
{
    ltx_client *c = new_client("test-key");
    const char *ua = ltx_client_user_agent(c);
    const char *curl;

    ck_assert_ptr_nonnull(ua);
    ck_assert_msg(strncmp(ua, "libltx/" LTX_VERSION " ", strlen("libltx/" LTX_VERSION " ")) == 0,
                  "User-Agent: %s", ua);
    curl = strstr(ua, "libcurl/");
    ck_assert_ptr_nonnull(curl);
    ck_assert(isdigit((unsigned char)curl[strlen("libcurl/")]));
    ltx_client_free(c);
}
END_TEST

START_TEST(user_agent_suffix_is_appended_after_a_space)
{
    ltx_client *c = new_client("test-key");
    char *plain = strdup(ltx_client_user_agent(c));
    char *want = NULL;

    ck_assert_int_eq(ltx_client_set_user_agent_suffix(c, "ltx-python/0.1"), LTX_OK);
    want = ltx__printf("%s ltx-python/0.1", plain);
    ck_assert_str_eq(ltx_client_user_agent(c), want);
    /* a header line cannot carry a newline; the client is unchanged */
    ck_assert_int_eq(ltx_client_set_user_agent_suffix(c, "evil\r\nX-Injected: 1"), LTX_EINVAL);
    ck_assert_str_eq(ltx_client_user_agent(c), want);
    ck_assert_int_eq(ltx_client_set_user_agent_suffix(c, NULL), LTX_OK);
    ck_assert_str_eq(ltx_client_user_agent(c), plain);
    free(want);
    free(plain);
    ltx_client_free(c);
}
END_TEST

START_TEST(base_url_loses_trailing_slashes)
{
    ltx_client *c = new_client("test-key");

    ck_assert_str_eq(c->base_url, LTX_DEFAULT_BASE_URL);
    ck_assert_int_eq(ltx_client_set_base_url(c, "https://api.ltx.io///"), LTX_OK);
    ck_assert_str_eq(c->base_url, "https://api.ltx.io");
    ck_assert_int_eq(ltx_client_set_base_url(c, "http://127.0.0.1:8080/"), LTX_OK);
    ck_assert_str_eq(c->base_url, "http://127.0.0.1:8080");
    ltx_client_free(c);
}
END_TEST

START_TEST(base_url_must_be_http_or_https)
{
    static const char *const bad[] = {"ftp://x", "api.ltx.io", "", "file:///etc/passwd",
                                      "httpss://x"};
    ltx_client *c = new_client("test-key");

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(ltx_client_set_base_url(c, bad[i]) == LTX_EINVAL, "accepted %s", bad[i]);
    ck_assert_int_eq(ltx_client_set_base_url(c, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_client_set_base_url(NULL, "https://api.ltx.io"), LTX_EINVAL);
    ck_assert_str_eq(c->base_url, LTX_DEFAULT_BASE_URL); /* unchanged on failure */
    ltx_client_free(c);
}
END_TEST

/* ltx_client_set_base_url(3): "a scheme, a host and an optional port". */
START_TEST(base_url_without_a_host_is_rejected)
{
    ltx_client *c = new_client("test-key");
    int no_host = ltx_client_set_base_url(c, "https://");
    int slash_only = ltx_client_set_base_url(c, "http:///");
    int unchanged = strcmp(c->base_url, LTX_DEFAULT_BASE_URL) == 0;

    ltx_client_free(c);
    ck_assert_int_eq(no_host, LTX_EINVAL);
    ck_assert_int_eq(slash_only, LTX_EINVAL);
    ck_assert(unchanged);
}
END_TEST

START_TEST(zero_timeouts_are_rejected_and_no_limit_is_explicit)
{
    ltx_client *c = new_client("test-key");

    ck_assert_int_eq(ltx_client_set_connect_timeout_ms(c, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_client_set_stall_timeout_ms(c, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_client_set_deadline_ms(c, 0), LTX_EINVAL);
    ck_assert_int_eq(ltx_client_set_poll_interval_ms(c, 0), LTX_EINVAL);
    ck_assert_uint_eq(c->connect_timeout_ms, LTX_DEFAULT_CONNECT_TIMEOUT_MS);
    ck_assert_uint_eq(c->stall_timeout_ms, LTX_DEFAULT_STALL_TIMEOUT_MS);
    ck_assert_uint_eq(c->deadline_ms, LTX_DEFAULT_DEADLINE_MS);
    ck_assert_uint_eq(c->poll_interval_ms, LTX_DEFAULT_POLL_INTERVAL_MS);

    ck_assert_int_eq(ltx_client_set_connect_timeout_ms(c, LTX_NO_LIMIT), LTX_OK);
    ck_assert_int_eq(ltx_client_set_deadline_ms(c, LTX_NO_LIMIT), LTX_OK);
    ck_assert_uint_eq(ltx__deadline_from_now(c), UINT64_MAX);
    ck_assert_int_eq(ltx_client_set_deadline_ms(c, 2500), LTX_OK);
    ck_assert_uint_ne(ltx__deadline_from_now(c), UINT64_MAX);
    ck_assert_int_eq(ltx_client_set_connect_timeout_ms(NULL, 10), LTX_EINVAL);
    ltx_client_free(c);
}
END_TEST

START_TEST(client_defaults_are_the_documented_ones)
{
    ltx_client *c = new_client("test-key");

    ck_assert_uint_eq(c->retry.max_retries, LTX_DEFAULT_MAX_RETRIES);
    ck_assert_uint_eq(c->retry.base_ms, LTX_DEFAULT_RETRY_BASE_MS);
    ck_assert_uint_eq(c->retry.cap_ms, LTX_DEFAULT_RETRY_CAP_MS);
    ck_assert_uint_eq(c->retry.retry_after_cap_ms, LTX_DEFAULT_RETRY_AFTER_CAP_MS);
    ck_assert_int_eq(c->retry.retry_unknown_outcome,
                     1); /* ltx_client_set_retry_unknown_outcome(3) */
    ck_assert_int_eq(ltx_client_set_retry_unknown_outcome(c, 0), LTX_OK);
    ck_assert_int_eq(c->retry.retry_unknown_outcome, 0);
    ck_assert_int_eq(ltx_client_set_retry(c, 0, 100, 1000), LTX_OK); /* 0: retries off */
    ck_assert_uint_eq(c->retry.max_retries, 0);
    ck_assert_uint_eq(c->retry.base_ms, 100);
    ck_assert_uint_eq(c->retry.cap_ms, 1000);
    ltx_client_free(c);
}
END_TEST

/* -------- environment */

static const char *const env_names[] = {"LTX_API_KEY", "LTXV_API_KEY", "LTX_BASE_URL", "LTX_LOG"};
#define N_ENV (sizeof(env_names) / sizeof(env_names[0]))
static char *env_saved[N_ENV];

static void env_setup(void)
{
    global_setup();
    for (size_t i = 0; i < N_ENV; i++) {
        const char *v = getenv(env_names[i]);

        env_saved[i] = v ? strdup(v) : NULL;
        unsetenv(env_names[i]);
    }
}

static void env_teardown(void)
{
    for (size_t i = 0; i < N_ENV; i++) {
        if (env_saved[i])
            setenv(env_names[i], env_saved[i], 1);
        else
            unsetenv(env_names[i]);
        free(env_saved[i]);
        env_saved[i] = NULL;
    }
    global_teardown();
}

START_TEST(client_from_env_falls_back_to_ltxv_api_key)
{
    ltx_client *c = NULL;
    ltx_error *err = NULL;

    setenv("LTXV_API_KEY", "key-from-docs-name", 1);
    ck_assert_int_eq(ltx_client_new_from_env(&c, &err), LTX_OK);
    ck_assert_str_eq(c->api_key, "key-from-docs-name");
    ck_assert_str_eq(c->base_url, LTX_DEFAULT_BASE_URL);
    ltx_client_free(c);
}
END_TEST

START_TEST(client_from_env_prefers_ltx_api_key_and_reads_the_base_url)
{
    ltx_client *c = NULL;

    setenv("LTX_API_KEY", "primary", 1);
    setenv("LTXV_API_KEY", "secondary", 1);
    setenv("LTX_BASE_URL", "http://127.0.0.1:8765/", 1);
    ck_assert_int_eq(ltx_client_new_from_env(&c, NULL), LTX_OK);
    ck_assert_str_eq(c->api_key, "primary");
    ck_assert_str_eq(c->base_url, "http://127.0.0.1:8765");
    ltx_client_free(c);
}
END_TEST

/* LTX_LOG turns on logging to stderr at the level it names; a name it does not know, none. */
START_TEST(client_from_env_logs_at_the_level_ltx_log_names)
{
    static const struct {
        const char *value;
        int level; /* 0: no logging */
    } cases[] = {{"debug", LTX_LOG_DEBUG}, {"INFO", LTX_LOG_INFO}, {"Warning", LTX_LOG_WARN},
                 {"warn", LTX_LOG_WARN},   {"error", LTX_LOG_ERROR}, {"loud", 0}, {"", 0}};
    char path[] = "/tmp/ltx-stderr-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    char text[256] = "";
    ssize_t n;

    ck_assert_int_ge(fd, 0);
    setenv("LTX_API_KEY", "k", 1);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ltx_client *c = NULL;

        setenv("LTX_LOG", cases[i].value, 1);
        ck_assert_int_eq(ltx_client_new_from_env(&c, NULL), LTX_OK);
        ck_assert_msg((c->log_fn != NULL) == (cases[i].level != 0), "LTX_LOG=%s", cases[i].value);
        if (cases[i].level)
            ck_assert_int_eq(c->log_level, cases[i].level);
        ck_assert_int_eq(ltx__log_level_from_name(cases[i].value), cases[i].level);
        if (i == 0) { /* the lines go to stderr, with the library's name */
            fflush(stderr);
            dup2(fd, 2);
            ltx__log(c, LTX_LOG_INFO, "probe %d", 7);
            fflush(stderr);
            dup2(saved, 2);
        }
        ltx_client_free(c);
    }
    n = pread(fd, text, sizeof(text) - 1, 0);
    ck_assert_int_gt(n, 0);
    ck_assert_ptr_nonnull(strstr(text, "libltx: probe 7"));
    close(fd);
    close(saved);
    unlink(path);
}
END_TEST

START_TEST(client_from_env_without_a_key_is_einval)
{
    ltx_client *c = (ltx_client *)&c; /* any non-NULL value */
    ltx_error *err = NULL;

    ck_assert_int_eq(ltx_client_new_from_env(&c, &err), LTX_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(ltx_error_code(err), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "LTX_API_KEY"));
    ltx_error_free(err);
    setenv("LTX_API_KEY", "", 1);
    ck_assert_int_eq(ltx_client_new_from_env(&c, NULL), LTX_EINVAL);
}
END_TEST

START_TEST(client_from_env_rejects_a_bad_base_url)
{
    ltx_client *c = NULL;
    ltx_error *err = NULL;

    setenv("LTX_API_KEY", "k", 1);
    setenv("LTX_BASE_URL", "ftp://x", 1);
    ck_assert_int_eq(ltx_client_new_from_env(&c, &err), LTX_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(err), "LTX_BASE_URL"));
    ltx_error_free(err);
}
END_TEST

/* -------- logging */

typedef struct {
    int calls;
    int saw_key;
    char last[256];
} log_record;

static const char SECRET[] = "sk-live-0123456789abcdef";

static void record_line(int level, const char *line, void *ud)
{
    log_record *rec = ud;

    rec->calls++;
    if (strstr(line, SECRET))
        rec->saw_key = 1;
    snprintf(rec->last, sizeof(rec->last), "%s", line);
}

START_TEST(log_lines_never_carry_the_key)
{
    ltx_client *c = new_client(SECRET);
    log_record rec = {0};

    ck_assert_int_eq(ltx_client_set_log(c, LTX_LOG_DEBUG, record_line, &rec), LTX_OK);
    ltx__log(c, LTX_LOG_INFO, "polling job %s", "j-1");
    ck_assert_int_eq(rec.calls, 1);
    ck_assert_str_eq(rec.last, "polling job j-1");
    ltx__log(c, LTX_LOG_DEBUG, "sending with key %s", SECRET);
    ltx__log(c, LTX_LOG_ERROR, "%s", c->auth_header);
    ltx__log(c, LTX_LOG_WARN, "prefix%ssuffix", SECRET);
    ck_assert_int_eq(rec.saw_key, 0);
    /* whatever stands in for a withheld line, it is not the line */
    ck_assert_ptr_null(strstr(rec.last, "sending with key"));
    ck_assert_ptr_null(strstr(rec.last, "Bearer"));
    ck_assert_ptr_null(strstr(rec.last, "prefix"));
    ltx_client_free(c);
}
END_TEST

START_TEST(log_level_filters_less_severe_lines)
{
    ltx_client *c = new_client("test-key");
    log_record rec = {0};

    ck_assert_int_eq(ltx_client_set_log(c, LTX_LOG_WARN, record_line, &rec), LTX_OK);
    ltx__log(c, LTX_LOG_DEBUG, "debug");
    ltx__log(c, LTX_LOG_INFO, "info");
    ck_assert_int_eq(rec.calls, 0);
    ltx__log(c, LTX_LOG_WARN, "warn");
    ltx__log(c, LTX_LOG_ERROR, "error");
    ck_assert_int_eq(rec.calls, 2);
    ck_assert_str_eq(rec.last, "error");
    ck_assert_int_eq(ltx_client_set_log(c, LTX_LOG_DEBUG, NULL, NULL), LTX_OK); /* off */
    ltx__log(c, LTX_LOG_ERROR, "dropped");
    ck_assert_int_eq(rec.calls, 2);
    ck_assert_int_eq(ltx_client_set_log(c, 0, record_line, &rec), LTX_EINVAL);
    ck_assert_int_eq(ltx_client_set_log(c, LTX_LOG_DEBUG + 1, record_line, &rec), LTX_EINVAL);
    ltx_client_free(c);
}
END_TEST

/* ---------------------------------------------------------------- version */

START_TEST(runtime_version_matches_the_header)
{
    unsigned major, minor, patch;

    ck_assert_str_eq(ltx_version(), LTX_VERSION);
    ck_assert_uint_eq(ltx_version_num(), LTX_VERSION_NUM);
    ck_assert_int_eq(sscanf(ltx_version(), "%u.%u.%u", &major, &minor, &patch), 3);
    ck_assert_uint_eq(major, LTX_VERSION_MAJOR);
    ck_assert_uint_eq(minor, LTX_VERSION_MINOR);
    ck_assert_uint_eq(patch, LTX_VERSION_PATCH);
    ck_assert_uint_eq(ltx_version_num(), (major << 16) | (minor << 8) | patch);
}
END_TEST

/* ---------------------------------------------------------------- redaction */

static const struct {
    const char *in, *out;
} redactions[] = {
    {"plain text stays", "plain text stays"},
    {"key sk-secret-1234 echoed", "key [redacted] echoed"},
    {"sk-secret-1234sk-secret-1234", "[redacted][redacted]"},
    {"Authorization: Bearer abc.def", "Authorization: [redacted]"},
    {"{\"authorization\":\"Basic eHl6\"}", "{\"authorization\":\"[redacted]\"}"},
    {"missing Authorization header", "missing Authorization header"},
    {"got bearer xyz, expected another", "got bearer [redacted], expected another"},
    {"see http://user:pw@host/x", "see http://[redacted]@host/x"},
    {"https://h/p?sig=abc&t=1#frag now", "https://h/p?[redacted]#frag now"},
    {"https://h/p?x \"a?b\"", "https://h/p?[redacted] \"a?b\""},
    {"why? because", "why? because"},
    {"://@", "://@"},
    {"", ""},
};

START_TEST(redaction_hides_keys_authorization_userinfo_and_queries)
{
    char *out = ltx__redact(redactions[_i].in, "sk-secret-1234", LTX_REDACT_ALL);

    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, redactions[_i].out);
    free(out);
}
END_TEST

START_TEST(redaction_of_bytes_masks_the_key_in_place)
{
    char body[] = "{\"k\":\"sk-secret-1234\"}\0sk-secret-1234";

    ltx__redact_bytes(body, sizeof(body) - 1, "sk-secret-1234");
    ck_assert_ptr_null(memmem(body, sizeof(body) - 1, "secret", 6));
    ck_assert_int_eq(body[7], '*');
    ck_assert_ptr_null(ltx__redact(NULL, "x", LTX_REDACT_ALL));
}
END_TEST

START_TEST(plain_http_is_remote_unless_loopback)
{
    static const char *const remote[] = {"http://api.ltx.video", "http://10.0.0.1:80",
                                         "http://128.0.0.1", "http://localhost.evil.com",
                                         "http://127.0.0.1.nip.io", "http://[::2]:1",
                                         "http://u:p@example.com", "http://[::1", "http://",
                                         "HTTP://api.ltx.video"};
    static const char *const local[] = {"http://localhost:8080", "http://127.0.0.1:1",
                                        "http://127.255.0.9", "http://[::1]:9000",
                                        "http://LOCALHOST", "https://api.ltx.video",
                                        "http://user:pw@127.0.0.1:5/x"};

    for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
        ck_assert_msg(ltx__url_is_plain_remote(remote[i]), "%s", remote[i]);
    for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
        ck_assert_msg(!ltx__url_is_plain_remote(local[i]), "%s", local[i]);
}
END_TEST

Suite *suite_util(void)
{
    Suite *s = suite_create("util");
    TCase *utf8 = tcase_create("utf8");
    TCase *buf = tcase_create("buffer");
    TCase *uninit = tcase_create("client_uninitialised");
    TCase *client = tcase_create("client");
    TCase *env = tcase_create("client_env");
    TCase *version = tcase_create("version");
    TCase *redact = tcase_create("redact");

    tcase_add_test(utf8, utf8_length_counts_code_points);
    tcase_add_test(utf8, utf8_length_of_invalid_text_is_minus_one);
    suite_add_tcase(s, utf8);
    tcase_add_loop_test(redact, redaction_hides_keys_authorization_userinfo_and_queries, 0,
                        (int)(sizeof(redactions) / sizeof(redactions[0])));
    tcase_add_test(redact, redaction_of_bytes_masks_the_key_in_place);
    tcase_add_test(redact, plain_http_is_remote_unless_loopback);
    suite_add_tcase(s, redact);

    tcase_add_test(buf, buffer_without_limit_keeps_everything_nul_terminated);
    tcase_add_test(buf, buffer_with_limit_keeps_the_first_bytes_and_counts_the_rest);
    tcase_add_test(buf, buffer_memory_stays_bounded_by_its_limit);
    tcase_add_test(buf, one_huge_append_past_the_limit_is_bounded_too);
    tcase_add_test(buf, string_helpers_copy_and_format);
    suite_add_tcase(s, buf);

    tcase_add_test(uninit, client_before_global_init_is_einit);
    tcase_add_test(uninit, client_after_global_cleanup_is_einit_again);
    suite_add_tcase(s, uninit);

    tcase_add_checked_fixture(client, global_setup, global_teardown);
    tcase_add_test(client, client_rejects_an_unusable_key);
    tcase_add_test(client, user_agent_names_libltx_and_libcurl);
    tcase_add_test(client, user_agent_suffix_is_appended_after_a_space);
    tcase_add_test(client, base_url_loses_trailing_slashes);
    tcase_add_test(client, base_url_must_be_http_or_https);
    tcase_add_test(client, base_url_without_a_host_is_rejected);
    tcase_add_test(client, zero_timeouts_are_rejected_and_no_limit_is_explicit);
    tcase_add_test(client, client_defaults_are_the_documented_ones);
    tcase_add_test(client, log_lines_never_carry_the_key);
    tcase_add_test(client, log_level_filters_less_severe_lines);
    suite_add_tcase(s, client);

    tcase_add_checked_fixture(env, env_setup, env_teardown);
    tcase_add_test(env, client_from_env_falls_back_to_ltxv_api_key);
    tcase_add_test(env, client_from_env_prefers_ltx_api_key_and_reads_the_base_url);
    tcase_add_test(env, client_from_env_logs_at_the_level_ltx_log_names);
    tcase_add_test(env, client_from_env_without_a_key_is_einval);
    tcase_add_test(env, client_from_env_rejects_a_bad_base_url);
    suite_add_tcase(s, env);

    tcase_add_test(version, runtime_version_matches_the_header);
    suite_add_tcase(s, version);
    return s;
}
