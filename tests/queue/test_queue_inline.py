"""Jobs without Redis: run inline, with the same retry count."""

import pytest
from testproject.worklog import jobs as worklog_jobs
from testproject.worklog.jobs import calls, flaky, record

from rustforge.queue import Retry, is_inline, job

pytestmark = pytest.mark.usefixtures("inline_jobs")


@pytest.fixture
def inline_jobs(settings):
    settings.REDIS_URL = ""
    calls.clear()
    worklog_jobs._attempts.clear()


def test_plain_call_runs_here():
    assert record("x") == "x"
    assert calls == ["x"]


def test_enqueue_runs_inline():
    assert is_inline()
    result = record.enqueue("a")
    assert result.is_finished
    assert result.return_value() == "a"
    assert calls == ["a"]


def test_retries_then_succeeds():
    result = flaky.enqueue(2)  # fails twice, retry max=3
    assert result.is_finished
    assert result.attempts == 3


def test_failing_job_is_reported_not_raised():
    result = flaky.enqueue(10)
    assert result.is_failed
    assert result.attempts == 4
    assert "ValueError" in result.exc_info


def test_inline_raise(settings):
    settings.JOBS_INLINE_RAISE = True
    with pytest.raises(ValueError):
        flaky.enqueue(10)


def test_enqueue_in_and_at_run_now():
    import datetime as dt

    record.enqueue_in(dt.timedelta(minutes=5), "later")
    record.enqueue_at(dt.datetime(2030, 1, 1), "at")
    assert calls == ["later", "at"]


def test_retry_validates():
    with pytest.raises(ValueError):
        Retry(max=-1)


def test_decorator_keeps_metadata():
    @job
    def documented():
        """Doc."""

    assert documented.__doc__ == "Doc."
    assert documented.spec.queue == "default"
