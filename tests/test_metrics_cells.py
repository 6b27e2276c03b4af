"""The framework's own series, counted per thread in cells (rustforge.metrics).

Every test here fails if the cells are wrong: a count lost or made twice by
threads counting at once, by a thread that ended, by a fork, by a worker that
died, or a sample that prometheus_client's own Counter and Histogram would
have reported differently, in memory and in multiprocess mode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from rustforge import metrics

TESTS = Path(__file__).resolve().parent
DURATIONS = [0.0001, 0.005, 0.0051, 0.3, 1.0, 2.5, 7.0, 10.0, 42.0]
# Sums of these are exact in any order (threads add up their own parts), some on a bound
EXACT = [2.0 ** -8, 2.0 ** -7, 2.0 ** -5, 0.0625, 0.125, 0.25, 0.5, 1.0, 2.5, 4.0, 8.0, 16.0]


@pytest.fixture(autouse=True)
def fresh_metrics(settings):
    settings.METRICS_ENABLED = True
    metrics.reset()
    yield
    metrics.reset()


def samples(registry) -> dict[tuple, float]:
    """{(sample name, sorted labels): value}, without the _created timestamps."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in registry.collect() for s in family.samples
            if not s.name.endswith("_created")}


def ours() -> dict[tuple, float]:
    return samples(metrics.registry())


