//! `Error`, everything libltx reported about a failure, and `ErrorKind`, its class.

use std::ffi::CStr;
use std::fmt;
use std::os::raw::{c_char, c_int};
use std::sync::Arc;
use std::time::Duration;

use ltx_sys as sys;

/// The class of an error: one per `ltx_status` (see libltx(7), "ERROR CODES").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `LTX_EINVAL`: an argument is invalid.
    Invalid,
    /// `LTX_EREQUEST`: the request failed validation; nothing was sent.
    Request,
    /// `LTX_ENOMEM`: out of memory.
    NoMemory,
    /// `LTX_EIO`: local I/O failed (writing the output, reading input).
    Io,
    /// `LTX_ENETWORK`: DNS, connect, TLS, or a dropped connection.
    Network,
    /// `LTX_ETIMEDOUT`: connect timeout, stalled transfer or deadline reached.
    TimedOut,
    /// `LTX_ECANCELLED`: a callback asked to stop.
    Cancelled,
    /// `LTX_EPROTOCOL`: the server answered something the API does not define.
    Protocol,
    /// `LTX_EJOBFAILED`: the job ended in "failed".
    JobFailed,
    /// `LTX_ESINKFULL`: a memory sink reached its size cap.
    SinkFull,
    /// `LTX_EINIT`: ltx_global_init() failed.
    Init,
    /// `LTX_EHTTP`: an HTTP status with no class of its own.
    Http,
    /// `LTX_EHEADER`: a response header was larger than libcurl accepts.
    Header,
    /// `LTX_ETLS`: TLS verification failed (certificate, CA, host name).
    Tls,
    /// `LTX_EURL`: a URL is malformed.
    Url,
    /// 400 `invalid_request_error`.
    BadRequest,
    /// 401 `authentication_error`.
    Auth,
    /// 402 `insufficient_funds_error`.
    InsufficientFunds,
    /// 403 `permission_error`.
    Forbidden,
    /// 404 `not_found_error`: an unknown or expired job.
    NotFound,
    /// 413 `request_too_large`.
    TooLarge,
    /// 422 `content_filtered_error`.
    ContentFiltered,
    /// 429 `rate_limit_error` or `concurrency_limit_error`.
    RateLimited,
    /// 500 `api_error`.
    Server,
    /// 502: a proxy in front of the API failed.
    BadGateway,
    /// 503 `service_unavailable`.
    Unavailable,
    /// 504: the synchronous request timed out at the server.
    GatewayTimeout,
    /// A code this binding does not know.
    Other(i32),
}

const KINDS: &[(ErrorKind, c_int)] = &[
    (ErrorKind::Invalid, sys::LTX_EINVAL),
    (ErrorKind::Request, sys::LTX_EREQUEST),
    (ErrorKind::NoMemory, sys::LTX_ENOMEM),
    (ErrorKind::Io, sys::LTX_EIO),
    (ErrorKind::Network, sys::LTX_ENETWORK),
    (ErrorKind::TimedOut, sys::LTX_ETIMEDOUT),
    (ErrorKind::Cancelled, sys::LTX_ECANCELLED),
    (ErrorKind::Protocol, sys::LTX_EPROTOCOL),
    (ErrorKind::JobFailed, sys::LTX_EJOBFAILED),
    (ErrorKind::SinkFull, sys::LTX_ESINKFULL),
    (ErrorKind::Init, sys::LTX_EINIT),
    (ErrorKind::Http, sys::LTX_EHTTP),
    (ErrorKind::Header, sys::LTX_EHEADER),
    (ErrorKind::Tls, sys::LTX_ETLS),
    (ErrorKind::Url, sys::LTX_EURL),
    (ErrorKind::BadRequest, sys::LTX_EBADREQUEST),
    (ErrorKind::Auth, sys::LTX_EAUTH),
    (ErrorKind::InsufficientFunds, sys::LTX_EFUNDS),
    (ErrorKind::Forbidden, sys::LTX_EFORBIDDEN),
    (ErrorKind::NotFound, sys::LTX_ENOTFOUND),
    (ErrorKind::TooLarge, sys::LTX_ETOOLARGE),
    (ErrorKind::ContentFiltered, sys::LTX_ECONTENT),
    (ErrorKind::RateLimited, sys::LTX_ERATELIMIT),
    (ErrorKind::Server, sys::LTX_ESERVER),
    (ErrorKind::BadGateway, sys::LTX_EBADGATEWAY),
    (ErrorKind::Unavailable, sys::LTX_EUNAVAILABLE),
    (ErrorKind::GatewayTimeout, sys::LTX_EGATEWAYTIMEOUT),
];

