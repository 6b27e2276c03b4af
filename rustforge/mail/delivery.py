"""Sending built messages: now through the mailer, or queued as jobs.

Below ``message`` (whose ``send()`` calls :func:`send_messages`) and the
one-call helpers in ``sending``; it needs no message class, only the
messages' own ``validate()`` and ``recipients()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rustforge.conf import settings
from rustforge.mail.errors import MailDeliveryError
from rustforge.mail.jobs import enqueue_messages
from rustforge.services import services

if TYPE_CHECKING:
    from rustforge.mail.message import EmailMessage

logger = logging.getLogger("rustforge.mail")


# Called with each message before it is validated and sent or queued; an app
# adds what the message must carry (tenancy: an X-Tenant header).
_message_hooks: list[Callable[[Any], None]] = []


def add_message_hook(hook: Callable[[Any], None]) -> None:
    """Register ``hook(message)`` (idempotent), run on every message sent or queued."""
    if hook not in _message_hooks:
        _message_hooks.append(hook)


def remove_message_hook(hook: Callable[[Any], None]) -> None:
    if hook in _message_hooks:
        _message_hooks.remove(hook)


def get_mailer() -> Any:
    """The process's shared backend (the ``mailer`` service)."""
    return services.get("mailer")


def send_messages(messages: Sequence[EmailMessage], *, fail_silently: bool = False,
                  queue: bool | None = None, connection: Any = None) -> int:
    """Send (or queue) ``messages``; return how many were sent or queued.

    Every message is validated first, so one bad header sends nothing at all.
    """
    messages = [m for m in messages if m.recipients()]
    for message in messages:
        for hook in _message_hooks:
            hook(message)
        message.validate()
    if not messages:
        return 0
    if queue is None:
        queue = bool(settings.EMAIL_QUEUE)
    if queue:
        return enqueue_messages(messages)
    backend = connection or get_mailer()
    try:
        return backend.send_messages(messages)
    except MailDeliveryError as exc:
        if not fail_silently:
            raise
        logger.warning("mail not sent (fail_silently): %s", exc)
        return exc.sent
