"""Inline execution: the embedded default when ``REDIS_URL`` is empty.

A job runs synchronously inside ``enqueue()``, with the same retry count it
would get from a worker (without the waits between attempts: a request
should not sleep). ``enqueue_in`` / ``enqueue_at`` run at once too. A job that
still fails is logged and reported on the returned :class:`InlineJob`; with
``JOBS_INLINE_RAISE = True`` (handy in tests) its exception propagates.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
import uuid
from collections import OrderedDict
from typing import Any

from rustforge.conf import settings
from rustforge.importing import import_string
from rustforge.metrics import count_job
from rustforge.queue import context
from rustforge.queue.callbacks import job_failed, job_succeeded
from rustforge.queue.jobs import JobSpec

logger = logging.getLogger("rustforge.queue")


class InlineJob:
    """What ``enqueue()`` returns in inline mode: the handle API of
    :class:`~rustforge.queue.handles.JobHandle` (``id``, ``status``, ``result``,
    ``exc_info``, ``cancel()``) and the parts of rq's ``Job`` callers use
    (``get_status()``, ``return_value()``)."""

    def __init__(self, spec: JobSpec, args: tuple, kwargs: dict, job_id: str | None = None) -> None:
        self.id = job_id or uuid.uuid4().hex
        self.func_name = spec.path
        self.origin = spec.queue
        self.args = args
        self.kwargs = kwargs
        self.status = "queued"
        self.attempts = 0
        self.result: Any = None
        self.exc_info: str | None = None
        self.meta = spec.meta()
        self.error: BaseException | None = None

    @property
    def queue(self) -> str:
        return self.origin

    def cancel(self) -> bool:
        """Inline jobs run inside ``enqueue()``: there is never one left to cancel."""
        return False

    def get_status(self, refresh: bool = True) -> str:
        return self.status

    def return_value(self, refresh: bool = False) -> Any:
        return self.result

    @property
    def is_finished(self) -> bool:
        return self.status == "finished"

    @property
    def is_failed(self) -> bool:
        return self.status == "failed"

    def __repr__(self) -> str:
        return f"<InlineJob {self.func_name} {self.status}>"


def call_job(spec: JobSpec, args: tuple, kwargs: dict,
             captured: dict[str, Any] | None = None) -> Any:
    """Call the job's function inside the framework's transaction handling,
    in the context ``captured`` when it was enqueued (``rustforge.queue.context``).

    If the caller is inside a transaction, the job runs in a savepoint, so a
    failing job cannot poison the caller's transaction (PostgreSQL aborts a
    whole transaction on one error).
    """
    with context.entered(captured):
        return _call(spec, args, kwargs)


def _call(spec: JobSpec, args: tuple, kwargs: dict) -> Any:
    func = spec.func or import_string(spec.path)
    func = getattr(func, "fn", func)
    from rustforge.services import services

    if services.is_created("db"):
        from rustforge.db import get_database

        db = get_database()
        if db.in_transaction():
            with db.atomic():
                return func(*args, **kwargs)
    return func(*args, **kwargs)


_KEEP = 1000  # recent inline jobs fetch_job() can find


class InlineDispatcher:
    """Runs each job now, in this process."""

    name = "inline"

    def __init__(self) -> None:
        self.recent: OrderedDict[str, InlineJob] = OrderedDict()

    def fetch(self, job_id: str) -> InlineJob | None:
        return self.recent.get(job_id) if isinstance(job_id, str) else None

    def _remember(self, job: InlineJob) -> InlineJob:
        self.recent[job.id] = job
        self.recent.move_to_end(job.id)
        while len(self.recent) > _KEEP:
            self.recent.popitem(last=False)
        return job

    def enqueue(self, spec: JobSpec, args: tuple, kwargs: dict,
                when: dt.datetime | None = None) -> InlineJob:
        job = self._remember(InlineJob(spec, args, kwargs,
                                       spec.unique_id(args, kwargs) if spec.unique else None))
        count_job(spec.queue, "enqueued")
        unmet = [d for d in spec.depends_on
                 if getattr(self.fetch(d), "status", "finished") != "finished"]
        if unmet:
            # As on rq: a job whose dependency failed waits (deferred) for good.
            job.status = "deferred"
            return job
        self._run(spec, args, kwargs, job)
        if job.status == "finished":
            job_succeeded(job, job.meta, job.result)
        elif job.status == "failed":
            job_failed(job, job.meta, job.exc_info or "")
        if job.status == "failed" and settings.JOBS_INLINE_RAISE:
            raise job.error  # type: ignore[misc]
        return job

    def _run(self, spec: JobSpec, args: tuple, kwargs: dict, job: InlineJob) -> None:
        captured = context.capture()
        attempts = 1 + (spec.retry.max if spec.retry else 0)
        for attempt in range(1, attempts + 1):
            job.attempts = attempt
            job.status = "started"
            try:
                job.result = call_job(spec, args, kwargs, captured)
            except Exception as exc:
                count_job(spec.queue, "failed")
                job.exc_info = "".join(traceback.format_exception(*sys.exc_info()))
                if attempt < attempts:
                    logger.warning("job %s failed (attempt %d of %d), retrying: %s",
                                   spec.path, attempt, attempts, exc)
                    continue
                job.status = "failed"
                job.error = exc
                logger.exception("job %s failed after %d attempt(s)", spec.path, attempt)
                return
            job.status = "finished"
            count_job(spec.queue, "succeeded")
            return
