"""Errors of the mail facility, rooted in ``RustForgeError``.

    from rustforge.mail import BadHeaderError, MailDeliveryError

    try:
        send_mail("Hi", "Body", None, ["ada@example.com"])
    except BadHeaderError as exc:      # bad input: fix the caller, nothing was sent
        ...
    except MailDeliveryError as exc:   # the server said no or could not be reached
        if exc.temporary:
            ...                        # worth trying again later
"""

from __future__ import annotations

from rustforge.exceptions import ImproperlyConfigured, RustForgeError


class MailError(RustForgeError):
    """Base class of every mail error."""


class BadHeaderError(MailError, ValueError):
    """A header value holds a newline or another control character.

    Raised while the message is built, so nothing has been sent.
    """


class InvalidAddress(BadHeaderError):
    """An e-mail address that cannot be parsed or is not deliverable as written."""


class MailDeliveryError(MailError):
    """Sending failed.

    ``temporary`` is true for failures worth retrying later (a 4xx reply, a
    refused or timed-out connection); false for permanent ones (a 5xx reply,
    failed authentication, a TLS certificate that does not verify).
    ``code`` is the SMTP reply code when the server gave one; ``sent`` counts
    the messages of the batch delivered before the failure.
    """

    def __init__(self, message: str, *, temporary: bool, code: int | None = None,
                 sent: int = 0) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.code = code
        self.sent = sent


class MailConfigurationError(ImproperlyConfigured, MailError):
    """``EMAIL_URL`` (or another mail setting) cannot work."""
