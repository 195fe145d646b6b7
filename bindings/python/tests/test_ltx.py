"""Tests of the Python binding against a running ltx-mock.

Environment: LTX_LIBRARY (path of libltx.so.0; unset, the installed libltx is
found as a user's would be), LTX_MOCK (path of the ltx-mock program),
LTX_SOURCE_DIR (the source tree, for tests/data; defaults to this file's
../../..), LTX_TEST_INSTALLED=1 to test the installed ltx package instead of
the one beside these tests.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
INSTALLED = os.environ.get("LTX_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, os.path.dirname(HERE))

import ltx  # noqa: E402

SOURCE_DIR = os.environ.get("LTX_SOURCE_DIR") or os.path.join(HERE, "..", "..", "..")
SAMPLE = os.path.join(SOURCE_DIR, "tests", "data", "sample.mp4")
KEY = "test-key"
T2V = dict(prompt="A lighthouse at dusk, waves rolling in", model="ltx-2-3-fast",
           duration=6, resolution="1920x1080")


@pytest.fixture(scope="session")
def mock(tmp_path_factory):
    """Base URL of an ltx-mock started for the session."""
    prog = os.environ.get("LTX_MOCK")
    if not prog:
        pytest.fail("set LTX_MOCK to the path of the ltx-mock program")
    port_file = tmp_path_factory.mktemp("mock") / "port"
    proc = subprocess.Popen([prog, "--port", "0", "--port-file", str(port_file), "--quiet"],
                            stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists():
            if proc.poll() is not None:
                pytest.fail("ltx-mock exited with %d" % proc.returncode)
            if time.monotonic() > deadline:
                pytest.fail("ltx-mock wrote no port file within 10 s")
            time.sleep(0.02)
        yield "http://127.0.0.1:%d" % int(port_file.read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def client(mock):
    with ltx.Client(KEY, mock, poll_interval_ms=10) as c:
        yield c


_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1


def control(base_url, method, path, body=None):
    """Call the mock's control API; returns (status, parsed JSON or None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base_url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with _direct.open(req, timeout=10) as resp:
            status, text = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, None


def request_count(base_url):
    """Requests the mock has counted (GET /_mock/stats), or None without that route."""
    status, stats = control(base_url, "GET", "/_mock/stats")
    if status != 200 or not isinstance(stats, dict) or "requests" not in stats:
        return None
    return stats["requests"]


def same_as_sample(path):
    with open(path, "rb") as got, open(SAMPLE, "rb") as want:
        return got.read() == want.read()


# ------------------------------------------------------------------ generation

def test_generate_v2_writes_the_mock_video(mock, tmp_path):
    out = tmp_path / "v2.mp4"
    got = ltx.generate(output=out, api_key=KEY, base_url=mock, poll_interval_ms=10, **T2V)
    assert got == str(out)
    assert same_as_sample(out)


def test_generate_v1_sync_writes_the_mock_video(mock, tmp_path):
    out = tmp_path / "v1.mp4"
    got = ltx.generate(output=str(out), api_key=KEY, base_url=mock, sync=True, **T2V)
    assert got == str(out)
    assert same_as_sample(out)
    assert os.listdir(tmp_path) == ["v1.mp4"]


def test_submit_wait_download_and_resume(client, tmp_path):
    with ltx.Request("text-to-video", **T2V) as req:
        job = client.submit(req)
    with job:
        assert job.endpoint == "text-to-video" and job.id
        assert job.state == ltx.JobState.SUBMITTED and job.status is None
        # Resume by id on another handle, as after a restart.
        with client.open_job(job.endpoint, job.id) as again:
            again.wait()
            assert again.state == ltx.JobState.COMPLETED and again.status == "completed"
            assert same_as_sample(again.download(tmp_path / "resumed.mp4"))


def test_a_job_tells_every_result_its_times_and_request_id(client):
    with ltx.Request("text-to-video", **T2V) as req:
        job = client.submit(req)
    with job:
        assert job.created_at and job.request_id and job.status_json is None
        job.wait()
        assert job.completed_at and '"completed"' in job.status_json
        assert list(job.results) == ["video_url"]
        assert job.results["video_url"] == job.result_url


def test_a_v1_504_retried_to_success_warns_it_may_be_billed_twice(mock, client, tmp_path):
    status, _ = control(mock, "POST", "/_mock/faults",
                        {"kind": "status", "method": "POST", "path_prefix": "/v1/text-to-video",
                         "status": 504, "times": 1})
    assert status == 204
    with pytest.warns(ltx.PossiblyBilledTwiceWarning):
        client.generate(output=tmp_path / "twice.mp4", sync=True, **T2V)
    assert same_as_sample(tmp_path / "twice.mp4")


def test_a_job_of_an_endpoint_this_release_does_not_know_opens_by_name(client):
    with client.open_job("video-compositing", "0123-abcd") as job:
        assert job.endpoint == "video-compositing"


def test_request_fields_and_json_escape_hatch():
    with ltx.Request(camera_motion="dolly_in", generate_audio=False, fps=24,
                     extra={"seed": 7}, **T2V) as req:
        body = json.loads(req.to_json())
    assert body["camera_motion"] == "dolly_in" and body["generate_audio"] is False
    assert body["fps"] == 24 and body["seed"] == 7 and body["duration"] == 6


