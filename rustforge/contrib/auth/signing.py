"""HMAC signatures keyed by ``SECRET_KEY``, for cookies and one-off tokens.

    >>> from rustforge.conf import settings
    >>> with settings.override(SECRET_KEY="k" * 40):
    ...     signed = sign("abc", salt="demo")
    ...     unsign(signed, salt="demo"), unsign(signed, salt="other")
    ('abc', None)

Each use passes its own ``salt`` so that a value signed for one purpose (a
session cookie) is never accepted for another (a password-reset link).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from rustforge.conf import settings

__all__ = ["sign", "signature", "unsign"]


def signature(value: str, salt: str) -> str:
    """The URL-safe base64 HMAC-SHA256 of ``value`` for this ``salt``."""
    key = hashlib.sha256(("rustforge.auth." + salt + settings.SECRET_KEY).encode()).digest()
    digest = hmac.new(key, value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(value: str, salt: str) -> str:
    """``value:signature``; ``value`` must not be trusted until unsigned."""
    return f"{value}:{signature(value, salt)}"


def unsign(signed: str, salt: str) -> str | None:
    """The original value, or None when the signature does not match."""
    value, sep, sig = signed.rpartition(":")
    if not sep or not hmac.compare_digest(sig.encode(), signature(value, salt).encode()):
        return None
    return value
