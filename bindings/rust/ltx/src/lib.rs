//! A safe Rust binding of libltx, the C client library for the LTX video
//! generation API. It links the system library through the `ltx-sys` crate
//! (which finds it with `pkg-config ltx`).
//!
//! ```no_run
//! use ltx::{Client, Endpoint, Request};
//!
//! fn main() -> Result<(), ltx::Error> {
//!     let client = Client::from_env()?; // LTX_API_KEY, LTX_BASE_URL, LTX_LOG
//!     let mut req = Request::new(Endpoint::TextToVideo)?;
//!     req.set_prompt("A lighthouse at dusk, waves rolling in")?;
//!     req.set_model(ltx::models::LTX_2_3_FAST)?;
//!     req.set_duration(6.0)?;
//!     req.set_resolution("1920x1080")?;
//!     client.generate(&req, "lighthouse.mp4", None)?; // submit, wait, download
//!     Ok(())
//! }
//! ```
//!
//! A [`Client`] is `Send + Sync` (its setters take `&mut self`); [`Request`],
//! [`Job`] and [`Sink`] are `Send`. Every handle is freed by `Drop`. Errors are
//! [`Error`]s, classed by [`ErrorKind`].

mod error;

pub use error::{Error, ErrorKind};

use std::ffi::{CStr, CString};
use std::ops::ControlFlow;
use std::os::raw::{c_int, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use error::opt_string;
use ltx_sys as sys;

/// `Result<T, ltx::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

/// Model ids known to this release; unknown ids are passed through to the API.
pub mod models {
    pub const LTX_2_3_FAST: &str = ltx_sys::LTX_MODEL_LTX_2_3_FAST;
    pub const LTX_2_3_PRO: &str = ltx_sys::LTX_MODEL_LTX_2_3_PRO;
    pub const LTX_2_5_FAST: &str = ltx_sys::LTX_MODEL_LTX_2_5_FAST;
    pub const LTX_2_5_PRO: &str = ltx_sys::LTX_MODEL_LTX_2_5_PRO;
}

/// The version of the libltx loaded at run time (`ltx_version()`).
pub fn version() -> String {
    // Safety: a static string.
    unsafe { CStr::from_ptr(sys::ltx_version()) }.to_string_lossy().into_owned()
}

static INIT: Once = Once::new();
static INIT_RC: AtomicI32 = AtomicI32::new(0);

/// Calls `ltx_global_init()` once per process. It is never paired with
/// `ltx_global_cleanup()`: handles may live until the process exits.
fn global_init() -> Result<()> {
    INIT.call_once(|| {
        // Safety: no precondition; Once makes it run before any other libltx call of ours.
        let rc = unsafe { sys::ltx_global_init(sys::LTX_GLOBAL_DEFAULT) };
        INIT_RC.store(rc, Ordering::SeqCst);
    });
    check(INIT_RC.load(Ordering::SeqCst))
}

fn check(rc: c_int) -> Result<()> {
    if rc == sys::LTX_OK {
        Ok(())
    } else {
        Err(Error::from_code(rc))
    }
}

/// Turns a status and its (possibly NULL) error object into a Result.
///
/// Safety: `err` is NULL or an `ltx_error` the caller owns.
unsafe fn check_err(rc: c_int, err: *mut sys::ltx_error) -> Result<()> {
    if rc == sys::LTX_OK {
        if !err.is_null() {
            sys::ltx_error_free(err);
        }
        Ok(())
    } else {
        Err(Error::take(rc, err))
    }
}

fn cstring(what: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid(format!("{} contains a NUL byte", what)))
}

fn path_cstring(path: &Path) -> Result<CString> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = match path.to_str() {
        Some(s) => s.as_bytes().to_vec(),
        None => return Err(Error::invalid("path is not valid Unicode".to_string())),
    };
    CString::new(bytes).map_err(|_| Error::invalid("path contains a NUL byte".to_string()))
}

/// Milliseconds for a `*_ms` setter; `None` is `LTX_NO_LIMIT`.
fn millis(d: Option<Duration>) -> Result<u32> {
    match d {
        None => Ok(sys::LTX_NO_LIMIT),
        Some(d) => {
            let mut ms = d.as_millis();
            if ms == 0 && !d.is_zero() {
                ms = 1;
            }
            match u32::try_from(ms) {
                Ok(ms) if ms != sys::LTX_NO_LIMIT => Ok(ms),
                _ => Err(Error::invalid(format!("duration {:?} out of range", d))),
            }
        }
    }
}

// ------------------------------------------------------------------ endpoints

/// A generation endpoint (`ltx_endpoint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    TextToVideo,
    ImageToVideo,
    AudioToVideo,
    Retake,
    Extend,
    /// v2 only.
    VideoToVideoHdr,
    /// v2 only.
    VideoToVideoReframe,
}

impl Endpoint {
    const ALL: [(Endpoint, c_int); 7] = [
        (Endpoint::TextToVideo, sys::LTX_ENDPOINT_TEXT_TO_VIDEO),
        (Endpoint::ImageToVideo, sys::LTX_ENDPOINT_IMAGE_TO_VIDEO),
        (Endpoint::AudioToVideo, sys::LTX_ENDPOINT_AUDIO_TO_VIDEO),
        (Endpoint::Retake, sys::LTX_ENDPOINT_RETAKE),
        (Endpoint::Extend, sys::LTX_ENDPOINT_EXTEND),
        (Endpoint::VideoToVideoHdr, sys::LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR),
        (Endpoint::VideoToVideoReframe, sys::LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME),
    ];

