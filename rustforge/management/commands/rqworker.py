"""``manage.py rqworker [QUEUES]...``: run background jobs from Redis."""

from __future__ import annotations

import click

from rustforge.management import CommandError


@click.command("rqworker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Quit once the queues are empty.")
@click.option("--with-scheduler", is_flag=True,
              help="Also move due enqueue_in/enqueue_at jobs to their queues and enqueue "
                   "the apps' periodic jobs.")
@click.option("--name", default=None, help="Worker name (default: host and pid).")
@click.option("--max-jobs", type=click.IntRange(min=1), default=None,
              help="Quit after this many jobs (a worker recycling itself).")
@click.option("--metrics-port", type=click.IntRange(min=1, max=65535), default=None,
              help="Serve /metrics (and /healthz) on this port: the jobs' counts, summed "
                   "over the work horses when PROMETHEUS_MULTIPROC_DIR is set.")
@click.option("--metrics-addr", default="127.0.0.1", show_default=True,
              help="Address for --metrics-port (0.0.0.0 in a container).")
@click.option("--logging-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def command(queues: tuple[str, ...], burst: bool, with_scheduler: bool, name: str | None,
            max_jobs: int | None, metrics_port: int | None, metrics_addr: str,
            logging_level: str) -> None:
    """Run jobs from QUEUES (default: "default"), each in a forked work horse.

    Examples:

    \b
        manage.py rqworker                      # the "default" queue
        manage.py rqworker high default --with-scheduler
        manage.py rqworker --burst              # empty the queues, then exit
    """
    from rustforge.apps import apps
    from rustforge.conf import settings
    from rustforge.queue.connection import redis_errors
    from rustforge.queue.exceptions import QueueUnavailable

    if not settings.REDIS_URL:
        raise CommandError("REDIS_URL is not set: jobs run inline in the web process, so there "
                           "is nothing for a worker to do")
    apps.populate()
    queues = queues or ("default",)
    from rustforge.queue.worker import make_worker, reap_abandoned, start_periodic_thread

    try:
        with redis_errors("start the worker"):
            worker = make_worker(queues, name=name)
            worker.connection.ping()
            for job_id in reap_abandoned(queues):
                click.echo(f"job {job_id} of a dead worker moved to the failed registry", err=True)
    except QueueUnavailable as exc:
        raise CommandError(str(exc)) from None
    # The periodic scheduler runs beside the work loop; forked horses do not inherit it.
    stop = start_periodic_thread() if with_scheduler else None
    server = None
    if metrics_port:
        from rustforge.http.probes import serve_metrics

        try:
            server = serve_metrics(metrics_addr, metrics_port)
        except OSError as exc:
            raise CommandError(f"cannot serve metrics on {metrics_addr}:{metrics_port}: "
                               f"{exc.strerror or exc}") from None
    try:
        worker.work(burst=burst, with_scheduler=with_scheduler, max_jobs=max_jobs,
                    logging_level=logging_level.upper())
    finally:
        if stop is not None:
            stop.set()
        if server is not None:
            server.shutdown()
