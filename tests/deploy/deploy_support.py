"""Helpers of the deploy tests: a real project on disk and real servers.

``make_project`` renders ``startproject`` into a folder, adds a small
``probe`` app (a model, a few routes, a static file) and creates its schema;
``Server`` runs ``runserver`` or gunicorn as a subprocess in its own process
group. The fixtures in ``conftest.py`` wrap them.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from tests_helpers import rustforge_script

PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

PROBE_FILES = {
    "probe/__init__.py": "",
    "probe/models.py": """
        from peewee import CharField
        from rustforge.db import Model

        class Item(Model):
            name = CharField(max_length=100)
    """,
    "probe/resources.py": """
        import os
        import threading

        import falcon

        from rustforge.contrib.auth.csrf import csrf_exempt
        from rustforge.db import get_database
        from probe.models import Item

        VERSION = "v1"


        class Version:
            def on_get(self, req, resp):
                resp.media = {"version": VERSION}


        class Session:
            def on_get(self, req, resp):
                db = get_database()
                if db.vendor == "postgresql":
                    backend = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
                else:
                    db.execute_sql("SELECT 1")
                    backend = None
                resp.media = {"worker": os.getpid(), "thread": threading.get_ident(),
                              "backend": backend}


        @csrf_exempt  # the upload drills post files with no browser around
        class Uploads:
            def on_post(self, req, resp):
                from rustforge.forms import FileField, Form

                class UploadForm(Form):
                    document = FileField(max_size=2_000_000)

                document = UploadForm.from_request(req).validate()["document"]
                resp.media = {"filename": document.filename, "size": document.size}

        @csrf_exempt  # a machine API: the hostile-input drills post raw forms to it
        class Items:
            def on_get(self, req, resp):
                resp.media = {"count": Item.select().count()}

            def on_post(self, req, resp):
                item = Item.create(name=req.get_media()["name"])
                resp.status = falcon.HTTP_201
                resp.media = {"id": item.id}
    """,
    "probe/routes.py": """
        import os

        from rustforge.http import route
        from probe import resources

        # The preload drill: a query while the gunicorn master imports the app.
        if os.environ.get("PROBE_QUERY_AT_IMPORT"):
            from rustforge.db import get_database

            _db = get_database()
            _pid = _db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            with open(os.environ["PROBE_QUERY_AT_IMPORT"], "w") as _out:
                _out.write(f"{os.getpid()} {_pid}\\n")

        routes = [
            route("/version", resources.Version, name="version"),
            route("/session", resources.Session, name="session"),
            route("/items", resources.Items, name="items"),
            route("/uploads", resources.Uploads, name="uploads"),
        ]
    """,
    "probe/static/probe/hello.css": "body { color: #b7410e; }\n",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Project:
    def __init__(self, root: Path, database_url: str | None) -> None:
        self.root = root
        self.database_url = database_url

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("RUSTFORGE_", "PYTEST_"))}
        env.update({"DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
                    "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"})
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(extra)
        return env

    def manage(self, *args: str, check: bool = True, timeout: float = 120,
               **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run([PY, "manage.py", *args], cwd=self.root, env=self.env(**env),
                                capture_output=True, text=True, timeout=timeout, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def create_schema(self) -> None:
        """``migrate`` when the migrations subsystem is installed, else create_tables."""
        from importlib.util import find_spec

        if find_spec("rustforge.management.commands.makemigrations"):
            self.manage("makemigrations", "probe")
            self.manage("migrate")
        else:
            self.manage("shell", "-c", "db.create_tables(apps.get_models())")


def make_project(base: Path, database_url: str | None) -> Project:
    subprocess.run([rustforge_script(), "startproject", "mysite"], cwd=base, check=True,
                   capture_output=True, text=True)
    root = base / "mysite"
    for rel, text in PROBE_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    settings = root / "mysite" / "settings.py"
    settings.write_text(settings.read_text().replace('"mysite",', '"mysite",\n    "probe",'))
    project = Project(root, database_url)
    project.create_schema()
    return project


def fresh_schema(url: str, schema: str) -> str:
    """Empty ``schema`` in the test database; the URL of a session that uses it.

    The in-process tests own the ``public`` schema of the same database; the
    projects served here live next to it and never touch it.
    """
    import psycopg2

    from rustforge.db.backends import parse_url

    _, name, kwargs = parse_url(url)
    conn = psycopg2.connect(dbname=name, **kwargs)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'CREATE SCHEMA "{schema}"')
    conn.close()
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


class Server:
    """A server subprocess; its output goes to a log file read on failure."""

    def __init__(self, argv: list[str], cwd: Path, env: dict, port: int) -> None:
        self.port = port
        self.log_path = cwd / f"server-{port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed by stop()
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited ({self.proc.returncode}):\n{self.output()}")
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never printed:\n{self.output()}")

    def wait_until_serving(self, path: str = "/", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited ({self.proc.returncode}):\n{self.output()}")
            try:
                if self.get(path, timeout=2)[0] < 500:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server never answered:\n{self.output()}")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> tuple[int, dict, bytes]:
        return self.request("GET", path, **kwargs)

    def json(self, path: str, method: str = "GET", payload=None) -> dict:
        body = json.dumps(payload).encode() if payload is not None else None
        status, _, data = self.request(method, path, body=body,
                                       headers={"Content-Type": "application/json"})
        assert status < 300, (status, data, self.output()[-6000:])
        return json.loads(data)

    def raw(self, data: bytes, timeout: float = 10) -> bytes:
        """Send bytes as they are; return everything the server answers.

        The answer is read while sending: a server that refuses a body early
        answers and closes with part of it unread, and the kernel's reset
        would discard an answer nobody had read yet.
        """
        chunks: list[bytes] = []
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            def read() -> None:
                while True:
                    try:
                        chunk = sock.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    chunks.append(chunk)

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server stopped reading: its answer is what counts
            reader.join(timeout)
        return b"".join(chunks)

    def wait_for_workers(self, count: int, boots: int = 0, timeout: float = 30) -> None:
        """Until ``count`` workers run and ``boots`` (default count) have booted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (self.output().count("Booting worker") >= (boots or count)
                    and len(self.children()) >= count):
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited ({self.proc.returncode}):\n{self.output()}")
            time.sleep(0.1)
        raise AssertionError(f"{count} workers never booted:\n{self.output()}")

    def children(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True, check=False).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        self.log.close()


