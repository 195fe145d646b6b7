"""Cancel and asyncio in the Python binding: Ctrl-C, Cancel handles, AsyncClient."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from test_ltx import INSTALLED, KEY, SAMPLE, T2V, control, mock, same_as_sample  # noqa: F401

import ltx

HERE = os.path.dirname(os.path.abspath(__file__))


def stats(base_url):
    status, body = control(base_url, "GET", "/_mock/stats")
    assert status == 200
    return body


@pytest.fixture
def held(mock):  # noqa: F811
    """The mock's queue held: jobs stay pending until released."""
    assert control(mock, "POST", "/_mock/hold")[0] == 204
    try:
        yield mock
    finally:
        control(mock, "DELETE", "/_mock/hold")


CHILD = r"""
import sys, time
if sys.argv[1]:
    sys.path.insert(0, sys.argv[1])
import ltx
progress = (lambda p: False) if sys.argv[4] == "progress" else None
print("started", flush=True)
try:
    ltx.generate(output=sys.argv[3], api_key="test-key", base_url=sys.argv[2],
                 poll_interval_ms=60000, progress=progress,
                 prompt="A lighthouse", model="ltx-2-3-fast", duration=6,
                 resolution="1920x1080")
    print("finished", flush=True)
except Exception as e:
    print("swallowed by except Exception: %r" % (e,), flush=True)
except KeyboardInterrupt as e:
    cause = e.__cause__
    print("KeyboardInterrupt job=%s" % (getattr(cause, "job_id", None),), flush=True)
"""


@pytest.mark.parametrize("with_progress", ["progress", "none"])
def test_ctrl_c_during_generate_raises_keyboardinterrupt_within_a_second(held, tmp_path,
                                                                        with_progress):
    polls = stats(held)["polls"]
    out = tmp_path / "out.mp4"
    path = "" if INSTALLED else os.path.dirname(HERE)
    child = subprocess.Popen([sys.executable, "-c", CHILD, path, held, str(out),
                              with_progress], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    try:
        assert child.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 20
        while stats(held)["polls"] == polls:  # submitted, polled once: now it sleeps
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.01)
        time.sleep(0.1)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().strip()
        took = time.monotonic() - sent
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert line.startswith("KeyboardInterrupt job="), line
    assert line != "KeyboardInterrupt job=None"  # the job id travels in __cause__
    assert took < 1.0, "KeyboardInterrupt came %.2f s after SIGINT" % took
    assert not out.exists()


def test_cancel_from_another_thread(held, tmp_path):
    cancel = ltx.Cancel()
    polls = stats(held)["polls"]

    def trigger():
        while stats(held)["polls"] == polls:
            time.sleep(0.01)
        time.sleep(0.05)
        trigger.at = time.monotonic()
        cancel.trigger()

    t = threading.Thread(target=trigger)
    t.start()
    with pytest.raises(ltx.LtxCancelledError) as info:
        ltx.generate(output=tmp_path / "o.mp4", api_key=KEY, base_url=held,
                     poll_interval_ms=60000, cancel=cancel, **T2V)
    took = time.monotonic() - trigger.at
    t.join()
    assert took < 2.0
    assert info.value.job_id and "billed" in info.value.message
    assert cancel.triggered
    cancel.reset()
    assert not cancel.triggered
    cancel.close()
    assert os.listdir(tmp_path) == []


def test_asyncio_five_generations_on_one_loop_one_cancelled(held, tmp_path):
    submits = stats(held)["submits"]

    async def main():
        async with ltx.AsyncClient(KEY, held, poll_interval_ms=10, concurrency=5) as client:
            tasks = [asyncio.ensure_future(client.generate(output=tmp_path / ("o%d.mp4" % i),
                                                           **T2V)) for i in range(5)]
            while stats(held)["submits"] < submits + 5:  # all five accepted and held
                await asyncio.sleep(0.01)
            tasks[2].cancel()
            cancelled_at = time.monotonic()
            with pytest.raises(asyncio.CancelledError):
                await tasks[2]
            assert time.monotonic() - cancelled_at < 2.0
            control(held, "DELETE", "/_mock/hold")
            return await asyncio.gather(*(tasks[i] for i in (0, 1, 3, 4)))

    paths = asyncio.run(main())
    assert sorted(paths) == sorted(str(tmp_path / ("o%d.mp4" % i)) for i in (0, 1, 3, 4))
    for p in paths:
        assert same_as_sample(p)
    assert not (tmp_path / "o2.mp4").exists()
    assert sorted(os.listdir(tmp_path)) == ["o0.mp4", "o1.mp4", "o3.mp4", "o4.mp4"]
    assert stats(held)["submits"] == submits + 5  # each submitted once
