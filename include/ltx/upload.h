/* ltx/upload.h — local media: the upload flow, and the checks a file passes before it is sent. */
#ifndef LTX_UPLOAD_H
#define LTX_UPLOAD_H

#include <ltx/common.h>
#include <ltx/error.h>

LTX_BEGIN_DECLS

/* The largest file the upload flow takes (the API's stated limit, 100 MB). */
#define LTX_UPLOAD_MAX_BYTES 100000000u

/* Opaque: what an upload made. One thread at a time; free with ltx_upload_free(). */
typedef struct ltx_upload ltx_upload;

/*
 * Upload a local file: POST /v1/upload, then PUT the bytes to the signed URL
 * it returns with every required header and without the Authorization header.
 * The file is checked first (a regular file of a supported image, video or
 * audio format, at most LTX_UPLOAD_MAX_BYTES); nothing is sent when it fails.
 * On LTX_OK *out describes the stored file; the caller frees it with
 * ltx_upload_free(). The bytes are streamed from the file: memory does not
 * grow with its size. Any thread; the client may be shared. cancel (may be
 * NULL) is a handle whose trigger stops the upload with LTX_ECANCELLED; an
 * upload creates nothing billable.
 */
LTX_API int ltx_upload_file(ltx_upload **out, ltx_client *client, const char *path,
                            ltx_cancel *cancel, ltx_error **err);

/*
 * The "ltx://..." URI to use as image_uri, last_frame_uri, audio_uri or
 * video_uri (the API keeps the file for 24 hours). Borrowed until
 * ltx_upload_free(). NULL for a NULL upload.
 */
LTX_API const char *ltx_upload_storage_uri(const ltx_upload *upload);
/*
 * When the signed upload URL expired, as the API sent it (ISO 8601), or NULL
 * (also for a NULL upload). Borrowed until ltx_upload_free().
 */
LTX_API const char *ltx_upload_expires_at(const ltx_upload *upload);
/* NULL is accepted. */
LTX_API void ltx_upload_free(ltx_upload *upload);

/*
 * The media type of a file's content ("image/png", "video/mp4", "audio/wav",
 * ...), from its first bytes, not its name. On LTX_OK *out is a static
 * string. LTX_EIO when the file cannot be read, LTX_EREQUEST when the format is
 * not one the API takes (PNG, JPEG, WEBP; MP4, MOV, MKV; WAV, MP3, M4A, OGG).
 */
LTX_API int ltx_media_type(const char **out, const char *path, ltx_error **err);

LTX_END_DECLS
#endif
