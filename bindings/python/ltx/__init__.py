"""Python binding of libltx, the C client library for the LTX video generation API.

A thin layer over the C API through cffi in ABI mode: nothing is compiled.
The shared library is ``$LTX_LIBRARY`` when set (a full path), else ``libltx.so.0``.

    import ltx
    ltx.generate("A lighthouse at dusk", "ltx-2-3-fast", 6, "1920x1080", "out.mp4")
"""

import atexit
import enum
import json
import os
import threading
import weakref
from dataclasses import dataclass

from cffi import FFI

__all__ = [
    "generate", "Client", "Request", "Job", "Progress", "Stage", "JobState", "version",
    "LtxError", "InvalidRequestError", "AuthenticationError", "PermissionDeniedError",
    "InsufficientFundsError", "NotFoundError", "RequestTooLargeError", "ContentFilteredError",
    "RateLimitError", "ServerError", "NetworkError", "LtxTimeoutError", "LtxCancelledError",
    "ProtocolError", "JobFailedError", "OutputError", "OutOfMemoryError",
]

__version__ = "0.1.0"

ffi = FFI()
ffi.cdef("""
typedef struct ltx_client ltx_client;
typedef struct ltx_request ltx_request;
typedef struct ltx_job ltx_job;
typedef struct ltx_sink ltx_sink;
typedef struct ltx_error ltx_error;
typedef struct ltx_progress ltx_progress;

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
    LTX_STAGE_SUBMITTED = 1, LTX_STAGE_WAITING = 2, LTX_STAGE_DOWNLOADING = 3
} ltx_stage;

typedef int (*ltx_progress_fn)(const ltx_progress *p, void *userdata);

void ltx_free(void *ptr);
const char *ltx_version(void);
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

int ltx_endpoint_from_name(const char *name);
const char *ltx_endpoint_name(int endpoint);
int ltx_request_new(ltx_request **out, int endpoint);
void ltx_request_free(ltx_request *req);
int ltx_request_endpoint(const ltx_request *req);
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
int ltx_request_set_json(ltx_request *req, const char *name, const char *json);
int ltx_request_set_sync(ltx_request *req, int sync);
int ltx_request_sync(const ltx_request *req);
int ltx_request_validate(const ltx_request *req, ltx_error **err);
int ltx_request_to_json(const ltx_request *req, char **out, ltx_error **err);

int ltx_sink_new_path(ltx_sink **out, const char *path);
void ltx_sink_free(ltx_sink *sink);

int ltx_progress_stage(const ltx_progress *p);
const char *ltx_progress_job_id(const ltx_progress *p);
const char *ltx_progress_status(const ltx_progress *p);
uint64_t ltx_progress_bytes(const ltx_progress *p);
uint64_t ltx_progress_total(const ltx_progress *p);
uint64_t ltx_progress_elapsed_ms(const ltx_progress *p);

int ltx_generate(ltx_client *client, const ltx_request *req, ltx_sink *sink,
                 ltx_progress_fn progress, void *userdata, ltx_error **err);
int ltx_submit(ltx_client *client, const ltx_request *req, ltx_job **out, ltx_error **err);
int ltx_job_open(ltx_client *client, const char *endpoint, const char *id, ltx_job **out,
                 ltx_error **err);
void ltx_job_free(ltx_job *job);
const char *ltx_job_id(const ltx_job *job);
const char *ltx_job_endpoint(const ltx_job *job);
int ltx_job_state(const ltx_job *job);
const char *ltx_job_status(const ltx_job *job);
const char *ltx_job_result_url(const ltx_job *job);
const char *ltx_job_error_type(const ltx_job *job);
const char *ltx_job_error_message(const ltx_job *job);
int ltx_job_refresh(ltx_job *job, ltx_error **err);
int ltx_job_wait(ltx_job *job, uint32_t poll_interval_ms, ltx_progress_fn progress,
                 void *userdata, ltx_error **err);
int ltx_job_download(ltx_job *job, ltx_sink *sink, ltx_progress_fn progress,
                     void *userdata, ltx_error **err);
""")

lib = ffi.dlopen(os.environ.get("LTX_LIBRARY") or "libltx.so.0")

NO_LIMIT = 0xFFFFFFFF  # LTX_NO_LIMIT: for any *_ms setting that accepts it


