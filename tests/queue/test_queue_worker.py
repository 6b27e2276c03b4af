"""Jobs through Redis and a real rqworker process, writing to the test database."""

import os
import signal
import socket
import time

import pytest
from queue_helpers import kill, wait_for
from testproject.worklog.jobs import always_fails, slow, unique_work, write_entry
from testproject.worklog.models import Entry

from rustforge.db import atomic
from rustforge.queue import QueueUnavailable, get_queue, get_redis
from rustforge.queue.worker import _process_alive as process_alive

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("rq_settings", "transactional_db")]


def texts():
    # A worker started --with-scheduler also runs the test project's
    # every-minute periodic job, which writes "tick" when a minute turns.
    return sorted(e.text for e in Entry.select() if e.text != "tick")


def test_job_enqueued_from_request_runs_in_worker(client, workers):
    response = client.post("/worklog/entries", json={"text": "from a request"})
    assert response.status_code == 202
    assert len(get_queue("default")) == 1
    result = workers.run("rqworker", "--burst")
    assert result.returncode == 0, result.stdout + result.stderr
    entry = Entry.get(Entry.text == "from a request")
    assert entry.pid not in (0, os.getpid())  # written by the worker's process
    assert len(get_queue("default")) == 0


def test_enqueue_on_commit_waits_for_the_commit(client, workers):
    assert client.post("/worklog/entries?mode=commit", json={"text": "row"}).status_code == 202
    assert len(get_queue("default")) == 1
    with pytest.raises(RuntimeError), atomic():
        entry = Entry.create(text="rolled back")
        write_entry.enqueue_on_commit("must not run")
        assert len(get_queue("default")) == 1  # not yet queued inside the transaction
        raise RuntimeError
    assert len(get_queue("default")) == 1  # nothing queued for the rolled-back one
    result = workers.run("rqworker", "--burst")
    assert result.returncode == 0, result.stderr
    assert texts() == ["copy of row", "row"]
    del entry


def test_failing_job_is_retried_then_lands_in_failed_registry(workers):
    job = always_fails.enqueue("x")  # Retry(max=2, interval=1)
    workers.start("--with-scheduler")
    assert wait_for(lambda: job.get_status() == "failed", timeout=30), \
        f"job {job.get_status()}\n{workers.output()}"
    assert texts() == ["attempt x"] * 3
    assert job.id in get_queue("default").failed_job_registry.get_job_ids()
    listed = workers.run("jobs", "failed")
    assert job.id in listed.stdout and "always fails: x" in listed.stdout
    summary = workers.run("jobs")
    assert summary.returncode == 0
    assert summary.stdout.splitlines()[1].split()[:1] == ["default"]
    requeued = workers.run("jobs", "requeue", job.id)
    assert "Requeued 1 job(s)." in requeued.stdout
    assert wait_for(lambda: len(texts()) >= 4), f"{texts()}\n{workers.output()}"


def test_worker_killed_mid_job_leaves_job_failed_not_lost(workers):
    job = slow.enqueue("k", 60)
    process = workers.start()
    assert wait_for(lambda: "started k" in texts()), process
    horse = Entry.get(Entry.text == "started k").pid  # rq runs the job in a forked horse
    assert horse != process.pid

    def abandoned():
        summary = workers.run("jobs")
        header, row = summary.stdout.splitlines()[:2]
        return dict(zip(header.split(), row.split()))["abandoned"]

    os.killpg(process.pid, signal.SIGKILL)  # the worker dies; its horse lives on
    process.wait(10)
    assert job.get_status() == "started"
    assert abandoned() == "0"  # the horse may still finish: not abandoned yet
    kill(horse)  # now the job is really orphaned (a lost machine, the OOM killer)
    assert wait_for(lambda: not process_alive(horse), timeout=5)
    assert job.get_status() == "started"  # rq alone would notice when the heartbeat expires
    assert abandoned() == "1"
    reaped = workers.run("jobs", "reap")
    assert job.id in reaped.stdout, reaped.stdout + reaped.stderr
    assert job.get_status() == "failed"
    assert "AbandonedJobError" in job.latest_result().exc_string
    assert "finished k" not in texts()


def test_enqueue_in_runs_after_the_delay(workers):
    job = write_entry.enqueue_in(1, "delayed")
    assert job.get_status() == "scheduled"
    workers.start("--with-scheduler")
    assert wait_for(lambda: "delayed" in texts(), timeout=20), \
        f"job {job.get_status()}, entries {texts()}\n{workers.output()}"


def test_unique_jobs_are_not_queued_twice_while_pending(workers):
    first = unique_work.enqueue("a")
    second = unique_work.enqueue("a")
    other = unique_work.enqueue("b")
    assert first.id == second.id != other.id
    assert len(get_queue("default")) == 2
    assert workers.run("rqworker", "--burst").returncode == 0
    third = unique_work.enqueue("a")  # finished: may run again
    assert third.get_status() == "queued"
    assert workers.run("rqworker", "--burst").returncode == 0
    assert texts() == ["unique a", "unique a", "unique b"]


def test_redis_down_is_one_clear_exception(settings, client):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    started = time.monotonic()
    with pytest.raises(QueueUnavailable, match="unreachable"):
        write_entry.enqueue("lost")
    assert time.monotonic() - started < 3
    response = client.post("/worklog/entries", json={"text": "lost"})
    assert response.status_code == 503
    assert response.json["title"] == "Queue unavailable"


def test_hung_redis_times_out(settings):
    with socket.socket() as listener:  # accepts, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings.REDIS_URL = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        settings.REDIS_SOCKET_TIMEOUT = 0.3
        settings.REDIS_CONNECT_TIMEOUT = 0.3
        started = time.monotonic()
        with pytest.raises(QueueUnavailable):
            write_entry.enqueue("lost")
        assert time.monotonic() - started < 3


def test_commands_report_redis_down_in_one_line(workers, worker_env):
    workers.env = {**worker_env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    for args in (["jobs"], ["rqworker", "--burst"]):
        result = workers.run(*args)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "unreachable" in result.stderr
    workers.env = {**worker_env, "REDIS_URL": ""}
    for args in (["rqworker"], ["jobs"], ["jobs", "failed"]):
        result = workers.run(*args)
        assert result.returncode == 1 and "REDIS_URL is not set" in result.stderr, args
    assert workers.run("jobs", "periodic").returncode == 0  # needs no Redis


def test_requeue_unknown_id_is_a_clean_error(workers):
    result = workers.run("jobs", "requeue", "nope")
    assert result.returncode == 1
    assert "no failed job with id nope" in result.stderr
    assert get_redis().ping()
