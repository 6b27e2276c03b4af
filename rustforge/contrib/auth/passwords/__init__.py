"""Password hashing with passlib: argon2id for new hashes, older schemes verified.

    >>> from rustforge.contrib.auth.passwords import make_password, verify_password
    >>> stored = make_password("correct horse battery staple")   # doctest: +SKIP
    >>> verify_password("correct horse battery staple", stored)  # doctest: +SKIP
    (True, None)

``verify_password`` returns a replacement hash when the stored one used a
deprecated scheme (bcrypt, pbkdf2) or weaker argon2 parameters than
``PASSWORD_ARGON2``; the caller saves it, so hashes upgrade at login.
The passlib context is a per-process service rebuilt when its settings change.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from rustforge.conf import settings
from rustforge.contrib.auth.passwords.validators import (
    PasswordValidationError,
    password_help_texts,
    validate_password,
)
from rustforge.services import services

if TYPE_CHECKING:
    from passlib.context import CryptContext

__all__ = [
    "PasswordTooLong",
    "PasswordValidationError",
    "dummy_verify",
    "get_context",
    "make_password",
    "password_help_texts",
    "unusable_password",
    "validate_password",
    "verify_password",
]


class PasswordTooLong(PasswordValidationError):
    """Raised before hashing a password longer than ``PASSWORD_MAX_LENGTH``."""


def _build_context() -> CryptContext:
    # NOTE(memory): passlib is imported by the first password hashed or checked
    # (a log-in), not by every worker that loads the auth app.
    from passlib.context import CryptContext

    schemes = list(settings.PASSWORD_SCHEMES)
    options: dict = {"schemes": schemes, "default": schemes[0], "deprecated": schemes[1:]}
    if "argon2" in schemes:
        params = dict(settings.PASSWORD_ARGON2)
        options["argon2__type"] = "ID"
        for key, value in params.items():
            options[f"argon2__{key}"] = value
        # A hash with fewer rounds than ours is "weaker": passlib then asks
        # for a rehash (memory_cost and parallelism it compares by itself).
        if "rounds" in params:
            options["argon2__min_rounds"] = params["rounds"]
    return CryptContext(**options)


services.register("auth.passwords", _build_context,
                  settings={"PASSWORD_SCHEMES", "PASSWORD_ARGON2"})


def get_context() -> CryptContext:
    """The passlib ``CryptContext`` of this process."""
    return services.get("auth.passwords")


def _check_length(raw: str) -> None:
    if len(raw) > settings.PASSWORD_MAX_LENGTH:
        raise PasswordTooLong(
            [f"Passwords may be at most {settings.PASSWORD_MAX_LENGTH} characters long."])


def make_password(raw: str) -> str:
    """A new hash of ``raw`` with the default scheme (argon2id)."""
    if not isinstance(raw, str):
        raise TypeError("a password must be a str")
    _check_length(raw)
    return get_context().hash(raw)


def unusable_password() -> str:
    """A value no password ever matches (``!`` is outside every hash alphabet)."""
    return "!" + secrets.token_urlsafe(20)


def verify_password(raw: str, stored: str | None) -> tuple[bool, str | None]:
    """``(matches, new_hash_or_None)``. Never raises on a malformed stored hash.

    An unusable or unknown stored value costs one dummy verification, so the
    answer takes as long as for a real hash.
    """
    context = get_context()
    if not isinstance(raw, str) or len(raw) > settings.PASSWORD_MAX_LENGTH:
        return False, None
    if not stored or stored.startswith("!") or context.identify(stored) is None:
        dummy_verify()
        return False, None
    try:
        return context.verify_and_update(raw, stored)
    except (ValueError, TypeError):  # a corrupted hash in the database
        dummy_verify()
        return False, None


def dummy_verify() -> None:
    """Spend the time of one real verification (for unknown usernames)."""
    get_context().dummy_verify()