def version():
    """The version of the libltx loaded at run time, "X.Y.Z"."""
    return _str(lib.ltx_version())


# ----------------------------------------------------------------------------- helpers

def _str(p):
    """A borrowed C string as str (UTF-8), or None for NULL."""
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")


def _bytes(s):
    if isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


# ----------------------------------------------------------------------------- errors

class LtxError(Exception):
    """A libltx failure: ``code`` is the ltx_status, the rest comes from the ltx_error."""

    def __init__(self, message, code=0, http_status=0, error_type=None, request_id=None,
                 job_id=None, possibly_executed=False, field=None, retry_after_ms=None,
                 attempts=0, api_message=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.error_type = error_type
        self.api_message = api_message
        self.request_id = request_id
        self.job_id = job_id
        self.possibly_executed = possibly_executed
        self.field = field
        self.retry_after_ms = retry_after_ms
        self.attempts = attempts


class InvalidRequestError(LtxError):
    """The request failed validation (nothing was sent), an argument was invalid, or 400."""


class AuthenticationError(LtxError):
    """401: the API key is missing or invalid."""


class InsufficientFundsError(LtxError):
    """402."""


class PermissionDeniedError(LtxError):
    """403."""


class NotFoundError(LtxError):
    """404: an unknown or expired job."""


class RequestTooLargeError(LtxError):
    """413."""


class ContentFilteredError(LtxError):
    """422: the content filter refused the request."""


class RateLimitError(LtxError):
    """429: see ``retry_after_ms``."""


class ServerError(LtxError):
    """500, 502, 503, 504 or another HTTP status without a class of its own."""


class NetworkError(LtxError):
    """DNS, connect or TLS failed, or a connection dropped."""


class LtxTimeoutError(LtxError):
    """Connect timeout, stalled transfer or the call's deadline."""


class LtxCancelledError(LtxError):
    """A progress callback asked to stop. The job keeps running on the server (``job_id``)."""


class ProtocolError(LtxError):
    """The server answered something the API does not define."""


class JobFailedError(LtxError):
    """The job ended in "failed"; see ``error_type`` and ``message``."""


class OutputError(LtxError):
    """Writing the output failed."""


class OutOfMemoryError(LtxError):
    """libltx ran out of memory."""


_ERROR_CLASSES = {
    lib.LTX_EINVAL: InvalidRequestError,
    lib.LTX_EREQUEST: InvalidRequestError,
    lib.LTX_EBADREQUEST: InvalidRequestError,
    lib.LTX_ENOMEM: OutOfMemoryError,
    lib.LTX_EIO: OutputError,
    lib.LTX_ESINKFULL: OutputError,
    lib.LTX_ENETWORK: NetworkError,
    lib.LTX_ETIMEDOUT: LtxTimeoutError,
    lib.LTX_ECANCELLED: LtxCancelledError,
    lib.LTX_EPROTOCOL: ProtocolError,
    lib.LTX_EHEADER: ProtocolError,
    lib.LTX_ETLS: NetworkError,
    lib.LTX_EURL: InvalidRequestError,
    lib.LTX_EJOBFAILED: JobFailedError,
    lib.LTX_EHTTP: ServerError,
    lib.LTX_EAUTH: AuthenticationError,
    lib.LTX_EFUNDS: InsufficientFundsError,
    lib.LTX_EFORBIDDEN: PermissionDeniedError,
    lib.LTX_ENOTFOUND: NotFoundError,
    lib.LTX_ETOOLARGE: RequestTooLargeError,
    lib.LTX_ECONTENT: ContentFilteredError,
    lib.LTX_ERATELIMIT: RateLimitError,
}


def _error_class(code):
    cls = _ERROR_CLASSES.get(code)
    if cls is None:
        cls = ServerError if code >= 400 else LtxError
    return cls


def _take_error(rc, err):
    """Build the exception for status rc from *err (may be NULL) and free *err."""
    e = err[0] if err is not None else ffi.NULL
    try:
        if e == ffi.NULL:
            return _error_class(rc)(_str(lib.ltx_strerror(rc)), code=rc)
        code = lib.ltx_error_code(e) or rc
        retry_after = lib.ltx_error_retry_after_ms(e)
        return _error_class(code)(
            _str(lib.ltx_error_message(e)),
            code=code,
            http_status=lib.ltx_error_http_status(e),
            error_type=_str(lib.ltx_error_type(e)),
            api_message=_str(lib.ltx_error_api_message(e)),
            request_id=_str(lib.ltx_error_request_id(e)),
            job_id=_str(lib.ltx_error_job_id(e)),
            possibly_executed=bool(lib.ltx_error_possibly_executed(e)),
            field=_str(lib.ltx_error_field(e)),
            retry_after_ms=None if retry_after < 0 else retry_after,
            attempts=lib.ltx_error_attempts(e),
        )
    finally:
        if e != ffi.NULL:
            lib.ltx_error_free(e)
            err[0] = ffi.NULL


def _check(rc):
    """For calls without an ltx_error argument (setters)."""
    if rc != lib.LTX_OK:
        raise _take_error(rc, None)


# ----------------------------------------------------------------------------- progress

class Stage(enum.IntEnum):
    SUBMITTED = 1    # the job id is known: persist it to resume later
    WAITING = 2      # after each poll: ``status``
    DOWNLOADING = 3  # ``bytes`` / ``total`` arrived


class JobState(enum.IntEnum):
    SUBMITTED = 0
    PENDING = 1
    PROCESSING = 2
    COMPLETED = 3
    FAILED = 4
    UNKNOWN = 5


@dataclass(frozen=True)
class Progress:
    """What a progress callback is told. Return True from the callback to cancel."""
    stage: Stage
    job_id: str = None
    status: str = None
    bytes: int = 0
    total: int = 0
    elapsed_ms: int = 0


class _Call:
    """Per-call state behind the C userdata pointer: the Python callback and
    an exception it raised, which must not cross into C."""

    def __init__(self, fn):
        self.fn = fn
        self.exc = None

    def run(self, c_call, *args):
        """Call c_call(*args, progress_fn, userdata, &err); raise on failure."""
        err = ffi.new("ltx_error **")
        handle = ffi.new_handle(self)  # alive until the call returns
        cb = _progress_trampoline if self.fn is not None else ffi.NULL
        rc = c_call(*args, cb, handle, err)
        if self.exc is not None:
            exc, self.exc = self.exc, None
            if err[0] != ffi.NULL:
                lib.ltx_error_free(err[0])
            raise exc
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)


