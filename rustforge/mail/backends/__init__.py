"""Mail backends, chosen by ``EMAIL_URL``.

==========================================  =======================================
``console://``                              print each message (embedded default)
``smtp://user:pass@host:587?starttls=1``    SMTP, upgraded with STARTTLS
``smtps://user:pass@host:465``              SMTP over implicit TLS
``file:///var/mail/outbox``                 one ``.eml`` file per message
``memory://``                               a list in this process (tests)
``dummy://``                                accept and discard
==========================================  =======================================

    from rustforge.mail import get_connection

    with get_connection() as connection:        # one SMTP connection for the batch
        connection.send_messages(messages)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from rustforge.importing import import_string
from rustforge.mail.backends.base import BaseBackend
from rustforge.mail.errors import MailConfigurationError

BACKENDS = {
    "smtp": "rustforge.mail.backends.smtp.SMTPBackend",
    "smtps": "rustforge.mail.backends.smtp.SMTPBackend",
    "console": "rustforge.mail.backends.console.ConsoleBackend",
    "file": "rustforge.mail.backends.file.FileBackend",
    "memory": "rustforge.mail.backends.memory.MemoryBackend",
    "locmem": "rustforge.mail.backends.memory.MemoryBackend",
    "dummy": "rustforge.mail.backends.dummy.DummyBackend",
}
# Query options each scheme accepts; anything else is a typo worth reporting.
_OPTIONS: dict[str, dict[str, type]] = {
    "smtp": {"starttls": bool, "timeout": float, "cafile": str, "verify": bool,
             "local_hostname": str},
    "console": {"stream": str},
}
_OPTIONS["smtps"] = _OPTIONS["smtp"]
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def parse_email_url(url: str) -> tuple[str, dict[str, Any]]:
    """Split ``url`` into a backend class path and its keyword options.

        >>> parse_email_url("smtp://ada:p%40ss@mail.example.com:587?starttls=1")
        ('rustforge.mail.backends.smtp.SMTPBackend', {'host': 'mail.example.com', \
'port': 587, 'username': 'ada', 'password': 'p@ss', 'starttls': True})
    """
    if not isinstance(url, str) or "://" not in url and not url.startswith("file:"):
        raise MailConfigurationError(
            f"EMAIL_URL {url!r} is not a URL; use e.g. console://, smtp://host:587?starttls=1")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise MailConfigurationError(
            f"EMAIL_URL: unknown scheme {scheme!r}; use one of {', '.join(sorted(BACKENDS))}")
    options: dict[str, Any] = {}
    allowed = _OPTIONS.get(scheme, {})
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        kind = allowed.get(key)
        if kind is None:
            accepted = ", ".join(sorted(allowed)) or "none"
            raise MailConfigurationError(
                f"EMAIL_URL: unknown option {key!r} for {scheme}:// (accepted: {accepted})")
        options[key] = _convert(key, value, kind)
    if scheme in ("smtp", "smtps"):
        try:
            port = parts.port
        except ValueError:
            raise MailConfigurationError(f"EMAIL_URL: invalid port in {url!r}") from None
        if not parts.hostname:
            raise MailConfigurationError(f"EMAIL_URL {url!r} names no host")
        options = {"host": parts.hostname, "port": port,
                   "username": unquote(parts.username) if parts.username else None,
                   "password": unquote(parts.password) if parts.password else None,
                   **options}
        if scheme == "smtps":
            if options.get("starttls"):
                raise MailConfigurationError(
                    "EMAIL_URL: smtps:// is already TLS; drop starttls=1 (or use smtp://)")
            options["ssl"] = True
        options = {k: v for k, v in options.items() if v is not None}
    elif scheme == "file":
        options["path"] = unquote((parts.netloc or "") + (parts.path or ""))
        if not options["path"]:
            raise MailConfigurationError("EMAIL_URL: file:// needs a folder, "
                                         "e.g. file:///var/mail/outbox")
    return BACKENDS[scheme], options


def _convert(key: str, value: str, kind: type) -> Any:
    if kind is bool:
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise MailConfigurationError(f"EMAIL_URL: {key}={value!r} is not 1/0, true/false")
    if kind is float:
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if number <= 0:
            raise MailConfigurationError(f"EMAIL_URL: {key}={value!r} is not a positive number")
        return number
    return value


def get_connection(url: str | None = None, **options: Any) -> BaseBackend:
    """A new backend for ``url`` (default ``EMAIL_URL``), ``options`` overriding
    those of the URL. The caller owns it; ``services.get("mailer")`` is the
    shared one."""
    if url is None:
        from rustforge.conf import settings

        url = settings.EMAIL_URL
    path, url_options = parse_email_url(url)
    return import_string(path)(**{**url_options, **options})


__all__ = ["BACKENDS", "BaseBackend", "get_connection", "parse_email_url"]
