"""Success and failure callbacks of jobs, and batch bookkeeping, wherever jobs run.

rq calls :func:`rq_on_success` / :func:`rq_on_failure` in the worker (they
are attached to every job that has a callback or a batch); the inline
dispatcher and the test recorder call :func:`job_succeeded` /
:func:`job_failed` directly. Either way the user's callbacks get the job's
handle, and a failing callback is logged, never turned into a failed job.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from rustforge.importing import import_string
from rustforge.queue.jobs import known_callbacks

logger = logging.getLogger("rustforge.queue")


def _call(path: str, *args: Any) -> None:
    try:
        fn = known_callbacks.get(path) or import_string(path)
        fn = getattr(fn, "fn", fn)
        fn(*args)
    except Exception:
        logger.exception("job callback %s failed", path)


def job_succeeded(handle: Any, meta: dict, result: Any) -> None:
    """A job finished: its ``on_success``, then its batch's count."""
    if meta.get("on_success"):
        _call(meta["on_success"], handle, result)
    if meta.get("batch"):
        from rustforge.queue.batches import record_outcome

        record_outcome(meta["batch"], ok=True)


def job_failed(handle: Any, meta: dict, exc_info: str) -> None:
    """A job failed for good (after its last retry)."""
    if meta.get("on_failure"):
        _call(meta["on_failure"], handle, exc_info)
    if meta.get("batch"):
        from rustforge.queue.batches import record_outcome

        record_outcome(meta["batch"], ok=False)


def rq_on_success(job: Any, connection: Any, result: Any, *args: Any, **kwargs: Any) -> None:
    from rustforge.queue.handles import JobHandle
    from rustforge.queue.rq_backend import job_context

    with job_context():
        job_succeeded(JobHandle(job), job.meta, result)


def rq_on_failure(job: Any, connection: Any, exc_type: Any = None, exc_value: Any = None,
                  tb: Any = None, *args: Any, **kwargs: Any) -> None:
    if job.retries_left:
        return  # rq retries it: not a failure yet
    from rustforge.queue.handles import JobHandle
    from rustforge.queue.rq_backend import job_context

    exc_info = "".join(traceback.format_exception(exc_type, exc_value, tb)) \
        if exc_type is not None else ""
    with job_context():
        job_failed(JobHandle(job), job.meta, exc_info)
