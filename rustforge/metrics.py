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
values to a file in that directory and the scrape sum them. The framework's
own series are counted per thread, without a lock, in files of the same
format (one per thread and kind, ``counter_<pid>_<n>.db``), which the scrape
sums with the others. The directory must be emptied before the server starts
(the deploy entrypoint and the gunicorn ``on_starting`` hook call
:func:`prepare_multiprocess_dir`); the files of a dead worker stay, so counts
survive worker restarts.

Nothing is created at import: metric objects are made on first use, in the
process that uses them. ``METRICS_ENABLED = False`` turns all of it off.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import threading
import time
import weakref
from bisect import bisect_left
from collections.abc import Iterable, Sequence
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
                made = CollectorRegistry(auto_describe=True)
                made.register(_CellCollector())  # describe() takes no lock
                _registry = made
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


# --- What the framework reports: per-thread cells ------------------------------------
# PERF: the framework's own series (requests and their durations, SQL
# statements, cache reads) change on every request and statement.
# prometheus_client takes a lock for each change and, in multiprocess mode,
# writes its process's mmap'ed file under it (about 2.8k instructions per
# change in memory, 6.9k with the file). Here every thread adds to a "cell" of
# its own instead: a list of numbers, or in multiprocess mode a view of doubles
# over an mmap'ed file of its own in prometheus_client's file format
# (``counter_<pid>_<n>.db``, ``histogram_<pid>_<n>.db``). Nothing else writes
# a cell's numbers, so nothing is locked; every series has the same index in
# every cell of a process. A scrape adds the cells up: in memory
# ``_CellCollector`` (registered in :func:`registry`), in multiprocess mode
# prometheus_client's ``MultiProcessCollector``, which sums every file of the
# folder, so every count is visible as soon as it is made. A cell outlives its
# thread (its counts stay) and is handed to the next thread that needs one, so
# a process has as many cells as it ever had threads counting at once.
UNMATCHED = "<unmatched>"  # the route of a request that matched none
_COUNTER, _HISTOGRAM = 0, 1
_FILE_PREFIX = ("counter", "histogram")
# (name, documentation, label names, kind): the families, in exposition order
_REQUESTS, _DURATION, _QUERIES, _QUERY_SECONDS, _CACHE = range(5)
_FAMILIES: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("rustforge_http_requests", "HTTP requests answered.", ("method", "route", "status"),
     _COUNTER),
    ("rustforge_http_request_duration_seconds",
     "Time from the first middleware to the response, by route template.",
     ("method", "route"), _HISTOGRAM),
    ("rustforge_db_queries", "SQL statements executed.", (), _COUNTER),
    ("rustforge_db_query_seconds", "Seconds spent executing SQL statements.", (), _COUNTER),
    ("rustforge_cache_gets", "Cache reads, by result.", ("result",), _COUNTER),
)
_BOUNDS = (*REQUEST_BUCKETS, float("inf"))  # bisect_left finds a duration's bucket
_INITIAL_FILE_SIZE = 1 << 16  # as prometheus_client's files; doubled when full


def _go_float(bound: float) -> str:
    """prometheus_client's ``floatToGoString`` for the ``le`` of REQUEST_BUCKETS."""
    return "+Inf" if bound == float("inf") else repr(float(bound))


def _mmap_key(family: str, sample: str, labelnames: Sequence[str],
              labelvalues: Sequence[str], documentation: str) -> str:
    """prometheus_client's ``mmap_key``: how its files name a sample."""
    return json.dumps([family, sample, dict(zip(labelnames, labelvalues)), documentation],
                      sort_keys=True)


def _file_entry(key: str) -> bytes:
    """A sample's bytes in a multiprocess file, as ``MmapedDict`` writes them
    (length, key padded to 8 bytes, value, timestamp)."""
    encoded = key.encode("utf-8")
    padded = encoded + b" " * (8 - (len(encoded) + 4) % 8)
    return struct.pack(f"i{len(padded)}sdd", len(encoded), padded, 0.0, 0.0)


