"""Prometheus metrics of the framework and its apps (prometheus_client).

    from rustforge import metrics

    orders = metrics.counter("shop_orders_total", "Orders placed.", ["country"])
    orders.labels(country="NL").inc()

The framework reports requests (by route template, method and status),
database queries, cache hits and misses, and jobs; apps declare their own
metrics with :func:`counter`, :func:`histogram` and :func:`gauge`, which
return the same object for the same name, so a module may declare at first
use. ``/metrics`` (``rustforge.http.probes``) serves them all.

Under prefork gunicorn every worker is a process with its own counters:
prometheus_client's multiprocess mode, switched on by the
``PROMETHEUS_MULTIPROC_DIR`` environment variable, has each process write its
values to a file in that directory and the scrape sum them. The directory
must be emptied before the server starts (the deploy entrypoint and the
gunicorn ``on_starting`` hook call :func:`prepare_multiprocess_dir`); the
files of a dead worker stay, so counts survive worker restarts.

Nothing is created at import: metric objects are made on first use, in the
process that uses them. ``METRICS_ENABLED = False`` turns all of it off.
"""

from __future__ import annotations

import os
import threading
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from time import perf_counter
from typing import Any

from rustforge import conf
from rustforge.conf import settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Methods outside this set are reported as OTHER: a client must not be able to
# create label values (each one is a time series) by inventing methods.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

_lock = threading.Lock()
_declared: dict[str, Any] = {}
_registry: Any = None
_enabled: bool | None = None


def enabled() -> bool:
    """``METRICS_ENABLED``, read once and again after a settings change."""
    global _enabled
    if _enabled is None:
        _enabled = bool(settings.METRICS_ENABLED)
    return _enabled


def _settings_changed(names: frozenset[str]) -> None:
    global _enabled
    if "*" in names or "METRICS_ENABLED" in names:
        _enabled = None


conf.on_change(_settings_changed)


def registry() -> Any:
    """The registry every declared metric joins (single-process exposition)."""
    global _registry
    if _registry is None:
        from prometheus_client import CollectorRegistry

        with _lock:
            if _registry is None:
                _registry = CollectorRegistry(auto_describe=True)
    return _registry


def _declare(kind: str, name: str, documentation: str, labelnames: Sequence[str],
             **options: Any) -> Any:
    metric = _declared.get(name)
    if metric is not None:
        if metric._type != kind.lower() or tuple(metric._labelnames) != tuple(labelnames):
            raise ValueError(f"metric {name!r} is already declared as a {metric._type} "
                             f"with labels {list(metric._labelnames)}")
        return metric
    import prometheus_client

    cls = getattr(prometheus_client, kind)
    target = registry()
    folder = multiprocess_dir()
    if folder:
        # gunicorn's preload_app imports the app (which may run a query, so count
        # one) before the on_starting hook prepares the folder.
        os.makedirs(folder, exist_ok=True)
    with _lock:
        if name not in _declared:
            _declared[name] = cls(name, documentation, labelnames=list(labelnames),
                                  registry=target, **options)
    return _declared[name]


def counter(name: str, documentation: str, labelnames: Sequence[str] = ()) -> Any:
    """A counter (``_total`` is added to the name if missing, as Prometheus wants)."""
    return _declare("Counter", name.removesuffix("_total"), documentation, labelnames)


def histogram(name: str, documentation: str, labelnames: Sequence[str] = (),
              buckets: Iterable[float] = REQUEST_BUCKETS) -> Any:
    return _declare("Histogram", name, documentation, labelnames, buckets=tuple(buckets))


def gauge(name: str, documentation: str, labelnames: Sequence[str] = (),
          multiprocess_mode: str = "livesum") -> Any:
    """A gauge; ``multiprocess_mode`` says how the workers' values combine."""
    return _declare("Gauge", name, documentation, labelnames,
                    multiprocess_mode=multiprocess_mode)