    /// The `ltx_endpoint` number.
    pub fn code(self) -> i32 {
        Endpoint::ALL.iter().find(|(e, _)| *e == self).map(|(_, c)| *c).unwrap_or(0)
    }

    /// The endpoint of an `ltx_endpoint` number.
    pub fn from_code(code: i32) -> Option<Endpoint> {
        Endpoint::ALL.iter().find(|(_, c)| *c == code).map(|(e, _)| *e)
    }

    /// The path segment, e.g. `"text-to-video"`.
    pub fn name(self) -> &'static str {
        // Safety: a static string for every known endpoint.
        let s = unsafe { sys::ltx_endpoint_name(self.code()) };
        if s.is_null() {
            return "";
        }
        unsafe { CStr::from_ptr(s) }.to_str().unwrap_or("")
    }

    /// The endpoint of a path segment.
    pub fn from_name(name: &str) -> Option<Endpoint> {
        let c = CString::new(name).ok()?;
        let mut code = sys::LTX_ENDPOINT_OTHER;
        // Safety: c is a valid C string and code a valid out-pointer.
        unsafe { sys::ltx_endpoint_from_name(&mut code, c.as_ptr()) };
        Endpoint::from_code(code)
    }
}

// ------------------------------------------------------------------ progress

/// What a progress report is about (`ltx_stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// The job id is known: persist it to resume later.
    Submitted,
    /// After each poll: `status` is set.
    Waiting,
    /// Bytes arrived: `bytes`, `total`.
    Downloading,
    /// A stage this binding does not know.
    Other(i32),
}

impl Stage {
    fn from_code(c: c_int) -> Stage {
        match c {
            sys::LTX_STAGE_SUBMITTED => Stage::Submitted,
            sys::LTX_STAGE_WAITING => Stage::Waiting,
            sys::LTX_STAGE_DOWNLOADING => Stage::Downloading,
            other => Stage::Other(other),
        }
    }
}

/// A copy of an `ltx_progress` report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    pub stage: Stage,
    /// The job id; None on v1.
    pub job_id: Option<String>,
    /// The raw status string of the last poll (`"pending"`).
    pub status: Option<String>,
    pub bytes: u64,
    /// Expected bytes, 0 when unknown.
    pub total: u64,
    /// Time since the call started.
    pub elapsed: Duration,
}

/// A progress callback: runs on the calling thread during the call that took it.
/// Return `ControlFlow::Continue(())` to go on, as a callback that only observes
/// does; `ControlFlow::Break(())` stops the call with [`ErrorKind::Cancelled`]
/// (the job keeps running on the server and is billed). A panic in the callback
/// stops the call and resumes unwinding once libltx has returned.
pub type ProgressFn<'a> = &'a mut dyn FnMut(&Progress) -> ControlFlow<()>;

struct ProgressCtx<'a> {
    f: &'a mut dyn FnMut(&Progress) -> ControlFlow<()>,
    panic: Option<Box<dyn std::any::Any + Send + 'static>>,
}

