"""Secrets at rest: client secrets, codes and tokens are stored as keyed digests.

    value = new_secret()              # handed to the client once
    row.token_digest = digest(value)  # all the table ever holds
    Model.get_or_none(Model.token_digest.in_(lookup_digests(value)))

The values are long random strings (256 bits), so a keyed SHA-256 (HMAC with a
key derived from ``SECRET_KEY``) is as strong as a password hash against a
leaked table, and costs microseconds instead of the tens of milliseconds of
argon2 on every API call. Lookups go through a unique index; the database
compares digests, which leaks nothing useful (an attacker who could time the
index would learn a prefix of an HMAC of a value he does not know).

Rotation: new digests use ``SECRET_KEY``; a lookup also tries each key of
``SECRET_KEY_FALLBACKS`` (``rustforge.signing.secret_keys()``), so rotating the
key does not log every client out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from rustforge.conf import settings
from rustforge.signing import secret_keys

# Part of every stored digest: changing it invalidates every token and secret.
_PURPOSE = b"rustforge.oauth.digest"
_derived: dict[str, bytes] = {}


def _key(secret_key: str) -> bytes:
    key = _derived.get(secret_key)
    if key is None:
        key = hashlib.sha256(_PURPOSE + secret_key.encode()).digest()
        if len(_derived) > 16:  # settings overridden many times (tests)
            _derived.clear()
        _derived[secret_key] = key
    return key


def _hmac(secret_key: str, value: str) -> str:
    return hmac.new(_key(secret_key), value.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def digest(value: str) -> str:
    """The hex digest stored for ``value`` (keyed with ``SECRET_KEY``)."""
    return _hmac(settings.SECRET_KEY, value)


def lookup_digests(value: str) -> list[str]:
    """Digests of ``value`` under ``SECRET_KEY`` and each fallback key, for ``IN (...)``."""
    return [_hmac(key, value) for key in secret_keys()]


def matches(value: str, stored: str) -> bool:
    """True when ``stored`` is the digest of ``value`` under any current key (constant time)."""
    found = False
    for candidate in lookup_digests(value):
        found |= hmac.compare_digest(candidate, stored)
    return found


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random string of ``nbytes`` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)
