"""Encryption of small secrets at rest, keyed by ``SECRET_KEY``.

Some values must be read back, so they cannot be hashed: the TOTP secret an
authenticator app shares with the server is the example. Stored in clear, a
leaked table or backup would let anyone make the codes; stored encrypted, the
database alone is not enough.

    >>> from rustforge.conf import settings
    >>> with settings.override(SECRET_KEY="k" * 40, SECRET_KEY_FALLBACKS=[]):
    ...     token = encrypt("JBSWY3DPEHPK3PXP", purpose="totp")
    ...     decrypt(token, purpose="totp"), token.startswith(PREFIX)
    ('JBSWY3DPEHPK3PXP', True)

The cipher is Fernet from ``cryptography`` (AES-128-CBC with an HMAC-SHA256,
a fresh IV each time). Each ``purpose`` gets its own key, derived with
HKDF-SHA256 from ``SECRET_KEY``, so a value encrypted for one use never
decrypts for another. Rotation works as for signatures: values are encrypted
with ``SECRET_KEY`` and decrypted with it or any key of
``SECRET_KEY_FALLBACKS`` (``rustforge.signing.secret_keys()``); ``reencrypt``
moves a value to the current key. A value that no key opens raises
``DecryptionError`` (a key was dropped too early).
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import TYPE_CHECKING

from rustforge.exceptions import RustForgeError
from rustforge.signing import secret_keys

if TYPE_CHECKING:
    from cryptography.fernet import Fernet, MultiFernet

__all__ = ["PREFIX", "DecryptionError", "decrypt", "encrypt", "is_encrypted", "reencrypt"]

# Marks a stored value as encrypted (and by which scheme), so that code and
# migrations can tell it from a value stored before encryption was on.
PREFIX = "enc1:"


class DecryptionError(RustForgeError):
    """No key in ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` opens the value."""


@lru_cache(maxsize=64)
def _fernet(secret: str, purpose: str) -> Fernet:
    # NOTE(memory): cryptography maps OpenSSL into the process (about 8 MB of
    # every worker) and only requests that touch a secret need it.
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    # PERF: HKDF per call would cost more than the encryption itself; keys are
    # few (SECRET_KEY and its fallbacks times the purposes), so they are kept.
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"rustforge.encryption." + purpose.encode()).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


def _ciphers(purpose: str) -> MultiFernet:
    from cryptography.fernet import MultiFernet

    return MultiFernet([_fernet(key, purpose) for key in secret_keys()])


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(plaintext: str, purpose: str) -> str:
    """``plaintext`` encrypted with ``SECRET_KEY`` for ``purpose``; text safe
    for any text column (about 1.4 times the input plus 100 characters)."""
    return PREFIX + _ciphers(purpose).encrypt(plaintext.encode()).decode()


def decrypt(value: str, purpose: str) -> str:
    """The plaintext of a value from ``encrypt()``; ``DecryptionError`` when
    no current or fallback key opens it or it was made for another purpose."""
    if not is_encrypted(value):
        raise DecryptionError("not an encrypted value")
    from cryptography.fernet import InvalidToken

    try:
        return _ciphers(purpose).decrypt(value[len(PREFIX):].encode()).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(
            f"no key opens this {purpose} value (was the key that encrypted it "
            "dropped from SECRET_KEY_FALLBACKS?)") from exc


def reencrypt(value: str, purpose: str) -> str:
    """``value`` encrypted with the current ``SECRET_KEY`` (after a rotation)."""
    return encrypt(decrypt(value, purpose), purpose)
