"""What every mail backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from rustforge.mail.message import EmailMessage


class BaseBackend:
    """A way of delivering messages, configured from ``EMAIL_URL``.

    ``send_messages`` is safe to call from several threads at once; a batch
    sent inside ``with backend:`` shares one connection where the backend
    has connections (SMTP).
    """

    def __init__(self, **options: Any) -> None:
        self.options = options

    def open(self) -> None:
        """Open a connection kept until ``close()`` (no-op without connections)."""

    def close(self) -> None:
        """Close what ``open()`` opened."""

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        """Deliver ``messages``; return how many were delivered.

        Every message is built (and so validated) before the first is sent.
        """
        raise NotImplementedError

    def drop_after_fork(self) -> None:
        """Forget an inherited connection without talking to the server."""