impl ErrorKind {
    /// The kind of an `ltx_status` code.
    pub fn from_code(code: i32) -> ErrorKind {
        KINDS.iter().find(|(_, c)| *c == code).map(|(k, _)| *k).unwrap_or(ErrorKind::Other(code))
    }

    /// The `ltx_status` code.
    pub fn code(self) -> i32 {
        match self {
            ErrorKind::Other(c) => c,
            k => KINDS.iter().find(|(kk, _)| *kk == k).map(|(_, c)| *c).unwrap_or(0),
        }
    }

    /// `ltx_strerror()`: a short English description.
    pub fn description(self) -> String {
        // Safety: ltx_strerror() returns a static string for any code, never NULL.
        unsafe { CStr::from_ptr(sys::ltx_strerror(self.code())) }.to_string_lossy().into_owned()
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description())
    }
}

/// Everything libltx reported about a failure (`ltx_error`): its class
/// ([`kind`](Error::kind)), the HTTP status, the API's error type and message,
/// the request id, the job it concerns, and whether the server may have run (and
/// will bill) the generation. Plain owned data: `Send`, `Sync` and `Clone`.
///
/// The details live in one box, so that an `Error` is a pointer wide and a
/// `Result<T, Error>` stays small on the happy path (clippy's `result_large_err`).
#[derive(Clone)]
pub struct Error(Box<Details>);

