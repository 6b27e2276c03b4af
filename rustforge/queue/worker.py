"""The rq worker of a RustForge project, and finding jobs whose worker died.

A worker killed with SIGKILL (OOM killer, a lost machine) leaves its job in
rq's *started* registry. rq moves it to the failed registry once the
worker's heartbeat expires (a minute or more); :func:`reap_abandoned` does it
at once for workers that are known dead: their registration is gone, or they
ran on this host and their process no longer exists. A work horse outlives a
worker killed alone and may still finish the job, so a job whose horse is
still alive on this host is left alone. ``rqworker`` reaps at
start-up and ``manage.py jobs reap`` on demand.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence
from typing import Any

from rq import Worker
from rq.job import JobStatus
from rq.registry import StartedJobRegistry

from rustforge.queue.connection import get_redis
from rustforge.queue.rq_backend import RustForgeJob, make_queue


def make_worker(queues: Sequence[str], *, name: str | None = None) -> Worker:
    """An rq ``Worker`` for ``queues`` running :class:`RustForgeJob` in a forked horse."""
    from rq import Queue

    return Worker([make_queue(q) for q in queues], name=name, connection=get_redis(),
                  job_class=RustForgeJob, queue_class=Queue)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (dead, not yet reaped: common for orphans in containers whose
    # init does not reap) still answers signal 0.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True  # no /proc (not Linux): trust the signal


def _worker_dead(connection: Any, worker_name: str | None, host: str) -> bool:
    if not worker_name:
        return False
    info = connection.hgetall(f"{Worker.redis_worker_namespace_prefix}{worker_name}")
    if not info:
        return True  # its registration expired: no heartbeat for worker_ttl seconds
    hostname = (info.get(b"hostname") or b"").decode()
    pid = int(info.get(b"pid") or 0)
    return hostname == host and pid > 0 and not _process_alive(pid)


def _horse_alive(job: Any, host: str) -> bool:
    """Whether the job's work horse still runs (it outlives a worker killed alone)."""
    horse_host, _, pid = str(job.meta.get("rustforge_horse", "")).rpartition(":")
    return horse_host == host and pid.isdigit() and _process_alive(int(pid))


def abandoned_jobs(queue_names: Sequence[str]) -> list[tuple[str, str, str]]:
    """``(queue, registry entry, job id)`` of started jobs whose worker is dead."""
    connection = get_redis()
    host = socket.gethostname()
    found = []
    for queue_name in queue_names:
        registry = StartedJobRegistry(queue_name, connection=connection, job_class=RustForgeJob)
        entries = [entry.decode() for entry in connection.zrange(registry.key, 0, -1)]
        job_ids = [entry.split(":", 1)[0] for entry in entries]
        jobs = RustForgeJob.fetch_many(job_ids, connection=connection) if job_ids else []
        for entry, job_id, job in zip(entries, job_ids, jobs, strict=True):
            if job is None or job.get_status(refresh=False) != JobStatus.STARTED:
                continue
            if _worker_dead(connection, job.worker_name, host) and not _horse_alive(job, host):
                found.append((queue_name, entry, job_id))
    return found


def reap_abandoned(queue_names: Sequence[str]) -> list[str]:
    """Move jobs of dead workers to the failed registry (or retry them); returns ids.

    rq's own clean-up does the moving (retries, failure callbacks, the
    ``AbandonedJobError`` record); we only mark the entries as expired.
    """
    connection = get_redis()
    reaped = []
    for queue_name, entry, job_id in abandoned_jobs(queue_names):
        registry = StartedJobRegistry(queue_name, connection=connection, job_class=RustForgeJob)
        connection.zadd(registry.key, {entry: 1}, xx=True)
        registry.cleanup(timestamp=1)
        reaped.append(job_id)
    return reaped


def start_periodic_thread() -> threading.Event:
    """Run the periodic scheduler in a daemon thread of this (worker) process."""
    from rustforge.queue.periodic import PeriodicScheduler

    stop = threading.Event()
    scheduler = PeriodicScheduler()
    thread = threading.Thread(target=scheduler.run, args=(stop,), name="rustforge-periodic",
                              daemon=True)
    thread.start()
    return stop
