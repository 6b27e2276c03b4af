"""TechEmpower-style benchmark: bare falcon, RustForge and Django side by side.

Run through ``run.sh`` (``make bench`` / ``make bench-quick``), which prepares
the benchmark venv and wrk. Steps:

1. create and fill the ``world`` (10,000 rows) and ``fortune`` tables in the
   benchmark database (created when missing);
2. generate a RustForge project with ``rustforge startproject`` + ``startapp``
   and a Django project with ``django-admin startproject`` + ``startapp``,
   and drop the TechEmpower routes into their apps;
3. check every route of every implementation answers correctly;
4. measure import time of ``manage.py --help``, gunicorn start to first 200,
   and the in-process cost of one request (no network);
5. per worker class, start the three servers with identical gunicorn options
   and load them with wrk, interleaved A B C A B C, repeated;
6. print the table and write it to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BENCH_DIR = ROOT / ".bench"
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "benchmarks.md"
IMPLS = ("falcon", "rustforge", "django")
LABELS = {"falcon": "bare falcon", "rustforge": "RustForge", "django": "Django"}
ROUTES = {
    "json": "/json",
    "plaintext": "/plaintext",
    "db": "/db",
    "queries (20)": "/queries?queries=20",
    "fortunes": "/fortunes",
    "updates (20)": "/updates?queries=20",
    # The routes real users have: a logged-in user's JSON (session cookie),
    # a form POST checked against its CSRF token, a ModelResource list.
    "session json": "/me",
    "form POST": "/form",
    "list ?include=": "/posts?include=author&limit=20",
}
# RustForge / bare falcon per route, under sync and gthread alike; and RustForge / Django.
TARGETS = dict.fromkeys(ROUTES, 0.90)
DJANGO_TARGET = 1.7
FORM_BODY = "title=Hello%2C+world&number=42"
FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# Database -----------------------------------------------------------------------------
def prepare_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        conn = psycopg2.connect(url)
    except psycopg2.OperationalError as exc:
        if f'database "{name}" does not exist' not in str(exc):
            raise SystemExit(
                f"error: cannot reach PostgreSQL at {url}: {str(exc).strip()}\n"
                "Start it (`make services`) or point BENCH_DATABASE_URL at a server.") from None
        admin = psycopg2.connect(url.replace(parts.path, "/postgres", 1))
        admin.autocommit = True
        admin.cursor().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        admin.close()
        log(f"created database {name}")
        conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS world, fortune")
    cur.execute("CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL)")
    cur.execute("CREATE TABLE fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)")
    cur.execute("INSERT INTO world (id, randomnumber) "
                "SELECT i, 1 + floor(random() * 10000)::int FROM generate_series(1, 10000) i")
    cur.executemany("INSERT INTO fortune (id, message) VALUES (%s, %s)",
                    list(enumerate(FORTUNES, 1)))
    cur.execute("DROP TABLE IF EXISTS bench_post, bench_author")
    cur.execute("CREATE TABLE bench_author (id serial PRIMARY KEY, name varchar(80) NOT NULL)")
    cur.execute("CREATE TABLE bench_post (id serial PRIMARY KEY, title varchar(120) NOT NULL,"
                " body text NOT NULL, author_id integer NOT NULL REFERENCES bench_author)")
    cur.executemany("INSERT INTO bench_author (name) VALUES (%s)",
                    [(f"Author {n}",) for n in range(10)])
    cur.executemany("INSERT INTO bench_post (title, body, author_id) VALUES (%s, %s, %s)",
                    [(f"Post {n}", "lorem ipsum dolor sit amet " * 4, 1 + n % 10)
                     for n in range(200)])
    # Django's tables go to their own schema (both have an auth_user table).
    cur.execute("CREATE SCHEMA IF NOT EXISTS django")
    for table in ("world", "fortune", "bench_author", "bench_post"):
        cur.execute(f"VACUUM ANALYZE {table}")
    cur.execute("SHOW server_version")
    version = cur.fetchone()[0]
    conn.close()
    return version


# Projects -----------------------------------------------------------------------------
@dataclass
class Impl:
    name: str
    chdir: Path
    module: str
    manage: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    session_cookie: str = ""


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> str:
    result = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"error: {' '.join(map(str, cmd))} failed:\n{result.stderr.strip()}")
    return result.stdout


def generate_projects(db_url: str, names: tuple[str, ...] = IMPLS) -> dict[str, Impl]:
    """Fresh projects under .bench/projects for ``names`` (bare falcon needs
    RustForge's: it reads RustForge's session tables with its cookie)."""
    projects = BENCH_DIR / "projects"
    shutil.rmtree(projects, ignore_errors=True)
    projects.mkdir(parents=True)
    base_env = dict(os.environ, BENCH_DATABASE_URL=db_url, PYTHONDONTWRITEBYTECODE="")
    rustforge = generate_rustforge(projects / "rustforge", base_env, db_url)
    impls = {
        "falcon": Impl("falcon", HERE / "falcon_app", "app:application", None,
                       dict(base_env, SECRET_KEY=rustforge.env["SECRET_KEY"]),
                       rustforge.session_cookie),
        "rustforge": rustforge,
    }
    if "django" in names:
        impls["django"] = generate_django(projects / "django", base_env)
    return {name: impls[name] for name in names}


def generate_rustforge(rf: Path, base_env: dict[str, str], db_url: str) -> Impl:
    """Exactly what `startproject` gives, plus one app, migrated, with a
    logged-in user's session."""
    run([str(BIN / "rustforge"), "startproject", "tfbsite", str(rf)])
    run([str(BIN / "python"), "manage.py", "startapp", "tfb"], cwd=rf)
    for name in ("apps.py", "models.py", "resources.py", "routes.py"):
        shutil.copy(HERE / "rustforge_app" / name, rf / "tfb" / name)
    shutil.copy(HERE / "rustforge_app/templates/tfb/fortunes.html", rf / "tfb/templates/tfb/")
    settings = rf / "tfbsite" / "settings.py"
    text = settings.read_text()
    text = text.replace('    "tfbsite",\n', '    "tfbsite",\n    "tfb",\n', 1)
    settings.write_text(text)
    (rf / ".env").unlink(missing_ok=True)  # production: settings come from the environment
    # The settings of a new project as they are: whatever a user gets by default
    # (middleware, metrics, apps) is what the comparison measures.
    rf_env = dict(base_env, DEBUG="0", SECRET_KEY="bench-" + "x" * 50,
                  ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_URL=db_url)
    # A user and a live session for the authenticated route.
    run([str(BIN / "python"), "manage.py", "migrate"], cwd=rf, env=rf_env)
    cookie = run([str(BIN / "python"), str(HERE / "accounts.py"), "rustforge"],
                 cwd=rf, env=rf_env).strip()
    return Impl("rustforge", rf, "tfbsite.wsgi:application", rf / "manage.py", rf_env, cookie)