# ------------------------------------------------------------------ progress

def test_refused_setter_says_why():
    with ltx.Request("retake") as req:
        with pytest.raises(ltx.InvalidRequestError) as info:
            req.set("fps", 24)
        assert info.value.field == "fps"
        assert "not a field of retake" in info.value.message


def test_fields_the_api_added_later_are_sent():
    with ltx.Request("audio-to-video", audio_uri="https://example.com/a.mp3", prompt="A drum",
                     fps=48, camera_motion="static") as req:
        body = json.loads(req.to_json())
        assert body["fps"] == 48 and body["camera_motion"] == "static"


def test_an_endpoint_by_name():
    with ltx.Request("video-compositing", prompt="Two clips", video_uri="https://e.com/v.mp4",
                     fps=30, extra={"clips": 2}) as req:
        assert req.endpoint == "video-compositing"
        body = json.loads(req.to_json())
        assert body["fps"] == 30 and body["clips"] == 2
    with pytest.raises(ltx.InvalidRequestError):
        ltx.Request("../v1/upload")


def test_progress_reports_every_stage(mock, tmp_path):
    seen = []
    ltx.generate(output=tmp_path / "p.mp4", api_key=KEY, base_url=mock, poll_interval_ms=10,
                 progress=seen.append, **T2V)
    stages = [p.stage for p in seen]
    assert stages[0] == ltx.Stage.SUBMITTED
    job_id = seen[0].job_id
    assert job_id and all(p.job_id == job_id for p in seen)
    statuses = [p.status for p in seen if p.stage == ltx.Stage.WAITING]
    assert statuses == ["pending", "processing", "completed"]
    downloads = [p for p in seen if p.stage == ltx.Stage.DOWNLOADING]
    assert downloads and downloads[-1].bytes == os.path.getsize(SAMPLE)
    assert stages == sorted(stages)
    assert all(isinstance(p.elapsed_ms, int) for p in seen)


def test_progress_returning_true_cancels_with_the_job_id(mock, tmp_path):
    seen = []

    def stop_once_submitted(p):
        seen.append(p)
        return p.stage == ltx.Stage.SUBMITTED

    out = tmp_path / "cancelled.mp4"
    with pytest.raises(ltx.LtxCancelledError) as info:
        ltx.generate(output=out, api_key=KEY, base_url=mock, progress=stop_once_submitted,
                     **T2V)
    assert len(seen) == 1
    assert info.value.job_id == seen[0].job_id and info.value.job_id
    assert info.value.code == ltx.lib.LTX_ECANCELLED
    assert os.listdir(tmp_path) == []


def test_exception_in_progress_is_reraised_after_the_call(mock, tmp_path):
    class Boom(Exception):
        pass

    def explode(p):
        raise Boom(p.stage)

    with pytest.raises(Boom):
        ltx.generate(output=tmp_path / "x.mp4", api_key=KEY, base_url=mock, progress=explode,
                     **T2V)
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ errors

def test_content_filtered_422_is_a_typed_error(mock, tmp_path):
    status, _ = control(mock, "POST", "/_mock/faults",
                        {"kind": "status", "method": "POST", "path_prefix": "/v2/text-to-video",
                         "status": 422, "times": 1})
    assert status in (200, 201, 204), "ltx-mock has no POST /_mock/faults (status %d)" % status
    out = tmp_path / "filtered.mp4"
    with pytest.raises(ltx.ContentFilteredError) as info:
        ltx.generate(output=out, api_key=KEY, base_url=mock, **T2V)
    e = info.value
    assert isinstance(e, ltx.LtxError)
    assert e.code == 422 and e.http_status == 422
    assert e.error_type == "content_filtered_error"
    assert e.request_id and e.request_id in e.message
    assert not e.possibly_executed
    assert os.listdir(tmp_path) == []


def test_validation_error_names_the_field_before_any_request(mock, tmp_path):
    before = request_count(mock)
    assert before is not None, "ltx-mock has no GET /_mock/stats"
    bad = dict(T2V, model="ltx-2-3-pro", duration=20)
    # Nothing listens on port 1: a request would fail as NetworkError instead.
    for base_url in (mock, "http://127.0.0.1:1"):
        with pytest.raises(ltx.InvalidRequestError) as info:
            ltx.generate(output=tmp_path / "bad.mp4", api_key=KEY, base_url=base_url, **bad)
        assert info.value.field == "duration"
        assert info.value.code == ltx.lib.LTX_EREQUEST and info.value.http_status == 0
    assert request_count(mock) == before
    assert os.listdir(tmp_path) == []


def test_invalid_key_is_an_authentication_error(mock, tmp_path):
    with pytest.raises(ltx.AuthenticationError) as info:
        ltx.generate(output=tmp_path / "k.mp4", api_key="not-the-key", base_url=mock, **T2V)
    e = info.value
    assert e.http_status == 401 and e.error_type == "authentication_error" and e.request_id
    assert os.listdir(tmp_path) == []


def test_unknown_job_is_not_found(client):
    with client.open_job("text-to-video", "no-such-job") as job:
        with pytest.raises(ltx.NotFoundError) as info:
            job.refresh()
    assert info.value.http_status == 404


def test_closed_handles_refuse_use():
    req = ltx.Request(**T2V)
    req.close()
    req.close()
    with pytest.raises(ValueError):
        req.to_json()