# --- What the framework reports -----------------------------------------------------
# PERF: prometheus_client's labels() validates and locks on every call (a few
# microseconds); the framework's own series are looked up once per process
# and kept here. Their number is bounded by routes x methods x statuses.
# (method, route, status) -> (count, add_sum, add_bucket, bounds); "query" -> (count, add_seconds)
_series: dict[Any, Any] = {}
UNMATCHED = "<unmatched>"  # the route of a request that matched none
# A thread that keeps running statements outside a request (a command, a job)
# publishes its counts at least this often.
PUBLISH_QUERIES_EVERY = 1.0


def _adder(child: Any) -> Callable[..., Any]:
    """``child.inc`` without prometheus_client's per-call checks.

    PERF: ``Counter.inc`` checks the label state and the amount in Python on
    every call before it reaches the value; a series the framework made
    itself passes those checks by construction. The value's own ``inc`` is
    what counts (it locks, and writes the mmap'ed file in multiprocess mode).
    """
    value = getattr(child, "_value", None)
    return value.inc if value is not None and hasattr(value, "inc") else child.inc


def _status_code(status: Any) -> int:
    """200 from 200, ``HTTPStatus.OK``, ``"200 OK"`` or ``b"200 OK"``."""
    if isinstance(status, int):
        return int(status)
    if isinstance(status, bytes):
        status = status.decode("latin-1")
    return int(str(status)[:3])


def _request_series(method: str, route: str, status: Any) -> tuple[Any, Any, Any, Any]:
    label = method if method in METHODS else "OTHER"
    code = str(_status_code(status))
    count = _adder(counter("rustforge_http_requests_total", "HTTP requests answered.",
                           ["method", "route", "status"]).labels(label, route, code))
    child = histogram("rustforge_http_request_duration_seconds",
                      "Time from the first middleware to the response, by route template.",
                      ["method", "route"]).labels(label, route)
    bounds = getattr(child, "_upper_bounds", None)
    buckets = getattr(child, "_buckets", None)
    total = getattr(child, "_sum", None)
    found: tuple[Any, Any, Any, Any]
    if not bounds or buckets is None or total is None or len(bounds) != len(buckets):
        found = (count, child.observe, None, None)  # not the histogram this was written for
    else:  # the bucket is found by bisection (the last bound is +Inf)
        found = (count, total.inc, [bucket.inc for bucket in buckets], tuple(bounds))
    if label == method:  # invented methods share OTHER and are not kept one by one
        _series[(method, route, status)] = found
    return found


def observe_request(method: str, route: str, status: Any, seconds: float) -> None:
    """Count one answered request and its duration; publish this thread's queries.

    ``status`` is a code or a status line (``"404 Not Found"``), as the
    response holds it. PERF: one frame for the request's three values (count,
    histogram sum and bucket), and the status is read as a number only the
    first time it is seen. Called by ``CoreMiddleware`` at the end of every
    request.
    """
    found = _series.get((method, route, status))
    if found is None:
        found = _request_series(method, route, status)
    count, add_sum, add_bucket, bounds = found
    count(1)
    add_sum(seconds)
    if add_bucket is not None:
        add_bucket[bisect_left(bounds, seconds)](1)
    tally = _queries.tally
    if tally[0]:
        _publish_queries(tally)


# --- Queries: counted per thread, published in batches -------------------------------
# PERF: a request may run hundreds of statements. Each statement adds to plain
# numbers of its own thread (no lock: no other thread writes them), and the
# thread publishes the sums to prometheus_client (two locked increments, file
# writes in multiprocess mode) at the end of each request and job, at least
# once a second while it keeps running statements, before a scrape it serves,
# and when it ends (or the process exits).
class _Owner:
    """Lives exactly as long as its thread's tally (its finaliser publishes it)."""

    __slots__ = ("__weakref__",)


class _ThreadQueries(threading.local):
    tally: list[Any]
    owner: _Owner

    def __init__(self) -> None:  # called once in each thread that uses it
        # [statements, seconds, publish no later than, pid of the process they ran in]
        self.tally = tally = [0, 0.0, perf_counter() + PUBLISH_QUERIES_EVERY, os.getpid()]
        self.owner = owner = _Owner()
        weakref.finalize(owner, _publish_queries, tally)  # thread end, or process exit


