"""The one-call helpers: ``send_mail``, ``send_mass_mail``, ``mail_admins``.

    from rustforge.mail import mail_admins, send_mail, send_mass_mail

    send_mail("Welcome", "Hello Ada!", None, ["ada@example.com"],
              html_message="<p>Hello <b>Ada</b>!</p>")

    send_mass_mail([                      # one SMTP connection for all of them
        ("Report", "Yours.", None, ["ada@example.com"]),
        ("Report", "Yours.", None, ["bob@example.com"]),
    ])

    send_mail("Invoice", body, None, [user.email], queue=True)   # background job

A ``None`` sender means ``DEFAULT_FROM_EMAIL``. ``queue=None`` follows the
``EMAIL_QUEUE`` setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rustforge.mail.delivery import send_messages
from rustforge.mail.headers import AddressLike
from rustforge.mail.message import EmailMessage


def send_mail(subject: str, message: str, from_email: AddressLike | None,
              recipient_list: Iterable[AddressLike], *, fail_silently: bool = False,
              html_message: str | None = None, connection: Any = None,
              queue: bool | None = None, **kwargs: Any) -> int:
    """Send one message to ``recipient_list`` (all in To:); return 1 or 0.

    Further keyword arguments (``cc``, ``bcc``, ``reply_to``, ``headers``,
    ``attachments``) go to :class:`EmailMessage`.
    """
    msg = EmailMessage(subject, message, from_email, list(recipient_list), html=html_message,
                       **kwargs)
    return send_messages([msg], fail_silently=fail_silently, queue=queue,
                         connection=connection)


def send_mass_mail(datatuple: Iterable[tuple], *, fail_silently: bool = False,
                   connection: Any = None, queue: bool | None = None) -> int:
    """Send many messages over one connection.

    ``datatuple`` holds ``(subject, message, from_email, recipient_list)``
    tuples; each becomes its own message (recipients do not see each other).
    """
    messages = [EmailMessage(subject, body, sender, list(recipients))
                for subject, body, sender, recipients in datatuple]
    if queue is None:
        from rustforge.conf import settings

        queue = bool(settings.EMAIL_QUEUE)
    if connection is None and not queue:
        from rustforge.mail.backends import get_connection

        # Our own backend, so the batch shares one SMTP connection.
        with get_connection() as batch:
            return send_messages(messages, fail_silently=fail_silently, queue=queue,
                                 connection=batch)
    return send_messages(messages, fail_silently=fail_silently, queue=queue,
                         connection=connection)


def mail_admins(subject: str, message: str, *, html_message: str | None = None,
                fail_silently: bool = False, connection: Any = None,
                queue: bool | None = None) -> int:
    """Mail everyone in ``ADMINS`` from ``SERVER_EMAIL``, subject prefixed with
    ``EMAIL_SUBJECT_PREFIX``. Returns 0 when ``ADMINS`` is empty."""
    from rustforge.conf import settings

    if not settings.ADMINS:
        return 0
    admins = [admin if isinstance(admin, (str, tuple)) else tuple(admin)
              for admin in settings.ADMINS]
    msg = EmailMessage(f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", message,
                       settings.SERVER_EMAIL, admins, html=html_message)
    return send_messages([msg], fail_silently=fail_silently, queue=queue, connection=connection)