class _Cell:
    """One thread's numbers: ``seqs`` is ``[counters, histograms]``, each a list
    of floats or a view of the doubles of an mmap'ed file."""

    __slots__ = ("files", "kept", "maps", "owner", "seqs", "written")

    def __init__(self, layout: _Layout) -> None:
        self.owner: Any = None  # weakref to the owning thread's token; dead when it ended
        self.kept: list[Any] = []  # mmaps outgrown: a thread may still write through them
        if layout.folder is None:
            self.seqs: list[Any] = [[0.0] * layout.size[kind] for kind in (0, 1)]
            return
        folder = layout.folder
        os.makedirs(folder, exist_ok=True)
        self.files: list[Any] = []
        self.maps: list[Any] = []
        self.written = [0, 0]
        self.seqs = []
        for kind in (_COUNTER, _HISTOGRAM):
            file = layout.create_file(folder, _FILE_PREFIX[kind])
            size = _INITIAL_FILE_SIZE
            while size < 8 + len(layout.image[kind]):
                size *= 2
            os.ftruncate(file.fileno(), size)
            mapped = mmap.mmap(file.fileno(), size)
            self.files.append(file)
            self.maps.append(mapped)
            self.seqs.append(memoryview(mapped).cast("d"))
            self.grow(layout, kind)

    def grow(self, layout: _Layout, kind: int) -> None:
        """Make room for the series added since (the lock is held)."""
        seq = self.seqs[kind]
        if layout.folder is None:
            seq.extend([0.0] * (layout.size[kind] - len(seq)))
            return
        image = layout.image[kind]
        start, end = self.written[kind], len(image)
        if start == end:
            return
        mapped = self.maps[kind]
        if 8 + end > len(mapped):
            # The owner may be adding through the old view right now: the old
            # map stays (the file only grows), the new one covers the new series.
            size = len(mapped)
            while size < 8 + end:
                size *= 2
            os.ftruncate(self.files[kind].fileno(), size)
            self.kept.append((mapped, seq))
            self.maps[kind] = mapped = mmap.mmap(self.files[kind].fileno(), size)
            self.seqs[kind] = memoryview(mapped).cast("d")
        mapped[8 + start:8 + end] = image[start:end]
        mapped[0:4] = struct.pack("i", 8 + end)  # after the entries, as MmapedDict does
        self.written[kind] = end


class _Layout:
    """The series of this process and where they are in every cell.

    Made on first use (the multiprocess folder is read then, as
    prometheus_client reads it when imported), again after :func:`reset`, and
    in a forked child, whose counts start from zero in cells (files) of its own.
    """

    def __init__(self) -> None:
        self.folder = multiprocess_dir()
        self.pid = os.getpid()
        self.size = [0, 0]  # in memory: the numbers in a cell, per kind
        self.image = (bytearray(), bytearray())  # multiprocess: the files' entries
        self.indexes: dict[tuple[int, tuple[str, ...]], tuple[int, ...]] = {}
        # per family: [(label values, indexes, creation time)] in creation order
        self.series: list[list[tuple[tuple[str, ...], tuple[int, ...], float]]] = [
            [] for _ in _FAMILIES]
        self.cells: list[_Cell] = []
        self.files = {prefix: 0 for prefix in _FILE_PREFIX}

    def create_file(self, folder: str, prefix: str) -> Any:
        """A new file of this process (never one a dead process with this pid left)."""
        while True:
            self.files[prefix] += 1
            path = os.path.join(folder, f"{prefix}_{self.pid}_{self.files[prefix]}.db")
            try:  # closed when the cell goes (in a forked child: the parent's cells)
                return open(path, "xb+", buffering=0)
            except FileExistsError:
                continue

    def add(self, kind: int, key: str) -> int:
        """Room for one number in every cell; its index."""
        if self.folder is None:
            self.size[kind] += 1
            return self.size[kind] - 1
        image = self.image[kind]
        image += _file_entry(key)
        return (8 + len(image) - 16) // 8  # the value's double in the file

    def series_of(self, family: int, labelvalues: tuple[str, ...]) -> tuple[int, ...]:
        """The indexes of a series (lock held): the counter's, or the histogram's
        sum and then its buckets."""
        found = self.indexes.get((family, labelvalues))
        if found is not None:
            return found
        name, documentation, labelnames, kind = _FAMILIES[family]
        if kind == _COUNTER:
            samples = [(name + "_total", labelnames, labelvalues)]
        else:
            samples = [(name + "_sum", labelnames, labelvalues)] + [
                (name + "_bucket", (*labelnames, "le"), (*labelvalues, _go_float(bound)))
                for bound in _BOUNDS]
        found = tuple(self.add(kind, _mmap_key(name, sample, names, values, documentation))
                      for sample, names, values in samples)
        for cell in self.cells:
            cell.grow(self, kind)
        self.indexes[(family, labelvalues)] = found
        self.series[family].append((labelvalues, found, time.time()))
        return found


class _Local(threading.local):
    cell: list[Any] | None = None  # the thread's cell's seqs
    token: Any = None  # lives exactly as long as the thread


_layout: _Layout | None = None
_local = _Local()
# PERF: the hot paths find their indexes here without the lock.
# (method, route, status) -> (count, sum, buckets, bounds); ("cache", hit) -> count
_series: dict[Any, Any] = {}
_query_at: tuple[int, int] | None = None  # the statements' (count, seconds)


def _current_layout() -> _Layout:
    global _layout
    if _layout is None:
        _layout = _Layout()
    return _layout


def _indexes(family: int, labelvalues: tuple[str, ...]) -> tuple[int, ...]:
    with _lock:
        return _current_layout().series_of(family, labelvalues)


def _own_cell() -> list[Any]:
    """This thread's cell: a finished thread's, or a new one."""
    token = _Token()
    with _lock:
        layout = _current_layout()
        for cell in layout.cells:
            if cell.owner() is None:  # its thread has ended: its counts go on from there
                break
        else:
            cell = _Cell(layout)
            layout.cells.append(cell)
        cell.owner = weakref.ref(token)
        local = _local
        local.token = token
        local.cell = cell.seqs
    return cell.seqs