def generate_django(dj: Path, base_env: dict[str, str]) -> Impl:
    """`startproject` defaults (middleware, templates, ORM), one app, migrated,
    with a logged-in user's session."""
    dj.mkdir()
    run([str(BIN / "django-admin"), "startproject", "djsite", str(dj)])
    run([str(BIN / "python"), "manage.py", "startapp", "world"], cwd=dj, env=base_env)
    for name in ("models.py", "views.py"):
        shutil.copy(HERE / "django_app" / name, dj / "world" / name)
    (dj / "world/templates/world").mkdir(parents=True)
    shutil.copy(HERE / "django_app/templates/world/fortunes.html", dj / "world/templates/world/")
    with open(dj / "djsite/settings.py", "a") as fh:
        fh.write((HERE / "django_app/settings_extra.py").read_text())
    with open(dj / "djsite/urls.py", "a") as fh:
        fh.write((HERE / "django_app/urls_extra.py").read_text())
    run([str(BIN / "python"), "manage.py", "migrate", "--verbosity", "0"], cwd=dj, env=base_env)
    cookie = run([str(BIN / "python"), str(HERE / "accounts.py"), "django"],
                 cwd=dj, env=base_env).strip()
    return Impl("django", dj, "djsite.wsgi:application", dj / "manage.py", base_env, cookie)


