"""``manage.py jobs``: inspect and manage background jobs on Redis."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import click

from rustforge.management import CommandError


def _queue_names(connection) -> list[str]:
    from rq import Queue

    names = sorted(q.name for q in Queue.all(connection=connection))
    return names or ["default"]


def _registries(name: str):
    from rq.registry import (
        DeferredJobRegistry,
        FailedJobRegistry,
        FinishedJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )

    from rustforge.queue import get_queue

    queue = get_queue(name)
    return queue, {
        "started": StartedJobRegistry(queue=queue),
        "scheduled": ScheduledJobRegistry(queue=queue),
        "deferred": DeferredJobRegistry(queue=queue),
        "finished": FinishedJobRegistry(queue=queue),
        "failed": FailedJobRegistry(queue=queue),
    }


class _RedisGroup(click.Group):
    """Every subcommand needs Redis: check it once, report one clean error."""

    def invoke(self, ctx: click.Context):
        from rustforge.queue import QueueUnavailable

        try:
            return super().invoke(ctx)
        except QueueUnavailable as exc:
            raise CommandError(str(exc)) from None


def _redis_guard() -> AbstractContextManager[None]:
    from rustforge.conf import settings
    from rustforge.queue.connection import redis_errors

    if not settings.REDIS_URL:
        raise CommandError("REDIS_URL is not set: jobs run inline and nothing is queued")
    return redis_errors("read the job queues")


@click.group("jobs", cls=_RedisGroup, invoke_without_command=True)
@click.pass_context
def command(ctx: click.Context) -> None:
    """Show queue sizes and job registries; subcommands manage failed jobs.

    Examples:

    \b
        manage.py jobs                     # one line per queue
        manage.py jobs failed              # failed jobs with their error
        manage.py jobs requeue --all       # run every failed job again
        manage.py jobs delete JOB_ID
    """
    if ctx.invoked_subcommand is not None:
        return
    from rustforge.queue import get_redis
    from rustforge.queue.worker import abandoned_jobs

    with _redis_guard():
        connection = get_redis()
        names = _queue_names(connection)
        abandoned: dict[str, int] = {}
        for queue_name, _entry, _job_id in abandoned_jobs(names):
            abandoned[queue_name] = abandoned.get(queue_name, 0) + 1
        header = ("queue", "queued", "started", "scheduled", "deferred", "finished", "failed",
                  "abandoned")
        rows = []
        for name in names:
            queue, registries = _registries(name)
            rows.append((name, len(queue), *(len(r) for r in registries.values()),
                         abandoned.get(name, 0)))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
    if abandoned:
        click.echo("abandoned: started jobs whose worker is dead; `jobs reap` moves them to "
                   "failed", err=True)


@command.command("failed")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
@click.option("--traceback", "full", is_flag=True, help="Print whole tracebacks.")
def failed(queue_name: str | None, full: bool) -> None:
    """List failed jobs: id, function, when, and the error."""
    from rustforge.queue import get_redis

    with _redis_guard():
        names = [queue_name] if queue_name else _queue_names(get_redis())
        count = 0
        for name in names:
            queue, registries = _registries(name)
            for job_id in registries["failed"].get_job_ids():
                job = queue.fetch_job(job_id)
                if job is None:
                    continue
                count += 1
                latest = job.latest_result()
                error = (latest.exc_string if latest else "") or ""
                lines = error.strip().splitlines()
                summary = "\n".join(lines) if full else (lines[-1] if lines else "?")
                ended = job.ended_at.isoformat(timespec="seconds") if job.ended_at else "-"
                click.echo(f"{job.id}  {name}  {job.func_name}  {ended}  {summary}")
    if not count:
        click.echo("No failed jobs.")


def _failed_jobs(job_ids: tuple[str, ...], everything: bool, queue_name: str | None):
    from rustforge.queue import get_redis

    if not job_ids and not everything:
        raise CommandError("name job ids, or pass --all")
    names = [queue_name] if queue_name else _queue_names(get_redis())
    found: list[Any] = []
    for name in names:
        queue, registries = _registries(name)
        ids = registries["failed"].get_job_ids()
        wanted = ids if everything else [i for i in job_ids if i in ids]
        found.extend((queue, registries["failed"], i) for i in wanted)
    missing = set(job_ids) - {i for _, _, i in found}
    if missing:
        raise CommandError(f"no failed job with id {', '.join(sorted(missing))}")
    return found


@command.command("requeue")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every failed job.")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
def requeue(job_ids: tuple[str, ...], everything: bool, queue_name: str | None) -> None:
    """Put failed jobs back on their queue."""
    with _redis_guard():
        jobs = _failed_jobs(job_ids, everything, queue_name)
        for _queue, registry, job_id in jobs:
            registry.requeue(job_id)
    click.echo(f"Requeued {len(jobs)} job(s).")


@command.command("delete")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every failed job.")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
def delete(job_ids: tuple[str, ...], everything: bool, queue_name: str | None) -> None:
    """Delete failed jobs for good."""
    with _redis_guard():
        jobs = _failed_jobs(job_ids, everything, queue_name)
        for queue, _registry, job_id in jobs:
            job = queue.fetch_job(job_id)
            if job is not None:
                job.delete()
    click.echo(f"Deleted {len(jobs)} job(s).")


@command.command("reap")
def reap() -> None:
    """Move started jobs whose worker died to the failed registry (or retry them)."""
    from rustforge.queue import get_redis
    from rustforge.queue.worker import reap_abandoned

    with _redis_guard():
        reaped = reap_abandoned(_queue_names(get_redis()))
    for job_id in reaped:
        click.echo(f"{job_id}: worker dead, moved to failed (or retried)")
    click.echo(f"Reaped {len(reaped)} job(s).")


@command.command("cron")
def cron() -> None:
    """Run only the periodic scheduler (enqueues the apps' periodic jobs when due)."""
    import threading

    from rustforge.queue.periodic import PeriodicScheduler

    with _redis_guard():
        scheduler = PeriodicScheduler()
        scheduler.connection.ping()
    stop = threading.Event()
    try:
        scheduler.run(stop)
    except KeyboardInterrupt:
        stop.set()


@command.command("periodic")
def periodic_list() -> None:
    """List the periodic jobs the apps declare, with their next run."""
    import datetime as dt

    from croniter import croniter

    from rustforge.queue.periodic import discover

    found = discover()
    if not found:
        click.echo("No periodic jobs.")
    now = dt.datetime.now(dt.UTC)
    for name, item in sorted(found.items()):
        upcoming = croniter(item.cron, now).get_next(dt.datetime)
        click.echo(f"{item.cron:<15}  {name}  next {upcoming.isoformat(timespec='minutes')}")
