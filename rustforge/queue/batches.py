"""Batches: a group of jobs with progress and a callback when all of them are done.

    from rustforge.queue import Batch

    batch = Batch(name="import", on_complete=import_finished)
    for row_id in row_ids:
        batch.add(import_row, row_id)
    batch.dispatch()

    Batch.fetch(batch.id).progress      # BatchProgress(total=3, done=2, failed=0)

``on_complete(batch)`` runs once, as a job of its own, when every job of the
batch has finished or failed for good (after its retries); ``batch.progress``
then tells how many failed. On rq the counts live in Redis (one hash per
batch, kept ``BATCH_TTL`` seconds), updated atomically by the worker that
ends each job, so several workers can run one batch. Inline (and under the
``jobs`` test fixture) they live in this process.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rustforge.queue.jobs import JobFunction, callback_path, job, known_callbacks

BATCH_TTL = 7 * 24 * 3600
_KEY = "rustforge:batch:{}"

# Adds one outcome; returns {done, failed, total, completing}: completing is 1
# for exactly one call, the one that accounts for the last job.
_RECORD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local v = redis.call('HMGET', KEYS[1], 'done', 'failed', 'total', 'completed')
local done, failed, total = tonumber(v[1]), tonumber(v[2]), tonumber(v[3])
local completing = 0
if done + failed >= total and v[4] == '0' then
  redis.call('HSET', KEYS[1], 'completed', '1')
  completing = 1
end
return {done, failed, total, completing}
"""


@dataclass(frozen=True)
class BatchProgress:
    total: int
    done: int
    failed: int

    @property
    def pending(self) -> int:
        return max(self.total - self.done - self.failed, 0)

    @property
    def finished(self) -> bool:
        """Every job has finished or failed for good."""
        return self.pending == 0

    @property
    def percent(self) -> int:
        return 100 if not self.total else (self.done + self.failed) * 100 // self.total


