//! Raw FFI declarations of libltx (`#include <ltx/ltx.h>`), written by hand from the
//! public headers. The comments in those headers (and the man pages) are the contract:
//! ownership, borrowing and threading rules are not repeated here. Use the `ltx` crate
//! for a safe interface.

#![allow(non_camel_case_types)]
// std::os::raw rather than core::ffi: the core::ffi C types need Rust 1.64, Debian 12 has 1.63.
use std::marker::{PhantomData, PhantomPinned};
use std::os::raw::{c_char, c_double, c_int, c_uint, c_void};

macro_rules! opaque {
    ($($name:ident),*) => {$(
        /// An opaque libltx handle; only ever used behind a pointer.
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}
opaque!(ltx_client, ltx_request, ltx_job, ltx_sink, ltx_error, ltx_progress, ltx_cancel);

// ltx_status
pub const LTX_OK: c_int = 0;
pub const LTX_EINVAL: c_int = -1;
pub const LTX_EREQUEST: c_int = -2;
pub const LTX_ENOMEM: c_int = -3;
pub const LTX_EIO: c_int = -4;
pub const LTX_ENETWORK: c_int = -5;
pub const LTX_ETIMEDOUT: c_int = -6;
pub const LTX_ECANCELLED: c_int = -7;
pub const LTX_EPROTOCOL: c_int = -8;
pub const LTX_EJOBFAILED: c_int = -9;
pub const LTX_ESINKFULL: c_int = -10;
pub const LTX_EINIT: c_int = -11;
pub const LTX_EHTTP: c_int = -12;
pub const LTX_EHEADER: c_int = -13;
pub const LTX_ETLS: c_int = -14;
pub const LTX_EURL: c_int = -15;
pub const LTX_EBADREQUEST: c_int = 400;
pub const LTX_EAUTH: c_int = 401;
pub const LTX_EFUNDS: c_int = 402;
pub const LTX_EFORBIDDEN: c_int = 403;
pub const LTX_ENOTFOUND: c_int = 404;
pub const LTX_ETOOLARGE: c_int = 413;
pub const LTX_ECONTENT: c_int = 422;
pub const LTX_ERATELIMIT: c_int = 429;
pub const LTX_ESERVER: c_int = 500;
pub const LTX_EBADGATEWAY: c_int = 502;
pub const LTX_EUNAVAILABLE: c_int = 503;
pub const LTX_EGATEWAYTIMEOUT: c_int = 504;

// ltx_global_init() flags
pub const LTX_GLOBAL_DEFAULT: c_uint = 0;
pub const LTX_GLOBAL_NO_CURL_INIT: c_uint = 1;

pub const LTX_NO_LIMIT: u32 = u32::MAX;

// ltx_log_level
pub const LTX_LOG_ERROR: c_int = 1;
pub const LTX_LOG_WARN: c_int = 2;
pub const LTX_LOG_INFO: c_int = 3;
pub const LTX_LOG_DEBUG: c_int = 4;

// ltx_endpoint
pub const LTX_ENDPOINT_OTHER: c_int = 0;
pub const LTX_ENDPOINT_TEXT_TO_VIDEO: c_int = 1;
pub const LTX_ENDPOINT_IMAGE_TO_VIDEO: c_int = 2;
pub const LTX_ENDPOINT_AUDIO_TO_VIDEO: c_int = 3;
pub const LTX_ENDPOINT_RETAKE: c_int = 4;
pub const LTX_ENDPOINT_EXTEND: c_int = 5;
pub const LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR: c_int = 6;
pub const LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME: c_int = 7;

// ltx_state
pub const LTX_JOB_SUBMITTED: c_int = 0;
pub const LTX_JOB_PENDING: c_int = 1;
pub const LTX_JOB_PROCESSING: c_int = 2;
pub const LTX_JOB_COMPLETED: c_int = 3;
pub const LTX_JOB_FAILED: c_int = 4;
pub const LTX_JOB_UNKNOWN: c_int = 5;

// ltx_stage
pub const LTX_STAGE_SUBMITTED: c_int = 1;
pub const LTX_STAGE_WAITING: c_int = 2;
pub const LTX_STAGE_DOWNLOADING: c_int = 3;

pub const LTX_MODEL_LTX_2_3_FAST: &str = "ltx-2-3-fast";
pub const LTX_MODEL_LTX_2_3_PRO: &str = "ltx-2-3-pro";
pub const LTX_MODEL_LTX_2_5_FAST: &str = "ltx-2-5-fast";
pub const LTX_MODEL_LTX_2_5_PRO: &str = "ltx-2-5-pro";
pub const LTX_PROMPT_MAX_CHARS: usize = 5000;

pub type ltx_log_fn = Option<unsafe extern "C" fn(level: c_int, line: *const c_char, userdata: *mut c_void)>;
pub type ltx_progress_fn = Option<unsafe extern "C" fn(p: *const ltx_progress, userdata: *mut c_void) -> c_int>;
pub type ltx_write_fn = Option<unsafe extern "C" fn(data: *const c_void, len: usize, userdata: *mut c_void) -> c_int>;

extern "C" {
    // common.h, version.h
    pub fn ltx_free(ptr: *mut c_void);
    pub fn ltx_version() -> *const c_char;
    pub fn ltx_version_num() -> c_uint;

    // error.h
    pub fn ltx_strerror(code: c_int) -> *const c_char;
    pub fn ltx_error_free(err: *mut ltx_error);
    pub fn ltx_error_code(err: *const ltx_error) -> c_int;
    pub fn ltx_error_message(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_http_status(err: *const ltx_error) -> c_int;
    pub fn ltx_error_type(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_api_message(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_request_id(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_field(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_job_id(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_retry_after_ms(err: *const ltx_error) -> i64;
    pub fn ltx_error_attempts(err: *const ltx_error) -> c_uint;
    pub fn ltx_error_possibly_executed(err: *const ltx_error) -> c_int;
    pub fn ltx_error_transport_message(err: *const ltx_error) -> *const c_char;
    pub fn ltx_error_body(err: *const ltx_error, len: *mut usize) -> *const c_void;

    // client.h
    pub fn ltx_global_init(flags: c_uint) -> c_int;
    pub fn ltx_global_cleanup();
    pub fn ltx_client_new(out: *mut *mut ltx_client, api_key: *const c_char, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_client_new_from_env(out: *mut *mut ltx_client, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_client_free(client: *mut ltx_client);
    pub fn ltx_client_set_base_url(client: *mut ltx_client, base_url: *const c_char) -> c_int;
    pub fn ltx_client_set_connect_timeout_ms(client: *mut ltx_client, ms: u32) -> c_int;
    pub fn ltx_client_set_stall_timeout_ms(client: *mut ltx_client, ms: u32) -> c_int;
    pub fn ltx_client_set_deadline_ms(client: *mut ltx_client, ms: u32) -> c_int;
    pub fn ltx_client_set_poll_interval_ms(client: *mut ltx_client, ms: u32) -> c_int;
    pub fn ltx_client_set_poll_mode(client: *mut ltx_client, mode: c_int) -> c_int;
    pub fn ltx_client_set_retry(client: *mut ltx_client, max_retries: c_uint, base_ms: u32, cap_ms: u32) -> c_int;
    pub fn ltx_client_set_retry_unknown_outcome(client: *mut ltx_client, allow: c_int) -> c_int;
    pub fn ltx_client_set_user_agent_suffix(client: *mut ltx_client, suffix: *const c_char) -> c_int;
    pub fn ltx_client_user_agent(client: *const ltx_client) -> *const c_char;
    pub fn ltx_client_set_proxy(client: *mut ltx_client, proxy_url: *const c_char) -> c_int;
    pub fn ltx_client_set_ca_file(client: *mut ltx_client, path: *const c_char) -> c_int;
    pub fn ltx_client_set_ca_path(client: *mut ltx_client, dir: *const c_char) -> c_int;
    pub fn ltx_client_set_log(client: *mut ltx_client, level: c_int, f: ltx_log_fn, userdata: *mut c_void) -> c_int;

    // request.h
    pub fn ltx_endpoint_name(endpoint: c_int) -> *const c_char;
    pub fn ltx_endpoint_from_name(out: *mut c_int, name: *const c_char) -> c_int;
    pub fn ltx_request_new(out: *mut *mut ltx_request, endpoint: c_int) -> c_int;
    pub fn ltx_request_new_by_name(out: *mut *mut ltx_request, endpoint_name: *const c_char) -> c_int;
    pub fn ltx_request_free(req: *mut ltx_request);
    pub fn ltx_request_endpoint(req: *const ltx_request) -> c_int;
    pub fn ltx_request_endpoint_name(req: *const ltx_request) -> *const c_char;
    pub fn ltx_request_last_error(req: *const ltx_request) -> *const ltx_error;
    pub fn ltx_request_set_prompt(req: *mut ltx_request, prompt: *const c_char) -> c_int;
    pub fn ltx_request_set_model(req: *mut ltx_request, model: *const c_char) -> c_int;
    pub fn ltx_request_set_duration(req: *mut ltx_request, seconds: c_double) -> c_int;
    pub fn ltx_request_set_duration_auto(req: *mut ltx_request) -> c_int;
    pub fn ltx_request_set_resolution(req: *mut ltx_request, resolution: *const c_char) -> c_int;
    pub fn ltx_request_set_fps(req: *mut ltx_request, fps: c_int) -> c_int;
    pub fn ltx_request_set_generate_audio(req: *mut ltx_request, enable: c_int) -> c_int;
    pub fn ltx_request_set_camera_motion(req: *mut ltx_request, motion: *const c_char) -> c_int;
    pub fn ltx_request_set_image_uri(req: *mut ltx_request, uri: *const c_char) -> c_int;
    pub fn ltx_request_set_last_frame_uri(req: *mut ltx_request, uri: *const c_char) -> c_int;
    pub fn ltx_request_set_audio_uri(req: *mut ltx_request, uri: *const c_char) -> c_int;
    pub fn ltx_request_set_video_uri(req: *mut ltx_request, uri: *const c_char) -> c_int;
    pub fn ltx_request_set_start_time(req: *mut ltx_request, seconds: c_double) -> c_int;
    pub fn ltx_request_set_guidance_scale(req: *mut ltx_request, scale: c_double) -> c_int;
    pub fn ltx_request_set_mode(req: *mut ltx_request, mode: *const c_char) -> c_int;
    pub fn ltx_request_set_context(req: *mut ltx_request, seconds: c_double) -> c_int;
    pub fn ltx_request_set_json(req: *mut ltx_request, name: *const c_char, json: *const c_char) -> c_int;
    pub fn ltx_request_set_input_file(req: *mut ltx_request, field: *const c_char, path: *const c_char) -> c_int;
    pub fn ltx_request_set_sync(req: *mut ltx_request, sync: c_int) -> c_int;
    pub fn ltx_request_sync(req: *const ltx_request) -> c_int;
    pub fn ltx_request_validate(req: *const ltx_request, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_request_to_json(out: *mut *mut c_char, req: *const ltx_request, err: *mut *mut ltx_error) -> c_int;

    // sink.h
    pub fn ltx_sink_new_path(out: *mut *mut ltx_sink, path: *const c_char) -> c_int;
    pub fn ltx_sink_new_fd(out: *mut *mut ltx_sink, fd: c_int) -> c_int;
    pub fn ltx_sink_new_callback(out: *mut *mut ltx_sink, f: ltx_write_fn, userdata: *mut c_void) -> c_int;
    pub fn ltx_sink_new_memory(out: *mut *mut ltx_sink, max_bytes: usize) -> c_int;
    pub fn ltx_sink_memory_data(out: *mut *const c_void, out_len: *mut usize, sink: *const ltx_sink) -> c_int;
    pub fn ltx_sink_possibly_billed_twice(sink: *const ltx_sink) -> c_int;
    pub fn ltx_sink_bytes_written(sink: *const ltx_sink) -> u64;
    pub fn ltx_sink_free(sink: *mut ltx_sink);

    // job.h
    pub fn ltx_progress_stage(p: *const ltx_progress) -> c_int;
    pub fn ltx_progress_job_id(p: *const ltx_progress) -> *const c_char;
    pub fn ltx_progress_status(p: *const ltx_progress) -> *const c_char;
    pub fn ltx_progress_bytes(p: *const ltx_progress) -> u64;
    pub fn ltx_progress_total(p: *const ltx_progress) -> u64;
    pub fn ltx_progress_elapsed_ms(p: *const ltx_progress) -> u64;
    pub fn ltx_generate(client: *mut ltx_client, req: *const ltx_request, sink: *mut ltx_sink,
                        progress: ltx_progress_fn, userdata: *mut c_void, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_submit(out: *mut *mut ltx_job, client: *mut ltx_client, req: *const ltx_request,
                      err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_job_open(out: *mut *mut ltx_job, client: *mut ltx_client, endpoint: c_int, id: *const c_char,
                        err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_job_open_by_name(out: *mut *mut ltx_job, client: *mut ltx_client, endpoint_name: *const c_char,
                                id: *const c_char, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_job_free(job: *mut ltx_job);
    pub fn ltx_job_id(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_endpoint(job: *const ltx_job) -> c_int;
    pub fn ltx_job_endpoint_name(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_state(job: *const ltx_job) -> c_int;
    pub fn ltx_job_status(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_created_at(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_completed_at(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_status_json(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_request_id(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_result_url(job: *const ltx_job, key: *const c_char) -> *const c_char;
    pub fn ltx_job_result_count(job: *const ltx_job) -> usize;
    pub fn ltx_job_result_key(job: *const ltx_job, i: usize) -> *const c_char;
    pub fn ltx_job_error_type(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_error_message(job: *const ltx_job) -> *const c_char;
    pub fn ltx_job_refresh(job: *mut ltx_job, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_job_wait(job: *mut ltx_job, poll_interval_ms: u32, progress: ltx_progress_fn,
                        userdata: *mut c_void, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_job_download(job: *mut ltx_job, sink: *mut ltx_sink, progress: ltx_progress_fn,
                            userdata: *mut c_void, err: *mut *mut ltx_error) -> c_int;
    pub fn ltx_job_download_result(job: *mut ltx_job, key: *const c_char, sink: *mut ltx_sink,
                                   progress: ltx_progress_fn, userdata: *mut c_void,
                                   err: *mut *mut ltx_error) -> c_int;

    // cancel.h
    pub fn ltx_cancel_new(out: *mut *mut ltx_cancel) -> c_int;
    pub fn ltx_cancel_free(cancel: *mut ltx_cancel);
    pub fn ltx_cancel_trigger(cancel: *mut ltx_cancel) -> c_int;
    pub fn ltx_cancel_reset(cancel: *mut ltx_cancel) -> c_int;
    pub fn ltx_cancel_triggered(cancel: *const ltx_cancel) -> c_int;
    pub fn ltx_request_set_cancel(req: *mut ltx_request, cancel: *mut ltx_cancel) -> c_int;
    pub fn ltx_job_set_cancel(job: *mut ltx_job, cancel: *mut ltx_cancel) -> c_int;

    // models.h
    pub fn ltx_model_check(out: *mut c_int, model: *const c_char, endpoint: c_int,
                           resolution: *const c_char, fps: c_int, duration_s: c_double,
                           err: *mut *mut ltx_error) -> c_int;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn links_and_answers() {
        unsafe {
            let v = CStr::from_ptr(ltx_version()).to_str().unwrap();
            assert!(!v.is_empty());
            let n = ltx_version_num();
            assert_eq!(format!("{}.{}.{}", n >> 16, (n >> 8) & 0xff, n & 0xff), v);
            let name = CStr::from_ptr(ltx_endpoint_name(LTX_ENDPOINT_TEXT_TO_VIDEO));
            assert_eq!(name.to_bytes(), b"text-to-video");
            let mut ep = LTX_ENDPOINT_OTHER;
            assert_eq!(ltx_endpoint_from_name(&mut ep, b"extend\0".as_ptr().cast()), LTX_OK);
            assert_eq!(ep, LTX_ENDPOINT_EXTEND);
            let mut known = -1;
            assert_eq!(ltx_model_check(&mut known, b"ltx-9\0".as_ptr().cast(), LTX_ENDPOINT_TEXT_TO_VIDEO,
                                       std::ptr::null(), 0, -1.0, std::ptr::null_mut()), LTX_OK);
            assert_eq!(known, 0);
            assert!(!ltx_strerror(LTX_ECONTENT).is_null());
        }
    }
}
