"""The ``@job`` decorator and how a call becomes a background job.

    from datetime import timedelta
    from rustforge.queue import Retry, job

    @job(queue="mail", timeout=60, retry=Retry(max=3, interval=[10, 60, 300]))
    def send_welcome(user_id: int) -> None: ...

    send_welcome(user.id)                            # a plain call, right here
    send_welcome.enqueue(user.id)                    # in a worker, soon
    send_welcome.enqueue_in(timedelta(hours=1), user.id)
    send_welcome.enqueue_on_commit(user.id)          # after the transaction commits

Where the job runs is the ``jobs`` service's business: rq on Redis when
``REDIS_URL`` is set, inline (synchronously, with the same retries) when it
is not, and a recorder under the ``jobs`` test fixture.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rustforge.importing import import_string

logger = logging.getLogger("rustforge.queue")


@dataclass(frozen=True)
class Retry:
    """Retry a failing job ``max`` more times, waiting ``interval`` seconds between
    attempts (one number, or one per attempt; the last repeats).

        Retry(max=3, interval=[10, 60, 300])
    """

    max: int
    interval: int | Sequence[int] = 0

    def __post_init__(self) -> None:
        if self.max < 0:
            raise ValueError("Retry(max=...) must be >= 0")

    def intervals(self) -> list[int]:
        if isinstance(self.interval, int):
            return [self.interval]
        return list(self.interval) or [0]


@dataclass(frozen=True)
class JobSpec:
    """Everything needed to run one job function."""

    path: str
    queue: str = "default"
    timeout: int | None = None
    retry: Retry | None = None
    unique: bool = False
    result_ttl: int | None = None
    failure_ttl: int | None = None
    description: str | None = None
    # Per call (set with ``using()``): jobs to wait for, callbacks (dotted
    # paths), and the batch the job belongs to.
    depends_on: tuple = ()
    on_success: str | None = None
    on_failure: str | None = None
    batch_id: str | None = None
    func: Callable | None = field(default=None, compare=False, repr=False)

    def meta(self) -> dict[str, str]:
        """What the worker needs to run this job's callbacks (stored with the job)."""
        found = {"on_success": self.on_success, "on_failure": self.on_failure,
                 "batch": self.batch_id}
        return {k: v for k, v in found.items() if v}

    def unique_id(self, args: tuple, kwargs: dict) -> str:
        """The job id shared by every call with these arguments."""
        blob = repr((self.path, args, sorted(kwargs.items()))).encode("utf-8", "surrogateescape")
        return f"unique-{hashlib.sha256(blob).hexdigest()[:32]}"


class JobFunction:
    """A function that can also be enqueued as a background job (made by :func:`job`)."""

    def __init__(self, fn: Callable, spec: JobSpec) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.spec = spec

    def __repr__(self) -> str:
        return f"<job {self.spec.path} queue={self.spec.queue!r}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __reduce__(self) -> Any:
        # Pickled by reference, like the plain function it wraps.
        return (import_string, (self.spec.path,))

    def using(self, **options: Any) -> JobFunction:
        """A copy with other options: ``report.using(queue="slow").enqueue(...)``.

        Besides the options of :func:`job`: ``depends_on`` (a job handle or id,
        or a list of them: run only after they all finished), ``on_success``
        (called as ``fn(job, result)``) and ``on_failure`` (``fn(job, exc_info)``,
        after the last retry); callbacks are module-level functions.
        """
        if "depends_on" in options:
            options["depends_on"] = _job_ids(options["depends_on"])
        for name in ("on_success", "on_failure"):
            if options.get(name) is not None:
                options[name] = callback_path(options[name], name)
        return JobFunction(self.fn, replace(self.spec, **options))

    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        """Queue a call; returns the job (rq ``Job``, or the inline result).

        Raises :class:`~rustforge.queue.QueueUnavailable` when Redis is down.
        """
        return _dispatcher().enqueue(self.spec, args, kwargs)

    def enqueue_at(self, when: dt.datetime, *args: Any, **kwargs: Any) -> Any:
        """Queue a call to run at ``when`` (aware, or naive UTC)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return _dispatcher().enqueue(self.spec, args, kwargs, when=when)

    def enqueue_in(self, delay: dt.timedelta | float, *args: Any, **kwargs: Any) -> Any:
        """Queue a call to run after ``delay`` (a timedelta or seconds)."""
        if not isinstance(delay, dt.timedelta):
            delay = dt.timedelta(seconds=delay)
        return self.enqueue_at(dt.datetime.now(dt.UTC) + delay, *args, **kwargs)

    def enqueue_on_commit(self, *args: Any, **kwargs: Any) -> None:
        """Queue a call once the current transaction commits (now if none is open).

        Nothing is queued when the transaction rolls back, so the job never
        reads a row that does not exist. If Redis is down at commit time the
        data is already committed: the failure is logged, not raised.
        """
        from rustforge.db import on_commit
        from rustforge.queue import context

        # The context of the caller, not of whatever runs when the commit happens.
        captured = context.capture()

        def fire() -> None:
            from rustforge.queue.exceptions import QueueUnavailable

            try:
                with context.entered(captured):
                    self.enqueue(*args, **kwargs)
            except QueueUnavailable:
                logger.exception("job %s was not queued after commit", self.spec.path)

        on_commit(fire)


def job(fn: Callable | None = None, *, queue: str = "default", timeout: int | None = None,
        retry: Retry | None = None, unique: bool = False, result_ttl: int | None = None,
        failure_ttl: int | None = None, description: str | None = None) -> Any:
    """Make a module-level function enqueueable (see the module docstring).

    ``timeout``: seconds before the worker kills the job (``JOBS_DEFAULT_TIMEOUT``).
    ``retry``: a :class:`Retry`. ``unique``: a call with the same arguments is
    not queued again while one is pending; ``enqueue`` returns the pending job.
    """

    def decorate(func: Callable) -> JobFunction:
        path = f"{func.__module__}.{func.__qualname__}"
        spec = JobSpec(path=path, queue=queue, timeout=timeout, retry=retry, unique=unique,
                       result_ttl=result_ttl, failure_ttl=failure_ttl,
                       description=description, func=func)
        return JobFunction(func, spec)

    return decorate(fn) if fn is not None else decorate


def _job_ids(depends_on: Any) -> tuple[str, ...]:
    if depends_on is None:
        return ()
    if isinstance(depends_on, str) or not isinstance(depends_on, (list, tuple, set)):
        depends_on = [depends_on]
    ids = []
    for item in depends_on:
        job_id = item if isinstance(item, str) else getattr(item, "id", None)
        if not isinstance(job_id, str):
            raise TypeError(f"depends_on takes job handles or job ids, not {item!r}")
        ids.append(job_id)
    return tuple(ids)


def callback_path(fn: Any, what: str = "callback") -> str:
    """The dotted path of a module-level function (a worker imports it by name)."""
    if isinstance(fn, str):
        return fn
    if isinstance(fn, JobFunction):
        return fn.spec.path
    path = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}"
    if not callable(fn) or "<locals>" in path or "<lambda>" in path \
            or path.startswith(("__main__.", ".")):
        raise ValueError(f"{what} must be a module-level function of an importable module, "
                         f"not {fn!r}")
    # This process can call it without importing it (inline mode, tests).
    known_callbacks[path] = fn
    return path


known_callbacks: dict[str, Callable] = {}


def _dispatcher() -> Any:
    from rustforge.services import services

    return services.get("jobs")