def _progress_onerror(exc_type, exc_value, tb):
    return 1  # cancel: from_handle or the store itself failed


@ffi.callback("int(const ltx_progress *, void *)", onerror=_progress_onerror)
def _progress_trampoline(p, userdata):
    call = ffi.from_handle(userdata)
    try:
        info = Progress(
            stage=Stage(lib.ltx_progress_stage(p)),
            job_id=_str(lib.ltx_progress_job_id(p)),
            status=_str(lib.ltx_progress_status(p)),
            bytes=lib.ltx_progress_bytes(p),
            total=lib.ltx_progress_total(p),
            elapsed_ms=lib.ltx_progress_elapsed_ms(p),
        )
        return 1 if call.fn(info) else 0
    except BaseException as e:  # noqa: B902 - re-raised after the C call returns
        call.exc = e
        return 1


# ----------------------------------------------------------------------------- handles

_live = weakref.WeakSet()  # handles to free before ltx_global_cleanup() at exit
_live_lock = threading.Lock()


class _Handle:
    """Owns one C object, freed by close() or, failing that, by the garbage collector."""
    _ptr = ffi.NULL

    def _own(self, ptr, free):
        self._ptr = ffi.gc(ptr, free)
        with _live_lock:
            _live.add(self)

    def _p(self):
        if self._ptr == ffi.NULL:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr

    def close(self):
        ptr, self._ptr = self._ptr, ffi.NULL
        if ptr != ffi.NULL:
            ffi.release(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_SETTERS = {
    "prompt": lib.ltx_request_set_prompt,
    "model": lib.ltx_request_set_model,
    "resolution": lib.ltx_request_set_resolution,
    "camera_motion": lib.ltx_request_set_camera_motion,
    "image_uri": lib.ltx_request_set_image_uri,
    "last_frame_uri": lib.ltx_request_set_last_frame_uri,
    "audio_uri": lib.ltx_request_set_audio_uri,
    "video_uri": lib.ltx_request_set_video_uri,
    "mode": lib.ltx_request_set_mode,
    "fps": lib.ltx_request_set_fps,
    "start_time": lib.ltx_request_set_start_time,
    "guidance_scale": lib.ltx_request_set_guidance_scale,
    "context": lib.ltx_request_set_context,
}


class Request(_Handle):
    """A generation request. Keyword arguments map to the typed setters
    (prompt, model, duration, resolution, fps, generate_audio, camera_motion,
    image_uri, last_frame_uri, audio_uri, video_uri, start_time,
    guidance_scale, mode, context); any other name is sent as JSON.
    None leaves a field unset; duration="auto" asks for automatic length."""

    def __init__(self, endpoint="text-to-video", *, sync=False, **fields):
        ep = lib.ltx_endpoint_from_name(_bytes(endpoint))
        if ep == 0:
            raise InvalidRequestError("unknown endpoint %r" % (endpoint,), code=lib.LTX_EINVAL,
                                      field="endpoint")
        out = ffi.new("ltx_request **")
        _check(lib.ltx_request_new(out, ep))
        self._own(out[0], lib.ltx_request_free)
        if sync:
            _check(lib.ltx_request_set_sync(self._ptr, 1))
        for name, value in fields.items():
            self.set(name, value)

    def set(self, name, value):
        """Set one field; returns self."""
        if value is None:
            return self
        req = self._p()
        if name == "duration":
            if value == "auto":
                _check(lib.ltx_request_set_duration_auto(req))
            else:
                _check(lib.ltx_request_set_duration(req, float(value)))
        elif name == "generate_audio":
            _check(lib.ltx_request_set_generate_audio(req, 1 if value else 0))
        elif name in _SETTERS:
            setter = _SETTERS[name]
            if isinstance(value, (str, bytes)):
                value = _bytes(value)
            _check(setter(req, value))
        else:
            _check(lib.ltx_request_set_json(req, _bytes(name), _bytes(json.dumps(value))))
        return self

    @property
    def endpoint(self):
        return _str(lib.ltx_endpoint_name(lib.ltx_request_endpoint(self._p())))

    @property
    def sync(self):
        return bool(lib.ltx_request_sync(self._p()))

    def validate(self):
        """Raise InvalidRequestError (with ``field``) when the request is invalid. No network."""
        err = ffi.new("ltx_error **")
        rc = lib.ltx_request_validate(self._p(), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)

    def to_json(self):
        """The JSON body the request sends, as str."""
        err = ffi.new("ltx_error **")
        out = ffi.new("char **")
        rc = lib.ltx_request_to_json(self._p(), out, err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        try:
            return _str(out[0])
        finally:
            lib.ltx_free(out[0])


def _into_path(path, fn):
    """Run fn(sink) with a path sink (temporary file renamed on success); return path."""
    path = os.fspath(path)
    out = ffi.new("ltx_sink **")
    _check(lib.ltx_sink_new_path(out, os.fsencode(path)))
    try:
        fn(out[0])
    finally:
        lib.ltx_sink_free(out[0])  # removes an uncommitted temporary file
    return os.fsdecode(path)


class Job(_Handle):
    """A v2 job on the server, from Client.submit() or Client.open_job()."""

    def __init__(self, ptr, client):
        self._client = client  # the C job holds its own reference; this keeps order at exit
        self._own(ptr, lib.ltx_job_free)

    id = property(lambda self: _str(lib.ltx_job_id(self._p())))
    endpoint = property(lambda self: _str(lib.ltx_job_endpoint(self._p())))
    state = property(lambda self: JobState(lib.ltx_job_state(self._p())))
    status = property(lambda self: _str(lib.ltx_job_status(self._p())),
                      doc="The raw status string of the last poll, or None before the first.")
    result_url = property(lambda self: _str(lib.ltx_job_result_url(self._p())))
    error_type = property(lambda self: _str(lib.ltx_job_error_type(self._p())))
    error_message = property(lambda self: _str(lib.ltx_job_error_message(self._p())))

    def refresh(self):
        """Poll once; returns the new state."""
        err = ffi.new("ltx_error **")
        rc = lib.ltx_job_refresh(self._p(), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        return self.state

    def wait(self, progress=None, poll_interval_ms=0):
        """Poll until completed (JobFailedError when failed), within the client's deadline."""
        _Call(progress).run(lib.ltx_job_wait, self._p(), poll_interval_ms)
        return self

    def download(self, path, progress=None):
        """Download the completed result to path (atomically); returns path."""
        job = self._p()
        return _into_path(path, lambda sink: _Call(progress).run(lib.ltx_job_download, job, sink))

    def __repr__(self):
        if self._ptr == ffi.NULL:
            return "<ltx.Job closed>"
        return "<ltx.Job %s/%s %s>" % (self.endpoint, self.id, self.state.name.lower())


class Client(_Handle):
    """An API client. ``api_key`` None reads LTX_API_KEY / LTXV_API_KEY, LTX_BASE_URL
    and LTX_LOG from the environment. Use as a context manager, or close()."""

    def __init__(self, api_key=None, base_url=None, *, poll_interval_ms=None,
                 deadline_ms=None, connect_timeout_ms=None, stall_timeout_ms=None,
                 max_retries=None):
        out = ffi.new("ltx_client **")
        err = ffi.new("ltx_error **")
        if api_key is None:
            rc = lib.ltx_client_new_from_env(out, err)
        else:
            rc = lib.ltx_client_new(out, _bytes(api_key), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        self._own(out[0], lib.ltx_client_free)
        c = self._ptr
        _check(lib.ltx_client_set_user_agent_suffix(c, b"ltx-python/" + __version__.encode()))
        if base_url is not None:
            _check(lib.ltx_client_set_base_url(c, _bytes(base_url)))
        if poll_interval_ms is not None:
            _check(lib.ltx_client_set_poll_interval_ms(c, poll_interval_ms))
        if deadline_ms is not None:
            _check(lib.ltx_client_set_deadline_ms(c, deadline_ms))
        if connect_timeout_ms is not None:
            _check(lib.ltx_client_set_connect_timeout_ms(c, connect_timeout_ms))
        if stall_timeout_ms is not None:
            _check(lib.ltx_client_set_stall_timeout_ms(c, stall_timeout_ms))
        if max_retries is not None:
            _check(lib.ltx_client_set_retry(c, max_retries, 500, 30000))

    def generate(self, prompt, model, duration, resolution, output, *, progress=None,
                 endpoint="text-to-video", sync=False, **fields):
        """Validate, submit, wait and download into output; returns the output path."""
        with Request(endpoint, sync=sync, prompt=prompt, model=model, duration=duration,
                     resolution=resolution, **fields) as req:
            return self.generate_request(req, output, progress=progress)

    def generate_request(self, request, output, *, progress=None):
        """ltx_generate() for a prepared Request; returns the output path."""
        client, req = self._p(), request._p()
        return _into_path(output, lambda sink: _Call(progress).run(
            lib.ltx_generate, client, req, sink))

    def submit(self, request):
        """Submit a v2 job; returns a Job as soon as the API accepted it."""
        out = ffi.new("ltx_job **")
        err = ffi.new("ltx_error **")
        rc = lib.ltx_submit(self._p(), request._p(), out, err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        return Job(out[0], self)

    def open_job(self, endpoint, id):
        """A Job for an id from an earlier submit (to resume). No network."""
        out = ffi.new("ltx_job **")
        err = ffi.new("ltx_error **")
        rc = lib.ltx_job_open(self._p(), _bytes(endpoint), _bytes(id), out, err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        return Job(out[0], self)


def generate(prompt, model, duration, resolution, output, *, fps=None, camera_motion=None,
             generate_audio=None, sync=False, api_key=None, base_url=None, progress=None,
             poll_interval_ms=None, endpoint="text-to-video", **fields):
    """Generate a video into output and return its path.

    ``api_key`` None reads the environment (LTX_API_KEY, LTX_BASE_URL).
    ``progress(p)`` receives a Progress; returning True cancels (LtxCancelledError).
    Other keyword arguments are request fields (see Request)."""
    with Client(api_key, base_url, poll_interval_ms=poll_interval_ms) as client:
        return client.generate(prompt, model, duration, resolution, output, progress=progress,
                               endpoint=endpoint, sync=sync, fps=fps,
                               camera_motion=camera_motion, generate_audio=generate_audio,
                               **fields)


# ----------------------------------------------------------------------------- process setup

_check(lib.ltx_global_init(0))  # LTX_GLOBAL_DEFAULT


@atexit.register
def _cleanup():
    with _live_lock:
        handles = list(_live)
    for h in handles:  # jobs and requests before their clients do not matter: C refcounts
        h.close()
    lib.ltx_global_cleanup()
