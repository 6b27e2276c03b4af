"""The ``jobs`` fixture records enqueued jobs for tests of code that enqueues."""

from testproject.worklog.jobs import record, unique_work


def test_jobs_are_recorded_not_run(jobs):
    from testproject.worklog.jobs import calls

    calls.clear()
    record.enqueue("a")
    record.using(queue="high").enqueue_in(60, "b")
    assert jobs.names() == ["testproject.worklog.jobs.record"] * 2
    assert [j.queue for j in jobs.jobs] == ["default", "high"]
    assert calls == []
    assert jobs.run_all() == ["a", "b"]
    assert calls == ["a", "b"]


def test_unique_jobs_recorded_once(jobs):
    first = unique_work.enqueue("k")
    assert unique_work.enqueue("k") is first
    assert len(jobs) == 1


def test_enqueue_on_commit(jobs, transactional_db):
    from rustforge.db import atomic

    record.enqueue_on_commit("now")  # no transaction open: queued at once
    assert len(jobs) == 1
    with atomic():
        record.enqueue_on_commit("after")
        with atomic():  # a savepoint commits nothing yet
            record.enqueue_on_commit("nested")
        assert len(jobs) == 1
    assert [j.args for j in jobs.jobs] == [("now",), ("after",), ("nested",)]