# Servers ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, timeout: float = 5.0, *, method: str = "GET",
          body: str | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@dataclass
class Call:
    """One route's request as wrk sends it: method, path, headers, body."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    def fetch(self, port: int) -> tuple[int, dict, bytes]:
        return fetch(port, self.path, method=self.method, body=self.body, headers=self.headers)

    def script(self, name: str) -> Path | None:
        """A wrk Lua script for anything beyond a plain GET (None for a plain GET)."""
        if self.method == "GET" and not self.headers:
            return None
        lines = [f"wrk.method = {json.dumps(self.method)}"]
        if self.body is not None:
            lines.append(f"wrk.body = {json.dumps(self.body)}")
        lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}"
                  for k, v in self.headers.items()]
        path = BENCH_DIR / f"wrk-{name}.lua"
        path.write_text("\n".join(lines) + "\n")
        return path


def calls_for(server: Server, routes: dict[str, str]) -> dict[str, Call]:
    """What wrk sends to one server per route: the session route carries the
    implementation's session cookie; the form POST carries a CSRF token and
    its cookie, fetched from the implementation's own GET /form first."""
    calls = {route: Call(path) for route, path in routes.items()}
    if "session json" in calls:
        calls["session json"].headers["Cookie"] = server.impl.session_cookie
    if "form POST" in calls:
        status, headers, body = fetch(server.port, routes["form POST"])
        if status != 200:
            raise SystemExit(f"error: {server.impl.name} GET /form answered {status}")
        token = json.loads(body)["csrf_token"]
        set_cookie = " ".join(v for k, v in headers.items() if k.lower() == "set-cookie")
        cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
        if cookie is None:
            raise SystemExit(f"error: {server.impl.name} GET /form set no csrftoken cookie")
        field_name = "csrfmiddlewaretoken" if server.impl.name == "django" else "csrf_token"
        calls["form POST"] = Call(routes["form POST"], "POST", {
            "Cookie": f"csrftoken={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded"},
            f"{FORM_BODY}&{field_name}={token}")
    return calls


