"""What the metrics cost per request: METRICS_ENABLED on against off.

Run by ``run.sh`` (``make bench``), or alone in the benchmark venv:
``.bench/venv/bin/python tests/benchmarks/metrics_bench.py [--quick]``.

A minimal project (a JSON route and a route running one SQLite query) is
called in-process through its WSGI application, as gunicorn would call it,
with metrics on and off in interleaved rounds in the same process, so the
ratio on/off is measured under the same machine load. Two modes, each in a
process of its own because prometheus_client chooses at import:

* ``single``: one process, values in memory (``runserver``, one worker);
* ``multiprocess``: ``PROMETHEUS_MULTIPROC_DIR`` set, values in mmap'ed
  files (what deploy/gunicorn.conf.py gives every gunicorn worker).

Results go to docs/benchmarks.md between the ``metrics`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from docsection import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOC = ROOT / "docs" / "benchmarks.md"

PROJECT = {
    "benchsite/__init__.py": "",
    "benchsite/settings.py": """
        DEBUG = False
        SECRET_KEY = "metrics-bench-" + "k" * 40
        ALLOWED_HOSTS = ["127.0.0.1"]
        INSTALLED_APPS = ["benchsite"]
        ROOT_ROUTES = "benchsite.routes"
        import os
        DATABASE_URL = "sqlite:///" + os.path.join(os.path.dirname(__file__), "bench.db")
    """,
    "benchsite/routes.py": """
        from rustforge.db import get_database
        from rustforge.http import route


        class Json:
            def on_get(self, req, resp, id):
                resp.media = {"id": id, "message": "Hello, World!"}


        class Query:
            def on_get(self, req, resp):
                resp.media = {"one": get_database().execute_sql("SELECT 1").fetchone()[0]}


        routes = [route("/json/{id:int}", Json), route("/db", Query)]
    """,
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def environ(path: str) -> dict:
    return {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False}


def per_request(app, path: str, count: int) -> float:
    """Best of three batches, in microseconds per request."""
    template = environ(path)

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise SystemExit(f"{path}: {status}")

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(count):
            env = dict(template)
            env["wsgi.input"] = io.BytesIO(b"")
            for _ in app(env, start_response):
                pass
        best = min(best, (time.perf_counter() - start) / count * 1e6)
    return best


def child(args: argparse.Namespace) -> None:
    """Measure in this process: {route: {"on": [...], "off": [...]}}."""
    sys.path.insert(0, args.project)
    os.environ["RUSTFORGE_SETTINGS_MODULE"] = "benchsite.settings"
    from rustforge.conf import settings
    from rustforge.http import get_wsgi_application

    apps = {}
    for state in ("on", "off"):
        with settings.override(METRICS_ENABLED=state == "on"):
            apps[state] = get_wsgi_application()
    routes = {"json": ("/json/7", args.iterations), "db": ("/db", args.iterations // 4)}
    samples: dict = {name: {"on": [], "off": []} for name in routes}
    for _ in range(args.rounds):
        for name, (path, count) in routes.items():
            for state in ("on", "off"):
                # The flag is read per call by the query and cache hooks.
                with settings.override(METRICS_ENABLED=state == "on"):
                    samples[name][state].append(per_request(apps[state], path, count))
    print(json.dumps(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests")
    parser.add_argument("--no-write", action="store_true", help="print, do not update the docs")
    parser.add_argument("--child", choices=["single", "multiprocess"], help=argparse.SUPPRESS)
    parser.add_argument("--project", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, default=0, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        child(args)
        return
    rounds, iterations = (3, 1000) if args.quick else (7, 4000)
    results = {}
    with tempfile.TemporaryDirectory(prefix="rf-metrics-bench-") as tmp:
        for rel, text in PROJECT.items():
            path = Path(tmp) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip())
        for mode in ("single", "multiprocess"):
            env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
            if mode == "multiprocess":
                (Path(tmp) / "prom").mkdir()
                env["PROMETHEUS_MULTIPROC_DIR"] = str(Path(tmp) / "prom")
            log(f"metrics bench: {mode}, {rounds} rounds of {iterations} requests")
            out = subprocess.run([sys.executable, __file__, "--child", mode, "--project", tmp,
                                  "--rounds", str(rounds), "--iterations", str(iterations)],
                                 env=env, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise SystemExit(out.stderr)
            results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [(f"Measured {when}: in-process WSGI calls, {rounds} interleaved rounds of "
              f"{iterations} requests (`/db`: a quarter), best of 3 batches each; "
              f"{os.cpu_count()} CPU(s), shared machine."), "",
             "| mode | route | metrics off µs | metrics on µs | on / off |",
             "|---|---|---:|---:|---:|"]
    for mode, routes in results.items():
        for name, found in routes.items():
            ratios = [on / off for on, off in zip(found["on"], found["off"], strict=True)]
            lines.append(f"| {mode} | `{name}` | {median(found['off']):.1f} | "
                         f"{median(found['on']):.1f} | {median(ratios):.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.no_write:
        return
    write_section("metrics", "Metrics on and off", table + "\n")


if __name__ == "__main__":
    main()