#[derive(Clone)]
struct Details {
    code: i32,
    http_status: u16,
    error_type: Option<String>,
    message: String,
    api_message: Option<String>,
    request_id: Option<String>,
    job_id: Option<String>,
    field: Option<String>,
    possibly_executed: bool,
    retry_after: Option<Duration>,
    attempts: u32,
    transport_message: Option<String>,
    body: Option<Vec<u8>>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// The class of the error.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_code(self.0.code)
    }

    /// The `ltx_status` code (`422`, `-6`, ...); [`kind`](Error::kind) is its class.
    pub fn code(&self) -> i32 {
        self.0.code
    }

    /// The HTTP status the server answered, or None when none was received.
    pub fn http_status(&self) -> Option<u16> {
        Some(self.0.http_status).filter(|s| *s != 0)
    }

    /// The API's `error.type` (`"content_filtered_error"`), verbatim.
    pub fn error_type(&self) -> Option<&str> {
        self.0.error_type.as_deref()
    }

    /// The full message, naming the request id when there is one.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The API's `error.message` as the server sent it.
    pub fn api_message(&self) -> Option<&str> {
        self.0.api_message.as_deref()
    }

    /// The `x-request-id` response header: quote it to LTX support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The job the error concerns (a failed job, a deadline reached while waiting):
    /// resume it with [`Client::open_job`](crate::Client::open_job).
    pub fn job_id(&self) -> Option<&str> {
        self.0.job_id.as_deref()
    }

    /// The request field that failed validation (`"duration"`).
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The server may have started, and will bill, a generation although the call failed:
    /// check [`job_id`](Error::job_id) before sending the request again.
    pub fn possibly_executed(&self) -> bool {
        self.0.possibly_executed
    }

    /// Retry-After of the last answer.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// How many HTTP attempts the failing operation made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The transport's (libcurl's) own error text.
    pub fn transport_message(&self) -> Option<&str> {
        self.0.transport_message.as_deref()
    }

    /// A bounded copy (at most 64 KiB) of the response body that came with the error.
    pub fn body(&self) -> Option<&[u8]> {
        self.0.body.as_deref()
    }

    /// A deadline or timeout: the client's deadline, a connect or stall timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::TimedOut
    }

    /// Stopped by a cancel token or a callback that asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.kind() == ErrorKind::Cancelled
    }

    /// An error the API answered with an HTTP status (400 ... 504).
    pub fn is_status(&self) -> bool {
        self.0.http_status != 0
    }

    /// An error with only a code (for calls that report no details).
    pub(crate) fn from_code(code: c_int) -> Error {
        Error::with_message(code, ErrorKind::from_code(code).description())
    }

    pub(crate) fn with_message(code: c_int, message: String) -> Error {
        Error(Box::new(Details {
            code,
            http_status: 0,
            error_type: None,
            message,
            api_message: None,
            request_id: None,
            job_id: None,
            field: None,
            possibly_executed: false,
            retry_after: None,
            attempts: 0,
            transport_message: None,
            body: None,
            source: None,
        }))
    }

    pub(crate) fn invalid(message: String) -> Error {
        Error::with_message(sys::LTX_EINVAL, message)
    }

    pub(crate) fn set_field(&mut self, field: Option<String>) {
        self.0.field = field;
    }

    /// This error, of class `code`, caused by `source` (a writer's io::Error).
    pub(crate) fn caused_by(mut self, code: c_int, message: String,
                            source: Arc<dyn std::error::Error + Send + Sync>) -> Error {
        self.0.code = code;
        self.0.message = message;
        self.0.source = Some(source);
        self
    }

    /// Copies a borrowed `ltx_error` (which may be NULL) for the failed status `rc`.
    ///
    /// Safety: `e` is NULL or a valid `ltx_error`.
    pub(crate) unsafe fn copy(rc: c_int, e: *const sys::ltx_error) -> Error {
        if e.is_null() {
            return Error::from_code(rc);
        }
        let mut body_len = 0usize;
        let body = sys::ltx_error_body(e, &mut body_len);
        let retry_after = sys::ltx_error_retry_after_ms(e);
        let code = match sys::ltx_error_code(e) {
            sys::LTX_OK => rc,
            c => c,
        };
        Error(Box::new(Details {
            code,
            http_status: u16::try_from(sys::ltx_error_http_status(e)).unwrap_or(0),
            error_type: opt_string(sys::ltx_error_type(e)),
            message: opt_string(sys::ltx_error_message(e))
                .unwrap_or_else(|| ErrorKind::from_code(code).description()),
            api_message: opt_string(sys::ltx_error_api_message(e)),
            request_id: opt_string(sys::ltx_error_request_id(e)),
            job_id: opt_string(sys::ltx_error_job_id(e)),
            field: opt_string(sys::ltx_error_field(e)),
            possibly_executed: sys::ltx_error_possibly_executed(e) != 0,
            retry_after: u64::try_from(retry_after).ok().map(Duration::from_millis),
            attempts: sys::ltx_error_attempts(e),
            transport_message: opt_string(sys::ltx_error_transport_message(e)),
            body: if body.is_null() {
                None
            } else {
                Some(std::slice::from_raw_parts(body as *const u8, body_len).to_vec())
            },
            source: None,
        }))
    }

    /// Copies and frees an `ltx_error` (which may be NULL) for the failed status `rc`.
    ///
    /// Safety: `err` is NULL or an `ltx_error` the caller owns; it is freed here.
    pub(crate) unsafe fn take(rc: c_int, err: *mut sys::ltx_error) -> Error {
        let out = Error::copy(rc, err);
        if !err.is_null() {
            sys::ltx_error_free(err);
        }
        out
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.kind()).field("code", &d.code).field("message", &d.message);
        if d.http_status != 0 {
            s.field("http_status", &d.http_status);
        }
        for (name, v) in [("error_type", &d.error_type), ("request_id", &d.request_id),
                          ("job_id", &d.job_id), ("field", &d.field)] {
            if let Some(v) = v {
                s.field(name, v);
            }
        }
        if d.possibly_executed {
            s.field("possibly_executed", &true);
        }
        if let Some(src) = &d.source {
            s.field("source", src);
        }
        s.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ltx: {}", self.0.message)?;
        if let Some(src) = &self.0.source {
            write!(f, ": {}", src)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_ref().map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

impl From<Error> for std::io::Error {
    /// For code that returns io::Result: timeouts become `TimedOut`, cancellations
    /// `Interrupted`, local I/O `Other`; the ltx::Error is kept as the inner error.
    fn from(e: Error) -> std::io::Error {
        let kind = match e.kind() {
            ErrorKind::TimedOut => std::io::ErrorKind::TimedOut,
            ErrorKind::Cancelled => std::io::ErrorKind::Interrupted,
            ErrorKind::Invalid | ErrorKind::Request => std::io::ErrorKind::InvalidInput,
            _ => std::io::ErrorKind::Other,
        };
        std::io::Error::new(kind, e)
    }
}

/// A borrowed C string as an owned `String`, or None for NULL.
///
/// Safety: `s` is NULL or a valid NUL-terminated string.
pub(crate) unsafe fn opt_string(s: *const c_char) -> Option<String> {
    if s.is_null() {
        None
    } else {
        Some(CStr::from_ptr(s).to_string_lossy().into_owned())
    }
}
