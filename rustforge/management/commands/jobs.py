"""``manage.py jobs``: inspect and manage background jobs on Redis."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import click

from rustforge.management import CommandError


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
        manage.py jobs scheduled           # jobs waiting for their time
        manage.py jobs workers             # live workers and what they run
        manage.py jobs requeue --all       # run every failed job again
        manage.py jobs delete JOB_ID
    """
    if ctx.invoked_subcommand is not None:
        return
    from rustforge.queue import monitor
    from rustforge.queue.worker import abandoned_jobs

    with _redis_guard():
        stats = monitor.queues()
        abandoned: dict[str, int] = {}
        for queue_name, _entry, _job_id in abandoned_jobs([s.name for s in stats]):
            abandoned[queue_name] = abandoned.get(queue_name, 0) + 1
    _table(("queue", *_COUNTS, "abandoned"),
           [(s.name, *(getattr(s, c) for c in _COUNTS), abandoned.get(s.name, 0))
            for s in stats])
    if abandoned:
        click.echo("abandoned: started jobs whose worker is dead; `jobs reap` moves them to "
                   "failed", err=True)


_COUNTS = ("queued", "started", "scheduled", "deferred", "finished", "failed")


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


def _when(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"


@command.command("failed")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000),
              help="At most this many, newest first.")
@click.option("--traceback", "full", is_flag=True, help="Print whole tracebacks.")
def failed(queue_name: str | None, limit: int, full: bool) -> None:
    """List failed jobs, newest first: id, queue, function, when, and the error."""
    from rustforge.queue import monitor

    with _redis_guard():
        jobs = monitor.failed_jobs(queue_name, limit=limit)
    _print_jobs([(j, j.ended_at, j.exc_info.strip() if full else j.error or "?") for j in jobs],
                "No failed jobs.")


@command.command("scheduled")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000),
              help="At most this many, soonest first.")
def scheduled(queue_name: str | None, limit: int) -> None:
    """List jobs waiting for their time (enqueue_in, enqueue_at, retries)."""
    from rustforge.queue import monitor

    with _redis_guard():
        jobs = monitor.scheduled_jobs(queue_name, limit=limit)
    _print_jobs([(j, j.scheduled_for, j.args) for j in jobs], "No scheduled jobs.")


def _print_jobs(rows: list[tuple[Any, Any, str]], empty: str) -> None:
    """One line per job: id, queue, function, a time, and a detail."""
    for job, moment, detail in rows:
        click.echo(f"{job.id}  {job.queue}  {job.func_name}  {_when(moment)}  {detail}")
    if not rows:
        click.echo(empty)


@command.command("workers")
def workers() -> None:
    """List the live workers: name, state, queues, current job, last heartbeat."""
    from rustforge.queue import monitor

    with _redis_guard():
        found = monitor.workers()
    _table(("worker", "state", "queues", "job", "heartbeat"),
           [(w.name, w.state, ",".join(w.queues), w.job_id or "-", _when(w.last_heartbeat))
            for w in found])


def _failed_ids(job_ids: tuple[str, ...], everything: bool, queue_name: str | None) -> list[str]:
    from rustforge.queue import monitor

    if not job_ids and not everything:
        raise CommandError("name job ids, or pass --all")
    if everything:
        return monitor.failed_job_ids(queue_name)
    known = set(monitor.failed_job_ids(queue_name))
    missing = sorted(set(job_ids) - known)
    if missing:
        raise CommandError(f"no failed job with id {', '.join(missing)}")
    return list(dict.fromkeys(job_ids))


@command.command("requeue")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every failed job.")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
def requeue(job_ids: tuple[str, ...], everything: bool, queue_name: str | None) -> None:
    """Put failed jobs back on their queue."""
    from rustforge.queue import monitor

    with _redis_guard():
        done = sum(monitor.requeue_failed(i) for i in _failed_ids(job_ids, everything, queue_name))
    click.echo(f"Requeued {done} job(s).")


@command.command("delete")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every failed job.")
@click.option("--queue", "queue_name", default=None, help="Only this queue.")
def delete(job_ids: tuple[str, ...], everything: bool, queue_name: str | None) -> None:
    """Delete failed jobs for good."""
    from rustforge.queue import monitor

    with _redis_guard():
        done = sum(monitor.delete_failed(i) for i in _failed_ids(job_ids, everything, queue_name))
    click.echo(f"Deleted {done} job(s).")


@command.command("reap")
def reap() -> None:
    """Move started jobs whose worker died to the failed registry (or retry them)."""
    from rustforge.queue import monitor
    from rustforge.queue.worker import reap_abandoned

    with _redis_guard():
        reaped = reap_abandoned(monitor.queue_names())
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
