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
from typing import Any

from rustforge.conf import settings
from rustforge.importing import import_string
from rustforge.metrics import count_job
from rustforge.queue.jobs import JobSpec

logger = logging.getLogger("rustforge.queue")


class InlineJob:
    """What ``enqueue()`` returns in inline mode; mirrors the parts of rq's ``Job``
    callers use (``id``, ``get_status()``, ``return_value()``)."""

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


def call_job(spec: JobSpec, args: tuple, kwargs: dict) -> Any:
    """Call the job's function inside the framework's transaction handling.

    If the caller is inside a transaction, the job runs in a savepoint, so a
    failing job cannot poison the caller's transaction (PostgreSQL aborts a
    whole transaction on one error).
    """
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


class InlineDispatcher:
    """Runs each job now, in this process."""

    name = "inline"

    def enqueue(self, spec: JobSpec, args: tuple, kwargs: dict,
                when: dt.datetime | None = None) -> InlineJob:
        job = InlineJob(spec, args, kwargs,
                        spec.unique_id(args, kwargs) if spec.unique else None)
        attempts = 1 + (spec.retry.max if spec.retry else 0)
        count_job(spec.queue, "enqueued")
        for attempt in range(1, attempts + 1):
            job.attempts = attempt
            job.status = "started"
            try:
                job.result = call_job(spec, args, kwargs)
            except Exception as exc:
                count_job(spec.queue, "failed")
                job.exc_info = "".join(traceback.format_exception(*sys.exc_info()))
                if attempt < attempts:
                    logger.warning("job %s failed (attempt %d of %d), retrying: %s",
                                   spec.path, attempt, attempts, exc)
                    continue
                job.status = "failed"
                logger.exception("job %s failed after %d attempt(s)", spec.path, attempt)
                if settings.JOBS_INLINE_RAISE:
                    raise
                return job
            job.status = "finished"
            count_job(spec.queue, "succeeded")
            return job
        return job  # pragma: no cover (the loop always returns)