class Server:
    """gunicorn serving one implementation on a free loopback port."""

    def __init__(self, impl: Impl, workers: int, worker_class: str, threads: int) -> None:
        self.impl = impl
        self.port = free_port()
        cmd = [str(BIN / "gunicorn"), "--chdir", str(impl.chdir), "-b", f"127.0.0.1:{self.port}",
               "-w", str(workers), "-k", worker_class, "--log-level", "warning",
               "--keep-alive", "5", "--timeout", "60"]
        if worker_class == "gthread":
            # A gthread worker accepts every connection it can while busy, so on a
            # shared socket one worker could take all of wrk's keep-alive
            # connections for a whole round (seen: 16/0, 14/2) and serve them
            # GIL-bound on one core while the other worker idled. With a socket
            # per worker (SO_REUSEPORT) the kernel spreads them by hash instead.
            # Sync workers take one connection at a time and keep none alive.
            cmd += ["--threads", str(threads), "--reuse-port"]
        cmd.append(impl.module)
        self.started = time.perf_counter()
        self.log = open(BENCH_DIR / f"gunicorn-{impl.name}-{worker_class}.log", "a")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(cmd, env=impl.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> float:
        """Seconds from process start to the first 200 on /json."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"error: gunicorn for {self.impl.name} exited; see "
                                 f"{self.log.name}")
            try:
                status, _, _ = fetch(self.port, "/json", timeout=2)
                if status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.005)
        raise SystemExit(f"error: {self.impl.name} did not answer within {timeout}s")

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in children.split()]

    def memory(self) -> tuple[float, float]:
        """Mean (RSS, peak RSS) of the workers, in MB."""
        rss, hwm = [], []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
                hwm.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return (statistics.mean(rss) if rss else 0.0, statistics.mean(hwm) if hwm else 0.0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# Correctness ---------------------------------------------------------------------------
def validate(server: Server, db_url: str) -> None:
    """Each route of each implementation must answer what TechEmpower asks."""
    name = server.impl.name

    def get_json(path: str):
        status, _headers, body = fetch(server.port, path)
        if status != 200:
            raise SystemExit(f"error: {name} {path} answered {status}: {body[:300]!r}")
        return json.loads(body)

    assert_eq = _asserter(name)
    assert_eq("/json", get_json("/json"), {"message": "Hello, World!"})
    status, _, body = fetch(server.port, "/plaintext")
    assert_eq("/plaintext", (status, body), (200, b"Hello, World!"))
    row = get_json("/db")
    assert_eq("/db keys", sorted(row), ["id", "randomNumber"])
    for query, count in (("20", 20), ("0", 1), ("foo", 1), ("501", 500), ("", 1)):
        rows = get_json(f"/queries?queries={query}")
        assert_eq(f"/queries?queries={query}", len(rows), count)
    rows = get_json("/updates?queries=3")
    assert_eq("/updates", len(rows), 3)
    import psycopg2

    conn = psycopg2.connect(db_url)
    try:  # the new numbers were committed, not left in an open transaction
        cur = conn.cursor()
        for item in rows:
            cur.execute("SELECT randomnumber FROM world WHERE id = %s", (item["id"],))
            assert_eq(f"/updates row {item['id']} in the database", cur.fetchone()[0],
                      item["randomNumber"])
    finally:
        conn.close()
    status, _headers, body = fetch(server.port, "/fortunes")
    html = body.decode()
    cells = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", html)
    assert_eq("/fortunes rows", len(cells), len(FORTUNES) + 1)
    assert_eq("/fortunes sorted", [c[1] for c in cells], sorted(c[1] for c in cells))
    if "&lt;script&gt;" not in html or "<script>" in html:
        raise SystemExit(f"error: {name} /fortunes does not escape HTML")
    if "フレームワークのベンチマーク" not in html:
        raise SystemExit(f"error: {name} /fortunes lost the UTF-8 fortune")


def validate_real(server: Server, calls: dict[str, Call]) -> list | None:
    """The routes real users have answer alike; returns the list's rows."""
    name = server.impl.name
    assert_eq = _asserter(name)
    if "session json" in calls:
        status, _, body = calls["session json"].fetch(server.port)
        assert_eq("/me status", status, 200)
        assert_eq("/me", sorted(json.loads(body)), ["id", "randomNumber", "username"])
        assert_eq("/me user", json.loads(body)["username"], "bench")
        assert_eq("/me without a session", fetch(server.port, "/me")[0], 401)
    if "form POST" in calls:
        call = calls["form POST"]
        status, _, body = call.fetch(server.port)
        assert_eq("POST /form", (status, json.loads(body) if status == 200 else body[:300]),
                  (200, {"title": "Hello, world", "number": 42}))
        forged = Call(call.path, "POST", call.headers, FORM_BODY)
        assert_eq("POST /form without its token", forged.fetch(server.port)[0], 403)
    if "list ?include=" in calls:
        status, _, body = calls["list ?include="].fetch(server.port)
        assert_eq("/posts status", status, 200)
        rows = json.loads(body)["data"]
        assert_eq("/posts rows", len(rows), 20)
        return rows
    return None


def _asserter(name: str):
    def check(what: str, got, want) -> None:
        if got != want:
            raise SystemExit(f"error: {name} {what}: got {got!r}, expected {want!r}")
    return check


# Load ----------------------------------------------------------------------------------
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(port: int, path: str, duration: int, connections: int,
        script: Path | None = None) -> dict[str, float]:
    # --timeout well above any p99 here: a slow route under a sync worker
    # queues requests, and wrk's default 2 s would count them as errors.
    extra = ["-s", str(script)] if script else []
    out = run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "20s",
               "--latency", *extra, f"http://127.0.0.1:{port}{path}"])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * _UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(bad.group(1)) if bad else 0
    if errors:
        failed += sum(int(g) for g in errors.groups())
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "failed": failed}


