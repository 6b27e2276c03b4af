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


class _SlowEnqueue:
    """A job whose enqueue holds a lock for a while, as a first import holds an
    import lock (prometheus_client, the first time a job is counted)."""

    spec = type("Spec", (), {"path": "tests.slow_enqueue"})()

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.holding = threading.Event()

    def enqueue(self, *args, **kwargs):
        with self.lock:
            self.holding.set()
            time.sleep(0.5)


def test_a_fork_waits_for_the_tick_in_progress():
    """rq forks a work horse while the periodic thread ticks: the horse must not
    inherit a lock that thread held (it would wait for it forever)."""
    import os
    import threading

    from rustforge.queue.periodic import PeriodicJob

    job = _SlowEnqueue()
    scheduler = PeriodicScheduler({"slow": PeriodicJob("* * * * * *", job)})
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        assert job.holding.wait(10)
        pid = os.fork()
        if pid == 0:  # the child: is the lock free, or held by a thread it does not have?
            os._exit(0 if job.lock.acquire(timeout=2) else 1)
        _, status = os.waitpid(pid, 0)
    finally:
        stop.set()
        thread.join(5)
    assert os.waitstatus_to_exitcode(status) == 0
