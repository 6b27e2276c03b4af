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