@dataclass
class Plan:
    quick: bool
    duration: int
    repeat: int
    workers: int
    threads: int
    connections: int
    classes: list[str]


def load_runs(impls: dict[str, Impl], plan: Plan, routes: dict[str, str],
              db_url: str) -> dict:
    """{worker class: {route: {impl: [wrk result per round]}}} plus memory."""
    results: dict = {}
    memory: dict = {}
    for worker_class in plan.classes:
        servers = {name: Server(impl, plan.workers, worker_class, plan.threads)
                   for name, impl in impls.items()}
        try:
            for server in servers.values():
                server.wait_ready()
            idle = {}
            for name, server in servers.items():
                for _ in range(3 * plan.workers):  # let every worker serve a request
                    fetch(server.port, "/json")
                idle[name] = server.memory()[0]
            calls = {name: calls_for(server, routes) for name, server in servers.items()}
            listed = {}
            for name, server in servers.items():
                validate(server, db_url)
                listed[name] = validate_real(server, calls[name])
            if len({json.dumps(rows, sort_keys=True) for rows in listed.values()}) > 1:
                raise SystemExit("error: the implementations list different rows on /posts")
            by_route: dict = {}
            for route in routes:
                log(f"[{worker_class}] {route}")
                scripts = {name: calls[name][route].script(f"{name}-{worker_class}")
                           for name in servers}
                # Warm-up: import-on-first-use, connections, template compilation.
                for name, server in servers.items():
                    if plan.quick:
                        for _ in range(20):
                            calls[name][route].fetch(server.port)
                    else:
                        wrk(server.port, calls[name][route].path, 1, plan.connections,
                            scripts[name])
                rounds: dict = {name: [] for name in servers}
                for _ in range(plan.repeat):
                    for name, server in servers.items():  # interleaved: A B C A B C
                        rounds[name].append(wrk(server.port, calls[name][route].path,
                                                plan.duration, plan.connections,
                                                scripts[name]))
                by_route[route] = rounds
            results[worker_class] = by_route
            memory[worker_class] = {
                name: {"idle": idle[name], "warm": server.memory()[0],
                       "peak": server.memory()[1]}
                for name, server in servers.items()}
        finally:
            for server in servers.values():
                server.stop()
    return {"load": results, "memory": memory}


# Start-up and import -------------------------------------------------------------------
def startup_times(impls: dict[str, Impl], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in impls}
    for _ in range(rounds):
        for name, impl in impls.items():
            server = Server(impl, 2, "sync", 1)
            try:
                times[name].append(server.wait_ready())
            finally:
                server.stop()
    return {name: statistics.median(values) for name, values in times.items()}


