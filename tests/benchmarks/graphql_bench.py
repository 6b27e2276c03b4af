"""GraphQL against REST: the same 20 rows with a related object, under gunicorn.

Run by ``run.sh`` after the main suite (``make bench``), or alone in the
benchmark venv: ``.bench/venv/bin/python tests/benchmarks/graphql_bench.py``.

One generated project serves both ``GET /graphql?query={ posts(first: 20)
{ nodes { id title body author { id name } } } }`` and ``GET /rest/posts?
include=author&limit=20`` (a ModelResource); wrk loads them in turn, round
after round, and the figure is the median of the per-round ratios
GraphQL / REST (target: at least 0.5). Results go to docs/benchmarks.md
between the ``graphql`` markers.

``--instructions`` counts instructions per request of both routes instead,
in-process under valgrind's callgrind (the WSGI app called in a loop, as
``instructions.py`` does): a figure that does not move with the machine's
load. ``--reuse`` keeps the generated project and tables of an earlier run,
``--callgrind-out DIR`` keeps the profiles, ``--profile`` prints a cProfile
of each route instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import bench
from bench import (
    BENCH_DIR,
    BIN,
    DOC,
    HERE,
    Impl,
    Server,
    fetch,
    log,
    median,
    paired_ratio,
    run,
    wrk,
)
from docsection import write_section

QUERY = "{ posts(first: 20) { nodes { id title body author { id name } } } }"
ROUTES = {"GraphQL": "/graphql?query=" + quote(QUERY),
          "REST ?include=": "/rest/posts?include=author&limit=20"}
TARGET = 0.5


def prepare_tables(url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS gqlbench_post, gqlbench_author")
    cur.execute("CREATE TABLE gqlbench_author (id serial PRIMARY KEY, name varchar(80) NOT NULL)")
    cur.execute("CREATE TABLE gqlbench_post (id serial PRIMARY KEY, title varchar(120) NOT NULL,"
                " body text NOT NULL, author_id integer NOT NULL REFERENCES gqlbench_author)")
    cur.executemany("INSERT INTO gqlbench_author (name) VALUES (%s)",
                    [(f"Author {n}",) for n in range(10)])
    cur.executemany("INSERT INTO gqlbench_post (title, body, author_id) VALUES (%s, %s, %s)",
                    [(f"Post {n}", "lorem ipsum dolor sit amet " * 4, 1 + n % 10)
                     for n in range(200)])
    cur.execute("VACUUM ANALYZE gqlbench_post")
    cur.execute("VACUUM ANALYZE gqlbench_author")
    conn.close()


def generate_project(db_url: str) -> Impl:
    root = BENCH_DIR / "projects" / "graphql"
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    run([str(BIN / "rustforge"), "startproject", "gqlsite", str(root)])
    run([str(BIN / "python"), "manage.py", "startapp", "lists"], cwd=root)
    for name in ("apps.py", "models.py", "resources.py", "routes.py", "graphql.py"):
        shutil.copy(HERE / "graphql_app" / name, root / "lists" / name)
    settings = root / "gqlsite" / "settings.py"
    settings.write_text(settings.read_text().replace(
        '    "gqlsite",\n', '    "gqlsite",\n    "rustforge.contrib.graphql",\n    "lists",\n', 1))
    (root / ".env").unlink(missing_ok=True)
    return project_impl(root, db_url)


def project_impl(root: Path, db_url: str) -> Impl:
    env = dict(os.environ, DEBUG="0", SECRET_KEY="bench-" + "x" * 50,
               ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_URL=db_url)
    return Impl("graphql", root, "gqlsite.wsgi:application", root / "manage.py", env)


def check_same_rows(port: int) -> None:
    """Both routes answer the same 20 posts with the same authors."""
    status, _, body = fetch(port, ROUTES["GraphQL"])
    assert status == 200, body[:300]
    nodes = json.loads(body)["data"]["posts"]["nodes"]
    status, _, body = fetch(port, ROUTES["REST ?include="])
    assert status == 200, body[:300]
    rows = json.loads(body)["data"]
    assert len(nodes) == len(rows) == 20
    assert [(n["title"], n["author"]["name"]) for n in nodes] == [
        (r["title"], r["author"]["name"]) for r in rows]


def measure(impl: Impl, duration: int, repeat: int, connections: int) -> dict:
    server = Server(impl, 2, "sync", 1)
    try:
        # wait_ready polls /json, which this project lacks: poll the REST list instead.
        deadline = time.perf_counter() + 30
        while True:
            try:
                if fetch(server.port, ROUTES["REST ?include="])[0] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline or server.proc.poll() is not None:
                raise SystemExit(f"error: the GraphQL project did not start; see {server.log.name}")
            time.sleep(0.05)
        check_same_rows(server.port)
        for path in ROUTES.values():  # warm-up: every worker, every route
            wrk(server.port, path, 1, connections)
        rounds: dict[str, list] = {name: [] for name in ROUTES}
        for _ in range(repeat):
            for name, path in ROUTES.items():
                rounds[name].append(wrk(server.port, path, duration, connections))
        return rounds
    finally:
        server.stop()


def render(rounds: dict, duration: int, repeat: int, connections: int) -> str:
    ratio = paired_ratio(rounds["GraphQL"], rounds["REST ?include="])
    verdict = "met" if ratio >= TARGET else "**missed**"
    lines = [(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: gunicorn sync, "
              f"2 workers, PostgreSQL; `wrk -t1 -c{connections} -d{duration}s`, {repeat} "
              f"interleaved round(s)."), "",
             "| route | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for name, results in rounds.items():
        lines.append(f"| {name} | {median([r['rps'] for r in results]):,.0f} | "
                     f"{median([r['p50'] for r in results]):.2f} | "
                     f"{median([r['p99'] for r in results]):.2f} |")
    lines += ["", f"GraphQL / REST: **{ratio:.2f}** (target ≥ {TARGET}: {verdict}).", ""]
    return "\n".join(lines)


# Instructions per request (callgrind, in-process) --------------------------------------
COUNT = 100  # requests counted per route


def child(route: str, count: int, profile: bool) -> None:
    """Runs in the project's folder, under valgrind: ``count`` requests of ``route``."""
    import importlib
    import operator

    from instructions import environ_for, request

    sys.path.insert(0, os.getcwd())
    app = importlib.import_module("gqlsite.wsgi").application
    environ = environ_for(ROUTES[route])
    for _ in range(50):  # warm-up: connection, schema, cached documents and queries
        status, _, content = request(app, environ)
    if not status.startswith("200"):
        raise SystemExit(f"{route} answered {status}: {content[:300]!r}")

    def loop(n: int) -> None:
        for _ in range(n):
            request(app, environ)

    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(loop, count)
        pstats.Stats(prof).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(40)
        return
    operator.call(loop, count)  # callgrind counts inside this call only


