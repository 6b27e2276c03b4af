"""Instructions per request, per route: bare falcon against RustForge, in-process.

Wall-clock figures move with whatever else the machine runs; the number of
instructions a request executes does not. Each route's WSGI app is called in
a loop under valgrind's callgrind, which counts only inside the loop (the
imports, the warm-up and the set-up are left out), so the figure is the
Python work of one request (framework, ORM, templates) plus the driver's
client side of each round trip, not the database server's. Needs valgrind
and a PostgreSQL server (BENCH_DATABASE_URL, as ``make bench``):

    python tests/benchmarks/instructions.py                 # every route, both apps
    python tests/benchmarks/instructions.py --route db --route "list ?include="
    python tests/benchmarks/instructions.py --reuse         # keep .bench/projects
    python tests/benchmarks/instructions.py --callgrind-out .bench/cg  # keep profiles

Prints a table of thousands of instructions per request and RustForge's
excess over bare falcon. With ``--callgrind-out`` each run leaves its
profile (``callgrind_annotate`` reads it) in that folder.
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# route -> requests counted (the database routes cost far more per request)
COUNTS = {"json": 400, "plaintext": 400, "db": 200, "queries (20)": 20, "fortunes": 100,
          "updates (20)": 10, "session json": 200, "form POST": 200, "list ?include=": 50}
TOGGLE = "_operator_call"  # the C function the counted loop runs inside (see child())


# Child: runs in the implementation's directory, under valgrind ---------------------------
def environ_for(path: str, method: str = "GET", headers: dict | None = None,
                body: str = "") -> dict:
    from microbench import make_environ

    environ = make_environ(path)
    environ["REQUEST_METHOD"] = method
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ["HTTP_" + key] = value
    if body:
        environ["CONTENT_LENGTH"] = str(len(body.encode()))
    return environ


def request(app, environ: dict, body: bytes = b"") -> tuple[str, list, bytes]:
    import io

    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    answer: list = []

    def start_response(status, headers, exc_info=None):
        answer[:] = [status, headers]

    chunks = app(environ, start_response)
    content = b"".join(chunks)
    close = getattr(chunks, "close", None)
    if close is not None:
        close()
    return answer[0], answer[1], content


def child(impl: str, route: str, count: int, cookie: str, profile: bool = False) -> None:
    import importlib

    from bench import FORM_BODY, ROUTES
    from microbench import MODULES

    sys.path.insert(0, os.getcwd())
    app = importlib.import_module(MODULES[impl]).application
    path, body = ROUTES[route], ""
    headers = {"Cookie": cookie} if route == "session json" else {}
    method = "GET"
    if route == "form POST":
        status, set_headers, content = request(app, environ_for(path))
        token = json.loads(content)["csrf_token"]
        secret = next(re.search(r"csrftoken=([^;]+)", v).group(1) for k, v in set_headers
                      if k.lower() == "set-cookie" and v.startswith("csrftoken="))
        method, body = "POST", f"{FORM_BODY}&csrf_token={token}"
        headers = {"Cookie": f"csrftoken={secret}",
                   "Content-Type": "application/x-www-form-urlencoded"}
    environ = environ_for(path, method, headers, body)
    payload = body.encode()
    for _ in range(50):  # warm-up: connections, compiled queries and templates, caches
        status, _, content = request(app, environ, payload)
    if not status.startswith("200"):
        raise SystemExit(f"{impl} {route} answered {status}: {content[:300]!r}")

    def loop(n: int) -> None:
        for _ in range(n):
            request(app, environ, payload)

    if profile:  # where the Python work goes, by function (cProfile, call counts)
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(loop, count)
        pstats.Stats(prof).sort_stats("tottime").print_stats(45)
        return
    operator.call(loop, count)  # callgrind counts inside this call only


# Driver ----------------------------------------------------------------------------------
def measure(impl, route: str, count: int, out_dir: Path | None) -> float:
    from bench import BIN

    out = (out_dir / f"{impl.name}-{re.sub(r'[^a-z0-9]+', '_', route)}.cg") if out_dir \
        else Path(os.devnull)
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={TOGGLE}",
           f"--callgrind-out-file={out}", str(BIN / "python"), str(Path(__file__)), "--child",
           impl.name, route, str(count), impl.session_cookie]
    env = dict(impl.env, PYTHONHASHSEED="0", PYTHONPATH=str(HERE))
    result = subprocess.run(cmd, cwd=impl.chdir, env=env, capture_output=True, text=True,
                            check=False)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or collected is None:
        raise SystemExit(f"error: {impl.name} {route}:\n{result.stderr[-2000:]}")
    return int(collected.group(1)) / count


def main(argv: list[str] | None = None) -> int:
    from bench import BENCH_DIR, BIN, ROUTES, Impl, generate_projects, log, prepare_database

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--route", action="append", choices=list(ROUTES))
    parser.add_argument("--impl", action="append", choices=("falcon", "rustforge"))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply each route's request count (default 1)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the projects and tables of an earlier run")
    parser.add_argument("--callgrind-out", type=Path, metavar="DIR")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of each route instead (no valgrind)")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rustforge_bench"))
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("error: valgrind not found (Debian package valgrind)")
    saved = BENCH_DIR / "instructions-projects.json"
    if args.reuse and saved.exists():
        impls = {name: Impl(**{**fields, "chdir": Path(fields["chdir"])})
                 for name, fields in json.loads(saved.read_text()).items()}
    else:
        log("preparing the database and the RustForge project")
        prepare_database(args.database_url)
        impls = generate_projects(args.database_url, ("falcon", "rustforge"))
        saved.write_text(json.dumps({name: {**vars(impl), "chdir": str(impl.chdir),
                                            "manage": None} for name, impl in impls.items()}))
    if args.callgrind_out:
        args.callgrind_out = args.callgrind_out.resolve()
        args.callgrind_out.mkdir(parents=True, exist_ok=True)
    names = args.impl or ["falcon", "rustforge"]
    routes = args.route or list(ROUTES)
    if args.profile:
        for route in routes:
            for name in names:
                impl = impls[name]
                print(f"## {name} {route}", flush=True)
                subprocess.run([str(BIN / "python"), str(Path(__file__)), "--profile", name, route,
                                str(COUNTS[route]), impl.session_cookie], cwd=impl.chdir,
                               env=dict(impl.env, PYTHONPATH=str(HERE)), check=True)
        return 0
    results: dict = {}
    print("| route | " + " | ".join(names) + (" | RF − falcon |" if len(names) == 2 else " |"))
    print("|---|" + "---:|" * (len(names) + (len(names) == 2)))
    for route in routes:
        count = max(1, round(COUNTS[route] * args.scale))
        results[route] = {name: measure(impls[name], route, count, args.callgrind_out)
                          for name in names}
        cells = [f"{results[route][name] / 1000:,.0f}k" for name in names]
        if len(names) == 2:
            cells.append(f"{(results[route][names[1]] - results[route][names[0]]) / 1000:+,.0f}k")
        print(f"| {route} | " + " | ".join(cells) + " |", flush=True)
    (BENCH_DIR / "instructions.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    if sys.argv[1:2] in (["--child"], ["--profile"]):
        child(*sys.argv[2:4], int(sys.argv[4]), sys.argv[5], profile=sys.argv[1] == "--profile")
    else:
        sys.exit(main())