def count(found, name, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def observe_all(started_at: float = 100.0) -> None:
    """The same observations as reference() below."""
    for seconds in DURATIONS:
        metrics.observe_request("GET", "/x", 200, seconds)
        metrics.observe_request("POST", "/x", "201 Created", seconds / 3)
        metrics.observe_request("BREW", "/y", b"404 Not Found", seconds)
        metrics.count_query(started_at - seconds)
        metrics.count_cache(seconds > 1)


def reference() -> CollectorRegistry:
    """What prometheus_client's own metrics report for observe_all()."""
    registry = CollectorRegistry()
    requests = Counter("rustforge_http_requests", "HTTP requests answered.",
                       ["method", "route", "status"], registry=registry)
    duration = Histogram("rustforge_http_request_duration_seconds",
                         "Time from the first middleware to the response, by route template.",
                         ["method", "route"], buckets=metrics.REQUEST_BUCKETS, registry=registry)
    queries = Counter("rustforge_db_queries", "SQL statements executed.", registry=registry)
    seconds_total = Counter("rustforge_db_query_seconds", "Seconds spent executing SQL statements.",
                            registry=registry)
    cache = Counter("rustforge_cache_gets", "Cache reads, by result.", ["result"],
                    registry=registry)
    for seconds in DURATIONS:
        requests.labels("GET", "/x", "200").inc()
        duration.labels("GET", "/x").observe(seconds)
        requests.labels("POST", "/x", "201").inc()
        duration.labels("POST", "/x").observe(seconds / 3)
        requests.labels("OTHER", "/y", "404").inc()
        duration.labels("OTHER", "/y").observe(seconds)
        queries.inc()
        seconds_total.inc(100.0 - (100.0 - seconds))
        cache.labels("hit" if seconds > 1 else "miss").inc()
    return registry


def test_the_exposition_is_prometheus_clients_byte_for_byte(monkeypatch):
    """Same names, help, types, label order, sample order and values."""
    from prometheus_client import disable_created_metrics, enable_created_metrics

    monkeypatch.setattr(metrics, "perf_counter", lambda: 100.0)
    observe_all()
    disable_created_metrics()
    try:
        assert generate_latest(metrics.registry()).decode() == \
            generate_latest(reference()).decode()
    finally:
        enable_created_metrics()


def test_the_created_samples_are_there_as_prometheus_client_gives_them(monkeypatch):
    monkeypatch.setattr(metrics, "perf_counter", lambda: 100.0)
    observe_all()
    expected = reference()
    assert ours() == samples(expected)

    def created(registry):
        return sorted((s.name, tuple(sorted(s.labels.items())))
                      for family in registry.collect() for s in family.samples
                      if s.name.endswith("_created"))

    assert created(metrics.registry()) == created(expected)


def test_the_file_keys_are_prometheus_clients():
    from prometheus_client.mmap_dict import mmap_key
    from prometheus_client.utils import floatToGoString

    for bound in (*metrics.REQUEST_BUCKETS, float("inf"), 1, 100.0, 0.25):
        assert metrics._go_float(bound) == floatToGoString(bound)
    args = ("m", "m_bucket", ["method", "route", "le"], ["GET", "/ünï", "0.5"], 'h "q"')
    assert metrics._mmap_key(*args) == mmap_key(*args)


def test_threads_counting_at_once_add_up_exactly():
    threads, rounds = 8, 2000
    together = threading.Barrier(threads)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns between any two bytecodes

    def hammer():
        together.wait()
        for i in range(rounds):
            metrics.observe_request("GET", "/x", 200, 0.01 * (i % 3))
            metrics.count_query(metrics.perf_counter())
            metrics.count_cache(i % 2 == 0)
        together.wait()  # all alive at the end: a cell each

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
    finally:
        sys.setswitchinterval(interval)
    assert len(metrics._layout.cells) == threads
    found = ours()
    total = threads * rounds
    assert count(found, "rustforge_http_requests_total", method="GET", route="/x",
                 status="200") == total
    assert count(found, "rustforge_http_request_duration_seconds_count", method="GET",
                 route="/x") == total
    assert count(found, "rustforge_http_request_duration_seconds_bucket", method="GET",
                 route="/x", le="0.005") == threads * len(range(0, rounds, 3))
    assert count(found, "rustforge_db_queries_total") == total
    assert count(found, "rustforge_cache_gets_total", result="hit") == total / 2
    assert count(found, "rustforge_cache_gets_total", result="miss") == total / 2


def test_a_finished_threads_counts_stay_and_its_cell_is_reused():
    def work():
        metrics.observe_request("GET", "/x", 200, 0.01)
        metrics.count_query(metrics.perf_counter())

    metrics.observe_request("GET", "/x", 200, 0.01)  # this thread's own cell
    for _ in range(20):  # one after another: one cell is enough for all of them
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(10)
    found = ours()
    assert count(found, "rustforge_http_requests_total", method="GET", route="/x",
                 status="200") == 21
    assert count(found, "rustforge_db_queries_total") == 20
    assert len(metrics._layout.cells) == 2


def test_a_thread_that_is_alive_is_counted_at_once():
    counted, release = threading.Event(), threading.Event()

    def work():
        metrics.count_query(metrics.perf_counter())
        metrics.count_cache(True)
        counted.set()
        release.wait(10)

    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert counted.wait(10)
        found = ours()
        assert count(found, "rustforge_db_queries_total") == 1
        assert count(found, "rustforge_cache_gets_total", result="hit") == 1
    finally:
        release.set()
        thread.join(10)


def test_series_made_after_a_cell_reach_every_cell():
    """A thread's cell gets room for the series another thread declares later."""
    ready, go = threading.Event(), threading.Event()

    def late():
        metrics.count_query(metrics.perf_counter())  # its cell, before the series below
        ready.set()
        go.wait(10)
        for route in range(50):
            metrics.observe_request("GET", f"/r{route}", 200, 0.02)

    thread = threading.Thread(target=late)
    thread.start()
    assert ready.wait(10)
    for route in range(50):
        metrics.observe_request("GET", f"/r{route}", 200, 0.02)
    go.set()
    thread.join(10)
    found = ours()
    assert all(count(found, "rustforge_http_requests_total", method="GET", route=f"/r{route}",
                     status="200") == 2 for route in range(50))


def run_script(script: str, *args: str, folder: Path | None = None, timeout: int = 60):
    env = dict(os.environ, PYTHONPATH=str(TESTS.parent))
    env.pop("RUSTFORGE_SETTINGS_MODULE", None)
    env.pop(metrics.MULTIPROC_ENV, None)
    if folder is not None:
        env[metrics.MULTIPROC_ENV] = str(folder)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(PRELUDE) + textwrap.dedent(script), *args],
                            env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


PRELUDE = """
    import json, os, sys, threading
    from rustforge.conf import settings

    settings.configure(None, SECRET_KEY="k" * 50)
    from rustforge import metrics

    def scrape(folder=None):
        from prometheus_client import CollectorRegistry
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, folder or os.environ["PROMETHEUS_MULTIPROC_DIR"])
        return {s.name + json.dumps(s.labels, sort_keys=True): s.value
                for family in registry.collect() for s in family.samples}
"""


