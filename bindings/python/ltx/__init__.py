"""Python binding of libltx, the C client library for the LTX video generation API.

A typed layer over the C API through cffi in ABI mode: nothing is compiled. The shared
library is ``$LTX_LIBRARY`` when set (a full path), else ``libltx.so.0`` as the dynamic
linker finds it (the Debian package ``libltx0``, an RPM ``libltx``, or ``make install``).

    import ltx

    with ltx.Client() as client:                      # the key from LTX_API_KEY
        client.generate("A lighthouse at dusk", "ltx-2-3-fast", 6, "1920x1080", "out.mp4")

Media inputs (``image_uri``, ``last_frame_uri``, ``audio_uri``, ``video_uri``) take a URL,
a ``data:`` URI, an ``ltx://`` storage URI, or a local file (a ``pathlib.Path`` or a str
without a scheme): libltx checks the file and sends it inline or through the upload flow.
The output is a path (written atomically), a binary file object, or ``None`` for ``bytes``.
"""

from __future__ import annotations

import asyncio
import atexit
import difflib
import enum
import json
import os
import re
import sys
import threading
import warnings
import weakref
from dataclasses import dataclass
from typing import (Any, BinaryIO, Callable, Dict, Iterable, List, Mapping, Optional, Tuple,
                    Union, cast, overload)

from ._ffi import ffi, lib

__all__ = [
    "generate", "Client", "AsyncClient", "Request", "Job", "Cancel", "Progress", "Stage",
    "JobState", "LogLevel", "Upload", "version", "version_num", "PossiblyBilledTwiceWarning",
    "FIELDS", "MEDIA_FIELDS",
    "LtxError", "APIStatusError", "APIConnectionError", "InvalidRequestError",
    "BadRequestError", "AuthenticationError", "PermissionDeniedError",
    "InsufficientFundsError", "NotFoundError", "RequestTooLargeError", "ContentFilteredError",
    "RateLimitError", "ServerError", "NetworkError", "LtxTimeoutError", "APITimeoutError",
    "LtxCancelledError", "ProtocolError", "JobFailedError", "OutputError", "OutOfMemoryError",
]

__version__ = "0.1.0"

NO_LIMIT = 0xFFFFFFFF  # LTX_NO_LIMIT: for any *_ms setting that accepts it

#: A local file: a str path or any os.PathLike (pathlib.Path).
StrPath = Union[str, "os.PathLike[str]"]
#: Where a video goes: a path, a binary file object, or None for bytes.
Output = Union[StrPath, BinaryIO, None]
#: A request duration in seconds, or "auto" (the model chooses).
Duration = Union[int, float, str]
#: A progress callback: return True to cancel the call.
ProgressFn = Callable[["Progress"], Optional[bool]]

# memory outputs (output=None) are refused past this size: a result URL decides how much
# arrives, and bytes must fit in memory
MEMORY_OUTPUT_LIMIT = min(sys.maxsize, 1 << 32)


def version() -> str:
    """The version of the libltx loaded at run time, "X.Y.Z"."""
    return _str(lib.ltx_version()) or ""


def version_num() -> int:
    """The version of the libltx loaded at run time as one number, 0xXXYYZZ."""
    return int(lib.ltx_version_num())


# ----------------------------------------------------------------------------- helpers

def _str(p: Any) -> Optional[str]:
    """A borrowed C string as str (UTF-8), or None for NULL."""
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")


def _bytes(s: Union[str, bytes]) -> bytes:
    if isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


# ----------------------------------------------------------------------------- errors

class LtxError(Exception):
    """Every libltx failure. ``code`` is the ltx_status; the other attributes come from the
    C library's ltx_error (None or 0 when it does not say)."""

    message: str
    code: int
    http_status: int
    error_type: Optional[str]
    api_message: Optional[str]
    request_id: Optional[str]
    job_id: Optional[str]
    possibly_executed: bool
    field: Optional[str]
    retry_after_ms: Optional[int]
    attempts: int
    transport_message: Optional[str]
    body: Optional[bytes]

    def __init__(self, message: str, code: int = 0, http_status: int = 0,
                 error_type: Optional[str] = None, request_id: Optional[str] = None,
                 job_id: Optional[str] = None, possibly_executed: bool = False,
                 field: Optional[str] = None, retry_after_ms: Optional[int] = None,
                 attempts: int = 0, api_message: Optional[str] = None,
                 transport_message: Optional[str] = None, body: Optional[bytes] = None) -> None:
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
        self.transport_message = transport_message  # libcurl's own words, or None
        self.body = body  # the response body that came with the error (at most 64 KiB)

    def __str__(self) -> str:
        return self.message


class APIStatusError(LtxError):
    """The API answered with an HTTP error status (``http_status``, ``error_type``,
    ``request_id``). Base of the per-status classes below."""


class APIConnectionError(LtxError):
    """No usable answer arrived: DNS, connect, TLS, a dropped connection, or a deadline.
    Check ``possibly_executed`` before sending the request again."""


class InvalidRequestError(LtxError):
    """The request failed validation (nothing was sent; ``field`` names the field), an
    argument was invalid, or the API answered 400 (then also a BadRequestError)."""


class BadRequestError(InvalidRequestError, APIStatusError):
    """400: the API refused the request as invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is invalid; also raised, with ``http_status`` 0 and nothing sent,
    when no key was given and LTX_API_KEY (or LTXV_API_KEY) is not set."""


class InsufficientFundsError(APIStatusError):
    """402: the account has no credit left."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404: an unknown or expired job."""


class RequestTooLargeError(APIStatusError):
    """413."""


class ContentFilteredError(APIStatusError):
    """422: the content filter refused the request."""


class RateLimitError(APIStatusError):
    """429: see ``retry_after_ms``."""


