"""Python binding of libltx, the C client library for the LTX video generation API.

A thin layer over the C API through cffi in ABI mode: nothing is compiled.
The shared library is ``$LTX_LIBRARY`` when set (a full path), else ``libltx.so.0``.

    import ltx
    ltx.generate("A lighthouse at dusk", "ltx-2-3-fast", 6, "1920x1080", "out.mp4")
"""

import asyncio
import atexit
import enum
import json
import os
import threading
import warnings
import weakref
from dataclasses import dataclass

from cffi import FFI

__all__ = [
    "generate", "Client", "AsyncClient", "Request", "Job", "Cancel", "Progress", "Stage",
    "JobState", "version",
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
int ltx_client_set_poll_mode(ltx_client *client, int mode);
int ltx_client_set_retry(ltx_client *client, unsigned max_retries, uint32_t base_ms,
                         uint32_t cap_ms);
int ltx_client_set_user_agent_suffix(ltx_client *client, const char *suffix);

int ltx_endpoint_from_name(int *out, const char *name);
const char *ltx_endpoint_name(int endpoint);
int ltx_request_new(ltx_request **out, int endpoint);
int ltx_request_new_by_name(ltx_request **out, const char *endpoint_name);
void ltx_request_free(ltx_request *req);
int ltx_request_endpoint(const ltx_request *req);
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
int ltx_request_set_json(ltx_request *req, const char *name, const char *json);
int ltx_request_set_sync(ltx_request *req, int sync);
int ltx_request_sync(const ltx_request *req);
int ltx_request_validate(const ltx_request *req, ltx_error **err);
int ltx_request_to_json(char **out, const ltx_request *req, ltx_error **err);

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
int ltx_submit(ltx_job **out, ltx_client *client, const ltx_request *req, ltx_error **err);
int ltx_job_open_by_name(ltx_job **out, ltx_client *client, const char *endpoint_name,
                         const char *id, ltx_error **err);
void ltx_job_free(ltx_job *job);
const char *ltx_job_id(const ltx_job *job);
int ltx_job_endpoint(const ltx_job *job);
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
    """A progress callback or a Cancel handle stopped the call. The API has no cancel
    endpoint: an accepted job keeps running on the server and is billed (``job_id``).
    Ctrl-C raises KeyboardInterrupt instead (this error is its ``__cause__``)."""


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
        return _error_from(rc, e)
    finally:
        if e != ffi.NULL:
            lib.ltx_error_free(e)
            err[0] = ffi.NULL


def _error_from(rc, e):
    """The exception for status rc from the borrowed ltx_error e (may be NULL)."""
    if e == ffi.NULL:
        return _error_class(rc)(_str(lib.ltx_strerror(rc)), code=rc)
    if True:
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


def _check(rc):
    """For calls without an ltx_error argument (setters)."""
    if rc != lib.LTX_OK:
        raise _take_error(rc, None)


def _check_setter(req, rc):
    """For request setters: the reason they record (ltx_request_last_error) is the message."""
    if rc == lib.LTX_OK:
        return
    e = lib.ltx_request_last_error(req)
    if e == ffi.NULL:
        raise _take_error(rc, None)
    raise InvalidRequestError(_str(lib.ltx_error_message(e)), code=rc,
                              field=_str(lib.ltx_error_field(e)))


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


class Cancel(_Handle):
    """A cancel handle: ``trigger()`` from any thread (or a signal handler) stops every call
    given this handle (``cancel=``) within about 100 ms, with LtxCancelledError. The API has
    no cancel endpoint: an accepted job keeps running and is billed; the error's ``job_id``
    resumes it. ``reset()`` makes it usable again once no call uses it."""

    def __init__(self):
        out = ffi.new("ltx_cancel **")
        _check(lib.ltx_cancel_new(out))
        self._own(out[0], lib.ltx_cancel_free)

    def trigger(self):
        _check(lib.ltx_cancel_trigger(self._p()))

    def reset(self):
        _check(lib.ltx_cancel_reset(self._p()))

    @property
    def triggered(self):
        return bool(lib.ltx_cancel_triggered(self._p()))


def _interruptible(body, cancel):
    """Run body() (a blocking C call that watches the Cancel `cancel`).

    On the main thread the call runs on a helper thread while the main thread waits: Python
    runs its SIGINT handler only on the main thread between bytecodes, never during a C call,
    so waiting there lets Ctrl-C arrive at once. KeyboardInterrupt (or any exception raised
    into the wait) triggers the handle; the call returns within about 100 ms, and the
    KeyboardInterrupt goes on with the LtxCancelledError (job id) as its __cause__."""
    if threading.current_thread() is not threading.main_thread():
        return body()
    box = {}
    finished = threading.Event()  # not Thread.join(): an interrupted join may not wait again

    def work():
        try:
            box["value"] = body()
        except BaseException as e:  # noqa: B902 - handed to the waiting thread
            box["exc"] = e
        finally:
            finished.set()

    threading.Thread(target=work, name="ltx-call", daemon=True).start()
    try:
        while not finished.wait(0.25):
            pass
    except BaseException as interrupt:
        cancel.trigger()
        finished.wait()
        exc = box.get("exc")
        if isinstance(exc, LtxCancelledError):
            raise interrupt from exc
        raise
    if "exc" in box:
        raise box["exc"]
    return box.get("value")


class _Cancelling:
    """The Cancel a call watches: the caller's, or one of its own for Ctrl-C."""

    def __init__(self, cancel):
        self.cancel = cancel if cancel is not None else Cancel()
        self.owned = cancel is None

    def __enter__(self):
        return self.cancel

    def __exit__(self, *exc):
        if self.owned:
            self.cancel.close()


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
    None leaves a field unset; duration="auto" asks for automatic length.
    An endpoint name this release does not know (lower-case letters, digits
    and '-') is sent to /v2/<name> with its fields unchecked."""

    def __init__(self, endpoint="text-to-video", *, sync=False, **fields):
        out = ffi.new("ltx_request **")
        if lib.ltx_request_new_by_name(out, _bytes(endpoint)) != lib.LTX_OK:
            raise InvalidRequestError("%r is not an endpoint name (1 to 64 of a-z, 0-9, '-')"
                                      % (endpoint,), code=lib.LTX_EINVAL, field="endpoint")
        self._own(out[0], lib.ltx_request_free)
        if sync:
            _check_setter(self._ptr, lib.ltx_request_set_sync(self._ptr, 1))
        for name, value in fields.items():
            self.set(name, value)

    def set(self, name, value):
        """Set one field; returns self."""
        if value is None:
            return self
        req = self._p()
        if name == "duration":
            if value == "auto":
                rc = lib.ltx_request_set_duration_auto(req)
            else:
                rc = lib.ltx_request_set_duration(req, float(value))
        elif name == "generate_audio":
            rc = lib.ltx_request_set_generate_audio(req, 1 if value else 0)
        elif name in _SETTERS:
            setter = _SETTERS[name]
            if isinstance(value, (str, bytes)):
                value = _bytes(value)
            rc = setter(req, value)
        else:
            rc = lib.ltx_request_set_json(req, _bytes(name), _bytes(json.dumps(value)))
        _check_setter(req, rc)
        return self

    @property
    def endpoint(self):
        return _str(lib.ltx_request_endpoint_name(self._p()))

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
        rc = lib.ltx_request_to_json(out, self._p(), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        try:
            return _str(out[0])
        finally:
            lib.ltx_free(out[0])


class PossiblyBilledTwiceWarning(UserWarning):
    """The video arrived, but from a request sent again after an attempt whose outcome was
    unknown (a v1 504): that attempt may also have been billed. Check your account."""


def _into_path(path, fn):
    """Run fn(sink) with a path sink (temporary file renamed on success); return path.
    Warns PossiblyBilledTwiceWarning when the output came from a repeated billed request."""
    path = os.fspath(path)
    out = ffi.new("ltx_sink **")
    _check(lib.ltx_sink_new_path(out, os.fsencode(path)))
    try:
        fn(out[0])
        if lib.ltx_sink_possibly_billed_twice(out[0]):
            warnings.warn(PossiblyBilledTwiceWarning(
                "%s came from a request sent again after an attempt whose outcome was "
                "unknown; that attempt may also have been billed" % (path,)), stacklevel=3)
    finally:
        lib.ltx_sink_free(out[0])  # removes an uncommitted temporary file
    return os.fsdecode(path)


class Job(_Handle):
    """A v2 job on the server, from Client.submit() or Client.open_job()."""

    def __init__(self, ptr, client):
        self._client = client  # the C job holds its own reference; this keeps order at exit
        self._own(ptr, lib.ltx_job_free)

    id = property(lambda self: _str(lib.ltx_job_id(self._p())))
    endpoint = property(lambda self: _str(lib.ltx_job_endpoint_name(self._p())),
                        doc="The endpoint's path segment, also one this release does not know.")
    state = property(lambda self: JobState(lib.ltx_job_state(self._p())))
    status = property(lambda self: _str(lib.ltx_job_status(self._p())),
                      doc="The raw status string of the last poll, or None before the first.")
    created_at = property(lambda self: _str(lib.ltx_job_created_at(self._p())))
    completed_at = property(lambda self: _str(lib.ltx_job_completed_at(self._p())))
    request_id = property(lambda self: _str(lib.ltx_job_request_id(self._p())),
                          doc="x-request-id of the last successful call on the job.")
    status_json = property(lambda self: _str(lib.ltx_job_status_json(self._p())),
                           doc="The last status answer as received, or None before a poll.")
    result_url = property(lambda self: _str(lib.ltx_job_result_url(self._p(), ffi.NULL)),
                          doc="The primary result: HDR's EXR frames ZIP, else the video.")

    @property
    def results(self):
        """Every result of a completed job, {key: url}, in the API's order."""
        p = self._p()
        keys = [_str(lib.ltx_job_result_key(p, i)) for i in range(lib.ltx_job_result_count(p))]
        return {k: _str(lib.ltx_job_result_url(p, _bytes(k))) for k in keys}
    error_type = property(lambda self: _str(lib.ltx_job_error_type(self._p())))
    error_message = property(lambda self: _str(lib.ltx_job_error_message(self._p())))

    def _watching(self, cancel, body):
        """body() with the job watching cancel; Ctrl-C stops it (KeyboardInterrupt)."""
        job = self._p()
        with _Cancelling(cancel) as c:
            _check(lib.ltx_job_set_cancel(job, c._p()))
            try:
                return _interruptible(body, c)
            finally:
                lib.ltx_job_set_cancel(job, ffi.NULL)

    def refresh(self, *, cancel=None):
        """Poll once; returns the new state."""
        def body():
            err = ffi.new("ltx_error **")
            rc = lib.ltx_job_refresh(self._p(), err)
            if rc != lib.LTX_OK:
                raise _take_error(rc, err)
        self._watching(cancel, body)
        return self.state

    def wait(self, progress=None, poll_interval_ms=0, *, cancel=None):
        """Poll until completed (JobFailedError when failed), within the client's deadline."""
        job = self._p()
        self._watching(cancel, lambda: _Call(progress).run(lib.ltx_job_wait, job,
                                                           poll_interval_ms))
        return self

    def download(self, path, progress=None, key=None, *, cancel=None):
        """Download the completed result to path (atomically); returns path. key names
        another result than the primary one (HDR's "video_url" preview)."""
        job = self._p()
        k = ffi.NULL if key is None else _bytes(key)
        return self._watching(cancel, lambda: _into_path(
            path, lambda sink: _Call(progress).run(lib.ltx_job_download_result, job, k, sink)))

    def __repr__(self):
        if self._ptr == ffi.NULL:
            return "<ltx.Job closed>"
        return "<ltx.Job %s/%s %s>" % (self.endpoint, self.id, self.state.name.lower())


class Client(_Handle):
    """An API client. ``api_key`` None reads LTX_API_KEY / LTXV_API_KEY, LTX_BASE_URL
    and LTX_LOG from the environment. Use as a context manager, or close()."""

    def __init__(self, api_key=None, base_url=None, *, poll_interval_ms=None,
                 deadline_ms=None, connect_timeout_ms=None, stall_timeout_ms=None,
                 max_retries=None, poll_fixed=None):
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
        if poll_fixed is not None:  # True: every poll_interval_ms; False: adaptive (default)
            _check(lib.ltx_client_set_poll_mode(c, 1 if poll_fixed else 0))
        if deadline_ms is not None:
            _check(lib.ltx_client_set_deadline_ms(c, deadline_ms))
        if connect_timeout_ms is not None:
            _check(lib.ltx_client_set_connect_timeout_ms(c, connect_timeout_ms))
        if stall_timeout_ms is not None:
            _check(lib.ltx_client_set_stall_timeout_ms(c, stall_timeout_ms))
        if max_retries is not None:
            _check(lib.ltx_client_set_retry(c, max_retries, 500, 30000))

    def generate(self, prompt, model, duration, resolution, output, *, progress=None,
                 endpoint="text-to-video", sync=False, cancel=None, **fields):
        """Validate, submit, wait and download into output; returns the output path.
        Ctrl-C stops it at once with KeyboardInterrupt; cancel (a Cancel) from elsewhere."""
        with Request(endpoint, sync=sync, prompt=prompt, model=model, duration=duration,
                     resolution=resolution, **fields) as req:
            return self.generate_request(req, output, progress=progress, cancel=cancel)

    @staticmethod
    def _sending(request, cancel, body):
        req = request._p()
        with _Cancelling(cancel) as c:
            _check(lib.ltx_request_set_cancel(req, c._p()))
            try:
                return _interruptible(body, c)
            finally:
                lib.ltx_request_set_cancel(req, ffi.NULL)

    def generate_request(self, request, output, *, progress=None, cancel=None):
        """ltx_generate() for a prepared Request; returns the output path."""
        client, req = self._p(), request._p()
        return self._sending(request, cancel, lambda: _into_path(
            output, lambda sink: _Call(progress).run(lib.ltx_generate, client, req, sink)))

    def submit(self, request, *, cancel=None):
        """Submit a v2 job; returns a Job as soon as the API accepted it."""
        client, req = self._p(), request._p()

        def body():
            out = ffi.new("ltx_job **")
            err = ffi.new("ltx_error **")
            rc = lib.ltx_submit(out, client, req, err)
            if rc != lib.LTX_OK:
                raise _take_error(rc, err)
            return Job(out[0], self)
        return self._sending(request, cancel, body)

    def open_job(self, endpoint, id):
        """A Job for an id from an earlier submit (to resume). No network."""
        out = ffi.new("ltx_job **")
        err = ffi.new("ltx_error **")
        rc = lib.ltx_job_open_by_name(out, self._p(), _bytes(endpoint), _bytes(id), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        return Job(out[0], self)


# ----------------------------------------------------------------------------- asyncio

_POLL_IN, _POLL_OUT, _POLL_REMOVE, _POLL_ERR = 1, 2, 4, 8


@ffi.callback("void(int, int, void *)")
def _socket_trampoline(fd, events, userdata):
    ffi.from_handle(userdata)._watch(fd, events)


@ffi.callback("int(size_t, int, const ltx_error *, const char *, void *)", onerror=lambda *a: 0)
def _done_trampoline(index, status, err, job_id, userdata):
    ffi.from_handle(userdata)._ended(index, status, err)
    return 0


class AsyncClient:
    """The client for asyncio: ``await client.generate(...)`` runs on the event loop, with
    no thread, through libltx's event-loop interface (one batch whose descriptors and timers
    the loop watches). Generations run side by side, at most ``concurrency`` at once.
    Cancelling the awaiting task stops its generation at once (an accepted job keeps
    running on the server and is billed). Local input files are uploaded when the
    generation is added, before the first await."""

    def __init__(self, api_key=None, base_url=None, *, concurrency=4, **client_options):
        self._client = Client(api_key, base_url, **client_options)
        if client_options.get("deadline_ms") is None:  # the batch lives as long as the client
            _check(lib.ltx_client_set_deadline_ms(self._client._p(), NO_LIMIT))
        out = ffi.new("ltx_batch **")
        _check(lib.ltx_batch_new(out, self._client._p()))
        self._batch = ffi.gc(out[0], lib.ltx_batch_free)
        _check(lib.ltx_batch_set_concurrency(self._batch, concurrency))
        self._self = ffi.new_handle(self)
        _check(lib.ltx_batch_set_socket_fn(self._batch, _socket_trampoline, self._self))
        self._loop = None
        self._running = False
        self._entries = {}   # index -> [future, sink, Cancel, output]
        self._watched = {}   # fd -> events
        self._timer = None
        self._spent = []     # sinks and handles of ended entries, freed after perform

    async def generate(self, prompt, model, duration, resolution, output, *,
                       endpoint="text-to-video", **fields):
        """Generate into output (atomically); returns its path."""
        with Request(endpoint, prompt=prompt, model=model, duration=duration,
                     resolution=resolution, **fields) as req:
            return await self.generate_request(req, output)

    async def generate_request(self, request, output):
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("an AsyncClient serves one event loop")
        output = os.fspath(output)
        cancel = Cancel()
        sink = ffi.new("ltx_sink **")
        _check(lib.ltx_sink_new_path(sink, os.fsencode(output)))
        index = ffi.new("size_t *")
        err = ffi.new("ltx_error **")
        _check(lib.ltx_request_set_cancel(request._p(), cancel._p()))
        try:
            rc = lib.ltx_batch_add(index, self._batch, request._p(), sink[0], err)
        finally:
            lib.ltx_request_set_cancel(request._p(), ffi.NULL)
        if rc != lib.LTX_OK:
            lib.ltx_sink_free(sink[0])
            cancel.close()
            raise _take_error(rc, err)
        future = loop.create_future()
        self._entries[index[0]] = [future, sink[0], cancel, output]
        if not self._running:
            rc = lib.ltx_batch_start(self._batch, _done_trampoline, self._self, err)
            if rc != lib.LTX_OK:
                raise _take_error(rc, err)
            self._running = True
        self._reschedule(0)
        try:
            return await future
        except asyncio.CancelledError:
            cancel.trigger()  # the entry ends at the next perform
            self._reschedule(0)
            raise

    # the loop's side of the event-loop interface
    def _watch(self, fd, events):
        loop = self._loop
        old = self._watched.pop(fd, 0)
        if old & _POLL_IN:
            loop.remove_reader(fd)
        if old & _POLL_OUT:
            loop.remove_writer(fd)
        if events & _POLL_REMOVE:
            return
        if events & _POLL_IN:
            loop.add_reader(fd, self._perform, fd, _POLL_IN)
        if events & _POLL_OUT:
            loop.add_writer(fd, self._perform, fd, _POLL_OUT)
        self._watched[fd] = events

    def _ended(self, index, status, err):
        entry = self._entries.pop(index, None)
        if entry is None:
            return
        future, sink, cancel, output = entry
        self._spent.append((sink, cancel))
        if future.done():  # the task was cancelled
            return
        if status == lib.LTX_OK:
            future.set_result(output)
        else:
            future.set_exception(_error_from(status, err))

    def _perform(self, fd, events):
        if not self._running:
            return
        left = ffi.new("size_t *")
        err = ffi.new("ltx_error **")
        lib.ltx_batch_perform(left, self._batch, fd, events, err)
        if err[0] != ffi.NULL:
            lib.ltx_error_free(err[0])
        if left[0] == 0:
            self._running = False
        for sink, cancel in self._spent:
            lib.ltx_sink_free(sink)
            cancel.close()
        self._spent.clear()
        self._reschedule()

    def _reschedule(self, now=None):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._running:
            return
        if now is None:
            ms = ffi.new("long *")
            lib.ltx_batch_timeout_ms(ms, self._batch)
            now = ms[0]
        if now >= 0:
            self._timer = self._loop.call_later(now / 1000.0, self._perform, -1, 0)

    async def aclose(self):
        """Stop what still runs and free the client (accepted jobs keep running)."""
        for future, _, cancel, _ in list(self._entries.values()):
            cancel.trigger()
        while self._running:
            self._perform(-1, 0)
            await asyncio.sleep(0)
        self._batch = None
        self._client.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()


def generate(prompt, model, duration, resolution, output, *, fps=None, camera_motion=None,
             generate_audio=None, sync=False, api_key=None, base_url=None, progress=None,
             poll_interval_ms=None, endpoint="text-to-video", cancel=None, **fields):
    """Generate a video into output and return its path.

    ``api_key`` None reads the environment (LTX_API_KEY, LTX_BASE_URL).
    ``progress(p)`` receives a Progress; returning True cancels (LtxCancelledError).
    Other keyword arguments are request fields (see Request)."""
    with Client(api_key, base_url, poll_interval_ms=poll_interval_ms) as client:
        return client.generate(prompt, model, duration, resolution, output, progress=progress,
                               endpoint=endpoint, sync=sync, cancel=cancel, fps=fps,
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
