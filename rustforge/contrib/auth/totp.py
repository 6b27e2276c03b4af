"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 s steps)
and single-use recovery codes.

    >>> secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"      # RFC 6238 test key
    >>> code_at(secret, 59 // 30, digits=8)
    '94287082'
    >>> verify(secret, code_at(secret, 1000), last_step=0, now=1000 * 30 + 5)
    1000
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
# Steps of clock drift accepted either side of now.
DRIFT = 1


def new_secret() -> str:
    """160 random bits, base32 (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def verify(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The matching time step (to store as the new ``last_step``), or None.

    Steps at or before ``last_step`` are refused, so an observed code
    cannot be replayed.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    current = int((time.time() if now is None else now) // STEP)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if step > last_step and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """``otpauth://`` URI an authenticator app accepts (pasted, no QR code needed)."""
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})


def new_recovery_code() -> str:
    """``xxxx-xxxx-xxxx-xxxx`` from an unambiguous alphabet: 80 random bits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def hash_recovery_code(code: str) -> str:
    """Codes carry 80 random bits, so a fast hash is enough to store them."""
    normal = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normal.encode()).hexdigest()
