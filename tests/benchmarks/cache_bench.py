"""Cache hot paths: get/set and locks on Redis against memcached (and local memory).

Run by ``run.sh`` (``make bench``), or alone in the benchmark venv:
``.bench/venv/bin/python tests/benchmarks/cache_bench.py [--quick]``.

Starts its own throwaway ``memcached`` and ``redis-server`` on free loopback
ports (never a shared server), then measures, in interleaved rounds, the
microseconds per operation of each backend through the ``rustforge.cache``
API: ``get`` of a present key, ``set`` of a small dict, ``count`` (atomic
counter), one ``remember`` hit, and a lock acquired and released
(``with cache.lock(...)``). The figures are the median over rounds, and the
ratio Redis / memcached per operation (median of per-round ratios), which is
what to read on a shared machine. Results go to docs/benchmarks.md between
the ``cache`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from docsection import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
VALUE = {"id": 42, "name": "a cached row", "tags": ["x", "y"], "score": 3.5}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"no server came up on port {port}")


def start_servers() -> tuple[list[subprocess.Popen], dict[str, str]]:
    for binary in ("memcached", "redis-server"):
        if shutil.which(binary) is None:
            raise SystemExit(f"{binary} is not installed (tests/setup-services.sh installs it)")
    mc_port, redis_port = free_port(), free_port()
    mc_args = ["memcached", "-p", str(mc_port), "-U", "0", "-l", "127.0.0.1", "-m", "64"]
    if os.geteuid() == 0:
        mc_args += ["-u", "nobody"]
    processes = [
        subprocess.Popen(mc_args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                          "--save", "", "--appendonly", "no"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    wait_port(mc_port)
    wait_port(redis_port)
    return processes, {"locmem": "locmem://?max_entries=10000",
                       "memcached": f"memcached://127.0.0.1:{mc_port}",
                       "redis": f"redis://127.0.0.1:{redis_port}/0"}


def per_op(fn, iterations: int) -> float:
    """Microseconds per call, best of 3 batches (other processes only add time)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter() - start) / iterations)
    return best * 1e6


def operations(cache) -> dict:
    cache.set("bench:hit", VALUE, 600)
    cache.remember("bench:remember", 600, lambda: VALUE)

    def lock():
        with cache.lock("bench:lock", timeout=10, blocking_timeout=1):
            pass

    return {
        "get": lambda: cache.get("bench:hit"),
        "set": lambda: cache.set("bench:set", VALUE, 600),
        "count": lambda: cache.count("bench:count", timeout=600),
        "remember (hit)": lambda: cache.remember("bench:remember", 600, lambda: VALUE),
        "lock + release": lock,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations and rounds")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    args, _unknown = parser.parse_known_args()  # run.sh passes the suite's options through
    iterations, rounds = (500, 2) if args.quick else (2000, 5)

    from rustforge.conf import settings

    settings.configure(SECRET_KEY="bench-" + "x" * 50)
    from rustforge.cache import create_cache

    processes, urls = start_servers()
    try:
        backends = {name: create_cache(url, prefix="bench") for name, url in urls.items()}
        ops = {name: operations(backend) for name, backend in backends.items()}
        samples: dict = {name: {op: [] for op in ops[name]} for name in backends}
        ratios: dict = {op: [] for op in ops["redis"]}
        for round_no in range(rounds):
            log(f"cache bench: round {round_no + 1} of {rounds}")
            measured = {}
            for name in backends:
                measured[name] = {op: per_op(fn, iterations) for op, fn in ops[name].items()}
                for op, value in measured[name].items():
                    samples[name][op].append(value)
            for op, found in ratios.items():
                found.append(measured["redis"][op] / measured["memcached"][op])
        for backend in backends.values():
            backend.close()
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)

    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"Measured {when}: {rounds} interleaved round(s) of {iterations} operations per "
              f"backend and operation (best of 3 batches each), servers on loopback; "
              f"{os.cpu_count()} CPU(s), shared machine.")
    lines = [header, "",
             "| operation | locmem µs | memcached µs | Redis µs | Redis / memcached |",
             "|---|---:|---:|---:|---:|"]
    for op, found in ratios.items():
        lines.append(f"| `{op}` | {median(samples['locmem'][op]):.1f} | "
                     f"{median(samples['memcached'][op]):.1f} | "
                     f"{median(samples['redis'][op]):.1f} | {median(found):.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.no_write:
        return
    write_section("cache", "Cache backends", table + "\n")


if __name__ == "__main__":
    main()
