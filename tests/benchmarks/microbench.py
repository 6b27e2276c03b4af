"""In-process cost of one request through an implementation's WSGI app.

No gunicorn, no socket: the WSGI callable is called with a prepared environ,
so what is measured is the framework (middleware, routing, responder,
serialisation) plus, for the database routes, the round trips to PostgreSQL.
Run from the implementation's directory with its environment (bench.py does):

    python microbench.py --impl rustforge --iterations 10000
    python microbench.py --impl rustforge --profile /queries?queries=20
    python microbench.py --impl rustforge --no-fast-path   # plain peewee

Prints a JSON object {route: microseconds per request}, or with --profile a
pyinstrument (or cProfile) profile of that route.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import sys
import time

MODULES = {"falcon": "app", "rustforge": "tfbsite.wsgi", "django": "djsite.wsgi"}
# route -> (path, share of --iterations): database routes are far slower.
ROUTES = {
    "json": ("/json", 1.0),
    "plaintext": ("/plaintext", 1.0),
    "db": ("/db", 0.2),
    "queries (20)": ("/queries?queries=20", 0.02),
    "fortunes": ("/fortunes", 0.1),
}


def make_environ(path: str) -> dict:
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path_info,
        "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1", "HTTP_USER_AGENT": "microbench", "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def call(app, template: dict) -> str:
    environ = dict(template)
    environ["wsgi.input"] = io.BytesIO(b"")
    status = []

    def start_response(s, headers, exc_info=None):
        status.append(s)

    body = app(environ, start_response)
    for _ in body:
        pass
    close = getattr(body, "close", None)
    if close is not None:
        close()
    return status[0]


def measure(app, path: str, iterations: int, batches: int = 5) -> float:
    """Best batch mean, as timeit does: other processes only ever add time."""
    template = make_environ(path)
    for _ in range(max(20, iterations // 20)):
        status = call(app, template)
    if not status.startswith("200"):
        raise SystemExit(f"{path} answered {status}")
    size = max(10, iterations // batches)
    best = float("inf")
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(size):
            call(app, template)
        best = min(best, (time.perf_counter() - start) / size)
    return best * 1e6


def profile(app, path: str, iterations: int) -> None:
    template = make_environ(path)
    for _ in range(50):
        call(app, template)
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(iterations):
            call(app, template)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for _ in range(iterations):
        call(app, template)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=sorted(MODULES), required=True)
    parser.add_argument("--iterations", type=int, default=10000)
    parser.add_argument("--profile", metavar="PATH", help="profile this path instead")
    parser.add_argument("--no-fast-path", action="store_true",
                        help="RustForge with DATABASE_FAST_PATH off (plain peewee)")
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())
    app = importlib.import_module(MODULES[args.impl]).application
    with contextlib.ExitStack() as stack:
        if args.no_fast_path:
            from rustforge.conf import settings

            stack.enter_context(settings.override(DATABASE_FAST_PATH=False))
        if args.profile:
            profile(app, args.profile, args.iterations)
            return
        results = {name: measure(app, path, max(50, int(args.iterations * share)))
                   for name, (path, share) in ROUTES.items()}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
