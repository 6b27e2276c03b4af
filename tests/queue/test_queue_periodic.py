"""Periodic jobs: discovered from apps' jobs modules, enqueued once per run."""

import datetime as dt
import time

import pytest

from rustforge.queue import get_queue, periodic
from rustforge.queue.periodic import PeriodicScheduler, discover

pytestmark = pytest.mark.usefixtures("rq_settings")

T0 = dt.datetime(2030, 1, 1, 12, 0, 30, tzinfo=dt.UTC)


def test_apps_declare_periodic_jobs():
    found = discover()
    assert found["testproject.worklog.jobs.every_minute"].cron == "* * * * *"


def test_each_run_is_enqueued_once_across_schedulers():
    jobs = {k: v for k, v in discover().items() if k.endswith("every_minute")}
    first, second = PeriodicScheduler(jobs), PeriodicScheduler(jobs)
    first.last_check = second.last_check = T0
    later = T0 + dt.timedelta(minutes=2)
    assert first.tick(later) == ["testproject.worklog.jobs.every_minute"] * 2
    assert second.tick(later) == []
    assert len(get_queue("default")) == 2
    assert first.tick(later + dt.timedelta(seconds=10)) == []  # nothing new fell due


def test_invalid_cron_is_rejected_at_declaration():
    with pytest.raises(ValueError, match="invalid cron"):
        periodic("every minute")


def test_periodic_command_lists_jobs(workers):
    result = workers.run("jobs", "periodic")
    assert result.returncode == 0, result.stderr
    assert "* * * * *" in result.stdout and "every_minute" in result.stdout


def test_scheduler_loop_enqueues_when_due():
    """The loop rqworker --with-scheduler runs in a thread (a per-second cron here)."""
    import threading

    from testproject.worklog.jobs import record

    from rustforge.queue.periodic import PeriodicJob

    every_second = PeriodicJob("* * * * * *", record, ("tick",))  # croniter's seconds field
    scheduler = PeriodicScheduler({"tick": every_second})
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop, 0.2), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(get_queue("default")) < 2:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(5)
    assert len(get_queue("default")) >= 2
    assert not thread.is_alive()
