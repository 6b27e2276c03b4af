"""HMAC signatures keyed by ``SECRET_KEY``, for cookies, links and one-off tokens.

    >>> from rustforge.conf import settings
    >>> with settings.override(SECRET_KEY="k" * 40):
    ...     signed = sign("abc", salt="demo")
    ...     unsign(signed, salt="demo"), unsign(signed, salt="other")
    ('abc', None)

Each use passes its own ``salt`` so that a value signed for one purpose (a
session cookie) is never accepted for another (a download link).

Rotation: values are always signed with ``SECRET_KEY``; when checking, a
signature made with any key in ``SECRET_KEY_FALLBACKS`` is accepted too, so a
new key can be deployed without logging everybody out. Drop the old key from
the fallbacks once what it signed has expired.

``sign_timestamped()`` adds the signing time, and ``unsign_timestamped()``
refuses a value older than ``max_age`` seconds (expiring download links,
confirmation e-mails).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import time
from collections.abc import Iterator
from typing import Any

from rustforge.conf import settings

__all__ = ["secret_keys", "sign", "sign_timestamped", "signature", "unsign",
           "unsign_timestamped", "verify_signature"]

# The derivation prefix is part of every signature in the wild (session cookies,
# reset links): changing it logs everybody out.
_PREFIX = "rustforge.auth."


def secret_keys() -> Iterator[str]:
    """``SECRET_KEY``, then each of ``SECRET_KEY_FALLBACKS``: the keys a value
    made by this project may have been signed (or encrypted) with."""
    yield settings.SECRET_KEY
    yield from settings.SECRET_KEY_FALLBACKS


# (salt, key) -> HMAC-SHA256 keyed by the key derived from them, as its two
# hash states after the padded key (RFC 2104). PERF: a signature is then two
# copies and two updates, about 11,000 instructions; deriving the key and
# running hmac.new or hmac.digest cost about 30,000 (OpenSSL looks the
# algorithm up on every call), on every signed cookie of every request. Keyed
# by the key itself, so a changed SECRET_KEY (override, rotation) is never
# served a stale entry; bounded so that a churn of keys cannot grow it.
_keyed: dict[tuple[str, str], tuple[Any, Any]] = {}
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_INNER = bytes.maketrans(bytes(range(256)), bytes(b ^ 0x36 for b in range(256)))
_OUTER = bytes.maketrans(bytes(range(256)), bytes(b ^ 0x5C for b in range(256)))


def _hmac_states(salt: str, secret: str) -> tuple[Any, Any]:
    found = _keyed.get((salt, secret))
    if found is None:
        if len(_keyed) >= 256:
            _keyed.clear()
        key = hashlib.sha256((_PREFIX + salt + secret).encode()).digest().ljust(64, b"\0")
        found = _keyed[salt, secret] = (hashlib.sha256(key.translate(_INNER)),
                                        hashlib.sha256(key.translate(_OUTER)))
    return found


def _signature_bytes(value: bytes, salt: str, secret: str) -> bytes:
    """The URL-safe base64 (unpadded) HMAC-SHA256 of ``value``, as bytes."""
    inner, outer = _hmac_states(salt, secret)
    inner = inner.copy()
    inner.update(value)
    outer = outer.copy()
    outer.update(inner.digest())
    return binascii.b2a_base64(outer.digest(), newline=False).translate(_URLSAFE).rstrip(b"=")


def signature(value: str, salt: str, key: str | None = None) -> str:
    """The URL-safe base64 HMAC-SHA256 of ``value`` for this ``salt``.

    Signed with ``key``, by default ``SECRET_KEY``.
    """
    secret = settings.SECRET_KEY if key is None else key
    return _signature_bytes(value.encode(), salt, secret).decode()


def verify_signature(value: str, sig: str, salt: str, length: int | None = None) -> bool:
    """True when ``sig`` signs ``value`` with ``SECRET_KEY`` or one of its fallbacks.

    ``length`` compares only that many leading characters (for truncated
    signatures in short tokens). Compared in constant time.
    """
    given = sig.encode()
    data = value.encode()
    if hmac.compare_digest(given, _signature_bytes(data, salt, settings.SECRET_KEY)[:length]):
        return True
    for key in settings.SECRET_KEY_FALLBACKS:
        if hmac.compare_digest(given, _signature_bytes(data, salt, key)[:length]):
            return True
    return False


def sign(value: str, salt: str) -> str:
    """``value:signature``; ``value`` must not be trusted until unsigned."""
    return f"{value}:{signature(value, salt)}"


def unsign(signed: str, salt: str) -> str | None:
    """The original value, or None when the signature does not match."""
    value, sep, sig = signed.rpartition(":")
    if not sep or not verify_signature(value, sig, salt):
        return None
    return value


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _b62(number: int) -> str:
    out = ""
    while True:
        number, rem = divmod(number, 62)
        out = _DIGITS[rem] + out
        if not number:
            return out


def _from_b62(text: str) -> int:
    if not text or len(text) > 12:
        raise ValueError(text)
    number = 0
    for char in text:
        digit = _DIGITS.find(char)
        if digit < 0:
            raise ValueError(text)
        number = number * 62 + digit
    return number


def sign_timestamped(value: str, salt: str, now: float | None = None) -> str:
    """``value:time:signature``, the time covered by the signature."""
    stamp = _b62(int(time.time() if now is None else now))
    return sign(f"{value}:{stamp}", salt)


def unsign_timestamped(signed: str, salt: str, max_age: float,
                       now: float | None = None) -> str | None:
    """The original value, or None when the signature is wrong or older than ``max_age``."""
    inner = unsign(signed, salt)
    if inner is None:
        return None
    value, _, stamp_text = inner.rpartition(":")
    try:
        stamp = _from_b62(stamp_text)
    except ValueError:
        return None
    age = (time.time() if now is None else now) - stamp
    return value if 0 <= age <= max_age else None
