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
    context: dict | None = None

    @property
    def id(self) -> str:
        return f"recorded-{id(self):x}"

    def get_status(self, refresh: bool = True) -> str:
        return self.status

    def run(self) -> Any:
        from rustforge.queue.inline import call_job

        self.result = call_job(self.spec, self.args, self.kwargs, self.context)
        self.status = "finished"
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