class _Token:
    __slots__ = ("__weakref__",)


def _status_code(status: Any) -> int:
    """200 from 200, ``HTTPStatus.OK``, ``"200 OK"`` or ``b"200 OK"``."""
    if isinstance(status, int):
        return int(status)
    if isinstance(status, bytes):
        status = status.decode("latin-1")
    return int(str(status)[:3])


def _request_series(method: str, route: str, status: Any) -> tuple[Any, ...]:
    label = method if method in METHODS else "OTHER"
    code = str(_status_code(status))
    count = _indexes(_REQUESTS, (label, route, code))[0]
    duration = _indexes(_DURATION, (label, route))
    found = (count, duration[0], duration[1:], _BOUNDS)
    if label == method:  # invented methods share OTHER and are not kept one by one
        _series[(method, route, status)] = found
    return found


def observe_request(method: str, route: str, status: Any, seconds: float) -> None:
    """Count one answered request and its duration.

    ``status`` is a code or a status line (``"404 Not Found"``), as the
    response holds it. PERF: the series is found by the status as given (read
    as a number only the first time it is seen), and the three numbers (count,
    histogram sum and bucket) go to this thread's cell without a lock. Called
    by ``CoreMiddleware`` at the end of every request.
    """
    found = _series.get((method, route, status))
    if found is None:
        found = _request_series(method, route, status)
    count, total, buckets, bounds = found
    cell = _local.cell or _own_cell()
    cell[0][count] += 1.0
    histograms = cell[1]
    histograms[total] += seconds
    histograms[buckets[bisect_left(bounds, seconds)]] += 1.0


def count_query(started: float) -> None:
    """Count one SQL statement that started at ``started`` (``perf_counter()``)."""
    if not (_enabled if _enabled is not None else enabled()):
        return
    seconds = perf_counter() - started
    found = _query_at
    if found is None:
        found = _query_series()
    count, total = found
    counters = (_local.cell or _own_cell())[0]
    counters[count] += 1.0
    counters[total] += seconds


def _query_series() -> tuple[int, int]:
    global _query_at
    found = _query_at = (_indexes(_QUERIES, ())[0], _indexes(_QUERY_SECONDS, ())[0])
    return found


def count_cache(hit: bool) -> None:
    if not enabled():
        return
    key = ("cache", hit)
    index = _series.get(key)
    if index is None:
        index = _series[key] = _indexes(_CACHE, ("hit" if hit else "miss",))[0]
    (_local.cell or _own_cell())[0][index] += 1.0


class _CellCollector:
    """The framework's series in this process: every cell added up at scrape time."""

    def describe(self) -> list[Any]:
        return [self._family(family) for family in range(len(_FAMILIES))]

    @staticmethod
    def _family(family: int) -> Any:
        from prometheus_client.metrics_core import Metric

        name, documentation, _, kind = _FAMILIES[family]
        return Metric(name, documentation, "counter" if kind == _COUNTER else "histogram")

    def collect(self) -> list[Any]:
        from prometheus_client import metrics as client_metrics

        created = getattr(client_metrics, "_use_created", True)
        with _lock:
            layout = _layout
            if layout is None:
                return []
            cells = [cell.seqs for cell in layout.cells]
            families = [list(series) for series in layout.series]
        found = []
        for family, series in enumerate(families):
            if not series:
                continue
            name, _, labelnames, kind = _FAMILIES[family]
            metric = self._family(family)
            for labelvalues, indexes, since in series:
                labels = dict(zip(labelnames, labelvalues))
                values = [sum(cell[kind][index] for cell in cells) for index in indexes]
                if kind == _COUNTER:
                    metric.add_sample(name + "_total", labels, values[0])
                else:
                    acc = 0.0
                    for bound, value in zip(_BOUNDS, values[1:]):
                        acc += value
                        metric.add_sample(name + "_bucket", {**labels, "le": _go_float(bound)},
                                          acc)
                    metric.add_sample(name + "_count", labels, acc)
                    metric.add_sample(name + "_sum", labels, values[0])
                if created:
                    metric.add_sample(name + "_created", labels, since)
            found.append(metric)
        return found


def _after_fork_in_child() -> None:
    """The child has one thread and the parent's numbers: they stay the parent's.

    A lock another thread held at the fork (a scrape adding up, a cell being
    made) would never be released here: the child gets new ones, and a layout
    of its own on first use (in multiprocess mode, files with its own pid).
    """
    global _lock, _layout, _local, _series, _query_at
    _lock = threading.Lock()
    _layout = None
    _local = _Local()
    _series = {}
    _query_at = None


os.register_at_fork(after_in_child=_after_fork_in_child)


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
    """Forget every declared metric and the framework's counts (tests).

    In multiprocess mode the files written so far stay (as prometheus_client's
    own do): a scrape still sums them.
    """
    global _registry, _layout, _local, _series, _query_at
    with _lock:
        _declared.clear()
        _registry = None
        _layout = None
        _local = _Local()
        _series = {}
        _query_at = None
