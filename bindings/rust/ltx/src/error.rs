//! `Error`, everything libltx reported about a failure, and `ErrorKind`, its class.

use std::ffi::CStr;
use std::fmt;
use std::os::raw::{c_char, c_int};
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

/// Everything libltx reported about a failure (`ltx_error`). Plain owned data:
/// `Send`, `Sync` and `Clone`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    /// The `ltx_status` code; `kind()` is its class.
    pub code: i32,
    /// The HTTP status the server answered, 0 when none was received.
    pub http_status: u16,
    /// The API's `error.type` (`"content_filtered_error"`), verbatim.
    pub error_type: Option<String>,
    /// The full message, naming the request id when there is one.
    pub message: String,
    /// The API's `error.message` as the server sent it.
    pub api_message: Option<String>,
    /// The `x-request-id` response header: quote it to LTX support.
    pub request_id: Option<String>,
    /// The job the error concerns (a failed job, a cancelled wait).
    pub job_id: Option<String>,
    /// The request field that failed validation (`"duration"`).
    pub field: Option<String>,
    /// The server may have started, and will bill, a generation although the call failed.
    pub possibly_executed: bool,
    /// Retry-After of the last answer.
    pub retry_after: Option<Duration>,
    /// How many HTTP attempts the failing operation made (0 when none was sent).
    pub attempts: u32,
    /// The transport's (libcurl's) own error text.
    pub transport_message: Option<String>,
    /// A bounded copy (at most 64 KiB) of the response body that came with the error.
    pub body: Option<Vec<u8>>,
}

impl Error {
    /// The class of the error.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_code(self.code)
    }

    /// An error with only a code (for calls that report no details).
    pub(crate) fn from_code(code: c_int) -> Error {
        Error::with_message(code, ErrorKind::from_code(code).description())
    }

    pub(crate) fn with_message(code: c_int, message: String) -> Error {
        Error {
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
        }
    }

    pub(crate) fn invalid(message: String) -> Error {
        Error::with_message(sys::LTX_EINVAL, message)
    }

    /// Copies and frees an `ltx_error` (which may be NULL) for the failed status `rc`.
    ///
    /// Safety: `err` is NULL or an `ltx_error` the caller owns; it is freed here.
    pub(crate) unsafe fn take(rc: c_int, err: *mut sys::ltx_error) -> Error {
        if err.is_null() {
            return Error::from_code(rc);
        }
        let e = err as *const sys::ltx_error;
        let mut body_len = 0usize;
        let body = sys::ltx_error_body(e, &mut body_len);
        let retry_after = sys::ltx_error_retry_after_ms(e);
        let code = match sys::ltx_error_code(e) {
            sys::LTX_OK => rc,
            c => c,
        };
        let out = Error {
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
        };
        sys::ltx_error_free(err);
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ltx: {}", self.message)
    }
}

impl std::error::Error for Error {}

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