unsafe extern "C" fn progress_trampoline(p: *const sys::ltx_progress, userdata: *mut c_void) -> c_int {
    // Safety: userdata is the ProgressCtx that call_with_progress() lent for this call.
    let ctx = &mut *(userdata as *mut ProgressCtx<'_>);
    if ctx.panic.is_some() {
        return 1;
    }
    let report = Progress {
        stage: Stage::from_code(sys::ltx_progress_stage(p)),
        job_id: opt_string(sys::ltx_progress_job_id(p)),
        status: opt_string(sys::ltx_progress_status(p)),
        bytes: sys::ltx_progress_bytes(p),
        total: sys::ltx_progress_total(p),
        elapsed: Duration::from_millis(sys::ltx_progress_elapsed_ms(p)),
    };
    // Unwinding into C is undefined behaviour: catch, stop the call, resume later.
    let f = &mut ctx.f;
    match panic::catch_unwind(AssertUnwindSafe(|| f(&report))) {
        Ok(ControlFlow::Continue(())) => 0,
        Ok(ControlFlow::Break(())) => 1,
        Err(payload) => {
            ctx.panic = Some(payload);
            1
        }
    }
}

/// Runs `call` with the C callback, userdata and error out-pointer for `progress`,
/// and turns its status into a Result. A panic of the callback resumes here, after
/// libltx returned and the error object was freed.
fn call_with_progress<F>(progress: Option<ProgressFn<'_>>, call: F) -> Result<()>
where
    F: FnOnce(sys::ltx_progress_fn, *mut c_void, *mut *mut sys::ltx_error) -> c_int,
{
    let mut err = ptr::null_mut();
    let (rc, payload) = match progress {
        None => (call(None, ptr::null_mut(), &mut err), None),
        Some(f) => {
            let mut ctx = ProgressCtx { f, panic: None };
            let ud = &mut ctx as *mut ProgressCtx<'_> as *mut c_void;
            let rc = call(Some(progress_trampoline), ud, &mut err);
            (rc, ctx.panic.take())
        }
    };
    if let Some(payload) = payload {
        if !err.is_null() {
            // Safety: the error is ours and not used again.
            unsafe { sys::ltx_error_free(err) };
        }
        panic::resume_unwind(payload);
    }
    // Safety: err is NULL or ours.
    unsafe { check_err(rc, err) }
}

// ------------------------------------------------------------------ client

/// An `ltx_client`: the API key, host, timeouts and retry policy. Configure it
/// with the `&mut self` setters, then share it (`&Client` is `Send + Sync`).
pub struct Client {
    raw: NonNull<sys::ltx_client>,
}

// Safety: libltx documents a configured client as usable by any number of threads
// at once; the setters, which must not race, take &mut self.
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Drop for Client {
    fn drop(&mut self) {
        // Safety: we own the reference; jobs hold their own.
        unsafe { sys::ltx_client_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("user_agent", &self.user_agent()).finish()
    }
}

impl Client {
    /// A client for `api_key`, talking to `https://api.ltx.video` unless
    /// [`set_base_url`](Client::set_base_url) says otherwise. Reads no environment variable.
    pub fn new(api_key: &str) -> Result<Client> {
        global_init()?;
        let key = cstring("API key", api_key)?;
        let mut raw = ptr::null_mut();
        let mut err = ptr::null_mut();
        // Safety: valid out-pointers and C string.
        let rc = unsafe { sys::ltx_client_new(&mut raw, key.as_ptr(), &mut err) };
        Client::wrap(rc, raw, err)
    }

    /// A client from `LTX_API_KEY` (or `LTXV_API_KEY`), `LTX_BASE_URL` and `LTX_LOG`.
    pub fn from_env() -> Result<Client> {
        global_init()?;
        let mut raw = ptr::null_mut();
        let mut err = ptr::null_mut();
        // Safety: valid out-pointers.
        let rc = unsafe { sys::ltx_client_new_from_env(&mut raw, &mut err) };
        Client::wrap(rc, raw, err)
    }

    fn wrap(rc: c_int, raw: *mut sys::ltx_client, err: *mut sys::ltx_error) -> Result<Client> {
        // Safety: err is NULL or ours.
        unsafe { check_err(rc, err)? };
        match NonNull::new(raw) {
            Some(raw) => Ok(Client { raw }),
            None => Err(Error::from_code(sys::LTX_ENOMEM)),
        }
    }

    fn set_str(&mut self, what: &str, value: &str,
               f: unsafe extern "C" fn(*mut sys::ltx_client, *const std::os::raw::c_char) -> c_int) -> Result<()> {
        let c = cstring(what, value)?;
        // Safety: a live handle and a valid C string (copied by libltx).
        check(unsafe { f(self.raw.as_ptr(), c.as_ptr()) })
    }

    fn set_ms(&mut self, d: Option<Duration>, f: unsafe extern "C" fn(*mut sys::ltx_client, u32) -> c_int) -> Result<()> {
        let ms = millis(d)?;
        // Safety: a live handle.
        check(unsafe { f(self.raw.as_ptr(), ms) })
    }

    /// The API host, e.g. `"https://api.ltx.io"` or an ltx-mock URL. No trailing path.
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        self.set_str("base URL", url, sys::ltx_client_set_base_url)
    }

    /// Appended to the User-Agent, e.g. `"myapp/1.0"`.
    pub fn set_user_agent_suffix(&mut self, suffix: &str) -> Result<()> {
        self.set_str("user agent suffix", suffix, sys::ltx_client_set_user_agent_suffix)
    }

    /// The User-Agent header sent.
    pub fn user_agent(&self) -> String {
        // Safety: borrowed until the next setter, which needs &mut self; copied at once.
        unsafe { opt_string(sys::ltx_client_user_agent(self.raw.as_ptr())) }.unwrap_or_default()
    }

    /// A proxy URL for API and download traffic.
    pub fn set_proxy(&mut self, url: &str) -> Result<()> {
        self.set_str("proxy URL", url, sys::ltx_client_set_proxy)
    }

    /// A CA bundle file for TLS verification (which is always on).
    pub fn set_ca_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let c = path_cstring(path.as_ref())?;
        // Safety: a live handle and a valid C string.
        check(unsafe { sys::ltx_client_set_ca_file(self.raw.as_ptr(), c.as_ptr()) })
    }

    /// How often waits poll a job (default 5 s).
    pub fn set_poll_interval(&mut self, interval: Duration) -> Result<()> {
        self.set_ms(Some(interval), sys::ltx_client_set_poll_interval_ms)
    }

    /// The poll schedule: `true` polls every poll interval, `false` (the default)
    /// adaptively, learning how long jobs of each kind run.
    pub fn set_poll_fixed(&mut self, fixed: bool) -> Result<()> {
        // Safety: a live handle.
        check(unsafe { sys::ltx_client_set_poll_mode(self.raw.as_ptr(), if fixed { 1 } else { 0 }) })
    }

    /// Connect timeout per attempt (default 10 s); None for no limit.
    pub fn set_connect_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.set_ms(timeout, sys::ltx_client_set_connect_timeout_ms)
    }

    /// Fail a transfer that received nothing for this long (default 60 s); None for no limit.
    pub fn set_stall_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.set_ms(timeout, sys::ltx_client_set_stall_timeout_ms)
    }

    /// One deadline per call, retries, polls and download included (default 30 min); None for no limit.
    pub fn set_deadline(&mut self, deadline: Option<Duration>) -> Result<()> {
        self.set_ms(deadline, sys::ltx_client_set_deadline_ms)
    }

    /// At most `max_retries` extra attempts of retryable failures, with exponential
    /// backoff and full jitter from `base`, capped at `cap`. 0 turns retries off.
    pub fn set_retry(&mut self, max_retries: u32, base: Duration, cap: Duration) -> Result<()> {
        let (b, c) = (millis(Some(base))?, millis(Some(cap))?);
        // Safety: a live handle.
        check(unsafe { sys::ltx_client_set_retry(self.raw.as_ptr(), max_retries, b, c) })
    }

    /// Whether a v1 generation answered 504 may be sent again (default true).
    pub fn set_retry_unknown_outcome(&mut self, allow: bool) -> Result<()> {
        // Safety: a live handle.
        check(unsafe { sys::ltx_client_set_retry_unknown_outcome(self.raw.as_ptr(), allow as c_int) })
    }

    /// Validate `req`, submit it, wait for the job and write the video to `path`
    /// atomically (a temporary file renamed over `path` once every byte arrived;
    /// on failure `path` is left as it was).
    pub fn generate(&self, req: &Request, path: impl AsRef<Path>, progress: Option<ProgressFn<'_>>) -> Result<()> {
        let mut sink = Sink::path(path)?;
        self.generate_to(req, &mut sink, progress)
    }

    /// [`generate`](Client::generate) into any [`Sink`].
    pub fn generate_to(&self, req: &Request, sink: &mut Sink, progress: Option<ProgressFn<'_>>) -> Result<()> {
        // Safety: live handles; the callback and userdata outlive the call.
        call_with_progress(progress, |f, ud, err| unsafe {
            sys::ltx_generate(self.raw.as_ptr(), req.raw.as_ptr(), sink.raw.as_ptr(), f, ud, err)
        })
    }

    /// Submit `req` as a v2 job; returns once the API accepted it. Persist
    /// [`Job::id`] to resume with [`open_job`](Client::open_job) after a restart.
    pub fn submit(&self, req: &Request) -> Result<Job> {
        let mut raw = ptr::null_mut();
        let mut err = ptr::null_mut();
        // Safety: live handles and valid out-pointers.
        let rc = unsafe { sys::ltx_submit(&mut raw, self.raw.as_ptr(), req.raw.as_ptr(), &mut err) };
        Job::wrap(rc, raw, err)
    }

    /// A job handle for the id of an earlier submit. No network.
    pub fn open_job(&self, endpoint: Endpoint, id: &str) -> Result<Job> {
        self.open_job_by_name(endpoint.name(), id)
    }

    /// [`open_job`](Client::open_job) for an endpoint named by its path segment, also
    /// one this release does not know (`"video-compositing"`).
    pub fn open_job_by_name(&self, endpoint: &str, id: &str) -> Result<Job> {
        let name = cstring("endpoint", endpoint)?;
        let id = cstring("job id", id)?;
        let mut raw = ptr::null_mut();
        let mut err = ptr::null_mut();
        // Safety: a live handle, valid C strings and out-pointers.
        let rc = unsafe {
            sys::ltx_job_open_by_name(&mut raw, self.raw.as_ptr(), name.as_ptr(), id.as_ptr(), &mut err)
        };
        Job::wrap(rc, raw, err)
    }
}

