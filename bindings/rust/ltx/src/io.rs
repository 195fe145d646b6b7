//! Output to any `std::io::Write` (through a libltx callback sink), uploads, and the
//! client's log callback.

use std::io::Write;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::Arc;

use ltx_sys as sys;

use crate::error::opt_string;
use crate::{
    call_with_progress, check, check_err, path_cstring, CancelToken, Client, Error, ErrorKind, Job,
    ProgressFn, Request, Result, Sink,
};

struct WriterCtx<'a> {
    w: &'a mut dyn Write,
    err: Option<std::io::Error>,
    panic: Option<Box<dyn std::any::Any + Send + 'static>>,
}

unsafe extern "C" fn write_trampoline(data: *const c_void, len: usize, userdata: *mut c_void) -> c_int {
    // Safety: userdata is the WriterCtx that with_writer() lent for this call.
    let ctx = &mut *(userdata as *mut WriterCtx<'_>);
    if ctx.err.is_some() || ctx.panic.is_some() {
        return 1;
    }
    let buf = if len == 0 || data.is_null() {
        &[][..]
    } else {
        // Safety: libltx lends len bytes at data for the duration of the call.
        std::slice::from_raw_parts(data as *const u8, len)
    };
    let w = &mut ctx.w;
    // Unwinding into C is undefined behaviour: catch, stop the transfer, resume later.
    match panic::catch_unwind(AssertUnwindSafe(|| w.write_all(buf))) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            ctx.err = Some(e);
            1
        }
        Err(payload) => {
            ctx.panic = Some(payload);
            1
        }
    }
}

/// Runs `call` with a callback sink that hands each chunk to `w` as it arrives, then
/// flushes `w`. Returns the bytes delivered. A write error stops the transfer and
/// becomes an [`ErrorKind::Io`] whose `source()` is that error.
fn with_writer<F>(w: &mut dyn Write, call: F) -> Result<u64>
where
    F: FnOnce(&mut Sink) -> Result<()>,
{
    let mut ctx = WriterCtx { w, err: None, panic: None };
    let mut raw = ptr::null_mut();
    let ud = &mut ctx as *mut WriterCtx<'_> as *mut c_void;
    // Safety: a valid out-pointer; ctx outlives the sink, which is freed below.
    check(unsafe { sys::ltx_sink_new_callback(&mut raw, Some(write_trampoline), ud) })?;
    let mut sink = Sink { raw: NonNull::new(raw).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))? };
    let result = call(&mut sink);
    let n = sink.bytes_written();
    drop(sink);
    if let Some(payload) = ctx.panic.take() {
        panic::resume_unwind(payload);
    }
    match (result, ctx.err.take()) {
        (Err(e), Some(io)) if e.kind() == ErrorKind::Cancelled => {
            Err(e.caused_by(sys::LTX_EIO, "writing the output failed".to_string(), Arc::new(io)))
        }
        (Err(e), _) => Err(e),
        (Ok(()), _) => match ctx.w.flush() {
            Ok(()) => Ok(n),
            Err(io) => Err(Error::from_code(sys::LTX_EIO).caused_by(
                sys::LTX_EIO, "flushing the output failed".to_string(), Arc::new(io))),
        },
    }
}

impl Client {
    /// [`generate`](Client::generate) streaming the video into any writer (a `File`, a
    /// `Vec<u8>`, a socket, a hasher) as it arrives, one chunk at a time: memory stays
    /// bounded whatever the size. Returns the bytes written. A call that fails part way
    /// leaves what was already written in `w` (a path, through `generate`, never does).
    pub fn generate_to_writer<W: Write + ?Sized>(&self, req: &Request, w: &mut W,
                                                 progress: Option<ProgressFn<'_>>) -> Result<u64> {
        let mut w = w;
        with_writer(&mut w, |sink| self.generate_to(req, sink, progress))
    }

