"""Jobs on rq: queues on the ``redis`` service and the framework's job class.

``RustForgeJob`` runs each job inside the framework: the app registry is
ready, and a database connection is opened for the job and released after
it (rolling back anything the job left open), so a long-lived worker never
holds a connection between jobs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
from collections.abc import Iterator
from typing import Any

from rq import Callback, Queue
from rq import Retry as RQRetry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from rustforge.conf import settings
from rustforge.metrics import count_job
from rustforge.queue import context
from rustforge.queue.connection import get_redis, redis_errors
from rustforge.queue.handles import JobHandle
from rustforge.queue.jobs import JobSpec

logger = logging.getLogger("rustforge.queue")

PENDING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}


@contextlib.contextmanager
def job_context() -> Iterator[None]:
    """The framework around one job: apps ready, a database connection released after.

    The context the job was enqueued from (``rustforge.queue.context``) is
    entered inside this, once the apps are ready.
    """
    from rustforge.apps import apps
    from rustforge.services import services

    apps.populate()
    try:
        yield
    finally:
        if services.is_created("db"):
            from rustforge.db import get_database

            db = get_database()
            try:
                if not db.is_closed():
                    if db.in_transaction():
                        db.rollback_open_transaction()
                    db.close()
            except Exception:
                logger.exception("releasing the database connection after a job failed")


class RustForgeJob(Job):
    """rq's Job, run inside :func:`job_context`.

    The work horse records itself (host and pid) in the job's meta, so that
    a job whose worker died but whose horse still runs is not taken for
    abandoned (see :mod:`rustforge.queue.worker`).
    """

    def _execute(self) -> Any:
        self.meta["rustforge_horse"] = f"{socket.gethostname()}:{os.getpid()}"
        try:
            self.save_meta()
        except Exception:  # bookkeeping only: never fail a job for it
            logger.warning("could not record the work horse of job %s", self.id, exc_info=True)
        queue = self.origin or "default"
        with job_context(), context.entered(self.meta.get(context.META_KEY)):
            try:
                result = super()._execute()
            except BaseException:
                count_job(queue, "failed")
                raise
        count_job(queue, "succeeded")
        return result


def make_queue(name: str = "default") -> Queue:
    """An rq queue on this process's Redis, using :class:`RustForgeJob`."""
    return Queue(name, connection=get_redis(), job_class=RustForgeJob,
                 default_timeout=settings.JOBS_DEFAULT_TIMEOUT)


def _rq_retry(spec: JobSpec) -> RQRetry | None:
    if spec.retry is None or spec.retry.max == 0:
        return None
    return RQRetry(max=spec.retry.max, interval=spec.retry.intervals())


class RQDispatcher:
    """Sends jobs to rq."""

    name = "rq"

    def enqueue(self, spec: JobSpec, args: tuple, kwargs: dict,
                when: dt.datetime | None = None) -> JobHandle:
        if "<locals>" in spec.path or spec.path.startswith("__main__."):
            raise ValueError(f"job {spec.path} must be a module-level function of an "
                             "importable module to run in a worker")
        options: dict[str, Any] = {
            "job_timeout": spec.timeout,
            "result_ttl": spec.result_ttl if spec.result_ttl is not None
            else settings.JOBS_RESULT_TTL,
            "failure_ttl": spec.failure_ttl if spec.failure_ttl is not None
            else settings.JOBS_FAILURE_TTL,
            "retry": _rq_retry(spec),
            "description": spec.description,
        }
        meta = spec.meta()
        if meta:
            options["meta"] = meta
            # Always attached: they count batch progress even without user callbacks.
            options["on_success"] = Callback("rustforge.queue.callbacks.rq_on_success")
            options["on_failure"] = Callback("rustforge.queue.callbacks.rq_on_failure")
        if spec.depends_on:
            options["depends_on"] = list(spec.depends_on)
        captured = context.capture()
        if captured:
            options["meta"] = {**options.get("meta", {}), context.META_KEY: captured}
        with redis_errors(f"enqueue job {spec.path}"):
            queue = make_queue(spec.queue)
            if spec.unique:
                job = self._enqueue_unique(queue, spec, args, kwargs, when, options)
            else:
                job = self._submit(queue, spec, args, kwargs, when, options)
        count_job(spec.queue, "enqueued")
        return JobHandle(job)

    def fetch(self, job_id: str) -> JobHandle | None:
        if not isinstance(job_id, str) or not job_id or len(job_id) > 200:
            return None
        with redis_errors(f"fetch job {job_id}"):
            try:
                return JobHandle(RustForgeJob.fetch(job_id, connection=get_redis()))
            except NoSuchJobError:
                return None

    def _submit(self, queue: Queue, spec: JobSpec, args: tuple, kwargs: dict,
                when: dt.datetime | None, options: dict) -> Job:
        if when is not None:
            return queue.enqueue_at(when, spec.path, args=args, kwargs=kwargs, **options)
        return queue.enqueue(spec.path, args=args, kwargs=kwargs, **options)

    def _enqueue_unique(self, queue: Queue, spec: JobSpec, args: tuple, kwargs: dict,
                        when: dt.datetime | None, options: dict) -> Job:
        job_id = spec.unique_id(args, kwargs)
        options = {**options, "job_id": job_id, "unique": True}
        for _ in range(3):
            try:
                return self._submit(queue, spec, args, kwargs, when, options)
            except DuplicateJobError:
                try:
                    existing = RustForgeJob.fetch(job_id, connection=queue.connection)
                except NoSuchJobError:
                    continue  # it just expired: try again
                if existing.get_status() in PENDING:
                    return existing
                # Finished, failed or stopped: a new run may be queued.
                existing.delete()
        raise RuntimeError(f"could not enqueue unique job {job_id}")