// ------------------------------------------------------------------ request

/// An `ltx_request`: one generation to ask for. Setters check only that the
/// endpoint has the field; values are checked by [`validate`](Request::validate),
/// which every sending call runs first, so that one error names the field.
pub struct Request {
    raw: NonNull<sys::ltx_request>,
    cancel: Option<CancelToken>, // kept alive while the request watches it
}

// Safety: a request is used by one thread at a time, which &mut / & borrows
// enforce within a thread; moving it to another thread is allowed.
unsafe impl Send for Request {}

impl Drop for Request {
    fn drop(&mut self) {
        // Safety: we own it.
        unsafe { sys::ltx_request_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request").field("endpoint", &self.endpoint()).finish()
    }
}

macro_rules! str_setters {
    ($($(#[$doc:meta])* $name:ident => $c:ident, $what:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, value: &str) -> Result<()> {
            let c = cstring($what, value)?;
            // Safety: a live handle and a valid C string (copied by libltx).
            self.check_setter(unsafe { sys::$c(self.raw.as_ptr(), c.as_ptr()) })
        }
    )*};
}

macro_rules! f64_setters {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, value: f64) -> Result<()> {
            // Safety: a live handle.
            self.check_setter(unsafe { sys::$c(self.raw.as_ptr(), value) })
        }
    )*};
}

