/* bench/raw_libcurl.c — the baseline: the same HTTP exchanges as ltx_generate(), hand-written.
 *
 *   raw_libcurl BASE_URL N OUTDIR
 *
 * N generations, each: POST /v2/text-to-video, GET /v2/text-to-video/ID until
 * "completed" (1 ms apart, as ltx_loop's poll interval), GET the result URL into
 * OUTDIR/raw.mp4. One CURL easy handle, reused for everything; the JSON is read
 * with strstr(), the least a program can do. Only bench_run() is what the
 * benchmark counts (callgrind --toggle-collect=bench_run).
 *
 * Prints "generations=N requests=N connects=N num_connects=N wall_s=F".
 */
#include "bench.h"

#include <curl/curl.h>

#define MAX_POLLS 100 /* per generation: bounds the loop if the server misbehaves */
#define POLL_NS 1000000L

typedef struct {
    char data[8192];
    size_t len;
} doc;

static size_t to_doc(char *p, size_t size, size_t n, void *ud)
{
    doc *d = ud;
    size_t len = size * n;

    if (len > sizeof(d->data) - 1 - d->len)
        return 0;
    memcpy(d->data + d->len, p, len);
    d->len += len;
    d->data[d->len] = '\0';
    return len;
}

/* The string value of "key" in a flat JSON text, copied into out; 0 if absent. */
static int json_str(const char *json, const char *key, char *out, size_t size)
{
    char pat[64];
    const char *p, *q;

    snprintf(pat, sizeof(pat), "\"%s\"", key);
    if (!(p = strstr(json, pat)) || !(p = strchr(p + strlen(pat), '"')))
        return 0;
    p++;
    if (!(q = strchr(p, '"')) || (size_t)(q - p) >= size)
        return 0;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return 1;
}

/* One exchange; returns the HTTP status, 0 on transport failure. */
static long exchange(CURL *h, const char *url, struct curl_slist *hdrs, const char *post,
                     doc *d, FILE *file, long *connects)
{
    long status = 0, nc = 0;

    if (d)
        d->len = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (post)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    else
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, file ? NULL : to_doc);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, file ? (void *)file : (void *)d);
    if (curl_easy_perform(h) != CURLE_OK)
        return 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nc);
    *connects += nc;
    return status;
}

typedef struct {
    long requests, connects;
} tally;

__attribute__((noinline)) static int bench_run(CURL *h, const char *base, long n,
                                               const char *out_path, tally *t)
{
    struct curl_slist *api = NULL;
    char submit_url[512], poll_url[768], body[512], id[128], status[32], video[512];
    doc d;

    api = curl_slist_append(api, "Authorization: Bearer " BENCH_KEY);
    api = curl_slist_append(api, "Content-Type: application/json");
    if (!api)
        return -1;
    snprintf(submit_url, sizeof(submit_url), "%s/v2/text-to-video", base);
    for (long i = 0; i < n; i++) {
        FILE *f;
        int polls = 0, done = 0;

        snprintf(body, sizeof(body),
                 "{\"prompt\":\"%s\",\"model\":\"%s\",\"duration\":%d,\"resolution\":\"%s\"}",
                 BENCH_PROMPT, BENCH_MODEL, BENCH_DURATION, BENCH_RESOLUTION);
        t->requests++;
        if (exchange(h, submit_url, api, body, &d, NULL, &t->connects) != 202 ||
            !json_str(d.data, "id", id, sizeof(id)))
            goto fail;
        snprintf(poll_url, sizeof(poll_url), "%s/%s", submit_url, id);
        while (!done && polls++ < MAX_POLLS) {
            t->requests++;
            if (exchange(h, poll_url, api, NULL, &d, NULL, &t->connects) != 200 ||
                !json_str(d.data, "status", status, sizeof(status)))
                goto fail;
            if (strcmp(status, "completed") == 0) {
                if (!json_str(d.data, "video_url", video, sizeof(video)))
                    goto fail;
                done = 1;
            } else if (strcmp(status, "pending") == 0 || strcmp(status, "processing") == 0) {
                struct timespec ts = {0, POLL_NS};

                nanosleep(&ts, NULL);
            } else {
                goto fail;
            }
        }
        if (!done || !(f = fopen(out_path, "wb")))
            goto fail;
        t->requests++;
        /* the result URL is on another host in production: no Authorization there */
        if (exchange(h, video, NULL, NULL, NULL, f, &t->connects) != 200) {
            fclose(f);
            goto fail;
        }
        if (fclose(f) != 0)
            goto fail;
    }
    curl_slist_free_all(api);
    return 0;
fail:
    curl_slist_free_all(api);
    return -1;
}

int main(int argc, char **argv)
{
    tally t = {0, 0};
    char out_path[4096];
    double t0, t1;
    long n;
    CURL *h;
    int rc;

    if (argc != 4) {
        fprintf(stderr, "usage: raw_libcurl BASE_URL N OUTDIR\n");
        return 2;
    }
    n = bench_arg_long(argv[2], 0, BENCH_MAX_ITERATIONS, "N");
    snprintf(out_path, sizeof(out_path), "%s/raw.mp4", argv[3]);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(h = curl_easy_init()))
        return 1;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "raw-libcurl-bench");
    t0 = bench_now_s();
    rc = bench_run(h, argv[1], n, out_path, &t);
    t1 = bench_now_s();
    curl_easy_cleanup(h);
    curl_global_cleanup();
    if (rc != 0) {
        fprintf(stderr, "raw_libcurl: an exchange failed after %ld requests\n", t.requests);
        return 1;
    }
    printf("generations=%ld requests=%ld connects=%ld num_connects=%ld wall_s=%.6f\n", n,
           t.requests, bench_connects_or_none(), t.connects, t1 - t0);
    return 0;
}
