"""The C declarations the binding uses and the loading of libltx (cffi, ABI mode).

CDEF is compared with include/ltx/*.h by tests/check-python-cdef.sh (make check): every
declaration here must read as in the header, whitespace aside.
"""

from __future__ import annotations

import ctypes.util
import os
from typing import Any

from cffi import FFI

CDEF = """
typedef struct ltx_client ltx_client;
typedef struct ltx_request ltx_request;
typedef struct ltx_job ltx_job;
typedef struct ltx_sink ltx_sink;
typedef struct ltx_error ltx_error;
typedef struct ltx_progress ltx_progress;
typedef struct ltx_cancel ltx_cancel;
typedef struct ltx_batch ltx_batch;

typedef enum ltx_status {
    LTX_OK = 0, LTX_EINVAL = -1, LTX_EREQUEST = -2, LTX_ENOMEM = -3, LTX_EIO = -4,
    LTX_ENETWORK = -5, LTX_ETIMEDOUT = -6, LTX_ECANCELLED = -7, LTX_EPROTOCOL = -8,
    LTX_EJOBFAILED = -9, LTX_ESINKFULL = -10, LTX_EINIT = -11, LTX_EHTTP = -12,
    LTX_EHEADER = -13, LTX_ETLS = -14, LTX_EURL = -15,
    LTX_EBADREQUEST = 400, LTX_EAUTH = 401, LTX_EFUNDS = 402, LTX_EFORBIDDEN = 403,
    LTX_ENOTFOUND = 404, LTX_ETOOLARGE = 413, LTX_ECONTENT = 422, LTX_ERATELIMIT = 429,
    LTX_ESERVER = 500, LTX_EBADGATEWAY = 502, LTX_EUNAVAILABLE = 503,
    LTX_EGATEWAYTIMEOUT = 504
} ltx_status;

typedef enum ltx_state {
    LTX_JOB_SUBMITTED = 0, LTX_JOB_PENDING = 1, LTX_JOB_PROCESSING = 2,
    LTX_JOB_COMPLETED = 3, LTX_JOB_FAILED = 4, LTX_JOB_UNKNOWN = 5
} ltx_state;

typedef enum ltx_stage {
    LTX_STAGE_SUBMITTED = 1, LTX_STAGE_WAITING = 2, LTX_STAGE_DOWNLOADING = 3,
    LTX_STAGE_SUBMITTING = 4
} ltx_stage;

typedef enum ltx_endpoint {
    LTX_ENDPOINT_OTHER = 0, LTX_ENDPOINT_TEXT_TO_VIDEO = 1, LTX_ENDPOINT_IMAGE_TO_VIDEO = 2,
    LTX_ENDPOINT_AUDIO_TO_VIDEO = 3, LTX_ENDPOINT_RETAKE = 4, LTX_ENDPOINT_EXTEND = 5,
    LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR = 6, LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME = 7
} ltx_endpoint;

typedef int (*ltx_progress_fn)(const ltx_progress *p, void *userdata);

void ltx_free(void *ptr);
const char *ltx_version(void);
unsigned ltx_version_num(void);
int ltx_global_init(unsigned flags);
void ltx_global_cleanup(void);

const char *ltx_strerror(int code);
void ltx_error_free(ltx_error *err);
int ltx_error_code(const ltx_error *err);
const char *ltx_error_message(const ltx_error *err);
int ltx_error_http_status(const ltx_error *err);
const char *ltx_error_type(const ltx_error *err);
const char *ltx_error_api_message(const ltx_error *err);
const char *ltx_error_request_id(const ltx_error *err);
const char *ltx_error_field(const ltx_error *err);
const char *ltx_error_job_id(const ltx_error *err);
int64_t ltx_error_retry_after_ms(const ltx_error *err);
unsigned ltx_error_attempts(const ltx_error *err);
int ltx_error_possibly_executed(const ltx_error *err);
const char *ltx_error_transport_message(const ltx_error *err);
const void *ltx_error_body(const ltx_error *err, size_t *len);

int ltx_client_new(ltx_client **out, const char *api_key, ltx_error **err);
int ltx_client_new_from_env(ltx_client **out, ltx_error **err);
void ltx_client_free(ltx_client *client);
int ltx_client_set_base_url(ltx_client *client, const char *base_url);
int ltx_client_set_connect_timeout_ms(ltx_client *client, uint32_t ms);
int ltx_client_set_stall_timeout_ms(ltx_client *client, uint32_t ms);
int ltx_client_set_deadline_ms(ltx_client *client, uint32_t ms);
int ltx_client_set_poll_interval_ms(ltx_client *client, uint32_t ms);
int ltx_client_set_retry(ltx_client *client, unsigned max_retries, uint32_t base_ms,
                         uint32_t cap_ms);
int ltx_client_set_user_agent_suffix(ltx_client *client, const char *suffix);
const ltx_error *ltx_client_last_error(const ltx_client *client);
const char *ltx_client_user_agent(const ltx_client *client);
int ltx_client_set_retry_unknown_outcome(ltx_client *client, int allow);
int ltx_client_set_proxy(ltx_client *client, const char *proxy_url);
int ltx_client_allow_insecure_http(ltx_client *client, int allow);
int ltx_client_set_ca_file(ltx_client *client, const char *path);
int ltx_client_set_ca_path(ltx_client *client, const char *dir);
typedef enum ltx_log_level {
    LTX_LOG_ERROR = 1, LTX_LOG_WARN = 2, LTX_LOG_INFO = 3, LTX_LOG_DEBUG = 4
} ltx_log_level;
typedef void (*ltx_log_fn)(int level, const char *line, void *userdata);
int ltx_client_set_log(ltx_client *client, int level, ltx_log_fn fn, void *userdata);

typedef struct ltx_upload ltx_upload;
int ltx_upload_file(ltx_upload **out, ltx_client *client, const char *path, ltx_cancel *cancel,
                    ltx_error **err);
const char *ltx_upload_storage_uri(const ltx_upload *upload);
const char *ltx_upload_expires_at(const ltx_upload *upload);
void ltx_upload_free(ltx_upload *upload);

typedef struct ltx_prices ltx_prices;
typedef struct ltx_estimate ltx_estimate;
int ltx_prices_new(ltx_prices **out, ltx_error **err);
int ltx_prices_load_file(ltx_prices *prices, const char *path, ltx_error **err);
void ltx_prices_free(ltx_prices *prices);
const char *ltx_prices_date(const ltx_prices *prices);
int ltx_request_estimate_cost(ltx_estimate **out, const ltx_request *req,
                              const ltx_prices *prices, ltx_error **err);
void ltx_estimate_free(ltx_estimate *estimate);
int ltx_estimate_known(const ltx_estimate *estimate);
int64_t ltx_estimate_micro_usd(const ltx_estimate *estimate);
const char *ltx_estimate_basis(const ltx_estimate *estimate);
const char *ltx_estimate_source(const ltx_estimate *estimate);
const char *ltx_estimate_date(const ltx_estimate *estimate);
int ltx_media_duration_ms(int64_t *out, const char *path, ltx_error **err);

int ltx_endpoint_from_name(ltx_endpoint *out, const char *name);
const char *ltx_endpoint_name(ltx_endpoint endpoint);
int ltx_request_new(ltx_request **out, ltx_endpoint endpoint);
int ltx_request_new_by_name(ltx_request **out, const char *endpoint_name);
void ltx_request_free(ltx_request *req);
ltx_endpoint ltx_request_endpoint(const ltx_request *req);
const char *ltx_request_endpoint_name(const ltx_request *req);
const ltx_error *ltx_request_last_error(const ltx_request *req);
int ltx_request_set_prompt(ltx_request *req, const char *prompt);
int ltx_request_set_model(ltx_request *req, const char *model);
int ltx_request_set_duration(ltx_request *req, double seconds);
int ltx_request_set_duration_auto(ltx_request *req);
int ltx_request_set_resolution(ltx_request *req, const char *resolution);
int ltx_request_set_fps(ltx_request *req, int fps);
int ltx_request_set_generate_audio(ltx_request *req, int enable);
int ltx_request_set_camera_motion(ltx_request *req, const char *motion);
int ltx_request_set_image_uri(ltx_request *req, const char *uri);
int ltx_request_set_last_frame_uri(ltx_request *req, const char *uri);
int ltx_request_set_audio_uri(ltx_request *req, const char *uri);
int ltx_request_set_video_uri(ltx_request *req, const char *uri);
int ltx_request_set_start_time(ltx_request *req, double seconds);
int ltx_request_set_guidance_scale(ltx_request *req, double scale);
int ltx_request_set_mode(ltx_request *req, const char *mode);
int ltx_request_set_context(ltx_request *req, double seconds);
int ltx_request_set_input_file(ltx_request *req, const char *field, const char *path);
int ltx_request_set_json(ltx_request *req, const char *name, const char *json);
int ltx_request_set_sync(ltx_request *req, int sync);
int ltx_request_sync(const ltx_request *req);
int ltx_request_validate(const ltx_request *req, ltx_error **err);
int ltx_request_to_json(char **out, const ltx_request *req, ltx_error **err);

typedef int (*ltx_write_fn)(const void *data, size_t len, void *userdata);
int ltx_sink_new_path(ltx_sink **out, const char *path);
int ltx_sink_new_callback(ltx_sink **out, ltx_write_fn fn, void *userdata);
int ltx_sink_new_memory(ltx_sink **out, size_t max_bytes);
int ltx_sink_memory_data(const void **out, size_t *out_len, const ltx_sink *sink);
uint64_t ltx_sink_bytes_written(const ltx_sink *sink);
const ltx_error *ltx_sink_last_error(const ltx_sink *sink);
void ltx_sink_free(ltx_sink *sink);

int ltx_progress_stage(const ltx_progress *p);
const char *ltx_progress_job_id(const ltx_progress *p);
const char *ltx_progress_status(const ltx_progress *p);
uint64_t ltx_progress_bytes(const ltx_progress *p);
uint64_t ltx_progress_total(const ltx_progress *p);
uint64_t ltx_progress_elapsed_ms(const ltx_progress *p);

int ltx_generate(ltx_client *client, const ltx_request *req, ltx_sink *sink,
                 ltx_progress_fn progress, void *userdata, ltx_error **err);
int ltx_submit(ltx_job **out, ltx_client *client, const ltx_request *req, ltx_error **err);
int ltx_job_open_by_name(ltx_job **out, ltx_client *client, const char *endpoint_name,
                         const char *id, ltx_error **err);
void ltx_job_free(ltx_job *job);
const char *ltx_job_id(const ltx_job *job);
ltx_endpoint ltx_job_endpoint(const ltx_job *job);
const char *ltx_job_endpoint_name(const ltx_job *job);
int ltx_job_state(const ltx_job *job);
const char *ltx_job_status(const ltx_job *job);
const char *ltx_job_created_at(const ltx_job *job);
const char *ltx_job_completed_at(const ltx_job *job);
const char *ltx_job_status_json(const ltx_job *job);
const char *ltx_job_request_id(const ltx_job *job);
const char *ltx_job_result_url(const ltx_job *job, const char *key);
size_t ltx_job_result_count(const ltx_job *job);
const char *ltx_job_result_key(const ltx_job *job, size_t i);
int ltx_sink_possibly_billed_twice(const ltx_sink *sink);
const char *ltx_job_error_type(const ltx_job *job);
const char *ltx_job_error_message(const ltx_job *job);
int ltx_job_refresh(ltx_job *job, ltx_error **err);
int ltx_job_wait(ltx_job *job, uint32_t poll_interval_ms, ltx_progress_fn progress,
                 void *userdata, ltx_error **err);
int ltx_job_download(ltx_job *job, ltx_sink *sink, ltx_progress_fn progress,
                     void *userdata, ltx_error **err);
int ltx_job_download_result(ltx_job *job, const char *key, ltx_sink *sink,
                            ltx_progress_fn progress, void *userdata, ltx_error **err);

int ltx_cancel_new(ltx_cancel **out);
void ltx_cancel_free(ltx_cancel *cancel);
int ltx_cancel_trigger(ltx_cancel *cancel);
int ltx_cancel_reset(ltx_cancel *cancel);
int ltx_cancel_triggered(const ltx_cancel *cancel);
int ltx_request_set_cancel(ltx_request *req, ltx_cancel *cancel);
int ltx_job_set_cancel(ltx_job *job, ltx_cancel *cancel);

typedef int (*ltx_batch_done_fn)(size_t index, int status, const ltx_error *err,
                                 const char *job_id, void *userdata);
typedef void (*ltx_batch_socket_fn)(int fd, int events, void *userdata);
int ltx_batch_new(ltx_batch **out, ltx_client *client);
void ltx_batch_free(ltx_batch *batch);
int ltx_batch_set_concurrency(ltx_batch *batch, unsigned max_in_flight);
int ltx_batch_add(size_t *out, ltx_batch *batch, const ltx_request *req, ltx_sink *sink,
                  ltx_error **err);
int ltx_batch_status(const ltx_batch *batch, size_t index);
const char *ltx_batch_job_id(const ltx_batch *batch, size_t index);
const ltx_error *ltx_batch_error(const ltx_batch *batch, size_t index);
int ltx_batch_set_socket_fn(ltx_batch *batch, ltx_batch_socket_fn fn, void *userdata);
int ltx_batch_start(ltx_batch *batch, ltx_batch_done_fn done, void *userdata, ltx_error **err);
int ltx_batch_perform(size_t *out, ltx_batch *batch, int fd, int events, ltx_error **err);
int ltx_batch_timeout_ms(long *out, const ltx_batch *batch);
"""

SONAME = "libltx.so.0"

ffi = FFI()
ffi.cdef(CDEF)


def _load() -> Any:
    """Open libltx: $LTX_LIBRARY (a path), else libltx.so.0 through the dynamic linker,
    else what ctypes.util.find_library("ltx") finds (ldconfig's cache, LD_LIBRARY_PATH)."""
    explicit = os.environ.get("LTX_LIBRARY")
    if explicit:
        try:
            return ffi.dlopen(explicit)
        except OSError as e:
            raise ImportError("ltx: cannot load LTX_LIBRARY=%s: %s" % (explicit, e)) from e
    tried = []
    for name in (SONAME, ctypes.util.find_library("ltx")):
        if not name or name in tried:
            continue
        tried.append(name)
        try:
            return ffi.dlopen(name)
        except OSError:
            pass
    raise ImportError(
        "ltx: the libltx C library (%s) was not found. Install it (Debian, Ubuntu: "
        "apt-get install libltx0; Fedora, RHEL: dnf install libltx; from source: make install, "
        "then ldconfig or LD_LIBRARY_PATH), or set LTX_LIBRARY to the full path of %s."
        % (SONAME, SONAME), name="ltx")


lib: Any = _load()
