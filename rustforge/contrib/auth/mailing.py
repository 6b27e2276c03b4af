"""Sending the auth app's e-mails through the mail facility."""

from __future__ import annotations

import logging

logger = logging.getLogger("rustforge.auth")


def deliver(subject: str, body: str, to: str) -> None:
    """Send one plain-text message with ``rustforge.mail`` (console by default)."""
    from rustforge.mail import send_mail

    send_mail(subject, body, None, [to])
