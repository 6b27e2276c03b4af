"""Job handles, dependencies, callbacks and batches in inline mode and under the recorder."""

import pytest
from testproject.worklog.jobs import add, batch_done, boom, note_failure, note_success, write_entry
from testproject.worklog.models import Entry

from rustforge.queue import Batch, fetch_job

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(autouse=True)
def inline(settings):
    settings.REDIS_URL = ""
    settings.JOBS_INLINE_RAISE = False


def texts():
    return sorted(e.text for e in Entry.select())


def test_handle_of_an_inline_job():
    handle = add.enqueue(2, 3)
    assert (handle.status, handle.result, handle.exc_info) == ("finished", 5, None)
    assert handle.is_finished and not handle.is_failed
    assert handle.cancel() is False                # it already ran
    assert fetch_job(handle.id) is handle
    failed = boom.enqueue("x")
    assert failed.status == "failed" and failed.is_failed
    assert "ValueError: boom: x" in failed.exc_info
    assert fetch_job("no-such-job") is None
    assert fetch_job(["not", "a", "string"]) is None


def test_callbacks_get_the_handle():
    add.using(on_success=note_success).enqueue(1, 1)
    boom.using(on_failure=note_failure).enqueue("y")
    assert texts() == ["failure ValueError: boom: y", "success add 2"]


def test_callbacks_must_be_importable():
    with pytest.raises(ValueError, match="module-level"):
        add.using(on_success=lambda job, result: None)


def test_a_failing_callback_does_not_fail_the_job(caplog):
    handle = add.using(on_success=boom).enqueue(1, 2)
    assert handle.status == "finished"
    assert "job callback" in caplog.text


def test_depends_on():
    first = write_entry.enqueue("first")
    second = write_entry.using(depends_on=first).enqueue("second")
    assert second.status == "finished"
    failed = boom.enqueue("dep")
    waiting = write_entry.using(depends_on=[first, failed.id]).enqueue("never")
    assert waiting.status == "deferred"             # as on rq: a failed dependency blocks it
    assert texts() == ["first", "second"]
    with pytest.raises(TypeError, match="depends_on"):
        add.using(depends_on=[42])


def test_batch_inline():
    batch = Batch(name="sums", on_complete=batch_done)
    batch.add(add, 1, 2).add(add, 3, 4).add(boom, "in batch")
    batch.dispatch()
    progress = Batch.fetch(batch.id).progress
    assert (progress.total, progress.done, progress.failed, progress.pending) == (3, 2, 1, 0)
    assert progress.finished and progress.percent == 100
    assert texts() == ["batch sums done=2 failed=1 total=3"]
    assert [h.status for h in batch.jobs()] == ["finished", "finished", "failed"]
    with pytest.raises(RuntimeError, match="dispatched"):
        batch.add(add, 5, 6)
    assert Batch.fetch("unknown") is None and Batch.fetch("x" * 100) is None


def test_empty_batch_completes_at_once():
    Batch(name="empty", on_complete=batch_done).dispatch()
    assert texts() == ["batch empty done=0 failed=0 total=0"]


def test_batch_under_the_recorder(jobs):
    batch = Batch(name="rec", on_complete=batch_done).add(add, 1, 1).add(add, 2, 2).dispatch()
    assert batch.progress.pending == 2
    assert jobs.names() == ["testproject.worklog.jobs.add"] * 2
    jobs.run_all()
    assert batch.progress.finished
    assert texts() == ["batch rec done=2 failed=0 total=2"]


def test_recorder_cancel(jobs):
    handle = add.enqueue(1, 2)
    assert handle.cancel() is True and handle.status == "canceled"
    assert jobs.run_all() == []
