"""Query counts: added up per thread, visible to a scrape at once.

Every test here fails if a statement is lost or counted twice: during and at
the end of a request (also one that raises), of a job, of a thread, of a
process (a command), and in a forked work horse that ends with ``os._exit``.
tests/test_metrics_cells.py tests the per-thread cells themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from prometheus_client import generate_latest

from rustforge import metrics
from rustforge.testing.metrics import snapshot_metrics


def published(name: str, **labels: str) -> float:
    """What this process's registry reports now (every thread's cell added up)."""
    return snapshot_metrics(generate_latest(metrics.registry()).decode()).value(name, **labels)


def run_in_thread(work, *, keep_alive: bool):
    """Run ``work`` in a new thread; with ``keep_alive`` the thread is still alive
    when this returns. Returns a stopper."""
    done, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def target():
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        done.set()
        if keep_alive:
            release.wait(10)

    thread = threading.Thread(target=target)
    thread.start()
    assert done.wait(10)
    if not keep_alive:
        thread.join(10)
    assert not errors, errors

    def stop():
        release.set()
        thread.join(10)

    return stop


def select_1(times: int = 1) -> None:
    from rustforge.db import get_database

    for _ in range(times):
        get_database().execute_sql("SELECT 1")


def test_a_requests_queries_are_counted_by_its_end(client, db, monkeypatch):
    from testproject import resources

    monkeypatch.setattr(resources.Echo, "on_get",
                        lambda self, req, resp: (select_1(4), setattr(resp, "media", {})))
    before = published("rustforge_db_queries_total")
    stop = run_in_thread(lambda: client.get("/echo"), keep_alive=True)
    try:  # the thread is alive
        assert published("rustforge_db_queries_total") - before == 4
    finally:
        stop()


def test_the_queries_of_a_request_that_raises_are_counted_with_its_500(client, db, monkeypatch):
    from testproject import resources

    def boom(self, req, resp):
        select_1(2)
        raise RuntimeError("kaboom")

    monkeypatch.setattr(resources.Boom, "on_get", boom)
    queries = published("rustforge_db_queries_total")
    errors = published("rustforge_http_requests_total", method="GET", route="/boom", status="500")
    stop = run_in_thread(lambda: client.get("/boom"), keep_alive=True)
    try:
        assert published("rustforge_db_queries_total") - queries == 2
        assert published("rustforge_http_requests_total", method="GET", route="/boom",
                         status="500") - errors == 1
    finally:
        stop()


def test_a_threads_queries_are_counted_while_it_runs_and_after_it_ends(db):
    """Outside a request: there is no publishing step to wait for."""
    before = published("rustforge_db_queries_total")
    seconds = published("rustforge_db_query_seconds_total")
    stop = run_in_thread(lambda: select_1(3), keep_alive=True)
    try:
        assert published("rustforge_db_queries_total") - before == 3
        assert published("rustforge_db_query_seconds_total") > seconds
    finally:
        stop()
    assert published("rustforge_db_queries_total") - before == 3


def test_a_jobs_queries_are_counted(db):
    from rustforge.queue import job

    before = published("rustforge_db_queries_total")
    stop = run_in_thread(lambda: job(select_1).enqueue(5), keep_alive=True)  # inline: runs now
    try:
        assert published("rustforge_db_queries_total") - before == 5
    finally:
        stop()


def test_a_scrape_counts_its_own_threads_queries(client, db):
    before = snapshot_metrics()
    select_1(2)
    assert snapshot_metrics().delta(before, "rustforge_db_queries_total") == 2


def test_nothing_is_counted_while_metrics_are_off(db, settings):
    before = snapshot_metrics()
    settings.METRICS_ENABLED = False
    select_1(3)
    settings.METRICS_ENABLED = True
    assert snapshot_metrics().delta(before, "rustforge_db_queries_total") == 0


SCRIPT = textwrap.dedent("""
    import os, sys
    from rustforge.conf import settings

    settings.configure(None, SECRET_KEY="k" * 50, DATABASE_URL="sqlite:///" + sys.argv[1])
    from rustforge import metrics
    from rustforge.db import get_database

    def select(times):
        for _ in range(times):
            get_database().execute_sql("SELECT 1")

    select(3)                    # the parent's, before the fork
    pid = os.fork()
    if pid == 0:                 # what an rq work horse does: a job, then os._exit
        select(2)
        metrics.count_job("default", "succeeded")
        os._exit(0)
    assert os.waitpid(pid, 0)[1] == 0
    select(1)                    # a command's last statements, then it exits
""")


def test_processes_count_once_across_a_fork_and_at_exit(tmp_path, monkeypatch):
    """Multiprocess mode, as under gunicorn and rqworker: 3 + 2 + 1 statements."""
    folder = tmp_path / "prom"
    folder.mkdir()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(folder),
               PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    env.pop("RUSTFORGE_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "db.sqlite3")], env=env,
                   check=True, timeout=60)
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(folder))
    scraped = snapshot_metrics()  # prometheus_client sums the processes' files
    assert scraped.value("rustforge_db_queries_total") == 6
    assert scraped.value("rustforge_jobs_total", queue="default", event="succeeded") == 1
