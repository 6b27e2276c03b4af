"""deploy/gunicorn.conf.py under load: exact metrics across workers, probes, shutdowns.

Each test starts gunicorn with the repository's deploy/gunicorn.conf.py and
two sync workers on loopback.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from ops_support import ops_project, scrape, start_gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ops_site(tmp_path_factory):
    from deploy_support import fresh_schema

    url = os.environ.get("RUSTFORGE_TEST_DATABASE_URL")
    if url:
        url = fresh_schema(url, "rf_ops")
    return ops_project(tmp_path_factory.mktemp("ops"), url)


@pytest.fixture
def gunicorn(ops_site, tmp_path):
    started = []

    def start(**env):
        server = start_gunicorn(ops_site, tmp_path / f"metrics-{len(started)}", **env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def requests_to(snapshot, route="/probe/session"):
    return snapshot.value("rustforge_http_requests_total", method="GET", route=route,
                          status="200")


def test_metrics_are_exact_across_workers_and_survive_a_killed_worker(gunicorn):
    server = gunicorn()
    workers = set()
    sent = 0
    with ThreadPoolExecutor(4) as pool:
        while len(workers) < 2 or sent < 40:
            batch = list(pool.map(lambda _: server.json("/probe/session"), range(8)))
            workers |= {answer["worker"] for answer in batch}
            sent += len(batch)
            assert sent < 400, "one worker answered everything"
    first, second = scrape(server), scrape(server)
    assert requests_to(first) == sent == requests_to(second)
    assert first.value("rustforge_db_queries_total") >= sent
    assert first.value("rustforge_http_request_duration_seconds_count", method="GET",
                       route="/probe/session") == sent

    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    server.wait_for_workers(2, boots=3)
    assert requests_to(scrape(server)) == sent  # the dead worker's counts stay
    for _ in range(10):
        server.json("/probe/session")
    assert requests_to(scrape(server)) == sent + 10


def test_metrics_start_from_zero_on_restart_and_go_on_exit(ops_site, tmp_path):
    folder = tmp_path / "metrics-restart"
    first = start_gunicorn(ops_site, folder)
    try:
        for _ in range(5):
            first.json("/probe/version")
        os.killpg(first.proc.pid, signal.SIGKILL)  # a crash: no hook runs
        first.proc.wait(10)
    finally:
        first.stop()
    assert list(folder.glob("*.db"))  # what the crashed run left behind
    second = start_gunicorn(ops_site, folder)
    try:
        second.json("/probe/version")
        assert requests_to(scrape(second), "/probe/version") == 1
    finally:
        second.stop()
    assert not folder.exists()  # a clean stop removes the files (on_exit)


def test_metrics_are_refused_to_strangers_and_given_for_the_token(gunicorn):
    server = gunicorn(METRICS_ALLOWED_IPS="10.9.9.9", METRICS_TOKEN="t0k3n-for-the-scraper-123")
    server.get("/probe/version")
    assert server.get("/metrics")[0] == 403
    status, _, body = server.get(
        "/metrics", headers={"Authorization": "Bearer t0k3n-for-the-scraper-123"})
    assert status == 200 and b"# TYPE" in body


def test_probes_bypass_the_host_check(gunicorn):
    server = gunicorn()
    assert server.get("/probe/version", headers={"Host": "10.0.0.7:8000"})[0] == 400
    assert server.get("/healthz", headers={"Host": "10.0.0.7:8000"})[0] == 200
    status, _, body = server.get("/readyz", headers={"Host": "10.0.0.7:8000"})
    assert status == 200, body


def test_request_id_is_echoed_and_logged_as_json(gunicorn):
    server = gunicorn(LOG_FORMAT="json", ACCESS_LOG="-")
    status, headers, _ = server.get("/probe/version", headers={"X-Request-ID": "edge-77"})
    assert status == 200 and headers["x-request-id"] == "edge-77"
    deadline = time.monotonic() + 10
    while "rid=edge-77" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    import json

    lines = [json.loads(line) for line in server.output().splitlines()
             if line.startswith("{")]
    access = [entry for entry in lines if entry["logger"] == "gunicorn.access"]
    assert any("rid=edge-77" in entry["message"] for entry in access)
    assert any(entry["logger"] == "gunicorn.error" for entry in lines)  # one format for both


def test_sigterm_lets_in_flight_requests_finish(gunicorn):
    server = gunicorn()
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(server.get("/opsprobe/sleep?seconds=2", timeout=20)))
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until a worker is inside the request
        if server.get("/healthz")[0] == 200 and thread.is_alive():
            break
    time.sleep(0.5)
    os.kill(server.proc.pid, signal.SIGTERM)
    thread.join(20)
    assert answers and answers[0][0] == 200, server.output()[-3000:]
    assert server.proc.wait(20) == 0


def test_a_worker_killed_by_the_timeout_is_replaced(gunicorn):
    server = gunicorn(TIMEOUT="2", GRACEFUL_TIMEOUT="2")
    try:
        status = server.get("/opsprobe/sleep?seconds=8", timeout=20)[0]
    except OSError:
        status = None  # the worker died with the connection
    assert status in (None, 500, 502)
    server.wait_for_workers(2, boots=3)
    assert server.get("/probe/version")[0] == 200
    assert "WORKER TIMEOUT" in server.output()