def instructions(impl: Impl, out_dir: Path | None, profile: bool) -> dict[str, float]:
    """Instructions per request of each route (or a cProfile of each, printed)."""
    from instructions import TOGGLE

    results = {}
    env = dict(impl.env, PYTHONHASHSEED="0", PYTHONPATH=str(HERE))
    for route in ROUTES:
        base = [str(BIN / "python"), str(Path(__file__)), "--child", route, str(COUNT)]
        if profile:
            print(f"## {route}", flush=True)
            subprocess.run([*base, "profile"], cwd=impl.chdir, env=env, check=True)
            continue
        name = re.sub(r"[^a-z0-9]+", "_", route.lower())
        out = out_dir / f"graphql-{name}.cg" if out_dir else Path(os.devnull)
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               f"--toggle-collect={TOGGLE}", f"--callgrind-out-file={out}", *base, "count"]
        result = subprocess.run(cmd, cwd=impl.chdir, env=env, capture_output=True, text=True,
                                check=False)
        collected = re.search(r"Collected : (\d+)", result.stderr)
        if result.returncode or collected is None:
            raise SystemExit(f"error: {route}:\n{result.stderr[-2000:]}")
        results[route] = int(collected.group(1)) / COUNT
        print(f"| {route} | {results[route] / 1000:,.0f}k |", flush=True)
    return results


def write_doc(report: str) -> None:
    write_section("graphql", "GraphQL against REST", report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per request in-process (valgrind)")
    parser.add_argument("--profile", action="store_true",
                        help="with --instructions: a cProfile of each route instead")
    parser.add_argument("--reuse", action="store_true",
                        help="with --instructions: keep the project and tables of an earlier run")
    parser.add_argument("--callgrind-out", type=Path, metavar="DIR")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rustforge_bench"))
    args, _ = parser.parse_known_args(argv)  # run.sh passes the main suite's options too
    duration = args.duration or (1 if args.quick else 3)
    repeat = args.repeat or (1 if args.quick else 5)
    BENCH_DIR.mkdir(exist_ok=True)
    root = BENCH_DIR / "projects" / "graphql"
    if args.instructions and args.reuse and (root / "manage.py").exists():
        impl = project_impl(root, args.database_url)
    else:
        log("GraphQL against REST: preparing")
        bench.prepare_database(args.database_url)
        prepare_tables(args.database_url)
        impl = generate_project(args.database_url)
    if args.instructions:
        if args.callgrind_out:
            args.callgrind_out = args.callgrind_out.resolve()
            args.callgrind_out.mkdir(parents=True, exist_ok=True)
        print("| route | instructions per request |\n|---|---:|")
        results = instructions(impl, args.callgrind_out, args.profile)
        if results:
            print(f"\nGraphQL / REST instructions: "
                  f"{results['GraphQL'] / results['REST ?include=']:.2f}")
        return 0
    rounds = measure(impl, duration, repeat, args.connections)
    report = render(rounds, duration, repeat, args.connections)
    print(report)
    if not args.no_write:
        write_doc(report)
        log(f"wrote {DOC.relative_to(bench.ROOT)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(HERE))
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "profile")
    else:
        sys.exit(main())
