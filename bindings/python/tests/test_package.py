"""The binding as a package: local-file inputs, bytes and file-object outputs, the exception
tree, deadlines, keyword checks, type hints and the import error."""

import base64
import io
import json
import os
import pathlib
import subprocess
import sys
import typing

import pytest

from test_ltx import (INSTALLED, KEY, SAMPLE, SOURCE_DIR, T2V, control, mock,  # noqa: F401
                      request_count)

import ltx

FRAME = pathlib.Path(SOURCE_DIR, "tests", "data", "frame.png")
TONE = pathlib.Path(SOURCE_DIR, "tests", "data", "tone.wav")
I2V = dict(prompt="The boat drifts", model="ltx-2-3-fast", duration=6, resolution="1920x1080")


def sample_bytes():
    with open(SAMPLE, "rb") as f:
        return f.read()


def last_body(base_url, path_prefix):
    status, records = control(base_url, "GET", "/_mock/requests?path_prefix=" + path_prefix)
    posts = [r for r in records or [] if r["method"] == "POST"]
    assert status == 200 and posts, "the mock recorded no POST to %s" % path_prefix
    return json.loads(posts[0]["body"])  # newest first


@pytest.fixture
def client(mock):  # noqa: F811
    with ltx.Client(KEY, mock, poll_interval_ms=10) as c:
        yield c


# ------------------------------------------------------------------ inputs

@pytest.mark.parametrize("as_type", [pathlib.Path, str])
def test_a_local_image_goes_inline_from_a_path(client, mock, as_type):  # noqa: F811
    video = client.generate(endpoint="image-to-video", image_uri=as_type(FRAME), **I2V)
    assert video == sample_bytes()
    uri = last_body(mock, "/v2/image-to-video")["image_uri"]
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == FRAME.read_bytes()


def test_a_local_audio_file_is_uploaded(client, mock):  # noqa: F811
    before = control(mock, "GET", "/_mock/stats")[1]["uploads"]
    client.generate("A drummer on a rooftop", None, None, None, endpoint="audio-to-video",
                    audio_uri=TONE)
    assert control(mock, "GET", "/_mock/stats")[1]["uploads"] == before + 1
    assert last_body(mock, "/v2/audio-to-video")["audio_uri"].startswith("ltx://")


def test_a_missing_local_file_is_refused_before_sending(mock, client, tmp_path):  # noqa: F811
    before = request_count(mock)
    with pytest.raises(ltx.InvalidRequestError) as info:
        client.generate(endpoint="image-to-video", image_uri=tmp_path / "no-such.png", **I2V)
    assert info.value.field == "image_uri"
    assert request_count(mock) == before


def test_a_uri_is_still_a_uri():
    with ltx.Request("image-to-video", image_uri="https://example.com/a.png", **I2V) as req:
        assert json.loads(req.to_json())["image_uri"] == "https://example.com/a.png"


# ------------------------------------------------------------------ outputs

def test_output_none_returns_bytes(client):
    assert client.generate(**T2V) == sample_bytes()


def test_output_to_a_binary_file_object(client, tmp_path):
    buf = io.BytesIO()
    assert client.generate(output=buf, **T2V) is buf
    assert buf.getvalue() == sample_bytes()
    with open(tmp_path / "f.mp4", "wb") as f:
        client.generate(output=f, sync=True, **T2V)
    assert (tmp_path / "f.mp4").read_bytes() == sample_bytes()


def test_a_failing_file_object_stops_the_call_with_its_error(client):
    class Full(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError) as info:
        client.generate(output=Full(), **T2V)
    assert info.value.errno == 28
    assert isinstance(info.value.__cause__, ltx.LtxCancelledError)


def test_a_job_downloads_as_bytes_and_into_a_file_object(client):
    with ltx.Request(**T2V) as req, client.submit(req) as job:
        job.wait()
        assert job.download() == sample_bytes()
        buf = io.BytesIO()
        assert job.download(buf) is buf and buf.getvalue() == sample_bytes()


def test_asyncio_outputs_bytes_and_file_objects(mock):  # noqa: F811
    import asyncio

    async def main():
        async with ltx.AsyncClient(KEY, mock, poll_interval_ms=10) as client:
            buf = io.BytesIO()
            got = await asyncio.gather(client.generate(**T2V), client.generate(output=buf, **T2V))
            return got, buf
    (data, same), buf = asyncio.run(main())
    assert data == sample_bytes() and same is buf and buf.getvalue() == sample_bytes()


# ------------------------------------------------------------------ errors

def test_the_exception_tree():
    assert issubclass(ltx.ContentFilteredError, ltx.APIStatusError)
    assert issubclass(ltx.AuthenticationError, ltx.APIStatusError)
    assert issubclass(ltx.BadRequestError, ltx.APIStatusError)
    assert issubclass(ltx.BadRequestError, ltx.InvalidRequestError)
    assert issubclass(ltx.NetworkError, ltx.APIConnectionError)
    assert issubclass(ltx.LtxTimeoutError, ltx.APIConnectionError)
    assert issubclass(ltx.LtxTimeoutError, TimeoutError)
    assert ltx.APITimeoutError is ltx.LtxTimeoutError
    for name in ltx.__all__:
        obj = getattr(ltx, name)
        if (isinstance(obj, type) and issubclass(obj, Exception)
                and not issubclass(obj, Warning) and obj is not ltx.LtxError):
            assert issubclass(obj, ltx.LtxError), name