def count_query(started: float) -> None:
    """Count one SQL statement that started at ``started`` (``perf_counter()``)."""
    if not (_enabled if _enabled is not None else enabled()):
        return
    now = perf_counter()
    tally = _queries.tally
    tally[0] += 1
    tally[1] += now - started
    if now >= tally[2]:
        _publish_queries(tally)


def publish_queries() -> None:
    """Publish the statements this thread has counted (end of a job, a scrape)."""
    tally = _queries.tally
    if tally[0]:
        _publish_queries(tally)


def _publish_queries(tally: list[Any]) -> None:
    statements, seconds = tally[0], tally[1]
    tally[0], tally[1] = 0, 0.0
    tally[2] = perf_counter() + PUBLISH_QUERIES_EVERY
    if not statements or tally[3] != os.getpid():
        return  # counted before a fork: the parent publishes them
    found = _series.get("query")
    if found is None:
        found = _series["query"] = (
            _adder(counter("rustforge_db_queries_total", "SQL statements executed.")),
            _adder(counter("rustforge_db_query_seconds_total",
                           "Seconds spent executing SQL statements.")))
    found[0](statements)
    found[1](seconds)


def _forget_inherited_queries() -> None:
    """In a forked child: the forking thread's counts are the parent's to publish."""
    tally = _queries.tally
    tally[0], tally[1], tally[3] = 0, 0.0, os.getpid()


_queries = _ThreadQueries()
os.register_at_fork(after_in_child=_forget_inherited_queries)


def count_cache(hit: bool) -> None:
    if not enabled():
        return
    key = ("cache", hit)
    found = _series.get(key)
    if found is None:
        found = _series[key] = counter("rustforge_cache_gets_total", "Cache reads, by result.",
                                       ["result"]).labels("hit" if hit else "miss")
    found.inc()


def count_job(queue: str, event: str) -> None:
    """``event`` is ``enqueued``, ``succeeded`` or ``failed`` (one per attempt).

    A job's end also publishes the statements it ran: an rq work horse ends
    without running exit handlers.
    """
    if not enabled():
        return
    publish_queries()
    counter("rustforge_jobs_total", "Background jobs, by queue and event.",
            ["queue", "event"]).labels(queue, event).inc()


def count_oauth_token(grant_type: str) -> None:
    """For the OAuth server: one call per access token issued."""
    if not enabled():
        return
    counter("rustforge_oauth_tokens_issued_total", "OAuth access tokens issued.",
            ["grant_type"]).labels(grant_type).inc()


# --- Exposition and the multiprocess directory --------------------------------------
def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def exposition() -> tuple[bytes, str]:
    """The text format of every metric: summed over all workers in multiprocess mode."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    publish_queries()  # a command or a test that queried, then scrapes in the same thread
    path = multiprocess_dir()
    if path:
        from prometheus_client import multiprocess

        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path)
        return generate_latest(merged), CONTENT_TYPE_LATEST
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def prepare_multiprocess_dir(path: str | None = None) -> Path | None:
    """Create the multiprocess directory and delete what a previous run left.

    Call it once before the workers start (gunicorn's ``on_starting``), never
    while they run: their counts live in those files.
    """
    path = path or multiprocess_dir()
    if not path:
        return None
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    return folder


def remove_multiprocess_files(path: str | None = None) -> None:
    """Delete the multiprocess files, and the directory when nothing else is in it.

    For gunicorn's ``on_exit``: every worker has stopped, and the next start
    would empty the directory anyway; this keeps ``/dev/shm`` from filling up
    with the directories of servers that are gone.
    """
    path = path or multiprocess_dir()
    if not path or not Path(path).is_dir():
        return
    for stale in Path(path).glob("*.db"):
        stale.unlink(missing_ok=True)
    try:
        Path(path).rmdir()
    except OSError:
        pass  # not empty: somebody else's files live there too


def mark_process_dead(pid: int) -> None:
    """For gunicorn's ``child_exit``: drop a dead worker's live gauges (counters stay)."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def reset() -> None:
    """Forget every declared metric (tests)."""
    global _registry
    with _lock:
        _declared.clear()
        _series.clear()
        _registry = None
    tally = _queries.tally
    tally[0], tally[1] = 0, 0.0
