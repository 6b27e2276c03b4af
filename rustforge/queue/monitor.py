"""What the queues hold, read from Redis: for dashboards, commands and health checks.

    from rustforge.queue import monitor

    monitor.queues()           # [QueueStats(name="default", queued=3, failed=1, ...), ...]
    monitor.workers()          # [WorkerInfo(name=..., state="busy", job_id=..., ...)]
    monitor.failed_jobs()      # newest first, with the traceback
    monitor.scheduled_jobs()   # with the time each will be queued
    monitor.failed_job_ids()   # every failed job's id
    monitor.requeue_failed(job_id); monitor.delete_failed(job_id)

Every function needs ``REDIS_URL`` (``ImproperlyConfigured`` without it) and
raises :class:`~rustforge.queue.QueueUnavailable` when Redis cannot be
reached. Nothing here imports the web layer.

``owner`` (what :func:`rustforge.queue.context.owner` gives, e.g.
``{"tenant": 3}``) limits every function to the jobs that were enqueued in
that context: counts, lists, a worker's current job, requeue and delete (a
job of another owner is "not found"). Without it, or with ``{}``, every job
counts. Owned counts and lists look at the newest ``OWNER_SCAN`` jobs of each
queue and registry, which bounds their cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rustforge.queue import context
from rustforge.queue.connection import get_redis, redis_errors

STATES = ("queued", "started", "scheduled", "deferred", "finished", "failed")
OWNER_SCAN = 10_000

Owner = Mapping[str, Any] | None


@dataclass(frozen=True)
class QueueStats:
    name: str
    queued: int
    started: int
    scheduled: int
    deferred: int
    finished: int
    failed: int


@dataclass(frozen=True)
class WorkerInfo:
    name: str
    state: str
    queues: tuple[str, ...]
    job_id: str | None
    last_heartbeat: dt.datetime | None


@dataclass(frozen=True)
class JobInfo:
    id: str
    queue: str
    func_name: str
    args: str
    enqueued_at: dt.datetime | None
    ended_at: dt.datetime | None
    scheduled_for: dt.datetime | None
    exc_info: str

    @property
    def error(self) -> str:
        """The last line of the traceback (the exception and its message)."""
        lines = self.exc_info.strip().splitlines()
        return lines[-1] if lines else ""


def _queue(name: str) -> Any:
    # NOTE(memory): rq and redis-py are imported on the first call, not when a
    # dashboard's routes are loaded: together about 7 MB of every web worker.
    from rustforge.queue.rq_backend import make_queue

    return make_queue(name)


def queue_names() -> list[str]:
    from rq import Queue

    with redis_errors("list the queues"):
        names = sorted(q.name for q in Queue.all(connection=get_redis()))
    return names or ["default"]


def _registries(queue: Any) -> dict[str, Any]:
    return {"started": queue.started_job_registry, "scheduled": queue.scheduled_job_registry,
            "deferred": queue.deferred_job_registry, "finished": queue.finished_job_registry,
            "failed": queue.failed_job_registry}


def _owns(job: Any, owner: Owner) -> bool:
    return job is not None and context.belongs(job.meta.get(context.META_KEY), owner or {})


def _fetch(queue: Any, ids: list[str]) -> list[Any]:
    return queue.job_class.fetch_many(ids, connection=queue.connection,
                                      serializer=queue.serializer)


def _count(queue: Any, ids: list[str], owner: Owner) -> int:
    return sum(1 for job in _fetch(queue, ids) if _owns(job, owner))


def queues(owner: Owner = None) -> list[QueueStats]:
    """One line per queue: jobs waiting, running, scheduled, deferred, done, failed."""
    found = []
    with redis_errors("read the queues"):
        for name in queue_names():
            queue = _queue(name)
            if owner:
                counts = {state: _count(queue, registry.get_job_ids(0, OWNER_SCAN - 1, desc=True),
                                        owner)
                          for state, registry in _registries(queue).items()}
                queued = _count(queue, queue.get_job_ids(0, OWNER_SCAN), owner)
            else:
                counts = {state: len(registry) for state, registry in _registries(queue).items()}
                queued = len(queue)
            found.append(QueueStats(name=name, queued=queued, **counts))
    return found


def workers(owner: Owner = None) -> list[WorkerInfo]:
    """The workers registered in Redis (alive within their heartbeat); with an
    ``owner``, a current job of anyone else is not named."""
    from rq import Worker
    from rq.job import Job

    with redis_errors("list the workers"):
        found = []
        for w in Worker.all(connection=get_redis()):
            job_id = w.get_current_job_id()
            if job_id and owner and not _owns(
                    Job.fetch_many([job_id], connection=w.connection, serializer=w.serializer)[0],
                    owner):
                job_id = None
            # rq reports "?" until a starting worker has recorded its first state.
            found.append(WorkerInfo(name=w.name, state=str(w.get_state()).replace("?", "starting"),
                                    queues=tuple(w.queue_names()), job_id=job_id,
                                    last_heartbeat=w.last_heartbeat))
    return sorted(found, key=lambda w: w.name)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _info(job: Any, queue: str, scheduled_for: dt.datetime | None = None) -> JobInfo:
    latest = job.latest_result() if job.is_failed else None
    from rq.exceptions import DeserializationError

    try:
        args = _short((tuple(job.args), dict(job.kwargs)))
    except (DeserializationError, AttributeError, ImportError, TypeError):
        args = "?"  # arguments that no longer unpickle (a renamed class)
    return JobInfo(id=job.id, queue=queue, func_name=job.func_name or "?", args=args,
                   enqueued_at=job.enqueued_at, ended_at=job.ended_at,
                   scheduled_for=scheduled_for,
                   exc_info=(latest.exc_string if latest else "") or "")


def _first_ids(registry: Any, count: int, newest: bool) -> list[str]:
    """The ids of the first ``count`` jobs of ``registry`` by score (newest first, or
    soonest), with every job tied with the last one: scores are whole seconds, and a cut
    inside a second would keep an arbitrary one of the jobs of that second."""
    from rq.utils import as_text

    ids = registry.get_job_ids(0, count - 1, desc=newest)
    if len(ids) == count:
        score = registry.connection.zscore(registry.key, ids[-1])
        if score is not None:
            seen = set(ids)
            ids += [job_id for job_id in map(as_text, registry.connection.zrangebyscore(
                registry.key, score, score)) if job_id not in seen]
    return ids


def _jobs(state: str, queue_name: str | None, limit: int, owner: Owner) -> list[JobInfo]:
    found: list[JobInfo] = []
    with redis_errors(f"read the {state} jobs"):
        for name in [queue_name] if queue_name else queue_names():
            queue = _queue(name)
            registry = _registries(queue)[state]
            ids = _first_ids(registry, OWNER_SCAN if owner else limit, newest=state == "failed")
            kept = 0
            for job_id, job in zip(ids, _fetch(queue, ids), strict=True):
                if job is None or not _owns(job, owner):
                    continue
                when = None
                if state == "scheduled":
                    when = registry.get_scheduled_time(job_id)
                found.append(_info(job, name, when))
                kept += 1
                if owner and kept >= limit:  # unowned: the ties at the cut are sorted later
                    break
    return found


def failed_jobs(queue: str | None = None, limit: int = 100, owner: Owner = None) -> list[JobInfo]:
    """Failed jobs (newest first), each with its traceback."""
    found = _jobs("failed", queue, limit, owner)
    return sorted(found, key=lambda j: j.ended_at or dt.datetime.min, reverse=True)[:limit]


def scheduled_jobs(queue: str | None = None, limit: int = 100,
                   owner: Owner = None) -> list[JobInfo]:
    """Jobs waiting for their time (``enqueue_in`` / ``enqueue_at`` / retries)."""
    found = _jobs("scheduled", queue, limit, owner)
    return sorted(found, key=lambda j: j.scheduled_for or dt.datetime.max)[:limit]


def failed_job_ids(queue: str | None = None) -> list[str]:
    """The ids of every failed job (of one queue, or of all)."""
    with redis_errors("read the failed jobs"):
        return [job_id for name in ([queue] if queue else queue_names())
                for job_id in _queue(name).failed_job_registry.get_job_ids()]


def _failed_registry_of(job_id: str, owner: Owner = None) -> tuple[Any, Any] | None:
    if not isinstance(job_id, str) or not job_id or len(job_id) > 200:
        return None
    for name in queue_names():
        queue = _queue(name)
        if job_id in queue.failed_job_registry:
            if owner and not _owns(queue.fetch_job(job_id), owner):
                return None  # another owner's: as if it did not exist
            return queue, queue.failed_job_registry
    return None


def requeue_failed(job_id: str, owner: Owner = None) -> bool:
    """Put a failed job back on its queue; False when no failed job (of ``owner``) has that id."""
    with redis_errors(f"requeue job {job_id}"):
        found = _failed_registry_of(job_id, owner)
        if found is None:
            return False
        found[1].requeue(job_id)
        return True


def delete_failed(job_id: str, owner: Owner = None) -> bool:
    """Delete a failed job for good; False when no failed job (of ``owner``) has that id."""
    with redis_errors(f"delete job {job_id}"):
        found = _failed_registry_of(job_id, owner)
        if found is None:
            return False
        queue, registry = found
        job = queue.fetch_job(job_id)
        if job is not None:
            job.delete()
        else:
            registry.remove(job_id)
        return True
