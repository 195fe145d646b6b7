/* examples/hdr.c — convert a short video to HDR; the result is a ZIP of EXR frames (v2 only).
 *
 *   LTX_API_KEY=... ./hdr VIDEO OUTPUT
 *
 * Local files are checked first, then sent inline when small or uploaded (ltx_request_set_input_file).
 */
#include <ltx/ltx.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    ltx_client *client = NULL;
    ltx_request *req = NULL;
    ltx_sink *sink = NULL;
    ltx_error *err = NULL;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s VIDEO OUTPUT\n", argv[0]);
        return 2;
    }
    if (ltx_global_init(LTX_GLOBAL_DEFAULT) != LTX_OK)
        return 1;
    if ((rc = ltx_client_new_from_env(&client, &err)) != LTX_OK)
        goto out;
    if ((rc = ltx_request_new(&req, LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR)) != LTX_OK ||
        (rc = ltx_request_set_input_file(req, "video_uri", argv[1])) != LTX_OK ||
        (rc = ltx_sink_new_path(&sink, argv[2])) != LTX_OK)
        goto out;
    rc = ltx_generate(client, req, sink, NULL, NULL, &err);
    if (rc == LTX_OK)
        printf("wrote %s (%llu bytes)\n", argv[2],
               (unsigned long long)ltx_sink_bytes_written(sink));
out:
    if (rc != LTX_OK)
        fprintf(stderr, "hdr: %s\n", err ? ltx_error_message(err) : ltx_strerror(rc));
    ltx_error_free(err);
    ltx_sink_free(sink);
    ltx_request_free(req);
    ltx_client_free(client);
    ltx_global_cleanup();
    return rc == LTX_OK ? 0 : 1;
}