class ServerError(APIStatusError):
    """500, 502, 503, 504 or another HTTP status without a class of its own."""


class NetworkError(APIConnectionError):
    """DNS, connect or TLS failed, or a connection dropped."""


class LtxTimeoutError(APIConnectionError, TimeoutError):
    """The call's deadline (``deadline_ms``), a connect timeout or a stalled transfer.
    Also a built-in TimeoutError. A job that was accepted goes on (``job_id``)."""


APITimeoutError = LtxTimeoutError


class LtxCancelledError(LtxError):
    """A progress callback or a Cancel handle stopped the call. The API has no cancel
    endpoint: an accepted job keeps running on the server and is billed (``job_id``).
    Ctrl-C raises KeyboardInterrupt instead (this error is its ``__cause__``)."""


class ProtocolError(LtxError):
    """The server answered something the API does not define."""


class JobFailedError(LtxError):
    """The job ended in "failed"; see ``error_type`` and ``message``."""


class OutputError(LtxError):
    """Writing the output failed (a path sink's directory, a full memory output)."""


class OutOfMemoryError(LtxError):
    """libltx ran out of memory."""


_ERROR_CLASSES: Dict[int, type] = {
    lib.LTX_EINVAL: InvalidRequestError,
    lib.LTX_EREQUEST: InvalidRequestError,
    lib.LTX_EBADREQUEST: BadRequestError,
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


def _error_class(code: int) -> type:
    cls = _ERROR_CLASSES.get(code)
    if cls is None:
        cls = ServerError if code >= 400 else LtxError
    return cls


def _take_error(rc: int, err: Any, cls: Optional[type] = None) -> LtxError:
    """Build the exception for status rc from *err (may be NULL) and free *err."""
    e = err[0] if err is not None else ffi.NULL
    try:
        return _error_from(rc, e, cls)
    finally:
        if e != ffi.NULL:
            lib.ltx_error_free(e)
            err[0] = ffi.NULL


def _error_from(rc: int, e: Any, cls: Optional[type] = None) -> LtxError:
    """The exception for status rc from the borrowed ltx_error e (may be NULL)."""
    if e == ffi.NULL:
        return (cls or _error_class(rc))(_str(lib.ltx_strerror(rc)) or "", code=rc)
    code = lib.ltx_error_code(e) or rc
    retry_after = lib.ltx_error_retry_after_ms(e)
    body_len = ffi.new("size_t *")
    body = lib.ltx_error_body(e, body_len)
    return (cls or _error_class(code))(
        _str(lib.ltx_error_message(e)) or "",
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
        transport_message=_str(lib.ltx_error_transport_message(e)),
        body=None if body == ffi.NULL else ffi.buffer(body, body_len[0])[:],
    )


def _check(rc: int) -> None:
    """For calls without an ltx_error argument (setters)."""
    if rc != lib.LTX_OK:
        raise _take_error(rc, None)


def _check_setter(req: Any, rc: int) -> None:
    """For request setters: the reason they record (ltx_request_last_error) is the message."""
    if rc == lib.LTX_OK:
        return
    e = lib.ltx_request_last_error(req)
    if e == ffi.NULL:
        raise _take_error(rc, None)
    raise InvalidRequestError(_str(lib.ltx_error_message(e)) or "", code=rc,
                              field=_str(lib.ltx_error_field(e)))


# ----------------------------------------------------------------------------- keywords

#: The request fields this release knows, for every endpoint (each endpoint takes some;
#: validation says which). Any other field goes through ``extra={name: value}``.
FIELDS: Tuple[str, ...] = (
    "prompt", "model", "duration", "resolution", "fps", "generate_audio", "camera_motion",
    "image_uri", "last_frame_uri", "audio_uri", "video_uri", "start_time", "guidance_scale",
    "mode", "context", "output_colorspace", "placement",
)
#: The fields that take media: a URI, or a local file (str path or os.PathLike).
MEDIA_FIELDS: Tuple[str, ...] = ("image_uri", "last_frame_uri", "audio_uri", "video_uri")


def _unexpected(where: str, name: str, known: Iterable[str]) -> TypeError:
    """The TypeError for an unknown keyword argument, naming the closest known one."""
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = "; did you mean %r?" % close[0] if close else ""
    return TypeError("%s got an unexpected keyword argument %r%s (a field this release does "
                     "not know goes in extra={%r: ...})" % (where, name, hint, name))


def _check_fields(where: str, fields: Mapping[str, Any], also: Iterable[str] = ()) -> None:
    known = set(FIELDS)
    for name in fields:
        if name not in known:
            raise _unexpected(where, name, list(FIELDS) + list(also))


# ----------------------------------------------------------------------------- progress

class Stage(enum.IntEnum):
    """The stage a Progress reports."""
    SUBMITTED = 1    # the job id is known: persist it to resume later
    WAITING = 2      # after each poll: ``status``
    DOWNLOADING = 3  # ``bytes`` / ``total`` arrived
    SUBMITTING = 4   # batches only: about to send the submit request


class JobState(enum.IntEnum):
    """The state of a Job, from its last poll."""
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
    job_id: Optional[str] = None
    status: Optional[str] = None
    bytes: int = 0
    total: int = 0
    elapsed_ms: int = 0


class _Call:
    """Per-call state behind the C userdata pointer: the Python callback and
    an exception it raised, which must not cross into C."""

    def __init__(self, fn: Optional[ProgressFn]) -> None:
        self.fn = fn
        self.exc: Optional[BaseException] = None

    def run(self, c_call: Callable[..., int], *args: Any) -> None:
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


def _progress_onerror(exc_type: Any, exc_value: Any, tb: Any) -> int:
    return 1  # cancel: from_handle or the store itself failed


@ffi.callback("int(const ltx_progress *, void *)", onerror=_progress_onerror)
def _progress_trampoline(p: Any, userdata: Any) -> int:
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

_live: "weakref.WeakSet[_Handle]" = weakref.WeakSet()  # freed before ltx_global_cleanup()
_live_lock = threading.Lock()


class _Handle:
    """Owns one C object, freed by close() or, failing that, by the garbage collector."""
    _ptr: Any = ffi.NULL

    def _own(self, ptr: Any, free: Any) -> None:
        self._ptr = ffi.gc(ptr, free)
        with _live_lock:
            _live.add(self)

    def _p(self) -> Any:
        if self._ptr == ffi.NULL:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr

    def close(self) -> None:
        """Free the C object now (idempotent); later use raises ValueError."""
        ptr, self._ptr = self._ptr, ffi.NULL
        if ptr != ffi.NULL:
            ffi.release(ptr)

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Cancel(_Handle):
    """A cancel handle: ``trigger()`` from any thread (or a signal handler) stops every call
    given this handle (``cancel=``) within about 100 ms, with LtxCancelledError. The API has
    no cancel endpoint: an accepted job keeps running and is billed; the error's ``job_id``
    resumes it. ``reset()`` makes it usable again once no call uses it."""

    def __init__(self) -> None:
        out = ffi.new("ltx_cancel **")
        _check(lib.ltx_cancel_new(out))
        self._own(out[0], lib.ltx_cancel_free)

    def trigger(self) -> None:
        """Stop every call watching this handle."""
        _check(lib.ltx_cancel_trigger(self._p()))

    def reset(self) -> None:
        """Make the handle usable again (once no call uses it)."""
        _check(lib.ltx_cancel_reset(self._p()))

    @property
    def triggered(self) -> bool:
        """Whether trigger() was called since the last reset()."""
        return bool(lib.ltx_cancel_triggered(self._p()))


def _interruptible(body: Callable[[], Any], cancel: Cancel) -> Any:
    """Run body() (a blocking C call that watches the Cancel `cancel`).

    On the main thread the call runs on a helper thread while the main thread waits: Python
    runs its SIGINT handler only on the main thread between bytecodes, never during a C call,
    so waiting there lets Ctrl-C arrive at once. KeyboardInterrupt (or any exception raised
    into the wait) triggers the handle; the call returns within about 100 ms, and the
    KeyboardInterrupt goes on with the LtxCancelledError (job id) as its __cause__."""
    if threading.current_thread() is not threading.main_thread():
        return body()
    box: Dict[str, Any] = {}
    finished = threading.Event()  # not Thread.join(): an interrupted join may not wait again

    def work() -> None:
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

    def __init__(self, cancel: Optional[Cancel]) -> None:
        self.cancel = cancel if cancel is not None else Cancel()
        self.owned = cancel is None

    def __enter__(self) -> Cancel:
        return self.cancel

    def __exit__(self, *exc: Any) -> None:
        if self.owned:
            self.cancel.close()


# ----------------------------------------------------------------------------- requests

_SETTERS: Dict[str, Any] = {
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

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _is_local_file(value: Any) -> bool:
    """A media value that names a local file: an os.PathLike, or a str with no URI scheme
    ("photo.png", "/tmp/a.wav"; not "https://...", "data:...", "ltx://...")."""
    if isinstance(value, os.PathLike):
        return True
    return isinstance(value, str) and not _SCHEME.match(value)


class Request(_Handle):
    """A generation request for one endpoint ("text-to-video", "image-to-video",
    "audio-to-video", "retake", "extend", "video-to-video-hdr", "video-to-video-reframe",
    or the name of one this release does not know, sent to /v2/<name> unchecked).

    Keyword arguments are the fields of FIELDS; a misspelt one raises TypeError naming the
    closest. None leaves a field unset; ``duration="auto"`` lets the model choose. The media
    fields (MEDIA_FIELDS) take a URI or a local file: a pathlib.Path, or a str without a
    scheme, which libltx checks and sends inline (small images and videos) or uploads.
    ``extra`` sets fields this release does not know, as JSON values, unchecked."""

    def __init__(self, endpoint: str = "text-to-video", *, sync: bool = False,
                 extra: Optional[Mapping[str, Any]] = None, **fields: Any) -> None:
        _check_fields("Request()", fields, ("sync", "extra"))
        out = ffi.new("ltx_request **")
        if lib.ltx_request_new_by_name(out, _bytes(endpoint)) != lib.LTX_OK:
            raise InvalidRequestError("%r is not an endpoint name (1 to 64 of a-z, 0-9, '-')"
                                      % (endpoint,), code=lib.LTX_EINVAL, field="endpoint")
        self._own(out[0], lib.ltx_request_free)
        if sync:
            _check_setter(self._ptr, lib.ltx_request_set_sync(self._ptr, 1))
        for name, value in fields.items():
            self.set(name, value)
        for name, value in (extra or {}).items():
            self.set_json(name, value)

    def set(self, name: str, value: Any) -> "Request":
        """Set one field of FIELDS (TypeError for another name); returns self."""
        if name not in FIELDS:
            raise _unexpected("Request.set()", name, FIELDS)
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
        elif name in MEDIA_FIELDS and _is_local_file(value):
            rc = lib.ltx_request_set_input_file(req, _bytes(name), os.fsencode(value))
        elif name in _SETTERS:
            setter = _SETTERS[name]
            if isinstance(value, (str, bytes)):
                value = _bytes(value)
            rc = setter(req, value)
        else:
            rc = lib.ltx_request_set_json(req, _bytes(name), _bytes(json.dumps(value)))
        _check_setter(req, rc)
        return self

    def set_input_file(self, field: str, path: StrPath) -> "Request":
        """Use a local file for a media field (MEDIA_FIELDS); returns self."""
        if field not in MEDIA_FIELDS:
            raise _unexpected("Request.set_input_file()", field, MEDIA_FIELDS)
        req = self._p()
        _check_setter(req, lib.ltx_request_set_input_file(req, _bytes(field),
                                                          os.fsencode(path)))
        return self

    def set_json(self, name: str, value: Any) -> "Request":
        """Set any field to a JSON value (json.dumps(value)), unchecked: the escape hatch
        for fields the API added after this release. Returns self."""
        req = self._p()
        _check_setter(req, lib.ltx_request_set_json(req, _bytes(name),
                                                    _bytes(json.dumps(value))))
        return self

    @property
    def endpoint(self) -> Optional[str]:
        """The endpoint's path segment."""
        return _str(lib.ltx_request_endpoint_name(self._p()))

    @property
    def sync(self) -> bool:
        """True for the synchronous v1 endpoint."""
        return bool(lib.ltx_request_sync(self._p()))

    def validate(self) -> None:
        """Raise InvalidRequestError (with ``field``) when the request is invalid. No network."""
        err = ffi.new("ltx_error **")
        rc = lib.ltx_request_validate(self._p(), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)

    def to_json(self) -> str:
        """The JSON body the request sends, as str."""
        err = ffi.new("ltx_error **")
        out = ffi.new("char **")
        rc = lib.ltx_request_to_json(out, self._p(), err)
        if rc != lib.LTX_OK:
            raise _take_error(rc, err)
        try:
            return _str(out[0]) or ""
        finally:
            lib.ltx_free(out[0])


# ----------------------------------------------------------------------------- outputs

class PossiblyBilledTwiceWarning(UserWarning):
    """The video arrived, but from a request sent again after an attempt whose outcome was
    unknown (a v1 504): that attempt may also have been billed. Check your account."""


def _write_onerror(exc_type: Any, exc_value: Any, tb: Any) -> int:
    return 1


@ffi.callback("int(const void *, size_t, void *)", onerror=_write_onerror)
def _write_trampoline(data: Any, length: int, userdata: Any) -> int:
    out = ffi.from_handle(userdata)
    try:
        out.file.write(ffi.buffer(data, length)[:])
        return 0
    except BaseException as e:  # noqa: B902 - re-raised after the C call returns
        out.exc = e
        return 1


class _Output:
    """The sink for an output: a path (atomic), a binary file object (a callback sink) or
    None (a memory sink, read back as bytes)."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.exc: Optional[BaseException] = None
        self.handle = None
        out = ffi.new("ltx_sink **")
        if output is None:
            self.kind = "bytes"
            _check(lib.ltx_sink_new_memory(out, MEMORY_OUTPUT_LIMIT))
        elif isinstance(output, (str, bytes, os.PathLike)):
            self.kind = "path"
            self.path = os.fsdecode(output)
            _check(lib.ltx_sink_new_path(out, os.fsencode(output)))
        elif callable(getattr(output, "write", None)):
            self.kind = "file"
            self.file = output
            self.handle = ffi.new_handle(self)
            _check(lib.ltx_sink_new_callback(out, _write_trampoline, self.handle))
        else:
            raise TypeError("output must be a path, a binary file object or None, not %s"
                            % type(output).__name__)
        self.sink = out[0]

    def run(self, fn: Callable[[Any], None]) -> Any:
        """fn(sink), then the result: the path, the bytes, or the file object."""
        try:
            fn(self.sink)
        except LtxCancelledError as e:
            if self.exc is not None:  # the file object's write() raised
                raise self.exc from e
            raise
        return self.result()

    def result(self) -> Any:
        if lib.ltx_sink_possibly_billed_twice(self.sink):
            warnings.warn(PossiblyBilledTwiceWarning(
                "the output came from a request sent again after an attempt whose outcome was "
                "unknown; that attempt may also have been billed"), stacklevel=4)
        if self.kind == "path":
            return self.path
        if self.kind == "file":
            return self.file
        data = ffi.new("const void **")
        size = ffi.new("size_t *")
        _check(lib.ltx_sink_memory_data(data, size, self.sink))
        return ffi.buffer(data[0], size[0])[:] if size[0] else b""

    def free(self) -> None:
        if self.sink is not None:
            lib.ltx_sink_free(self.sink)  # removes an uncommitted temporary file
            self.sink = None


def _into_output(output: Output, fn: Callable[[Any], None]) -> Any:
    """Run fn(sink) with the sink for output; return the path, bytes or file object.
    Warns PossiblyBilledTwiceWarning when the output came from a repeated billed request."""
    out = _Output(output)
    try:
        return out.run(fn)
    finally:
        out.free()


# ----------------------------------------------------------------------------- jobs

class Job(_Handle):
    """A v2 job on the server, from Client.submit() or Client.open_job()."""

    def __init__(self, ptr: Any, client: "Client") -> None:
        self._client = client  # the C job holds its own reference; this keeps order at exit
        self._own(ptr, lib.ltx_job_free)

    @property
    def id(self) -> Optional[str]:
        """The job id: keep it to resume (Client.open_job) after a restart."""
        return _str(lib.ltx_job_id(self._p()))

    @property
    def endpoint(self) -> Optional[str]:
        """The endpoint's path segment, also one this release does not know."""
        return _str(lib.ltx_job_endpoint_name(self._p()))

    @property
    def state(self) -> JobState:
        """The state from the last poll (SUBMITTED before the first)."""
        return JobState(lib.ltx_job_state(self._p()))

    @property
    def status(self) -> Optional[str]:
        """The raw status string of the last poll, or None before the first."""
        return _str(lib.ltx_job_status(self._p()))

    @property
    def created_at(self) -> Optional[str]:
        return _str(lib.ltx_job_created_at(self._p()))

    @property
    def completed_at(self) -> Optional[str]:
        return _str(lib.ltx_job_completed_at(self._p()))

    @property
    def request_id(self) -> Optional[str]:
        """x-request-id of the last successful call on the job."""
        return _str(lib.ltx_job_request_id(self._p()))

    @property
    def status_json(self) -> Optional[str]:
        """The last status answer as received, or None before a poll."""
        return _str(lib.ltx_job_status_json(self._p()))

    @property
    def result_url(self) -> Optional[str]:
        """The primary result: HDR's EXR frames ZIP, else the video."""
        return _str(lib.ltx_job_result_url(self._p(), ffi.NULL))

    @property
    def results(self) -> Dict[str, Optional[str]]:
        """Every result of a completed job, {key: url}, in the API's order."""
        p = self._p()
        keys = [_str(lib.ltx_job_result_key(p, i)) or ""
                for i in range(lib.ltx_job_result_count(p))]
        return {k: _str(lib.ltx_job_result_url(p, _bytes(k))) for k in keys}

    @property
    def error_type(self) -> Optional[str]:
        return _str(lib.ltx_job_error_type(self._p()))

    @property
    def error_message(self) -> Optional[str]:
        return _str(lib.ltx_job_error_message(self._p()))

    def _watching(self, cancel: Optional[Cancel], body: Callable[[], Any]) -> Any:
        """body() with the job watching cancel; Ctrl-C stops it (KeyboardInterrupt)."""
        job = self._p()
        with _Cancelling(cancel) as c:
            _check(lib.ltx_job_set_cancel(job, c._p()))
            try:
                return _interruptible(body, c)
            finally:
                lib.ltx_job_set_cancel(job, ffi.NULL)

    def refresh(self, *, cancel: Optional[Cancel] = None) -> JobState:
        """Poll once; returns the new state."""
        def body() -> None:
            err = ffi.new("ltx_error **")
            rc = lib.ltx_job_refresh(self._p(), err)
            if rc != lib.LTX_OK:
                raise _take_error(rc, err)
        self._watching(cancel, body)
        return self.state

    def wait(self, progress: Optional[ProgressFn] = None, poll_interval_ms: int = 0, *,
             cancel: Optional[Cancel] = None) -> "Job":
        """Poll until completed (JobFailedError when failed), within the client's deadline
        (LtxTimeoutError, with the job id to resume with). Returns self."""
        job = self._p()
        self._watching(cancel, lambda: _Call(progress).run(lib.ltx_job_wait, job,
                                                           poll_interval_ms))
        return self

    @overload
    def download(self, output: None = None, progress: Optional[ProgressFn] = None,
                 key: Optional[str] = None, *, cancel: Optional[Cancel] = None) -> bytes: ...

    @overload
    def download(self, output: StrPath, progress: Optional[ProgressFn] = None,
                 key: Optional[str] = None, *, cancel: Optional[Cancel] = None) -> str: ...

    @overload
    def download(self, output: BinaryIO, progress: Optional[ProgressFn] = None,
                 key: Optional[str] = None, *, cancel: Optional[Cancel] = None) -> BinaryIO: ...

    def download(self, output: Output = None, progress: Optional[ProgressFn] = None,
                 key: Optional[str] = None, *, cancel: Optional[Cancel] = None) -> Any:
        """Download the completed result: to a path (atomically; returns the path), into a
        binary file object (returns it), or as bytes (output None). key names another result
        than the primary one (HDR's "video_url" preview)."""
        job = self._p()
        k = ffi.NULL if key is None else _bytes(key)
        return self._watching(cancel, lambda: _into_output(
            output, lambda sink: _Call(progress).run(lib.ltx_job_download_result, job, k, sink)))

    def __repr__(self) -> str:
        if self._ptr == ffi.NULL:
            return "<ltx.Job closed>"
        return "<ltx.Job %s/%s %s>" % (self.endpoint, self.id, self.state.name.lower())


# ----------------------------------------------------------------------------- clients

def _new_client(api_key: Optional[str]) -> Any:
    """A C client for api_key, or from the environment when None. A missing or malformed
    key is an AuthenticationError (http_status 0: nothing was sent)."""
    out = ffi.new("ltx_client **")
    err = ffi.new("ltx_error **")
    if api_key is None:
        if not (os.environ.get("LTX_API_KEY") or os.environ.get("LTXV_API_KEY")):
            raise AuthenticationError(
                "no API key: pass api_key= or set LTX_API_KEY (or LTXV_API_KEY)",
                code=lib.LTX_EINVAL, field="api_key")
        rc = lib.ltx_client_new_from_env(out, err)
    else:
        rc = lib.ltx_client_new(out, _bytes(api_key), err)
    if rc != lib.LTX_OK:
        raise _take_error(rc, err, AuthenticationError if rc == lib.LTX_EINVAL else None)
    return out[0]


class LogLevel(enum.IntEnum):
    """How much a client logs (``log_level``): this level and the more severe ones."""
    ERROR = 1
    WARN = 2
    INFO = 3
    DEBUG = 4


#: A log callback: (level, line). Lines never hold the key, prompts or media URIs.
LogFn = Callable[[LogLevel, str], None]


@ffi.callback("void(int, const char *, void *)", onerror=lambda *a: None)
def _log_trampoline(level: int, line: Any, userdata: Any) -> None:
    ffi.from_handle(userdata)(LogLevel(level), _str(line) or "")


@dataclass(frozen=True)
class Upload:
    """A file uploaded to the API's storage (Client.upload): ``storage_uri`` (ltx://...) is
    usable as any media field until ``expires_at``."""
    storage_uri: str
    expires_at: Optional[str] = None


class Client(_Handle):
    """An API client, safe to share between threads.

    ``api_key`` None reads LTX_API_KEY (or LTXV_API_KEY); with neither set this raises
    AuthenticationError. ``base_url`` None reads LTX_BASE_URL, else the LTX API. Times are
    in milliseconds: ``deadline_ms`` bounds a whole generation (LtxTimeoutError past it),
    ``poll_interval_ms`` the wait between polls. ``proxy``, ``ca_file`` and ``ca_path`` set
    the transport (TLS verification is always on); ``allow_insecure_http`` allows a plain
    http:// base URL on another machine (the key crosses the network in clear text).
    ``retry_unknown_outcome=False`` never sends a v1 request again after a 504.
    ``log(level, line)`` receives the library's log lines at ``log_level`` and above, on
    the thread that made the call. Use as a context manager, or close()."""

    def __init__(self, api_key: Optional[str] = None, base_url: Optional[str] = None, *,
                 poll_interval_ms: Optional[int] = None, deadline_ms: Optional[int] = None,
                 connect_timeout_ms: Optional[int] = None,
                 stall_timeout_ms: Optional[int] = None,
                 max_retries: Optional[int] = None,
                 retry_unknown_outcome: Optional[bool] = None,
                 proxy: Optional[str] = None, ca_file: Optional[StrPath] = None,
                 ca_path: Optional[StrPath] = None, allow_insecure_http: bool = False,
                 log: Optional[LogFn] = None, log_level: LogLevel = LogLevel.INFO) -> None:
        self._own(_new_client(api_key), lib.ltx_client_free)
        c = self._ptr
        self._log_handle: Any = None
        self._set(lib.ltx_client_set_user_agent_suffix(
            c, b"ltx-python/" + __version__.encode()))
        if base_url is not None:
            self._set(lib.ltx_client_set_base_url(c, _bytes(base_url)))
        if poll_interval_ms is not None:
            self._set(lib.ltx_client_set_poll_interval_ms(c, poll_interval_ms))
        if deadline_ms is not None:
            self._set(lib.ltx_client_set_deadline_ms(c, deadline_ms))
        if connect_timeout_ms is not None:
            self._set(lib.ltx_client_set_connect_timeout_ms(c, connect_timeout_ms))
        if stall_timeout_ms is not None:
            self._set(lib.ltx_client_set_stall_timeout_ms(c, stall_timeout_ms))
        if max_retries is not None:
            self._set(lib.ltx_client_set_retry(c, max_retries, 500, 30000))
        if retry_unknown_outcome is not None:
            self._set(lib.ltx_client_set_retry_unknown_outcome(c, int(retry_unknown_outcome)))
        if proxy is not None:
            self._set(lib.ltx_client_set_proxy(c, _bytes(proxy)))
        if ca_file is not None:
            self._set(lib.ltx_client_set_ca_file(c, os.fsencode(ca_file)))
        if ca_path is not None:
            self._set(lib.ltx_client_set_ca_path(c, os.fsencode(ca_path)))
        if allow_insecure_http:
            self._set(lib.ltx_client_allow_insecure_http(c, 1))
        if log is not None:
            self._log_handle = ffi.new_handle(log)  # alive as long as the client
            self._set(lib.ltx_client_set_log(c, int(log_level), _log_trampoline,
                                             self._log_handle))

    def _set(self, rc: int) -> None:
        """For client setters: the reason they record (ltx_client_last_error) is the message."""
        if rc == lib.LTX_OK:
            return
        e = lib.ltx_client_last_error(self._ptr)
        if e == ffi.NULL:
            raise _take_error(rc, None)
        raise InvalidRequestError(_str(lib.ltx_error_message(e)) or "", code=rc,
                                  field=_str(lib.ltx_error_field(e)))

    @property
    def user_agent(self) -> Optional[str]:
        """The User-Agent header the client sends."""
        return _str(lib.ltx_client_user_agent(self._p()))

    def upload(self, path: StrPath, *, cancel: Optional[Cancel] = None) -> Upload:
        """Upload a local file to the API's storage now (media fields do this by themselves
        when given a file); returns its ltx:// URI, reusable in several requests."""
        client = self._p()

        def body() -> Upload:
            out = ffi.new("ltx_upload **")
            err = ffi.new("ltx_error **")
            rc = lib.ltx_upload_file(out, client, os.fsencode(path), c._p(), err)
            if rc != lib.LTX_OK:
                raise _take_error(rc, err)
            try:
                return Upload(_str(lib.ltx_upload_storage_uri(out[0])) or "",
                              _str(lib.ltx_upload_expires_at(out[0])))
            finally:
                lib.ltx_upload_free(out[0])
        with _Cancelling(cancel) as c:
            return _interruptible(body, c)  # type: ignore[no-any-return]

    def __enter__(self) -> "Client":
        return self

    @overload
    def generate(self, prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
                 resolution: Optional[str], output: None = None, *,
                 progress: Optional[ProgressFn] = None, endpoint: str = "text-to-video",
                 sync: bool = False, cancel: Optional[Cancel] = None,
                 extra: Optional[Mapping[str, Any]] = None, **fields: Any) -> bytes: ...

    @overload
    def generate(self, prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
                 resolution: Optional[str], output: StrPath, *,
                 progress: Optional[ProgressFn] = None, endpoint: str = "text-to-video",
                 sync: bool = False, cancel: Optional[Cancel] = None,
                 extra: Optional[Mapping[str, Any]] = None, **fields: Any) -> str: ...

    @overload
    def generate(self, prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
                 resolution: Optional[str], output: BinaryIO, *,
                 progress: Optional[ProgressFn] = None, endpoint: str = "text-to-video",
                 sync: bool = False, cancel: Optional[Cancel] = None,
                 extra: Optional[Mapping[str, Any]] = None, **fields: Any) -> BinaryIO: ...

    def generate(self, prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
                 resolution: Optional[str], output: Output = None, *,
                 progress: Optional[ProgressFn] = None, endpoint: str = "text-to-video",
                 sync: bool = False, cancel: Optional[Cancel] = None,
                 extra: Optional[Mapping[str, Any]] = None, **fields: Any) -> Any:
        """Validate, submit, wait and download. ``output`` is a path (written atomically;
        returns the path as str), a binary file object (returns it) or None (returns bytes).
        Other keyword arguments are request fields (see Request); a misspelt one raises
        TypeError. Ctrl-C stops the call with KeyboardInterrupt; ``cancel`` (a Cancel)
        stops it from another thread with LtxCancelledError."""
        _check_fields("generate()", fields, ("progress", "endpoint", "sync", "cancel", "extra"))
        with Request(endpoint, sync=sync, extra=extra, prompt=prompt, model=model,
                     duration=duration, resolution=resolution, **fields) as req:
            return self.generate_request(req, output, progress=progress, cancel=cancel)

    @staticmethod
    def _sending(request: Request, cancel: Optional[Cancel], body: Callable[[], Any]) -> Any:
        req = request._p()
        with _Cancelling(cancel) as c:
            _check(lib.ltx_request_set_cancel(req, c._p()))
            try:
                return _interruptible(body, c)
            finally:
                lib.ltx_request_set_cancel(req, ffi.NULL)

    def generate_request(self, request: Request, output: Output = None, *,
                         progress: Optional[ProgressFn] = None,
                         cancel: Optional[Cancel] = None) -> Any:
        """ltx_generate() for a prepared Request; the output as for generate()."""
        client, req = self._p(), request._p()
        return self._sending(request, cancel, lambda: _into_output(
            output, lambda sink: _Call(progress).run(lib.ltx_generate, client, req, sink)))

    def submit(self, request: Request, *, cancel: Optional[Cancel] = None) -> Job:
        """Submit a v2 job; returns a Job as soon as the API accepted it."""
        client, req = self._p(), request._p()

        def body() -> Job:
            out = ffi.new("ltx_job **")
            err = ffi.new("ltx_error **")
            rc = lib.ltx_submit(out, client, req, err)
            if rc != lib.LTX_OK:
                raise _take_error(rc, err)
            return Job(out[0], self)
        return self._sending(request, cancel, body)  # type: ignore[no-any-return]

    def open_job(self, endpoint: str, id: str) -> Job:
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
def _socket_trampoline(fd: int, events: int, userdata: Any) -> None:
    ffi.from_handle(userdata)._watch(fd, events)


@ffi.callback("int(size_t, int, const ltx_error *, const char *, void *)", onerror=lambda *a: 0)
def _done_trampoline(index: int, status: int, err: Any, job_id: Any, userdata: Any) -> int:
    ffi.from_handle(userdata)._ended(index, status, err)
    return 0


class AsyncClient:
    """The client for asyncio: ``await client.generate(...)`` runs on the event loop, with
    no thread, through libltx's event-loop interface (one batch whose descriptors and timers
    the loop watches). Generations run side by side, at most ``concurrency`` at once.
    Cancelling the awaiting task stops its generation at once (an accepted job keeps
    running on the server and is billed). Local input files are uploaded when the
    generation is added, before the first await. Other keyword arguments are Client's."""

    def __init__(self, api_key: Optional[str] = None, base_url: Optional[str] = None, *,
                 concurrency: int = 4, **client_options: Any) -> None:
        known = ("poll_interval_ms", "deadline_ms", "connect_timeout_ms", "stall_timeout_ms",
                 "max_retries", "retry_unknown_outcome", "proxy", "ca_file", "ca_path",
                 "allow_insecure_http", "log", "log_level")
        for name in client_options:
            if name not in known:
                close = difflib.get_close_matches(name, known + ("concurrency",), n=1)
                raise TypeError("AsyncClient() got an unexpected keyword argument %r%s"
                                % (name, "; did you mean %r?" % close[0] if close else ""))
        self._client = Client(api_key, base_url, **client_options)
        if client_options.get("deadline_ms") is None:  # the batch lives as long as the client
            _check(lib.ltx_client_set_deadline_ms(self._client._p(), NO_LIMIT))
        out = ffi.new("ltx_batch **")
        _check(lib.ltx_batch_new(out, self._client._p()))
        self._batch: Any = ffi.gc(out[0], lib.ltx_batch_free)
        _check(lib.ltx_batch_set_concurrency(self._batch, concurrency))
        self._self = ffi.new_handle(self)
        _check(lib.ltx_batch_set_socket_fn(self._batch, _socket_trampoline, self._self))
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._running = False
        self._entries: Dict[int, List[Any]] = {}   # index -> [future, _Output, Cancel]
        self._watched: Dict[int, int] = {}         # fd -> events
        self._timer: Optional[asyncio.TimerHandle] = None
        self._spent: List[Tuple[_Output, Cancel]] = []  # freed after perform

    async def generate(self, prompt: Optional[str], model: Optional[str],
                       duration: Optional[Duration], resolution: Optional[str],
                       output: Output = None, *, endpoint: str = "text-to-video",
                       extra: Optional[Mapping[str, Any]] = None, **fields: Any) -> Any:
        """Generate into output: a path (atomically; returns it), a binary file object
        (returns it) or None (returns bytes)."""
        _check_fields("generate()", fields, ("endpoint", "extra"))
        with Request(endpoint, extra=extra, prompt=prompt, model=model, duration=duration,
                     resolution=resolution, **fields) as req:
            return await self.generate_request(req, output)

    async def generate_request(self, request: Request, output: Output = None) -> Any:
        """generate() for a prepared Request."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("an AsyncClient serves one event loop")
        sink = _Output(output)
        cancel = Cancel()
        index = ffi.new("size_t *")
        err = ffi.new("ltx_error **")
        _check(lib.ltx_request_set_cancel(request._p(), cancel._p()))
        try:
            rc = lib.ltx_batch_add(index, self._batch, request._p(), sink.sink, err)
        finally:
            lib.ltx_request_set_cancel(request._p(), ffi.NULL)
        if rc != lib.LTX_OK:
            sink.free()
            cancel.close()
            raise _take_error(rc, err)
        future = loop.create_future()
        self._entries[index[0]] = [future, sink, cancel]
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
    def _watch(self, fd: int, events: int) -> None:
        loop = self._loop
        assert loop is not None
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

    def _ended(self, index: int, status: int, err: Any) -> None:
        entry = self._entries.pop(index, None)
        if entry is None:
            return
        future, sink, cancel = entry
        self._spent.append((sink, cancel))
        if future.done():  # the task was cancelled
            return
        if status == lib.LTX_OK:
            try:
                future.set_result(sink.result())
            except Exception as e:  # noqa: B902 - handed to the awaiting task
                future.set_exception(e)
        elif status == lib.LTX_ECANCELLED and sink.exc is not None:
            future.set_exception(sink.exc)  # the file object's write() raised
        else:
            future.set_exception(_error_from(status, err))

    def _perform(self, fd: int, events: int) -> None:
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
            sink.free()
            cancel.close()
        self._spent.clear()
        self._reschedule()

    def _reschedule(self, now: Optional[int] = None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._running:
            return
        if now is None:
            ms = ffi.new("long *")
            lib.ltx_batch_timeout_ms(ms, self._batch)
            now = ms[0]
        if now is not None and now >= 0 and self._loop is not None:
            self._timer = self._loop.call_later(now / 1000.0, self._perform, -1, 0)

    async def aclose(self) -> None:
        """Stop what still runs and free the client (accepted jobs keep running)."""
        for _future, _sink, cancel in list(self._entries.values()):
            cancel.trigger()
        while self._running:
            self._perform(-1, 0)
            await asyncio.sleep(0)
        self._batch = None
        self._client.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


# ----------------------------------------------------------------------------- one call

@overload
def generate(prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
             resolution: Optional[str], output: None = None, *, fps: Optional[int] = None,
             camera_motion: Optional[str] = None, generate_audio: Optional[bool] = None,
             sync: bool = False, api_key: Optional[str] = None, base_url: Optional[str] = None,
             progress: Optional[ProgressFn] = None, poll_interval_ms: Optional[int] = None,
             deadline_ms: Optional[int] = None, endpoint: str = "text-to-video",
             cancel: Optional[Cancel] = None, extra: Optional[Mapping[str, Any]] = None,
             **fields: Any) -> bytes: ...


@overload
def generate(prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
             resolution: Optional[str], output: StrPath, *, fps: Optional[int] = None,
             camera_motion: Optional[str] = None, generate_audio: Optional[bool] = None,
             sync: bool = False, api_key: Optional[str] = None, base_url: Optional[str] = None,
             progress: Optional[ProgressFn] = None, poll_interval_ms: Optional[int] = None,
             deadline_ms: Optional[int] = None, endpoint: str = "text-to-video",
             cancel: Optional[Cancel] = None, extra: Optional[Mapping[str, Any]] = None,
             **fields: Any) -> str: ...


@overload
def generate(prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
             resolution: Optional[str], output: BinaryIO, *, fps: Optional[int] = None,
             camera_motion: Optional[str] = None, generate_audio: Optional[bool] = None,
             sync: bool = False, api_key: Optional[str] = None, base_url: Optional[str] = None,
             progress: Optional[ProgressFn] = None, poll_interval_ms: Optional[int] = None,
             deadline_ms: Optional[int] = None, endpoint: str = "text-to-video",
             cancel: Optional[Cancel] = None, extra: Optional[Mapping[str, Any]] = None,
             **fields: Any) -> BinaryIO: ...


def generate(prompt: Optional[str], model: Optional[str], duration: Optional[Duration],
             resolution: Optional[str], output: Output = None, *, fps: Optional[int] = None,
             camera_motion: Optional[str] = None, generate_audio: Optional[bool] = None,
             sync: bool = False, api_key: Optional[str] = None, base_url: Optional[str] = None,
             progress: Optional[ProgressFn] = None, poll_interval_ms: Optional[int] = None,
             deadline_ms: Optional[int] = None, endpoint: str = "text-to-video",
             cancel: Optional[Cancel] = None, extra: Optional[Mapping[str, Any]] = None,
             **fields: Any) -> Any:
    """Generate a video with a client of its own; see Client.generate().

    ``api_key`` None reads LTX_API_KEY (AuthenticationError when unset), ``base_url`` None
    LTX_BASE_URL. ``progress(p)`` receives a Progress; returning True cancels
    (LtxCancelledError). Other keyword arguments are request fields (see Request)."""
    _check_fields("generate()", fields, (
        "fps", "camera_motion", "generate_audio", "sync", "api_key", "base_url", "progress",
        "poll_interval_ms", "deadline_ms", "endpoint", "cancel", "extra"))
    with Client(api_key, base_url, poll_interval_ms=poll_interval_ms,
                deadline_ms=deadline_ms) as client:
        return client.generate(prompt, model, duration, resolution, cast(Any, output),
                               progress=progress,
                               endpoint=endpoint, sync=sync, cancel=cancel, extra=extra,
                               fps=fps, camera_motion=camera_motion,
                               generate_audio=generate_audio, **fields)


# ----------------------------------------------------------------------------- process setup

_check(lib.ltx_global_init(0))  # LTX_GLOBAL_DEFAULT


@atexit.register
def _cleanup() -> None:
    with _live_lock:
        handles = list(_live)
    for h in handles:  # jobs and requests before their clients do not matter: C refcounts
        h.close()
    lib.ltx_global_cleanup()