impl Request {
    /// An empty request for `endpoint`; unset fields are not sent.
    pub fn new(endpoint: Endpoint) -> Result<Request> {
        let mut raw = ptr::null_mut();
        // Safety: a valid out-pointer.
        check(unsafe { sys::ltx_request_new(&mut raw, endpoint.code()) })?;
        NonNull::new(raw).map(|raw| Request { raw, cancel: None }).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))
    }

    /// An empty request for the endpoint with this path segment (1 to 64 of a-z, 0-9, '-').
    /// A name this release does not know is sent to `/v2/<name>` with its fields unchecked;
    /// [`Request::endpoint`] is then `None`.
    pub fn new_by_name(endpoint_name: &str) -> Result<Request> {
        let c = cstring("endpoint name", endpoint_name)?;
        let mut raw = ptr::null_mut();
        // Safety: a valid out-pointer and C string.
        let rc = unsafe { sys::ltx_request_new_by_name(&mut raw, c.as_ptr()) };
        if rc == sys::LTX_EINVAL {
            return Err(Error::invalid(format!(
                "{:?} is not an endpoint name (1 to 64 of a-z, 0-9, '-')", endpoint_name)));
        }
        check(rc)?;
        NonNull::new(raw).map(|raw| Request { raw, cancel: None }).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))
    }

    /// The endpoint's path segment.
    pub fn endpoint_name(&self) -> String {
        // Safety: a live handle; the string lives as long as the request.
        unsafe { opt_string(sys::ltx_request_endpoint_name(self.raw.as_ptr())) }.unwrap_or_default()
    }

    /// A setter's status: on refusal, the reason it recorded (`ltx_request_last_error`),
    /// naming the field, the value and the rule.
    fn check_setter(&self, rc: c_int) -> Result<()> {
        if rc == sys::LTX_OK {
            return Ok(());
        }
        // Safety: a live handle; the error is borrowed and copied before the next setter.
        let e = unsafe { sys::ltx_request_last_error(self.raw.as_ptr()) };
        if e.is_null() {
            return Err(Error::from_code(rc));
        }
        // Safety: e is a valid error object.
        let message = unsafe { opt_string(sys::ltx_error_message(e)) };
        let mut out = Error::with_message(rc, message.unwrap_or_default());
        // Safety: as above.
        out.field = unsafe { opt_string(sys::ltx_error_field(e)) };
        Err(out)
    }

    /// The request's endpoint.
    pub fn endpoint(&self) -> Option<Endpoint> {
        // Safety: a live handle.
        Endpoint::from_code(unsafe { sys::ltx_request_endpoint(self.raw.as_ptr()) })
    }

    str_setters! {
        /// The prompt (at most 5000 characters).
        set_prompt => ltx_request_set_prompt, "prompt";
        /// The model id ([`models`]; unknown ids are passed through).
        set_model => ltx_request_set_model, "model";
        /// `"WIDTHxHEIGHT"`, e.g. `"1920x1080"`.
        set_resolution => ltx_request_set_resolution, "resolution";
        /// dolly_in, dolly_out, dolly_left, dolly_right, jib_up, jib_down, static, focus_shift.
        set_camera_motion => ltx_request_set_camera_motion, "camera motion";
        /// The input image.
        set_image_uri => ltx_request_set_image_uri, "image URI";
        /// The image of the last frame.
        set_last_frame_uri => ltx_request_set_last_frame_uri, "last frame URI";
        /// The input audio.
        set_audio_uri => ltx_request_set_audio_uri, "audio URI";
        /// The input video.
        set_video_uri => ltx_request_set_video_uri, "video URI";
        /// retake: replace_audio, replace_video, replace_audio_and_video; extend: start, end.
        set_mode => ltx_request_set_mode, "mode";
    }

    f64_setters! {
        /// Seconds: whole seconds on text- and image-to-video, fractions on retake and extend.
        set_duration => ltx_request_set_duration;
        /// Start time in seconds.
        set_start_time => ltx_request_set_start_time;
        /// Guidance scale.
        set_guidance_scale => ltx_request_set_guidance_scale;
        /// Context in seconds (extend).
        set_context => ltx_request_set_context;
    }

    /// Automatic length (ltx-2-5 models on text- and image-to-video only).
    pub fn set_duration_auto(&mut self) -> Result<()> {
        // Safety: a live handle.
        self.check_setter(unsafe { sys::ltx_request_set_duration_auto(self.raw.as_ptr()) })
    }

    /// Frames per second.
    pub fn set_fps(&mut self, fps: i32) -> Result<()> {
        // Safety: a live handle.
        self.check_setter(unsafe { sys::ltx_request_set_fps(self.raw.as_ptr(), fps) })
    }

    /// Generate audio or not.
    pub fn set_generate_audio(&mut self, enable: bool) -> Result<()> {
        // Safety: a live handle.
        self.check_setter(unsafe { sys::ltx_request_set_generate_audio(self.raw.as_ptr(), enable as c_int) })
    }

    /// Set field `name` to a JSON value given as text (`"true"`, `"12"`, `"\"x\""`).
    pub fn set_json(&mut self, name: &str, json: &str) -> Result<()> {
        let (n, j) = (cstring("field name", name)?, cstring("JSON value", json)?);
        // Safety: a live handle and valid C strings.
        self.check_setter(unsafe { sys::ltx_request_set_json(self.raw.as_ptr(), n.as_ptr(), j.as_ptr()) })
    }

    /// Use a local file for a media field (`"image_uri"`, `"last_frame_uri"`, `"audio_uri"`
    /// or `"video_uri"`): small images and videos go inline, anything else is uploaded
    /// first when the request is sent. [`validate`](Request::validate) checks the file.
    pub fn set_input_file(&mut self, field: &str, path: impl AsRef<Path>) -> Result<()> {
        let f = cstring("field name", field)?;
        let p = path_cstring(path.as_ref())?;
        // Safety: a live handle and valid C strings (copied by libltx).
        self.check_setter(unsafe { sys::ltx_request_set_input_file(self.raw.as_ptr(), f.as_ptr(), p.as_ptr()) })
    }

    /// Watch `token` (None: stop watching) in the calls that send this request
    /// ([`Client::generate`], [`Client::submit`], with their uploads): when it is
    /// triggered they return [`ErrorKind::Cancelled`] within about 100 ms.
    pub fn set_cancel(&mut self, token: Option<&CancelToken>) -> Result<()> {
        let raw = token.map_or(ptr::null_mut(), |t| t.0.raw.as_ptr());
        // Safety: a live handle; the token is kept alive by self.cancel while attached.
        check(unsafe { sys::ltx_request_set_cancel(self.raw.as_ptr(), raw) })?;
        self.cancel = token.cloned();
        Ok(())
    }

    /// Use the synchronous (deprecated) v1 endpoint instead of a v2 job.
    pub fn set_sync(&mut self, sync: bool) -> Result<()> {
        // Safety: a live handle.
        self.check_setter(unsafe { sys::ltx_request_set_sync(self.raw.as_ptr(), sync as c_int) })
    }

    /// Check the request without sending anything. A failure is
    /// [`ErrorKind::Request`] with [`Error::field`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let mut err = ptr::null_mut();
        // Safety: a live handle; err is ours afterwards.
        unsafe { check_err(sys::ltx_request_validate(self.raw.as_ptr(), &mut err), err) }
    }

    /// The JSON body the request sends, after validation.
    pub fn to_json(&self) -> Result<String> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // Safety: a live handle; out is freed with ltx_free().
        unsafe {
            check_err(sys::ltx_request_to_json(&mut out, self.raw.as_ptr(), &mut err), err)?;
            let s = opt_string(out).unwrap_or_default();
            sys::ltx_free(out as *mut c_void);
            Ok(s)
        }
    }
}