def test_a_422_is_a_typed_status_error(client, mock):  # noqa: F811
    status, _ = control(mock, "POST", "/_mock/faults",
                        {"kind": "status", "method": "POST", "path_prefix": "/v2/text-to-video",
                         "status": 422, "times": 1})
    assert status == 204
    with pytest.raises(ltx.APIStatusError) as info:
        client.generate(**T2V)
    assert type(info.value) is ltx.ContentFilteredError
    assert info.value.http_status == 422 and info.value.error_type == "content_filtered_error"


def test_a_deadline_is_a_timeout_error_with_the_job_id(mock):  # noqa: F811
    assert control(mock, "POST", "/_mock/hold")[0] == 204
    try:
        with ltx.Client(KEY, mock, poll_interval_ms=10, deadline_ms=300) as client:
            with pytest.raises(TimeoutError) as info:
                client.generate(**T2V)
    finally:
        control(mock, "DELETE", "/_mock/hold")
    e = info.value
    assert isinstance(e, ltx.LtxTimeoutError) and isinstance(e, ltx.APIConnectionError)
    assert e.code == ltx.lib.LTX_ETIMEDOUT and e.job_id


def test_no_api_key_is_an_authentication_error(monkeypatch, mock):  # noqa: F811
    monkeypatch.delenv("LTX_API_KEY", raising=False)
    monkeypatch.delenv("LTXV_API_KEY", raising=False)
    with pytest.raises(ltx.AuthenticationError) as info:
        ltx.Client()
    assert "LTX_API_KEY" in str(info.value) and info.value.http_status == 0
    with pytest.raises(ltx.AuthenticationError):
        ltx.generate(base_url=mock, **T2V)
    with pytest.raises(ltx.AuthenticationError):
        ltx.Client("")


# ------------------------------------------------------------------ keywords and types

def test_a_misspelt_keyword_is_a_typeerror_naming_the_field(mock, client):  # noqa: F811
    before = request_count(mock)
    with pytest.raises(TypeError, match="'camra_motion'.*did you mean 'camera_motion'"):
        ltx.generate(api_key=KEY, base_url=mock, camra_motion="dolly_in", **T2V)
    with pytest.raises(TypeError, match="did you mean 'camera_motion'"):
        client.generate(camera_motoin="dolly_in", **T2V)
    with pytest.raises(TypeError, match="did you mean 'image_uri'"):
        ltx.Request("image-to-video", image_url="https://example.com/a.png")
    with pytest.raises(TypeError, match="did you mean 'deadline_ms'"):
        ltx.AsyncClient(KEY, mock, deadlin_ms=5)
    assert request_count(mock) == before


def test_type_hints_and_py_typed():
    hints = typing.get_type_hints(ltx.Client.generate)
    assert hints["prompt"] == typing.Optional[str] and "output" in hints and "return" in hints
    assert typing.get_type_hints(ltx.Job.wait)["return"] is ltx.Job
    assert typing.get_type_hints(ltx.generate)
    package = pathlib.Path(ltx.__file__).parent
    assert (package / "py.typed").exists()
    assert ltx.Client.generate.__doc__ and ltx.Request.__doc__ and ltx.LtxError.__doc__


def test_the_installed_package_is_the_one_tested():
    package = pathlib.Path(ltx.__file__).resolve().parent
    if INSTALLED:
        assert package.parent.name == "site-packages", "testing %s" % package
    else:
        assert package == pathlib.Path(__file__).resolve().parent.parent / "ltx"


# ------------------------------------------------------------------ loading

def test_a_bad_ltx_library_says_so():
    env = dict(os.environ, LTX_LIBRARY="/nonexistent/libltx.so.0")
    path = "" if INSTALLED else str(pathlib.Path(__file__).resolve().parent.parent)
    r = subprocess.run([sys.executable, "-c", "import sys\nif sys.argv[1]: sys.path.insert(0, "
                        "sys.argv[1])\nimport ltx", path], env=env, capture_output=True,
                       text=True)
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "LTX_LIBRARY=/nonexistent/libltx.so.0" in r.stderr


def test_a_missing_libltx_says_how_to_install_it(monkeypatch):
    from ltx import _ffi

    def nothing(name):
        raise OSError("cannot open %s" % name)
    monkeypatch.delenv("LTX_LIBRARY", raising=False)
    monkeypatch.setattr(_ffi.ffi, "dlopen", nothing)
    monkeypatch.setattr(_ffi.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(ImportError) as info:
        _ffi._load()
    assert "libltx0" in str(info.value) and "LTX_LIBRARY" in str(info.value)


# ------------------------------------------------------------------ client settings

def test_upload_returns_a_storage_uri_usable_as_input(client, mock):  # noqa: F811
    up = client.upload(TONE)
    assert up.storage_uri.startswith("ltx://")
    client.generate("A drummer", None, None, None, endpoint="audio-to-video",
                    audio_uri=up.storage_uri)
    assert last_body(mock, "/v2/audio-to-video")["audio_uri"] == up.storage_uri


def test_log_lines_reach_python(mock):  # noqa: F811
    lines = []
    with ltx.Client(KEY, mock, poll_interval_ms=10, log=lambda level, line:
                    lines.append((level, line)), log_level=ltx.LogLevel.DEBUG) as client:
        assert "ltx-python/" in client.user_agent
        client.generate(**T2V)
    assert lines and all(isinstance(level, ltx.LogLevel) for level, _ in lines)
    assert not any(KEY in line for _, line in lines)


def test_a_refused_connection_is_a_network_error_with_libcurls_words():
    with ltx.Client(KEY, "http://127.0.0.1:1", max_retries=0) as client:
        with pytest.raises(ltx.APIConnectionError) as info:
            client.generate(**T2V)
    assert isinstance(info.value, ltx.NetworkError)
    assert info.value.transport_message and not info.value.possibly_executed
    assert ltx.version_num() >= 0x000100
