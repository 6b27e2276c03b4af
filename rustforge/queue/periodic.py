"""Periodic (cron-style) jobs declared by apps.

An app declares them in its ``jobs`` module (imported by the scheduler, not
at startup):

    # myapp/jobs.py
    from rustforge.queue import job, periodic

    @periodic("*/15 * * * *")              # every 15 minutes
    @job(queue="maintenance")
    def purge_expired_sessions() -> None: ...

``manage.py rqworker --with-scheduler`` (or ``manage.py jobs cron``) enqueues
each one when it is due. A Redis lock per job and minute makes sure that
several schedulers running at once still enqueue each run exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rustforge.queue.jobs import JobFunction, job


@dataclass(frozen=True)
class PeriodicJob:
    cron: str
    func: JobFunction
    args: tuple = ()
    kwargs: tuple = ()

    @property
    def name(self) -> str:
        return self.func.spec.path


# path -> PeriodicJob; filled when apps' ``jobs`` modules are imported.
registry: dict[str, PeriodicJob] = {}


def periodic(cron: str, *args: Any, **kwargs: Any) -> Callable[[Any], JobFunction]:
    """Run the decorated job on a cron schedule (5 fields, UTC), with fixed arguments."""
    from croniter import croniter

    if not croniter.is_valid(cron):
        raise ValueError(f"invalid cron expression {cron!r}")

    def decorate(func: Any) -> JobFunction:
        if not isinstance(func, JobFunction):
            func = job(func)
        registry[func.spec.path] = PeriodicJob(cron, func, args, tuple(sorted(kwargs.items())))
        return func

    return decorate


def discover() -> dict[str, PeriodicJob]:
    """Import every installed app's ``jobs`` module; return the periodic jobs."""
    from rustforge.apps import apps

    apps.populate()
    for config in apps.get_app_configs():
        config.import_submodule("jobs")
    return dict(registry)


class PeriodicScheduler:
    """Enqueues due periodic jobs; run it in one or more processes.

    Each run of each job is claimed with ``SET NX`` on a Redis key named after
    the job and its scheduled minute, so any number of schedulers (one per
    worker started ``--with-scheduler``) enqueue it exactly once. Runs missed
    while no scheduler was up are not caught up.
    """

    def __init__(self, jobs: dict[str, PeriodicJob] | None = None, connection: Any = None) -> None:
        import datetime as dt

        self.jobs = discover() if jobs is None else jobs
        self._connection = connection
        self.last_check = dt.datetime.now(dt.UTC)

    @property
    def connection(self) -> Any:
        if self._connection is None:
            from rustforge.queue.connection import get_redis

            self._connection = get_redis()
        return self._connection

    def due(self, since: Any, until: Any) -> list[tuple[PeriodicJob, Any]]:
        """Each job's scheduled times in ``(since, until]``."""
        from croniter import croniter

        found = []
        for periodic_job in self.jobs.values():
            itr = croniter(periodic_job.cron, since)
            when = itr.get_next(type(since))
            while when <= until:
                found.append((periodic_job, when))
                when = itr.get_next(type(since))
        return found

    def tick(self, now: Any = None) -> list[str]:
        """Enqueue the runs that fell due since the last tick; returns their names."""
        import datetime as dt

        now = now or dt.datetime.now(dt.UTC)
        enqueued = []
        for periodic_job, when in self.due(self.last_check, now):
            claim = f"rustforge:periodic:{periodic_job.name}:{int(when.timestamp())}"
            if self.connection.set(claim, "1", nx=True, ex=24 * 3600):
                periodic_job.func.enqueue(*periodic_job.args, **dict(periodic_job.kwargs))
                enqueued.append(periodic_job.name)
        self.last_check = now
        return enqueued

    def run(self, stop: Any, interval: float = 1.0) -> None:
        """Tick every ``interval`` seconds until ``stop`` (a threading.Event) is set."""
        import logging

        from rustforge.forking import no_fork

        log = logging.getLogger("rustforge.queue")
        log.info("periodic scheduler started with %d job(s): %s", len(self.jobs),
                 ", ".join(sorted(self.jobs)) or "none")
        while not stop.wait(interval):
            # The worker forks a work horse for each job meanwhile: a fork in the
            # middle of a tick (an import, a metric's lock) would leave the horse
            # waiting forever for a lock this thread held.
            with no_fork():
                try:
                    for name in self.tick():
                        log.info("periodic job %s enqueued", name)
                except Exception:
                    log.exception("periodic scheduler tick failed; retrying")