// ------------------------------------------------------------------ sink

/// An `ltx_sink`: where a video goes.
pub struct Sink {
    raw: NonNull<sys::ltx_sink>,
}

// Safety: one thread at a time, enforced by &mut; moving it is allowed.
unsafe impl Send for Sink {}

impl Drop for Sink {
    fn drop(&mut self) {
        // Safety: we own it; an uncommitted temporary file is removed.
        unsafe { sys::ltx_sink_free(self.raw.as_ptr()) }
    }
}

impl Sink {
    /// A file at `path`, written to a temporary file in the same directory and
    /// renamed over `path` only when the whole body arrived.
    pub fn path(path: impl AsRef<Path>) -> Result<Sink> {
        let c = path_cstring(path.as_ref())?;
        let mut raw = ptr::null_mut();
        // Safety: a valid out-pointer and C string.
        check(unsafe { sys::ltx_sink_new_path(&mut raw, c.as_ptr()) })?;
        NonNull::new(raw).map(|raw| Sink { raw }).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))
    }

    /// Memory, failing with [`ErrorKind::SinkFull`] past `max_bytes`.
    pub fn memory(max_bytes: usize) -> Result<Sink> {
        let mut raw = ptr::null_mut();
        // Safety: a valid out-pointer.
        check(unsafe { sys::ltx_sink_new_memory(&mut raw, max_bytes) })?;
        NonNull::new(raw).map(|raw| Sink { raw }).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))
    }

    /// Whether the output the last call delivered here came from a request sent again
    /// after an attempt whose outcome was unknown (a v1 504): that attempt may also
    /// have been billed.
    pub fn possibly_billed_twice(&self) -> bool {
        // Safety: a live handle.
        unsafe { sys::ltx_sink_possibly_billed_twice(self.raw.as_ptr()) != 0 }
    }

    /// The bytes a memory sink holds; None for other sinks.
    pub fn data(&self) -> Option<&[u8]> {
        let mut data = ptr::null();
        let mut len = 0usize;
        // Safety: borrowed until the sink is used again (needs &mut self) or freed.
        unsafe {
            if sys::ltx_sink_memory_data(&mut data, &mut len, self.raw.as_ptr()) != sys::LTX_OK {
                return None;
            }
            if len == 0 || data.is_null() {
                return Some(&[]);
            }
            Some(std::slice::from_raw_parts(data as *const u8, len))
        }
    }

    /// Bytes delivered by the last transfer into this sink.
    pub fn bytes_written(&self) -> u64 {
        // Safety: a live handle.
        unsafe { sys::ltx_sink_bytes_written(self.raw.as_ptr()) }
    }
}

// ------------------------------------------------------------------ job

/// A job's state as last seen (`ltx_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Submitted,
    Pending,
    Processing,
    Completed,
    Failed,
    /// A status the API does not document (see [`Job::status`]).
    Unknown,
}

/// An `ltx_job`: a v2 generation on the server. It keeps its client alive, so
/// the [`Client`] may be dropped first.
pub struct Job {
    raw: NonNull<sys::ltx_job>,
    cancel: Option<CancelToken>, // kept alive while the job watches it
}

// Safety: one thread at a time, enforced by &mut; moving it is allowed.
unsafe impl Send for Job {}

