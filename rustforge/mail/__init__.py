"""Sending e-mail: messages with HTML, attachments and inline images, and the
backends that deliver them (SMTP, console, file, memory, dummy).

    from rustforge.mail import EmailMessage, send_mail

    send_mail("Welcome", "Hello Ada!", None, ["Ada <ada@example.com>"])

    msg = EmailMessage.from_template("accounts/email/welcome", {"user": user},
                                     to=[user.email])
    msg.send(queue=True)

The backend comes from ``EMAIL_URL`` (``console://`` by default) and is the
``mailer`` service: created on first use in each process, dropped when the
mail settings change or the process forks. See ``docs/mail.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rustforge.importing import lazy_exports
from rustforge.mail.errors import (
    BadHeaderError,
    InvalidAddress,
    MailConfigurationError,
    MailDeliveryError,
    MailError,
)
from rustforge.services import services

if TYPE_CHECKING:
    from rustforge.mail.backends import get_connection
    from rustforge.mail.delivery import get_mailer
    from rustforge.mail.message import Attachment, EmailMessage, EmailMultiAlternatives
    from rustforge.mail.sending import mail_admins, send_mail, send_mass_mail

__all__ = [
    "Attachment", "BadHeaderError", "EmailMessage", "EmailMultiAlternatives", "InvalidAddress",
    "MailConfigurationError", "MailDeliveryError", "MailError", "get_connection", "get_mailer",
    "mail_admins", "send_mail", "send_mass_mail",
]

# NOTE(memory): the messages and their header parsing (the stdlib's
# email.policy and email.headerregistry) are imported on first use, so that
# an app hooking into delivery (``rustforge.mail.delivery``) does not load
# them into every worker.
_LAZY = {
    "get_connection": "rustforge.mail.backends",
    "get_mailer": "rustforge.mail.delivery",
    "Attachment": "rustforge.mail.message",
    "EmailMessage": "rustforge.mail.message",
    "EmailMultiAlternatives": "rustforge.mail.message",
    "mail_admins": "rustforge.mail.sending",
    "send_mail": "rustforge.mail.sending",
    "send_mass_mail": "rustforge.mail.sending",
}


__getattr__ = lazy_exports(__name__, _LAZY)


def _connect() -> Any:
    from rustforge.mail.backends import get_connection

    return get_connection()


def _close(backend) -> None:
    backend.close()


def _drop_after_fork(backend) -> None:
    backend.drop_after_fork()


services.register("mailer", _connect, close=_close, after_fork=_drop_after_fork,
                  settings={"EMAIL_URL", "EMAIL_TIMEOUT", "BASE_DIR"})
