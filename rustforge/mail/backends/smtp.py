"""``smtp://`` and ``smtps://``: deliver to an SMTP server.

    EMAIL_URL = "smtp://user:pass@smtp.example.com:587?starttls=1"
    EMAIL_URL = "smtps://user:pass@smtp.example.com:465?timeout=5"

Query options: ``starttls`` (1/0), ``timeout`` (seconds, default
``EMAIL_TIMEOUT``), ``cafile`` (CA bundle to verify the server with, e.g. a
private CA), ``verify`` (0 turns certificate checks off; development only),
``local_hostname`` (the EHLO name). User and password are URL-decoded.

Each ``send_messages`` call opens one connection, sends the whole batch over
it and closes it, so threads never share a socket; ``with backend:`` keeps a
connection open across several calls. Every socket operation is bounded by
the timeout, so a server that is down or never answers gives a
``MailDeliveryError`` instead of a stuck worker.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Sequence
from typing import Any

from rustforge.mail.backends.base import BaseBackend
from rustforge.mail.errors import MailDeliveryError

logger = logging.getLogger("rustforge.mail")
_FQDN: str | None = None


def _local_hostname() -> str:
    # socket.getfqdn() may wait on DNS: once per process, not per connection.
    global _FQDN
    if _FQDN is None:
        _FQDN = socket.getfqdn()
    return _FQDN


class SMTPBackend(BaseBackend):
    def __init__(self, host: str = "localhost", port: int | None = None, *,
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False, ssl: bool = False, timeout: float | None = None,
                 cafile: str | None = None, verify: bool = True,
                 local_hostname: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        if starttls and ssl:
            raise ValueError("choose smtps:// (implicit TLS) or starttls=1, not both")
        if timeout is None:
            from rustforge.conf import settings

            timeout = settings.EMAIL_TIMEOUT
        self.host = host
        self.port = port or (465 if ssl else 587 if starttls else 25)
        self.username = username
        self.password = password
        self.starttls = starttls
        self.use_ssl = ssl
        self.timeout = float(timeout)
        self.cafile = cafile
        self.verify = verify
        self.local_hostname = local_hostname
        self._connection: smtplib.SMTP | None = None
        self._lock = threading.RLock()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.cafile)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    # Connections ------------------------------------------------------------------
    def connect(self) -> smtplib.SMTP:
        """A new, authenticated connection; ``MailDeliveryError`` on failure."""
        name = self.local_hostname or _local_hostname()
        connection: smtplib.SMTP | None = None
        try:
            if self.use_ssl:
                connection = smtplib.SMTP_SSL(self.host, self.port, name, timeout=self.timeout,
                                              context=self.ssl_context())
            else:
                connection = smtplib.SMTP(self.host, self.port, name, timeout=self.timeout)
                if self.starttls:
                    connection.starttls(context=self.ssl_context())
            if self.username:
                connection.login(self.username, self.password or "")
        except Exception as exc:
            if connection is not None:
                connection.close()
            raise self.delivery_error(exc) from exc
        return connection

    def open(self) -> None:
        with self._lock:
            if self._connection is None:
                self._connection = self.connect()

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            _quit(connection)

    def drop_after_fork(self) -> None:
        # The parent owns the socket: forget it without sending QUIT.
        self._connection = None
        self._lock = threading.RLock()

    # Sending ------------------------------------------------------------------------
    def send_messages(self, messages: Sequence) -> int:
        batch = [(m.envelope_sender(), m.recipients(), m.message()) for m in messages]
        batch = [item for item in batch if item[1]]
        if not batch:
            return 0
        with self._lock:
            kept = self._connection
            if kept is not None:
                try:
                    return self._send(kept, batch)
                except MailDeliveryError:
                    self._connection = None
                    kept.close()
                    raise
        connection = self.connect()
        try:
            return self._send(connection, batch)
        finally:
            _quit(connection)

    def _send(self, connection: smtplib.SMTP, batch: list) -> int:
        sent = 0
        for sender, recipients, mime in batch:
            try:
                refused = connection.sendmail(sender, recipients, mime.as_bytes())
            except Exception as exc:
                raise self.delivery_error(exc, sent=sent) from exc
            if refused:
                # The others got it; retrying would send them a duplicate.
                logger.warning("SMTP server %s refused some recipients of %s: %s",
                               self.address, mime["Message-ID"],
                               "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in refused.items()))
            sent += 1
        return sent

    def delivery_error(self, exc: BaseException, sent: int = 0) -> MailDeliveryError:
        """Translate a socket/smtplib error into a one-line ``MailDeliveryError``."""
        where = f"SMTP server {self.address}"
        code = None
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            replies = exc.recipients
            codes = [c for c, _ in replies.values()]
            temporary = bool(codes) and all(400 <= c < 500 for c in codes)
            detail = "; ".join(f"{addr}: {c} {_text(m)}" for addr, (c, m) in replies.items())
            return MailDeliveryError(f"{where} refused every recipient ({detail})",
                                     temporary=temporary, code=codes[0] if codes else None,
                                     sent=sent)
        if isinstance(exc, smtplib.SMTPResponseException):
            code = exc.smtp_code
            temporary = 400 <= code < 500
            kind = "authentication failed" if isinstance(
                exc, smtplib.SMTPAuthenticationError) else "replied"
            return MailDeliveryError(f"{where} {kind}: {code} {_text(exc.smtp_error)}",
                                     temporary=temporary, code=code, sent=sent)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return MailDeliveryError(f"{where}: {exc}", temporary=False, sent=sent)
        if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
                exc.__context__, TimeoutError):
            exc = exc.__context__  # smtplib hides a read timeout behind "disconnected"
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return MailDeliveryError(f"{where} closed the connection unexpectedly ({exc})",
                                     temporary=True, sent=sent)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return MailDeliveryError(
                f"{where}: TLS certificate not trusted ({exc.verify_message}); "
                f"add ?cafile=... to EMAIL_URL for a private CA", temporary=False, sent=sent)
        if isinstance(exc, ssl.SSLError):
            return MailDeliveryError(f"{where}: TLS failed ({exc.reason or exc})",
                                     temporary=False, sent=sent)
        if isinstance(exc, TimeoutError):
            return MailDeliveryError(f"{where} did not answer within {self.timeout:g}s",
                                     temporary=True, sent=sent)
        if isinstance(exc, ConnectionRefusedError):
            return MailDeliveryError(f"{where} refused the connection (is it running?)",
                                     temporary=True, sent=sent)
        if isinstance(exc, socket.gaierror):
            return MailDeliveryError(f"{where}: host name not found ({exc.strerror})",
                                     temporary=True, sent=sent)
        if isinstance(exc, (OSError, smtplib.SMTPException)):
            return MailDeliveryError(f"{where}: {type(exc).__name__}: {exc}",
                                     temporary=True, sent=sent)
        raise exc


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