impl Drop for Job {
    fn drop(&mut self) {
        // Safety: we own it (the job on the server is not affected).
        unsafe { sys::ltx_job_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("id", &self.id()).field("state", &self.state()).finish()
    }
}

impl Job {
    fn wrap(rc: c_int, raw: *mut sys::ltx_job, err: *mut sys::ltx_error) -> Result<Job> {
        // Safety: err is NULL or ours.
        unsafe { check_err(rc, err)? };
        NonNull::new(raw).map(|raw| Job { raw, cancel: None }).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))
    }

    fn string(&self, f: unsafe extern "C" fn(*const sys::ltx_job) -> *const std::os::raw::c_char) -> Option<String> {
        // Safety: borrowed until the next call on the job; copied at once.
        unsafe { opt_string(f(self.raw.as_ptr())) }
    }

    /// The job id.
    pub fn id(&self) -> String {
        self.string(sys::ltx_job_id).unwrap_or_default()
    }

    /// The endpoint the job runs on; None for one this release does not know.
    pub fn endpoint(&self) -> Option<Endpoint> {
        self.endpoint_name().and_then(|n| Endpoint::from_name(&n))
    }

    /// The path segment of the job's endpoint.
    pub fn endpoint_name(&self) -> Option<String> {
        self.string(sys::ltx_job_endpoint_name)
    }

    /// `created_at` as the API sent it.
    pub fn created_at(&self) -> Option<String> {
        self.string(sys::ltx_job_created_at)
    }

    /// `completed_at` as the API sent it, once the job ended.
    pub fn completed_at(&self) -> Option<String> {
        self.string(sys::ltx_job_completed_at)
    }

    /// The `x-request-id` of the last successful call on the job.
    pub fn request_id(&self) -> Option<String> {
        self.string(sys::ltx_job_request_id)
    }

    /// The last status answer as received; None before a poll.
    pub fn status_json(&self) -> Option<String> {
        self.string(sys::ltx_job_status_json)
    }

    /// Every result of a completed job, `(key, url)` in the API's order.
    pub fn results(&self) -> Vec<(String, String)> {
        // Safety: a live handle; strings are copied at once.
        unsafe {
            let n = sys::ltx_job_result_count(self.raw.as_ptr());
            (0..n)
                .filter_map(|i| {
                    let k = sys::ltx_job_result_key(self.raw.as_ptr(), i);
                    let key = opt_string(k)?;
                    let url = opt_string(sys::ltx_job_result_url(self.raw.as_ptr(), k))?;
                    Some((key, url))
                })
                .collect()
        }
    }

    /// The state of the last poll.
    pub fn state(&self) -> JobState {
        // Safety: a live handle.
        match unsafe { sys::ltx_job_state(self.raw.as_ptr()) } {
            sys::LTX_JOB_SUBMITTED => JobState::Submitted,
            sys::LTX_JOB_PENDING => JobState::Pending,
            sys::LTX_JOB_PROCESSING => JobState::Processing,
            sys::LTX_JOB_COMPLETED => JobState::Completed,
            sys::LTX_JOB_FAILED => JobState::Failed,
            _ => JobState::Unknown,
        }
    }

    /// The raw status string of the last poll; None before the first.
    pub fn status(&self) -> Option<String> {
        self.string(sys::ltx_job_status)
    }

    /// The primary result's URL once completed: HDR's EXR frames ZIP, the video otherwise.
    pub fn result_url(&self) -> Option<String> {
        // Safety: a live handle; NULL asks for the primary result; copied at once.
        unsafe { opt_string(sys::ltx_job_result_url(self.raw.as_ptr(), ptr::null())) }
    }

    /// A failed job's `error.type`.
    pub fn error_type(&self) -> Option<String> {
        self.string(sys::ltx_job_error_type)
    }

    /// A failed job's `error.message`.
    pub fn error_message(&self) -> Option<String> {
        self.string(sys::ltx_job_error_message)
    }

    /// Watch `token` (None: stop watching) in [`refresh`](Job::refresh),
    /// [`wait`](Job::wait) and [`download`](Job::download): when it is triggered they
    /// return [`ErrorKind::Cancelled`] within about 100 ms; the job keeps running on the
    /// server and is billed.
    pub fn set_cancel(&mut self, token: Option<&CancelToken>) -> Result<()> {
        let raw = token.map_or(ptr::null_mut(), |t| t.0.raw.as_ptr());
        // Safety: a live handle; the token is kept alive by self.cancel while attached.
        check(unsafe { sys::ltx_job_set_cancel(self.raw.as_ptr(), raw) })?;
        self.cancel = token.cloned();
        Ok(())
    }

    /// Poll once.
    pub fn refresh(&mut self) -> Result<()> {
        let mut err = ptr::null_mut();
        // Safety: a live handle; err is ours afterwards.
        unsafe { check_err(sys::ltx_job_refresh(self.raw.as_ptr(), &mut err), err) }
    }

    /// Poll at the client's interval until the job completed (Ok) or failed
    /// ([`ErrorKind::JobFailed`]), within the client's deadline.
    pub fn wait(&mut self, progress: Option<ProgressFn<'_>>) -> Result<()> {
        self.wait_with_interval(None, progress)
    }

    /// [`wait`](Job::wait) with its own poll interval (None: the client's).
    pub fn wait_with_interval(&mut self, interval: Option<Duration>, progress: Option<ProgressFn<'_>>) -> Result<()> {
        let ms = match interval {
            None => 0,
            Some(d) => millis(Some(d))?,
        };
        let raw = self.raw.as_ptr();
        // Safety: a live handle; the callback and userdata outlive the call.
        call_with_progress(progress, |f, ud, err| unsafe { sys::ltx_job_wait(raw, ms, f, ud, err) })
    }

    /// Write a completed job's result to `path` atomically.
    pub fn download(&mut self, path: impl AsRef<Path>, progress: Option<ProgressFn<'_>>) -> Result<()> {
        let mut sink = Sink::path(path)?;
        self.download_to(&mut sink, progress)
    }

    /// [`download`](Job::download) into any [`Sink`].
    pub fn download_to(&mut self, sink: &mut Sink, progress: Option<ProgressFn<'_>>) -> Result<()> {
        let raw = self.raw.as_ptr();
        // Safety: live handles; the callback and userdata outlive the call.
        call_with_progress(progress, |f, ud, err| unsafe {
            sys::ltx_job_download(raw, sink.raw.as_ptr(), f, ud, err)
        })
    }
}

// ------------------------------------------------------------------ cancel

struct CancelInner {
    raw: NonNull<sys::ltx_cancel>,
}

// Safety: ltx_cancel_trigger() and ltx_cancel_triggered() may be called from any thread at
// any time (they are async-signal-safe); ltx_cancel_reset() only touches the handle's own
// pipe and atomic flag; the handle is freed once, by the last clone.
unsafe impl Send for CancelInner {}
unsafe impl Sync for CancelInner {}

impl Drop for CancelInner {
    fn drop(&mut self) {
        // Safety: the last reference; requests and jobs that watch it hold a clone.
        unsafe { sys::ltx_cancel_free(self.raw.as_ptr()) }
    }
}