def test_multiprocess_files_give_what_prometheus_clients_files_give(tmp_path):
    """The same observations through our cells (several threads) and through
    prometheus_client's multiprocess values: the same scrape, byte for byte."""
    theirs, cells = tmp_path / "theirs", tmp_path / "cells"
    theirs.mkdir()
    cells.mkdir()
    run_script(f"""
    from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    durations = {EXACT!r}
    requests = Counter("rustforge_http_requests", "HTTP requests answered.",
                       ["method", "route", "status"])
    duration = Histogram("rustforge_http_request_duration_seconds",
                         "Time from the first middleware to the response, by route template.",
                         ["method", "route"], buckets=metrics.REQUEST_BUCKETS)
    queries = Counter("rustforge_db_queries", "SQL statements executed.")
    for seconds in durations:   # prometheus_client writes to "theirs" (its folder at import)
        requests.labels("GET", "/x", "200").inc()
        duration.labels("GET", "/x").observe(seconds)
        queries.inc()

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]   # the cells' folder
    together = threading.Barrier(3)
    def work(part):
        for seconds in part:
            metrics.observe_request("GET", "/x", 200, seconds)
            metrics.count_query(metrics.perf_counter())
        together.wait()  # all three alive at once: a cell each
    threads = [threading.Thread(target=work, args=(durations[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(os.listdir(sys.argv[1])) == 6, os.listdir(sys.argv[1])  # 3 threads x 2 kinds

    def exposition(folder):
        registry = CollectorRegistry()
        MultiProcessCollector(registry, folder)
        return generate_latest(registry).decode()
    def families(folder):  # the collector orders families as it finds the files
        return sorted("# HELP" + block for block in exposition(folder).split("# HELP")[1:])
    mine, reference = families(sys.argv[1]), families(os.path.dirname(sys.argv[1]) + "/theirs")
    extra = [block for block in mine if block.startswith("# HELP rustforge_db_query_seconds")]
    assert len(extra) == 1 and "rustforge_db_query_seconds_total " in extra[0], mine
    mine.remove(extra[0])  # not in the reference
    assert mine == reference, (mine, reference)
    """, str(cells), folder=theirs)


def test_multiprocess_threads_and_processes_add_up_exactly(tmp_path):
    """Threads hammering in several processes (multiprocessing, forked), each
    with files of its own pid; prometheus_client's collector sums them all."""
    folder = tmp_path / "prom"
    out = run_script("""
    import multiprocessing

    def hammer(rounds):
        together = threading.Barrier(4)
        def work():
            together.wait()
            for i in range(rounds):
                metrics.observe_request("GET", "/x", 200, 0.01)
                metrics.count_query(metrics.perf_counter())
                metrics.count_cache(True)
            together.wait()  # four threads alive at once: a cell each
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    hammer(100)                       # the parent, before any fork: 400
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=hammer, args=(250,)) for _ in range(3)]
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0
    hammer(100)                       # the parent again, after: 400
    found = scrape()
    files = os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    print(json.dumps([found, len({name.split("_")[1] for name in files}), len(files)]))
    """, folder=folder)
    found, pids, files = json.loads(out)
    total = 400 + 3 * 1000 + 400
    assert pids == 4
    assert files == 4 * 2 * 4  # 4 threads in each process; the parent's later 4 reuse theirs
    assert found['rustforge_http_requests_total{"method": "GET", "route": "/x", '
                 '"status": "200"}'] == total
    assert found['rustforge_http_request_duration_seconds_count{"method": "GET", '
                 '"route": "/x"}'] == total
    assert found['rustforge_http_request_duration_seconds_bucket{"le": "0.01", '
                 '"method": "GET", "route": "/x"}'] == total
    assert found["rustforge_db_queries_total{}"] == total
    assert found['rustforge_cache_gets_total{"result": "hit"}'] == total


def test_a_restarted_worker_keeps_the_dead_ones_counters(tmp_path):
    """A worker killed (no exit handler runs), marked dead as gunicorn's
    child_exit hook does, and a new one: counters add up, its live gauge goes."""
    folder = tmp_path / "prom"
    out = run_script("""
    import signal

    metrics.prepare_multiprocess_dir()
    def worker(requests):
        pid = os.fork()
        if pid == 0:
            metrics.gauge("busy_workers", "Busy.").inc()
            for _ in range(requests):
                metrics.observe_request("GET", "/x", 200, 0.01)
                metrics.count_query(metrics.perf_counter())
            os.kill(os.getpid(), signal.SIGKILL)
        os.waitpid(pid, 0)
        return pid

    first = worker(7)
    before = scrape()
    metrics.mark_process_dead(first)
    worker(5)
    print(json.dumps([before, scrape()]))
    """, folder=folder)
    before, after = json.loads(out)
    key = 'rustforge_http_requests_total{"method": "GET", "route": "/x", "status": "200"}'
    assert before[key] == 7 and before["busy_workers{}"] == 1
    assert after[key] == 12
    assert after["rustforge_db_queries_total{}"] == 12
    assert after["busy_workers{}"] == 1  # the second worker's; the dead one's is gone


