"""Job fixtures: record enqueued jobs instead of running them.

    def test_signup_sends_welcome(client, jobs):
        client.post("/signup", json={...})
        assert jobs.names() == ["myapp.jobs.send_welcome"]
        jobs.run_all()                       # run them now, here

``jobs`` replaces the ``jobs`` service, so code under test enqueues exactly as
in production. For the real thing (Redis and a worker process) see
``docs/jobs.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class RecordedJob:
    path: str
    queue: str
    args: tuple
    kwargs: dict
    when: dt.datetime | None
    spec: Any
    status: str = "queued"
    result: Any = None
    exc_info: str | None = None
    context: dict | None = None

    @property
    def id(self) -> str:
        return f"recorded-{id(self):x}"

    @property
    def meta(self) -> dict:
        return self.spec.meta()

    def get_status(self, refresh: bool = True) -> str:
        return self.status

    def return_value(self, refresh: bool = False) -> Any:
        return self.result

    def cancel(self) -> bool:
        if self.status != "queued":
            return False
        self.status = "canceled"
        return True

    def run(self) -> Any:
        """Run the job here (its callbacks and batch bookkeeping too); a failure raises."""
        import traceback

        from rustforge.queue.callbacks import job_failed, job_succeeded
        from rustforge.queue.inline import call_job

        try:
            self.result = call_job(self.spec, self.args, self.kwargs, self.context)
        except Exception as exc:
            self.status = "failed"
            self.exc_info = "".join(traceback.format_exception(exc))
            job_failed(self, self.meta, self.exc_info)
            raise
        self.status = "finished"
        job_succeeded(self, self.meta, self.result)
        return self.result


class JobRecorder:
    """Stands in for the ``jobs`` service and keeps what was enqueued."""

    name = "recorder"

    def __init__(self) -> None:
        self.jobs: list[RecordedJob] = []

    def enqueue(self, spec: Any, args: tuple, kwargs: dict,
                when: dt.datetime | None = None) -> RecordedJob:
        if spec.unique:
            for pending in self.pending():
                if pending.spec.unique_id(pending.args, pending.kwargs) == \
                        spec.unique_id(args, kwargs):
                    return pending
        from rustforge.queue import context

        recorded = RecordedJob(spec.path, spec.queue, args, kwargs, when, spec,
                               context=context.capture())
        self.jobs.append(recorded)
        return recorded

    def fetch(self, job_id: str) -> RecordedJob | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def pending(self) -> list[RecordedJob]:
        return [j for j in self.jobs if j.status == "queued"]

    def names(self) -> list[str]:
        return [j.path for j in self.jobs]

    def run_all(self) -> list[Any]:
        """Run every pending job (and jobs they enqueue), in order; returns results."""
        results = []
        while self.pending():
            results.append(self.pending()[0].run())
        return results

    def clear(self) -> None:
        self.jobs.clear()

    def __len__(self) -> int:
        return len(self.jobs)


@pytest.fixture
def jobs() -> Iterator[JobRecorder]:
    """Enqueued jobs are recorded, not run; ``jobs.run_all()`` runs them."""
    from rustforge.services import services

    recorder = JobRecorder()
    with services.override("jobs", recorder):
        yield recorder


@pytest.fixture
def redis_url() -> str:
    """``RUSTFORGE_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/1``); the test is
    skipped when that Redis does not answer. The database is flushed before the test."""
    import os

    import redis

    url = os.environ.get("RUSTFORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {url} is not reachable ({exc}); set RUSTFORGE_TEST_REDIS_URL")
    client.flushdb()
    client.close()
    return url