/// A cancel handle (`ltx_cancel`): [`cancel`](CancelToken::cancel) from any thread stops
/// every call watching it within about 100 ms, wherever it is (sleeping between polls,
/// connecting, in a submit, downloading), with [`ErrorKind::Cancelled`]. Attach it with
/// [`Request::set_cancel`] (generate, submit) or [`Job::set_cancel`] (refresh, wait,
/// download). Clones share the handle. The API has no cancel endpoint: an accepted job
/// keeps running and is billed ([`Error::job_id`] resumes it); a submit cut short may have
/// created it ([`Error::possibly_executed`]).
#[derive(Clone)]
pub struct CancelToken(Arc<CancelInner>);

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl CancelToken {
    /// A new token, not cancelled.
    pub fn new() -> Result<CancelToken> {
        let mut raw = ptr::null_mut();
        // Safety: a valid out-pointer.
        check(unsafe { sys::ltx_cancel_new(&mut raw) })?;
        let raw = NonNull::new(raw).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))?;
        Ok(CancelToken(Arc::new(CancelInner { raw })))
    }

    /// Stop every call watching the token. Any thread; cheap; idempotent.
    pub fn cancel(&self) {
        // Safety: a live handle; the call is thread-safe.
        unsafe { sys::ltx_cancel_trigger(self.0.raw.as_ptr()) };
    }

    /// Whether [`cancel`](CancelToken::cancel) was called (and not reset since).
    pub fn is_cancelled(&self) -> bool {
        // Safety: a live handle.
        unsafe { sys::ltx_cancel_triggered(self.0.raw.as_ptr()) != 0 }
    }

    /// Make the token usable again. Call it only when no call is watching it.
    pub fn reset(&self) {
        // Safety: a live handle.
        unsafe { sys::ltx_cancel_reset(self.0.raw.as_ptr()) };
    }
}

struct GenerationState {
    result: Option<Result<()>>,
    waker: Option<Waker>,
}

/// A generation as a [`Future`] that works with any executor (std only): the blocking
/// [`Client::generate`] runs on a thread of its own, which wakes the task when it ends.
/// Dropping the future before it is ready cancels the generation (an accepted job keeps
/// running on the server and is billed). Made by [`Client::generate_future`].
pub struct Generation {
    state: Arc<Mutex<GenerationState>>,
    token: CancelToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Generation {
    /// The token that cancels this generation (the future then resolves to
    /// [`ErrorKind::Cancelled`]).
    pub fn cancel_token(&self) -> &CancelToken {
        &self.token
    }
}

impl Future for Generation {
    type Output = Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(result) = st.result.take() {
            drop(st);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
            return Poll::Ready(result);
        }
        st.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Generation {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            self.token.cancel(); // not awaited to the end: stop the call, within ~100 ms
            let _ = t.join();
        }
    }
}

impl Client {
    /// [`generate`](Client::generate) as a [`Future`]: see [`Generation`].
    pub fn generate_future(self: &Arc<Client>, mut req: Request, path: impl Into<PathBuf>) -> Result<Generation> {
        let token = CancelToken::new()?;
        req.set_cancel(Some(&token))?;
        let state = Arc::new(Mutex::new(GenerationState { result: None, waker: None }));
        let (client, shared, path) = (Arc::clone(self), Arc::clone(&state), path.into());
        let thread = std::thread::Builder::new()
            .name("ltx-generate".into())
            .spawn(move || {
                let result = client.generate(&req, &path, None);
                let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
                st.result = Some(result);
                if let Some(w) = st.waker.take() {
                    w.wake();
                }
            })
            .map_err(|e| Error::with_message(sys::LTX_ENOMEM, format!("cannot start a thread: {}", e)))?;
        Ok(Generation { state, token, thread: Some(thread) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}

    #[test]
    fn thread_markers() {
        assert_send_sync::<Client>();
        assert_send_sync::<Error>();
        assert_send::<Request>();
        assert_send::<Job>();
        assert_send::<Sink>();
        assert_send_sync::<CancelToken>();
        assert_send::<Generation>();
    }

    #[test]
    fn kinds_round_trip() {
        for code in [-12, -2, 0, 401, 422, 504, 999] {
            assert_eq!(ErrorKind::from_code(code).code(), code);
        }
        assert_eq!(ErrorKind::from_code(422), ErrorKind::ContentFiltered);
        assert_eq!(Endpoint::from_name("text-to-video"), Some(Endpoint::TextToVideo));
        assert_eq!(Endpoint::Extend.name(), "extend");
        assert!(!version().is_empty());
    }

    #[test]
    fn nul_bytes_are_refused() {
        let mut r = Request::new(Endpoint::TextToVideo).unwrap();
        assert_eq!(r.set_prompt("a\0b").unwrap_err().kind(), ErrorKind::Invalid);
    }

    #[test]
    fn memory_sink() {
        let s = Sink::memory(16).unwrap();
        assert_eq!(s.data(), Some(&[][..]));
        assert_eq!(s.bytes_written(), 0);
    }

    #[test]
    fn a_refused_setter_says_why() {
        let mut r = Request::new(Endpoint::Retake).unwrap();
        let e = r.set_fps(24).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(e.field.as_deref(), Some("fps"));
        assert!(e.message.contains("not a field of retake"), "{}", e.message);
        r.set_video_uri("https://example.com/in.mp4").unwrap();
    }

    #[test]
    fn a_request_by_name() {
        let mut r = Request::new_by_name("video-compositing").unwrap();
        assert_eq!(r.endpoint(), None);
        assert_eq!(r.endpoint_name(), "video-compositing");
        r.set_fps(30).unwrap();
        assert_eq!(Request::new_by_name("../v1/upload").unwrap_err().kind(), ErrorKind::Invalid);
        assert_eq!(Request::new_by_name("extend").unwrap().endpoint(), Some(Endpoint::Extend));
    }
}