    /// [`generate`](Client::generate) into memory, failing with [`ErrorKind::SinkFull`]
    /// rather than holding more than `max_bytes`.
    pub fn generate_bytes(&self, req: &Request, max_bytes: usize,
                          progress: Option<ProgressFn<'_>>) -> Result<Vec<u8>> {
        let mut sink = Sink::memory(max_bytes)?;
        self.generate_to(req, &mut sink, progress)?;
        Ok(sink.data().map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Upload a local file to the API's storage (`POST /v1/upload`, then the PUT it
    /// names), for use as a media URI in later requests until it expires. Requests
    /// given [`Request::set_input_file`] do this by themselves. `cancel` stops it
    /// within about 100 ms.
    pub fn upload_file(&self, path: impl AsRef<Path>, cancel: Option<&CancelToken>) -> Result<Upload> {
        let p = path_cstring(path.as_ref())?;
        let mut raw = ptr::null_mut();
        let mut err = ptr::null_mut();
        let c = cancel.map_or(ptr::null_mut(), |t| t.0.raw.as_ptr());
        // Safety: live handles, a valid C string and out-pointers; err is ours afterwards.
        unsafe {
            check_err(sys::ltx_upload_file(&mut raw, self.raw.as_ptr(), p.as_ptr(), c, &mut err), err)?;
            let up = Upload {
                storage_uri: opt_string(sys::ltx_upload_storage_uri(raw)).unwrap_or_default(),
                expires_at: opt_string(sys::ltx_upload_expires_at(raw)),
            };
            sys::ltx_upload_free(raw);
            Ok(up)
        }
    }

    /// Send the client's log lines at `level` and more severe to `f`, which runs on the
    /// thread that made the call, during the call (a shared client calls it from each of
    /// its threads). Lines never contain the API key, the Authorization header, prompts or
    /// media URIs. A panic in `f` is caught and the line dropped (it cannot unwind through C).
    pub fn set_logger<F>(&mut self, level: LogLevel, f: F) -> Result<()>
    where
        F: Fn(LogLevel, &str) + Send + Sync + 'static,
    {
        let boxed: Box<Box<LoggerFn>> = Box::new(Box::new(f));
        let ud = &*boxed as *const Box<LoggerFn> as *mut c_void;
        // Safety: a live handle; the logger lives in self until replaced or the client is
        // dropped, which detaches it first.
        check(unsafe { sys::ltx_client_set_log(self.raw.as_ptr(), level as c_int, Some(log_trampoline), ud) })?;
        self.logger = Some(boxed);
        Ok(())
    }

    /// Turn the logger off.
    pub fn clear_logger(&mut self) {
        // Safety: a live handle.
        unsafe { sys::ltx_client_set_log(self.raw.as_ptr(), 0, None, ptr::null_mut()) };
        self.logger = None;
    }
}

impl Job {
    /// [`download`](Job::download) streaming into any writer; returns the bytes written.
    pub fn download_to_writer<W: Write + ?Sized>(&mut self, w: &mut W,
                                                 progress: Option<ProgressFn<'_>>) -> Result<u64> {
        let raw = self.raw.as_ptr();
        let mut w = w;
        with_writer(&mut w, |sink| {
            // Safety: live handles; the callback and userdata outlive the call.
            call_with_progress(progress, |f, ud, err| unsafe {
                sys::ltx_job_download(raw, sink.raw.as_ptr(), f, ud, err)
            })
        })
    }
}

/// A file uploaded by [`Client::upload_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    storage_uri: String,
    expires_at: Option<String>,
}

impl Upload {
    /// The URI to give a media field (`"ltx://..."`).
    pub fn storage_uri(&self) -> &str {
        &self.storage_uri
    }

    /// When the upload expires (ISO 8601), as the API said.
    pub fn expires_at(&self) -> Option<&str> {
        self.expires_at.as_deref()
    }
}

/// The severity of a log line (`ltx_log_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(i32)]
pub enum LogLevel {
    Error = sys::LTX_LOG_ERROR,
    Warn = sys::LTX_LOG_WARN,
    Info = sys::LTX_LOG_INFO,
    Debug = sys::LTX_LOG_DEBUG,
}

pub(crate) type LoggerFn = dyn Fn(LogLevel, &str) + Send + Sync;

unsafe extern "C" fn log_trampoline(level: c_int, line: *const c_char, userdata: *mut c_void) {
    // Safety: userdata is the Box<LoggerFn> the client holds while it is attached.
    let f = &*(userdata as *const Box<LoggerFn>);
    let level = match level {
        sys::LTX_LOG_ERROR => LogLevel::Error,
        sys::LTX_LOG_WARN => LogLevel::Warn,
        sys::LTX_LOG_INFO => LogLevel::Info,
        _ => LogLevel::Debug,
    };
    let line = opt_string(line).unwrap_or_default();
    let _ = panic::catch_unwind(AssertUnwindSafe(|| f(level, &line)));
}

/// What sending a request would cost, from the built-in price table (no network):
/// [`Request::estimate_cost`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Estimate {
    /// The price in millionths of a US dollar; None when the table does not know it.
    pub micro_usd: Option<i64>,
    /// One line for people: `"6 s x $0.06/s (ltx-2-3-fast, 1080p, text-to-video)"`, or why
    /// the price is unknown.
    pub basis: String,
    /// The source of the price row used.
    pub source: Option<String>,
    /// The date of the row used, or the table's date when the price is unknown.
    pub date: Option<String>,
}

impl Request {
    /// Estimate what sending this request would cost (`ltx_request_estimate_cost`, built-in
    /// table). The request is validated first ([`ErrorKind::Request`]); an unknown price is
    /// Ok with `micro_usd` None. Local input files are read for input-priced endpoints.
    pub fn estimate_cost(&self) -> Result<Estimate> {
        let mut raw = ptr::null_mut();
        let mut err = ptr::null_mut();
        // Safety: a live handle and valid out-pointers; the estimate is copied, then freed.
        unsafe {
            check_err(sys::ltx_request_estimate_cost(&mut raw, self.raw.as_ptr(), ptr::null(), &mut err), err)?;
            let est = Estimate {
                micro_usd: Some(sys::ltx_estimate_micro_usd(raw)).filter(|_| sys::ltx_estimate_known(raw) != 0),
                basis: opt_string(sys::ltx_estimate_basis(raw)).unwrap_or_default(),
                source: opt_string(sys::ltx_estimate_source(raw)),
                date: opt_string(sys::ltx_estimate_date(raw)),
            };
            sys::ltx_estimate_free(raw);
            Ok(est)
        }
    }
}

/// The duration of a local MP4/MOV, WAV or MP3 file, read from its headers
/// (`ltx_media_duration_ms`).
pub fn media_duration(path: impl AsRef<Path>) -> Result<std::time::Duration> {
    let p = path_cstring(path.as_ref())?;
    let mut ms = 0i64;
    let mut err = ptr::null_mut();
    // Safety: valid out-pointers and C string.
    unsafe { check_err(sys::ltx_media_duration_ms(&mut ms, p.as_ptr(), &mut err), err)? };
    Ok(std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}
