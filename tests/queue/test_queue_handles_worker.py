"""Handles, dependencies, callbacks and batches through Redis and a real rqworker process."""

import pytest
from queue_helpers import wait_for
from testproject.worklog.jobs import add, batch_done, boom, note_failure, note_success, write_entry
from testproject.worklog.models import Entry

from rustforge.queue import Batch, JobHandle, Retry, fetch_job

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("rq_settings", "transactional_db")]


def texts():
    return sorted(e.text for e in Entry.select())


def burst(workers):
    result = workers.run("rqworker", "--burst")
    assert result.returncode == 0, result.stdout + result.stderr


def test_handle_status_result_and_fetch(workers):
    handle = add.enqueue(20, 22)
    assert isinstance(handle, JobHandle)
    assert handle.status == "queued" and handle.result is None
    again = fetch_job(handle.id)
    assert again == handle and again.queue == "default"
    failing = boom.enqueue("worker")
    burst(workers)
    assert (handle.status, handle.result, handle.exc_info) == ("finished", 42, None)
    assert handle.get_status() == "finished"          # rq's own API still answers
    assert failing.status == "failed"
    assert "ValueError: boom: worker" in failing.exc_info
    assert fetch_job("no-such-job") is None


def test_cancel_a_queued_job(workers):
    handle = write_entry.enqueue("canceled")
    kept = write_entry.enqueue("kept")
    assert handle.cancel() is True
    assert handle.status == "canceled"
    assert handle.cancel() is False
    burst(workers)
    assert texts() == ["kept"]
    assert kept.cancel() is False                     # finished: nothing to cancel


def test_depends_on_chain(workers):
    first = write_entry.enqueue("first")
    second = write_entry.using(depends_on=first).enqueue("second")
    third = write_entry.using(depends_on=[first, second]).enqueue("third")
    assert second.status == "deferred" and third.status == "deferred"
    blocked = write_entry.using(depends_on=boom.enqueue("dep")).enqueue("blocked")
    burst(workers)
    assert [e.text for e in Entry.select().order_by(Entry.id)] == ["first", "second", "third"]
    assert blocked.status == "deferred"


def test_callbacks_run_in_the_worker(workers):
    add.using(on_success=note_success).enqueue(2, 2)
    boom.using(on_failure=note_failure, retry=Retry(max=1)).enqueue("cb")
    workers.start("--with-scheduler")
    assert wait_for(lambda: len(texts()) >= 2, timeout=30), f"{texts()}\n{workers.output()}"
    assert texts() == ["failure ValueError: boom: cb", "success add 4"]
    entries = list(Entry.select())
    assert all(e.pid != 0 for e in entries)


def test_batch_progress_and_completion(workers):
    batch = Batch(name="mixed", on_complete=batch_done)
    for n in range(4):
        batch.add(add, n, n)
    batch.add(boom, "batch")
    batch.dispatch()
    assert batch.progress.total == 5 and batch.progress.pending == 5
    assert len(batch.job_ids) == 5
    burst(workers)
    burst(workers)                                     # the completion job itself
    progress = Batch.fetch(batch.id).progress
    assert (progress.done, progress.failed, progress.finished) == (4, 1, True)
    assert texts() == ["batch mixed done=4 failed=1 total=5"]


def test_batch_cancel(workers):
    batch = Batch(name="stop", on_complete=batch_done).add(add, 1, 1).add(add, 2, 2).dispatch()
    assert batch.cancel() == 2
    assert [h.status for h in batch.jobs()] == ["canceled", "canceled"]
    assert batch.progress.failed == 2 and batch.finished    # canceled counts as failed
    burst(workers)                                           # the completion job
    assert texts() == ["batch stop done=0 failed=2 total=2"]


def test_monitor_sees_workers_queues_and_scheduled(workers):
    from rustforge.queue import monitor

    add.enqueue_in(3600, 1, 1)
    boom.enqueue("monitored")
    burst(workers)
    process = workers.start()
    # rq reports "starting", then "started" for a moment, then "idle" or "busy".
    assert wait_for(lambda: [w for w in monitor.workers() if w.state in ("idle", "busy")],
                    timeout=30)
    worker = monitor.workers()[0]
    assert "default" in worker.queues
    stats = {q.name: q for q in monitor.queues()}["default"]
    assert (stats.failed, stats.scheduled) == (1, 1)
    [failed] = monitor.failed_jobs()
    assert failed.func_name.endswith("boom") and failed.error == "ValueError: boom: monitored"
    [scheduled] = monitor.scheduled_jobs()
    assert scheduled.scheduled_for is not None and "(1, 1)" in scheduled.args
    assert monitor.requeue_failed("no-such-id") is False
    assert monitor.delete_failed(failed.id) is True and monitor.failed_jobs() == []
    del process
