"""Rate limits across two gunicorn workers on a shared memcached; cache outages."""

import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
TESTS = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def _burst(url, count=40):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: _get(url), range(count)))


@pytest.fixture
def gunicorn(test_database_url):
    processes = []

    def start(cache_url):
        port = _free_port()
        env = {**os.environ, "RUSTFORGE_SETTINGS_MODULE": "testproject.worker_settings",
               "PYTHONPATH": str(TESTS), "CACHE_URL": cache_url,
               "DATABASE_URL": test_database_url}
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "rustforge.http:get_wsgi_application()"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        pids = set()
        while time.monotonic() < deadline and len(pids) < 2:
            # Ready when both workers have answered (the /pid route has no limit).
            assert process.poll() is None, process.stdout.read()
            try:
                pids.update(body["pid"] for status, body in _burst(f"{base}/worklog/pid?sleep=0.05", 4))
            except OSError:
                time.sleep(0.1)
        assert len(pids) == 2, "gunicorn's two workers did not both start"
        return base

    yield start
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()




def test_limit_holds_across_two_gunicorn_workers(gunicorn, memcached):
    base = gunicorn(memcached.url)
    results = _burst(f"{base}/worklog/plain?sleep=0.02")
    ok = [body["pid"] for status, body in results if status == 200]
    assert len(ok) == 10  # the rule is 10/m, shared through memcached
    assert {status for status, _ in results} == {200, 429}
    assert len(set(ok)) == 2, "both workers should have served requests"


def test_per_process_cache_would_not_hold(gunicorn):
    # The control: with locmem each worker counts alone, so more than 10 get through.
    base = gunicorn("locmem://")
    results = _burst(f"{base}/worklog/plain")
    assert len([1 for status, _ in results if status == 200]) > 10


def test_memcached_stopped_mid_test_gives_no_500(gunicorn, memcached):
    base = gunicorn(memcached.url + "?timeout=0.2&connect_timeout=0.2")
    assert _get(f"{base}/worklog/plain")[0] == 200
    assert _get(f"{base}/worklog/cached")[0] == 200
    memcached.stop()
    statuses = [status for status, _ in _burst(f"{base}/worklog/plain", 30)]
    statuses += [status for status, _ in _burst(f"{base}/worklog/cached", 10)]
    assert set(statuses) == {200}  # fail open, caches miss, nothing breaks
