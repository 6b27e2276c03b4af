"""What ``enqueue()`` returns: a handle on the job, without dropping to rq.

    job = build_report.enqueue(42)
    job.id                 # keep it, e.g. in the response
    job.status             # "queued", "started", "deferred", "scheduled",
                           # "finished", "failed", "canceled", "stopped"
    job.result             # the return value once finished (None before)
    job.exc_info           # the traceback text once failed
    job.cancel()           # True if it had not started yet

    fetch_job(job_id)      # the same handle later, in another request

Every property reads the current state from Redis. In inline mode the
:class:`~rustforge.queue.inline.InlineJob` offers the same names.
"""

from __future__ import annotations

from typing import Any

PENDING_STATES = {"queued", "deferred", "scheduled"}


class JobHandle:
    """A job on rq (the underlying ``rq.job.Job`` is ``handle.job``).

    rq's own methods (``get_status()``, ``return_value()``, ...) still work on
    the handle: unknown attributes are looked up on the rq job.
    """

    def __init__(self, job: Any) -> None:
        self.job = job

    @property
    def id(self) -> str:
        return self.job.id

    @property
    def func_name(self) -> str:
        return self.job.func_name

    @property
    def queue(self) -> str:
        return self.job.origin

    @property
    def status(self) -> str:
        """The state now; ``"expired"`` once rq no longer keeps the job (its
        ``result_ttl``/``failure_ttl`` passed, or it was deleted)."""
        from rq.exceptions import InvalidJobOperation, NoSuchJobError

        try:
            status = self.job.get_status(refresh=True)
        except (InvalidJobOperation, NoSuchJobError):
            return "expired"
        return str(getattr(status, "value", status) or "expired")

    @property
    def result(self) -> Any:
        return self.job.return_value(refresh=True)

    @property
    def exc_info(self) -> str | None:
        latest = self.job.latest_result()
        if latest is None or not latest.exc_string:
            return None
        return latest.exc_string

    @property
    def is_finished(self) -> bool:
        return self.status == "finished"

    @property
    def is_failed(self) -> bool:
        return self.status == "failed"

    @property
    def meta(self) -> dict:
        return self.job.meta

    def cancel(self) -> bool:
        """Cancel a job that has not started; True when it was canceled.

        A started job is not interrupted (rq has ``send_stop_job_command`` for that).
        """
        from rq.exceptions import InvalidJobOperation

        from rustforge.queue.connection import redis_errors

        with redis_errors(f"cancel job {self.id}"):
            if self.status not in PENDING_STATES:
                return False
            try:
                self.job.cancel()
            except InvalidJobOperation:
                return False
            return True

    def __getattr__(self, name: str) -> Any:
        if name == "job":  # not set yet (unpickling): avoid recursion
            raise AttributeError(name)
        return getattr(self.job, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JobHandle) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<JobHandle {self.id} {self.job.func_name}>"


def fetch_job(job_id: str) -> Any:
    """The handle of job ``job_id``, or None when it does not exist (or has expired).

    In inline mode, jobs this process ran recently are found too.
    """
    from rustforge.services import services

    dispatcher = services.get("jobs")
    fetch = getattr(dispatcher, "fetch", None)
    return fetch(job_id) if fetch is not None else None
