"""Password-reset tokens: signed, expiring, and single-use without a table.

The signature covers the user's current password hash, last login and
e-mail address, so the token dies the moment it is used (the password
changes), the user logs in or the address changes, and after
``PASSWORD_RESET_TIMEOUT`` seconds in any case.

    token = make_token(user)
    assert check_token(user, token)
"""

from __future__ import annotations

import time
from typing import Any

from rustforge.conf import settings
from rustforge.signing import signature, verify_signature

_SALT = "password-reset"
_SIG_LENGTH = 32


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
        if not number:
            return out


def _signed_text(user: Any, stamp: int) -> str:
    last = user.last_login.replace(microsecond=0).isoformat() if user.last_login else ""
    return f"{user._pk}:{stamp}:{user.password}:{last}:{user.email}"


def make_token(user: Any, now: float | None = None) -> str:
    stamp = int(time.time() if now is None else now)
    return f"{_b36(stamp)}-{signature(_signed_text(user, stamp), _SALT)[:_SIG_LENGTH]}"


def check_token(user: Any, token: str, now: float | None = None) -> bool:
    if not isinstance(token, str) or len(token) > 64:
        return False
    stamp_text, _, sig = token.partition("-")  # the signature may contain "-" too
    try:
        stamp = int(stamp_text, 36)
    except ValueError:
        return False
    if not sig or not verify_signature(_signed_text(user, stamp), sig, _SALT,
                                       length=_SIG_LENGTH):
        return False
    age = (time.time() if now is None else now) - stamp
    return 0 <= age <= settings.PASSWORD_RESET_TIMEOUT


def encode_uid(pk: Any) -> str:
    return _b36(int(pk))


def decode_uid(text: str) -> int | None:
    try:
        return int(text, 36) if text and len(text) <= 13 else None
    except ValueError:
        return None