def test_a_forked_child_starts_from_zero_in_memory(tmp_path):
    out = run_script("""
    from prometheus_client import generate_latest

    def requests():
        for family in metrics.registry().collect():
            for s in family.samples:
                if s.name == "rustforge_http_requests_total":
                    return s.value
        return 0.0

    for _ in range(5):
        metrics.observe_request("GET", "/x", 200, 0.01)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        before = requests()
        for _ in range(2):
            metrics.observe_request("GET", "/x", 200, 0.01)
        os.write(write, json.dumps([before, requests()]).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = json.loads(os.read(read, 1000))
    metrics.observe_request("GET", "/x", 200, 0.01)
    print(json.dumps([child, requests()]))
    """)
    child, parent = json.loads(out)
    assert child == [0.0, 2.0]
    assert parent == 6.0


def test_a_forked_child_writes_files_of_its_own(tmp_path):
    folder = tmp_path / "prom"
    out = run_script("""
    for _ in range(5):
        metrics.observe_request("GET", "/x", 200, 0.01)
    pid = os.fork()
    if pid == 0:
        for _ in range(2):
            metrics.observe_request("GET", "/x", 200, 0.01)
        os._exit(0)
    os.waitpid(pid, 0)
    metrics.observe_request("GET", "/x", 200, 0.01)
    print(json.dumps([scrape(), pid, os.getpid(), sorted(os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]))]))
    """, folder=folder)
    found, child, parent, files = json.loads(out)
    assert found['rustforge_http_requests_total{"method": "GET", "route": "/x", '
                 '"status": "200"}'] == 8
    assert files == sorted(f"{kind}_{pid}_1.db" for kind in ("counter", "histogram")
                           for pid in (child, parent))


def test_a_child_forked_while_a_lock_was_held_counts_and_scrapes(tmp_path):
    """Another thread holds the module's lock (a scrape adding up, a cell being
    made) when the process forks: the child must not wait for it forever."""
    for folder in (None, tmp_path / "prom"):
        out = run_script("""
        import time

        metrics.observe_request("GET", "/x", 200, 0.01)
        held, release = threading.Event(), threading.Event()
        def hold():
            with metrics._lock:
                held.set()
                release.wait(30)
        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(10)
        pid = os.fork()
        if pid == 0:
            def child():
                metrics.observe_request("GET", "/y", 200, 0.01)  # a new series and cell
                metrics.count_query(metrics.perf_counter())
                metrics.exposition()
                metrics.counter("shop_orders_total", "Orders.").inc()
                os._exit(0)
            threading.Thread(target=child, daemon=True).start()
            time.sleep(10)
            os._exit(3)  # hung
        _, status = os.waitpid(pid, 0)
        release.set()
        holder.join()
        print(os.waitstatus_to_exitcode(status))
        """, folder=folder)
        assert out.strip() == "0", folder


def test_cells_grow_past_the_first_file_size(tmp_path):
    """Enough series to outgrow the files' first 64 KiB while another thread's
    cell exists and counts: every count lands, in both modes."""
    for folder in (None, tmp_path / "prom"):
        out = run_script("""
        ready, go = threading.Event(), threading.Event()
        def other():
            metrics.count_query(metrics.perf_counter())
            ready.set()
            go.wait(30)
            for route in range(300):
                metrics.observe_request("GET", f"/r/{route}", 200, 0.2)
        thread = threading.Thread(target=other)
        thread.start()
        ready.wait(10)
        for route in range(300):
            metrics.observe_request("GET", f"/r/{route}", 200, 0.2)
        go.set()
        thread.join()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            found = scrape()
            assert len(os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"])) == 4
            sizes = [os.path.getsize(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], name))
                     for name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"])]
            assert max(sizes) > 1 << 16, sizes
        else:
            found = {s.name + json.dumps(s.labels, sort_keys=True): s.value
                     for family in metrics.registry().collect() for s in family.samples}
        print(json.dumps(found))
        """, folder=folder)
        found = json.loads(out)
        for route in range(300):
            labels = json.dumps({"method": "GET", "route": f"/r/{route}"}, sort_keys=True)
            assert found["rustforge_http_request_duration_seconds_count" + labels] == 2
            assert found["rustforge_http_request_duration_seconds_sum" + labels] == \
                pytest.approx(0.4)
            bucket = json.dumps({"le": "0.1", "method": "GET", "route": f"/r/{route}"},
                                sort_keys=True)
            assert found["rustforge_http_request_duration_seconds_bucket" + bucket] == 0
