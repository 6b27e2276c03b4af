"""Queued sending: one background job per message, retried on temporary failures.

``send_mail(..., queue=True)`` (or ``EMAIL_QUEUE = True``) builds and checks
the message now, fixes its Date and Message-ID (a retry is the same message),
and enqueues :func:`deliver` on ``EMAIL_QUEUE_NAME``. A worker sends it with
its own ``EMAIL_URL``. A temporary failure (4xx reply, refused or timed-out
connection) is retried after each of ``EMAIL_RETRY_INTERVALS``; a permanent
one (5xx, bad credentials, untrusted certificate) fails the job at once.
Without ``REDIS_URL`` the job runs inline, right away, once: a failure is
logged (raised with ``JOBS_INLINE_RAISE``), not retried.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rustforge.conf import settings
from rustforge.mail.errors import MailDeliveryError
from rustforge.queue import Retry, job
from rustforge.services import services

if TYPE_CHECKING:  # queued messages arrive pickled; the class is needed for annotations only
    from rustforge.mail.message import EmailMessage

logger = logging.getLogger("rustforge.mail")


@job(queue="default", description="send an e-mail")
def deliver(message: EmailMessage) -> int:
    """Send one queued message with the worker's mailer."""
    try:
        return services.get("mailer").send_messages([message])
    except MailDeliveryError as exc:
        if not exc.temporary:
            _no_more_retries()
            logger.error("mail %r to %s failed permanently: %s", message.subject,
                         ", ".join(message.recipients()), exc)
        raise


def _no_more_retries() -> None:
    # rq decides on a retry after the job raised, from the job's retries_left.
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover - rq is a dependency
        return
    current = get_current_job()
    if current is not None:
        current.retries_left = 0


def enqueue_messages(messages: Sequence[EmailMessage]) -> int:
    """Queue one ``deliver`` job per message; return how many were queued."""
    intervals = [int(i) for i in settings.EMAIL_RETRY_INTERVALS]
    # Inline "jobs" run inside the caller: a retry with no wait would only
    # multiply how long a request blocks on a server that is down.
    if getattr(services.get("jobs"), "name", "") == "inline":
        intervals = []
    retry = Retry(max=len(intervals), interval=intervals) if intervals else None
    task = deliver.using(queue=settings.EMAIL_QUEUE_NAME, retry=retry)
    for message in messages:
        message.freeze()
        task.enqueue(message)
    return len(messages)
