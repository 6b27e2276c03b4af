"""Queued sending: inline without Redis, and a real rq worker process with Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from rustforge.mail import EmailMessage, MailDeliveryError, send_mail

TESTS = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("RUSTFORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def inline_queue(settings):
    settings.REDIS_URL = ""
    settings.EMAIL_RETRY_INTERVALS = [0]


def test_inline_queue_sends_at_once(inline_queue, smtp_server, settings):
    settings.EMAIL_URL = smtp_server.url()
    assert send_mail("queued", "b", None, ["a@example.com"], queue=True) == 1
    assert [m["Subject"] for m in smtp_server.recorder.messages()] == ["queued"]


def test_email_queue_setting_queues_by_default(inline_queue, settings):
    from rustforge.services import services
    from rustforge.testing.queue import JobRecorder

    settings.EMAIL_QUEUE = True
    recorder = JobRecorder()
    with services.override("jobs", recorder):
        assert send_mail("later", "b", None, ["a@example.com"]) == 1
    (job,) = recorder.jobs
    assert job.path == "rustforge.mail.jobs.deliver"
    (message,) = job.args
    assert message.subject == "later"
    assert {"Message-ID", "Date"} <= set(message.extra_headers)  # same on every retry


def test_bad_header_is_refused_before_queueing(inline_queue, settings):
    from rustforge.mail import BadHeaderError
    from rustforge.services import services
    from rustforge.testing.queue import JobRecorder

    recorder = JobRecorder()
    with services.override("jobs", recorder), pytest.raises(BadHeaderError):
        send_mail("a\nBcc: x@example.com", "b", None, ["a@example.com"], queue=True)
    assert recorder.jobs == []


def test_inline_queue_does_not_retry_without_waiting(inline_queue, smtp_server, settings,
                                                     caplog):
    settings.EMAIL_URL = smtp_server.url()
    settings.EMAIL_RETRY_INTERVALS = [0, 0, 0]
    smtp_server.recorder.replies.append("451 4.7.1 greylisted, try again")
    assert send_mail("greylisted", "b", None, ["a@example.com"], queue=True) == 1
    assert smtp_server.recorder.data_attempts == 1
    assert "451 4.7.1 greylisted" in caplog.text  # the failure is logged, not lost


def test_inline_queue_can_raise(inline_queue, smtp_server, settings):
    settings.EMAIL_URL = smtp_server.url()
    settings.JOBS_INLINE_RAISE = True
    smtp_server.recorder.replies.append("554 5.7.1 spam")
    with pytest.raises(MailDeliveryError, match="554"):
        send_mail("spam?", "b", None, ["a@example.com"], queue=True)


# A real rq worker ------------------------------------------------------------------------
@pytest.fixture
def redis_queue(settings):
    """Redis (database 2 unless RUSTFORGE_TEST_REDIS_URL says otherwise) and a fresh queue."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({exc}); "
                    "set RUSTFORGE_TEST_REDIS_URL")
    name = f"mailtest-{uuid.uuid4().hex[:8]}"
    settings.REDIS_URL = REDIS_URL
    settings.EMAIL_QUEUE_NAME = name
    yield name
    for key in client.scan_iter(f"rq:*{name}*"):
        client.delete(key)
    client.close()


def run_worker(queue: str, email_url: str) -> subprocess.CompletedProcess:
    """``manage.py rqworker --burst QUEUE``: a real rq worker process, until the queue is empty."""
    env = {**os.environ,
           "RUSTFORGE_SETTINGS_MODULE": "mailtest_settings",
           "MAILTEST_EMAIL_URL": email_url, "MAILTEST_REDIS_URL": REDIS_URL,
           "PYTHONPATH": os.pathsep.join([str(TESTS / "mail"), str(TESTS)])}
    code = "from rustforge.management import main; main(prog_name='manage.py')"
    args = [sys.executable, "-c", code, "rqworker", "--burst", queue]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=90,
                          check=False)


def failed_job_ids(queue: str) -> list[str]:
    from rq.registry import FailedJobRegistry

    from rustforge.queue import get_queue

    return FailedJobRegistry(queue=get_queue(queue)).get_job_ids()


@pytest.mark.slow
def test_worker_delivers_after_one_temporary_failure(redis_queue, smtp_server, settings):
    settings.EMAIL_RETRY_INTERVALS = [0, 0]
    smtp_server.recorder.replies.append("451 4.3.0 mailbox busy, try later")
    msg = EmailMessage("via worker ✓", "queued body", "Zoë <zoe@example.com>",
                       ["ada@example.com"])
    msg.attach("Prüfung.txt", "attached")
    assert msg.send(queue=True) == 1
    assert smtp_server.recorder.data_attempts == 0  # nothing sent by the web process

    result = run_worker(redis_queue, smtp_server.url())
    assert result.returncode == 0, result.stderr[-2000:]
    assert smtp_server.recorder.data_attempts == 2  # failed once, retried once
    (received,) = smtp_server.recorder.messages()
    assert received["Subject"] == "via worker ✓"
    assert [p.get_filename() for p in received.iter_attachments()] == ["Prüfung.txt"]
    assert failed_job_ids(redis_queue) == []


@pytest.mark.slow
def test_worker_does_not_retry_a_permanent_failure(redis_queue, smtp_server, settings):
    settings.EMAIL_RETRY_INTERVALS = [0, 0, 0]
    smtp_server.recorder.replies.append("550 5.1.1 no such user")
    send_mail("doomed", "b", None, ["nobody@example.com"], queue=True)

    result = run_worker(redis_queue, smtp_server.url())
    assert result.returncode == 0, result.stderr[-2000:]
    assert smtp_server.recorder.data_attempts == 1
    assert smtp_server.recorder.received == []
    assert len(failed_job_ids(redis_queue)) == 1


@pytest.mark.slow
def test_worker_with_server_down_fails_within_timeout(redis_queue, refused_port, settings):
    settings.EMAIL_RETRY_INTERVALS = [0]
    send_mail("nowhere", "b", None, ["a@example.com"], queue=True)
    result = run_worker(redis_queue, f"smtp://127.0.0.1:{refused_port}?timeout=1")
    assert result.returncode == 0, result.stderr[-2000:]
    # Tried, retried once (connection refused is temporary), then failed for good.
    assert len(failed_job_ids(redis_queue)) == 1
    assert "refused the connection" in result.stderr + result.stdout


def test_delivery_error_is_a_rustforge_error():
    from rustforge.exceptions import RustForgeError

    assert issubclass(MailDeliveryError, RustForgeError)