def import_times(impls: dict[str, Impl], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {}
    for name, impl in impls.items():
        if impl.manage is None:
            continue
        times[name] = []
        for _ in range(rounds):
            start = time.perf_counter()
            run([str(BIN / "python"), str(impl.manage), "--help"], cwd=impl.chdir, env=impl.env)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def in_process(impls: dict[str, Impl], rounds: int, iterations: int) -> dict[str, dict]:
    """Microseconds per request through each WSGI app, no network.

    The variants take turns, round after round, and each keeps its best
    figure per route: other processes on the machine only ever add time.
    """
    out: dict[str, dict[str, float]] = {}
    variants = [(name, name, []) for name in impls]
    variants.append(("peewee", "rustforge", ["--no-fast-path"]))
    for _ in range(rounds):
        for key, name, extra in variants:
            impl = impls[name]
            cmd = [str(BIN / "python"), str(HERE / "microbench.py"), "--impl", name,
                   "--iterations", str(iterations), *extra]
            result = json.loads(run(cmd, cwd=impl.chdir, env=impl.env))
            best = out.setdefault(key, result)
            for route, value in result.items():
                best[route] = min(best[route], value)
    return out


# Report --------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def paired_ratio(a: list[dict], b: list[dict]) -> float:
    """Median of per-round ratios: rounds ran back to back, so noise cancels."""
    return median([x["rps"] / y["rps"] for x, y in zip(a, b) if y["rps"]])


def middleware_of(impl: Impl) -> list[str]:
    """The middleware chain the generated RustForge project runs, in order."""
    code = ("import os, sys; sys.path.insert(0, os.getcwd()); "
            "os.environ['RUSTFORGE_SETTINGS_MODULE'] = 'tfbsite.settings'; "
            "from rustforge.http.app import create_app; "
            "print(*(f'{type(m).__module__}.{type(m).__qualname__}' "
            "for m in create_app()._unprepared_middleware), sep='\\n')")
    return run([str(BIN / "python"), "-c", code], cwd=impl.chdir, env=impl.env).split()


# Main ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="one 1 s round, gthread only (under two minutes)")
    parser.add_argument("--duration", type=int,
                        help="seconds per wrk run (default 2; 1 with --quick)")
    parser.add_argument("--repeat", type=int,
                        help="interleaved rounds per route (default 3; 1 with --quick)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--worker-class", action="append", choices=("sync", "gthread"),
                        help="repeatable; default both (gthread only with --quick)")
    parser.add_argument("--route", action="append", choices=list(ROUTES),
                        help="repeatable; default all")
    parser.add_argument("--no-scaling", action="store_true",
                        help="skip the scaling run (1, 2, 4 workers; skipped by --quick)")
    parser.add_argument("--no-write", action="store_true",
                        help=f"print only; leave {DOC.relative_to(ROOT)} alone")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rustforge_bench"))
    args = parser.parse_args(argv)
    # The report and the extra runs import this module's helpers (as ``bench``).
    import footprint
    import scaling
    from report import CHART, render_report, write_doc

    plan = Plan(
        quick=args.quick,
        duration=args.duration or (1 if args.quick else 2),
        repeat=args.repeat or (1 if args.quick else 3),
        workers=args.workers, threads=args.threads, connections=args.connections,
        classes=args.worker_class or (["gthread"] if args.quick else ["sync", "gthread"]),
    )
    routes = {r: ROUTES[r] for r in args.route} if args.route else ROUTES
    began = time.perf_counter()
    BENCH_DIR.mkdir(exist_ok=True)
    for stale in BENCH_DIR.glob("gunicorn-*.log"):
        stale.unlink()
    log(f"preparing database {urlsplit(args.database_url).path.lstrip('/')}")
    pg_version = prepare_database(args.database_url)
    impls = generate_projects(args.database_url)
    log("import time of manage.py --help")
    imports = import_times(impls, 1 if plan.quick else 5)
    log("gunicorn start to first 200")
    startup = startup_times(impls, 1 if plan.quick else 3)
    log("in-process microbenchmark")
    micro = in_process(impls, 1 if plan.quick else 3, 500 if plan.quick else 5000)
    data = load_runs(impls, plan, routes, args.database_url)
    data.update(startup=startup, imports=imports, micro=micro,
                middleware=middleware_of(impls["rustforge"]))
    log("worker memory with every built-in app installed")
    data["all_apps"] = footprint.measure(impls["rustforge"], impls["falcon"],
                                         10 if plan.quick else 200)
    if not (plan.quick or args.no_scaling):
        data["scaling"] = scaling.scaling_run(impls["rustforge"], plan.duration)
    report = render_report(data, plan, pg_version)
    print(report)
    (BENCH_DIR / "results.json").write_text(json.dumps(data, indent=1))
    if not args.no_write:
        write_doc(report)
        if data.get("scaling"):
            scaling.write_chart(data["scaling"], CHART,
                                "RustForge on this machine (gunicorn sync, /json and /db)")
        log(f"wrote {DOC.relative_to(ROOT)}")
    log(f"done in {time.perf_counter() - began:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
