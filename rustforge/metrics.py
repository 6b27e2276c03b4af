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
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
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
_series: dict[Any, Any] = {}  # (method, route, status) -> series; "query" -> series


def _adder(child: Any) -> Callable[..., Any]:
    """``child.inc`` without prometheus_client's per-call checks.

    PERF: ``Counter.inc`` checks the label state and the amount in Python on
    every call before it reaches the value; a series the framework made
    itself passes those checks by construction. The value's own ``inc`` is
    what counts (it locks, and writes the mmap'ed file in multiprocess mode).
    """
    value = getattr(child, "_value", None)
    return value.inc if value is not None and hasattr(value, "inc") else child.inc


def _observer(child: Any) -> Callable[[float], Any]:
    """``child.observe`` of a histogram, the bucket found by bisection."""
    bounds = getattr(child, "_upper_bounds", None)
    buckets = getattr(child, "_buckets", None)
    total = getattr(child, "_sum", None)
    if not bounds or buckets is None or total is None or len(bounds) != len(buckets):
        return child.observe
    add_sum = total.inc
    add_bucket = [bucket.inc for bucket in buckets]

    def observe(amount: float) -> None:
        add_sum(amount)
        add_bucket[bisect_left(bounds, amount)](1)  # the last bound is +Inf

    return observe


def _request_series(method: str, route: str, status: int) -> tuple[Any, Any]:
    key = ("request", method, route, status)
    found = _series.get(key)
    if found is None:
        label = method if method in METHODS else "OTHER"
        found = (_adder(counter("rustforge_http_requests_total", "HTTP requests answered.",
                                ["method", "route", "status"]).labels(label, route,
                                                                      str(status))),
                 _observer(histogram(
                     "rustforge_http_request_duration_seconds",
                     "Time from the first middleware to the response, by route template.",
                     ["method", "route"]).labels(label, route)))
        if label == method:  # invented methods share OTHER and are not kept one by one
            _series[key] = found
    return found


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    count, observe = _request_series(method, route, status)
    count(1)
    observe(seconds)


def observe_query(seconds: float) -> None:
    if not enabled():
        return
    found = _series.get("query")
    if found is None:
        found = _series["query"] = (
            _adder(counter("rustforge_db_queries_total", "SQL statements executed.")),
            _adder(counter("rustforge_db_query_seconds_total",
                           "Seconds spent executing SQL statements.")))
    found[0](1)
    found[1](seconds)


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
    """``event`` is ``enqueued``, ``succeeded`` or ``failed`` (one per attempt)."""
    if not enabled():
        return
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
