"""Fault drills under gunicorn: fork safety, killed sessions, a PostgreSQL restart.

PostgreSQL only: they observe sessions from the server's side.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
from deploy_support import free_port, make_project

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

MASTER_HOOK = '''

def child_exit(server, worker):
    # Test drill: the master's own connection must survive its workers.
    import os
    out = os.environ.get("PROBE_MASTER_OUT")
    if out:
        from rustforge.db import get_database
        pid = get_database().execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        with open(out, "a") as f:
            f.write(f"{pid}\\n")
'''


def observer(url):
    from rustforge.db.backends import parse_url

    _, name, kwargs = parse_url(url)
    kwargs = {k: v for k, v in kwargs.items() if k not in ("application_name", "options")}
    conn = psycopg2.connect(dbname=name, **kwargs)
    conn.autocommit = True
    return conn


def sessions(url, app_name):
    with observer(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT pid, state_change FROM pg_stat_activity "
                    "WHERE application_name = %s ORDER BY pid", (app_name,))
        rows = cur.fetchall()
    conn.close()
    return dict(rows)


def with_app_name(url, name):
    return url + ("&" if "?" in url else "?") + f"application_name={name}"


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_preloaded_master_connection_is_never_used_by_workers(project, serve, tmp_path,
                                                              worker_class):
    conf = project.root / "gunicorn.conf.py"
    if "PROBE_MASTER_OUT" not in conf.read_text():
        conf.write_text(conf.read_text() + MASTER_HOOK)
    at_import = tmp_path / "import.txt"
    master_out = tmp_path / "master.txt"
    server = serve(project, "gunicorn", workers=2, worker_class=worker_class,
                   PRELOAD_APP="1", PROBE_QUERY_AT_IMPORT=str(at_import),
                   PROBE_MASTER_OUT=str(master_out))
    master_pid, master_backend = map(int, at_import.read_text().split())
    assert master_pid == server.proc.pid  # the query really ran in the master
    seen = [server.json("/probe/session") for _ in range(60)]
    backends = {s["backend"] for s in seen}
    assert master_backend not in backends
    assert {s["worker"] for s in seen} <= set(server.children())
    # One kept session per worker thread, never one per request.
    assert len(backends) <= 2 * (4 if worker_class == "gthread" else 1), \
        [(s["worker"], s["thread"], s["backend"]) for s in seen]
    # A worker that exits (and runs its finalisers) must not end the master's
    # session: the master queries on it in child_exit.
    victim = server.children()[0]
    os.kill(victim, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not master_out.exists():
        time.sleep(0.1)
    assert master_out.exists(), server.output()
    assert int(master_out.read_text().split()[0]) == master_backend, server.output()
    server.wait_for_workers(2, boots=3)
    assert server.json("/probe/items")["count"] >= 0


def test_sessions_killed_server_side_are_replaced(project, serve):
    name = f"rf_kill_{os.getpid()}"
    url = with_app_name(project.database_url, name)
    server = serve(project, "gunicorn", workers=2, DATABASE_URL=url)
    for _ in range(20):
        server.json("/probe/session")
    before = sessions(url, name)
    assert 1 <= len(before) <= 2
    with observer(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = %s", (name,))
    conn.close()
    for i in range(20):  # every request succeeds, on both workers
        server.json("/probe/items", "POST", {"name": f"after-kill-{i}"})
    after = sessions(url, name)
    assert after and not set(after) & set(before)


def test_requests_without_queries_open_no_session_and_send_no_ping(project, serve):
    name = f"rf_idle_{os.getpid()}"
    url = with_app_name(project.database_url, name)
    server = serve(project, "gunicorn", workers=2, worker_class="gthread", DATABASE_URL=url)
    for _ in range(50):
        assert server.get("/")[0] == 200
    assert sessions(url, name) == {}  # the welcome page never connected
    for _ in range(20):
        server.json("/probe/session")
    busy = sessions(url, name)
    assert busy
    for _ in range(50):
        assert server.get("/")[0] == 200
    assert sessions(url, name) == busy  # same sessions, untouched: no ping, no rollback


class ThrowawayCluster:
    """A PostgreSQL 15 cluster of our own, on a free port, in a temporary folder."""

    BIN = Path("/usr/lib/postgresql/15/bin")

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rf-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "--no-sync", "-E", "UTF8")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, tool: str, *args: str) -> None:
        argv = [str(self.BIN / tool), *args]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def pg_ctl(self, *args: str) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c shared_buffers=16MB -c max_connections=30")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w",
                 "-t", "60", "-o", options, *args)

    def destroy(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except Exception:  # noqa: BLE001, S110 - already stopped is fine
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    if not (ThrowawayCluster.BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    instance = ThrowawayCluster()
    try:
        instance.pg_ctl("start")
        yield instance
    finally:
        instance.destroy()


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_workers_survive_a_postgresql_restart(cluster, serve, tmp_path, worker_class):
    project = make_project(tmp_path, cluster.url)
    server = serve(project, "gunicorn", workers=2, worker_class=worker_class)
    for i in range(10):
        server.json("/probe/items", "POST", {"name": f"before-{i}"})
    cluster.pg_ctl("restart", "-m", "fast")
    for i in range(20):  # no request may fail once the server is back
        server.json("/probe/items", "POST", {"name": f"after-{i}"})
    assert server.json("/probe/items")["count"] == 30
    # While the database is down, requests fail cleanly (no traceback) and the
    # workers come back by themselves when it returns.
    cluster.pg_ctl("stop", "-m", "fast")
    status, headers, body = server.get("/probe/items")
    assert status == 503 and b"Traceback" not in body
    assert headers["retry-after"] == "5"
    assert b"database is unavailable" in body
    assert server.get("/")[0] == 200  # pages without queries keep working
    cluster.pg_ctl("start")
    assert server.json("/probe/items")["count"] == 30
