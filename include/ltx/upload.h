/* ltx/upload.h — local media: the upload flow, and the checks a file passes before it is sent. */
#ifndef LTX_UPLOAD_H
#define LTX_UPLOAD_H

#include <ltx/common.h>
#include <ltx/error.h>

LTX_BEGIN_DECLS

/* The largest file the upload flow takes (the API's stated limit, 100 MB). */
#define LTX_UPLOAD_MAX_BYTES 100000000u

/*
 * Upload a local file: POST /v1/upload, then PUT the bytes to the signed URL
 * it returns with every required header and without the Authorization header.
 * The file is checked first (a regular file of a supported image, video or
 * audio format, at most LTX_UPLOAD_MAX_BYTES); nothing is sent when it fails.
 * On LTX_OK *storage_uri is the "ltx://..." URI to use as image_uri,
 * last_frame_uri, audio_uri or video_uri for 24 hours; the caller frees it
 * with ltx_free(). The bytes are streamed from the file: memory does not grow
 * with its size. Any thread; the client may be shared.
 */
LTX_API int ltx_upload_file(ltx_client *client, const char *path, char **storage_uri,
                            ltx_error **err);

/*
 * The media type of a file's content ("image/png", "video/mp4", "audio/wav",
 * ...), from its first bytes, not its name. On LTX_OK *media_type is a static
 * string. LTX_EIO when the file cannot be read, LTX_EREQUEST when the format is
 * not one the API takes (PNG, JPEG, WEBP; MP4, MOV, MKV; WAV, MP3, M4A, OGG).
 */
LTX_API int ltx_media_type(const char *path, const char **media_type, ltx_error **err);

LTX_END_DECLS
#endif