class _MemoryStore:
    """Batches of this process (inline mode, the test recorder)."""

    def __init__(self) -> None:
        self.batches: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def create(self, batch_id: str, fields: dict[str, Any]) -> None:
        with self.lock:
            self.batches[batch_id] = dict(fields)

    def add_jobs(self, batch_id: str, job_ids: list[str]) -> None:
        with self.lock:
            self.batches[batch_id]["job_ids"] = [*self.batches[batch_id].get("job_ids", []),
                                                 *job_ids]

    def load(self, batch_id: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.batches.get(batch_id)
            return dict(found) if found else None

    def record(self, batch_id: str, field: str) -> tuple[int, int, int, bool] | None:
        with self.lock:
            state = self.batches.get(batch_id)
            if state is None:
                return None
            state[field] += 1
            completing = state["done"] + state["failed"] >= state["total"] \
                and not state["completed"]
            if completing:
                state["completed"] = 1
            return state["done"], state["failed"], state["total"], completing


class _RedisStore:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def create(self, batch_id: str, fields: dict[str, Any]) -> None:
        key = _KEY.format(batch_id)
        with self.connection.pipeline() as pipe:
            pipe.hset(key, mapping={k: str(v) for k, v in fields.items()})
            pipe.expire(key, BATCH_TTL)
            pipe.execute()

    def add_jobs(self, batch_id: str, job_ids: list[str]) -> None:
        if job_ids:
            key = _KEY.format(batch_id) + ":jobs"
            with self.connection.pipeline() as pipe:
                pipe.rpush(key, *job_ids)
                pipe.expire(key, BATCH_TTL)
                pipe.execute()

    def load(self, batch_id: str) -> dict[str, Any] | None:
        key = _KEY.format(batch_id)
        raw = self.connection.hgetall(key)
        if not raw:
            return None
        state: dict[str, Any] = {k.decode(): v.decode() for k, v in raw.items()}
        for name in ("total", "done", "failed", "completed"):
            state[name] = int(state[name])
        state["created_at"] = float(state["created_at"])
        state["job_ids"] = [i.decode() for i in self.connection.lrange(key + ":jobs", 0, -1)]
        return state

    def record(self, batch_id: str, field: str) -> tuple[int, int, int, bool] | None:
        found = self.connection.register_script(_RECORD)(keys=[_KEY.format(batch_id)],
                                                          args=[field])
        if not found:
            return None
        done, failed, total, completing = (int(v) for v in found)
        return done, failed, total, bool(completing)


_memory = _MemoryStore()


def _store() -> _MemoryStore | _RedisStore:
    from rustforge.services import services

    if getattr(services.get("jobs"), "name", "") == "rq":
        from rustforge.queue.connection import get_redis

        return _RedisStore(get_redis())
    return _memory


class Batch:
    """A group of jobs dispatched together (see the module docstring).

    ``on_complete``: a module-level function called as ``on_complete(batch)``
    once every job has finished or failed; it runs as a job on ``queue``.
    """

    def __init__(self, name: str = "", on_complete: Callable | str | None = None,
                 queue: str = "default") -> None:
        self.id = uuid.uuid4().hex
        self.name = name
        self.on_complete = callback_path(on_complete, "on_complete") if on_complete else ""
        self.queue = queue
        self.created_at = time.time()
        self.job_ids: list[str] = []
        self._calls: list[tuple[JobFunction, tuple, dict]] = []
        self._state: dict[str, Any] | None = None

    def add(self, fn: Callable, *args: Any, **kwargs: Any) -> Batch:
        """Add a call of ``fn`` (a ``@job`` or a module-level function)."""
        if self._state is not None:
            raise RuntimeError("this batch was dispatched already")
        self._calls.append((fn if isinstance(fn, JobFunction) else job(fn), args, kwargs))
        return self

    def dispatch(self) -> Batch:
        """Queue every job of the batch; returns the batch."""
        if self._state is not None:
            raise RuntimeError("this batch was dispatched already")
        from rustforge.queue.connection import redis_errors

        store = _store()
        fields = {"name": self.name, "on_complete": self.on_complete, "queue": self.queue,
                  "total": len(self._calls), "done": 0, "failed": 0, "completed": 0,
                  "created_at": self.created_at}
        with redis_errors(f"dispatch batch {self.name or self.id}"):
            # The total is known before any job can finish, so no early completion.
            store.create(self.id, fields)
            self._state = fields
            for fn, args, kwargs in self._calls:
                handle = fn.using(batch_id=self.id).enqueue(*args, **kwargs)
                self.job_ids.append(handle.id)
                store.add_jobs(self.id, [handle.id])
            if not self._calls:
                _complete(self.id, self.on_complete, self.queue)
        return self

    @classmethod
    def fetch(cls, batch_id: str) -> Batch | None:
        """The batch ``batch_id`` as stored now, or None (unknown or expired)."""
        if not isinstance(batch_id, str) or not batch_id or len(batch_id) > 64:
            return None
        state = _store().load(batch_id)
        if state is None:
            return None
        batch = cls.__new__(cls)
        batch.id = batch_id
        batch.name = state["name"]
        batch.on_complete = state["on_complete"]
        batch.queue = state["queue"]
        batch.created_at = state["created_at"]
        batch.job_ids = list(state.get("job_ids", []))
        batch._calls = []
        batch._state = state
        return batch

    def refresh(self) -> Batch:
        fresh = Batch.fetch(self.id)
        if fresh is not None:
            self._state, self.job_ids = fresh._state, fresh.job_ids
        return self

    @property
    def progress(self) -> BatchProgress:
        """Counts as stored now (read again on every access)."""
        self.refresh()
        state = self._state or {"total": len(self._calls), "done": 0, "failed": 0}
        return BatchProgress(int(state["total"]), int(state["done"]), int(state["failed"]))

    @property
    def finished(self) -> bool:
        return self.progress.finished

    def jobs(self) -> list[Any]:
        """Handles of the batch's jobs (those still stored)."""
        from rustforge.queue.handles import fetch_job

        return [h for h in (fetch_job(i) for i in self.job_ids) if h is not None]

    def cancel(self) -> int:
        """Cancel the jobs that have not started; returns how many were canceled.

        Canceled jobs count as failed, so the batch still finishes (and its
        ``on_complete`` runs) once the jobs already running are done.
        """
        canceled = 0
        for handle in self.jobs():
            if handle.cancel():
                canceled += 1
                record_outcome(self.id, ok=False)
        return canceled

    def __repr__(self) -> str:
        return f"<Batch {self.name or self.id} {self.progress}>"


def record_outcome(batch_id: str, *, ok: bool) -> None:
    """Count one job of the batch as done (or failed); the last one completes it."""
    store = _store()
    found = store.record(batch_id, "done" if ok else "failed")
    if found is None or not found[3]:
        return
    state = store.load(batch_id) or {}
    _complete(batch_id, state.get("on_complete", ""), state.get("queue", "default"))


def _complete(batch_id: str, on_complete: str, queue: str) -> None:
    if on_complete:
        run_on_complete.using(queue=queue).enqueue(batch_id, on_complete)


@job
def run_on_complete(batch_id: str, path: str) -> None:
    """The job that calls a batch's ``on_complete(batch)``."""
    from rustforge.importing import import_string

    batch = Batch.fetch(batch_id)
    if batch is None:
        return
    fn = known_callbacks.get(path) or import_string(path)
    getattr(fn, "fn", fn)(batch)
