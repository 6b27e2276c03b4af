"""Password validators, configured by ``PASSWORD_VALIDATORS``.

    PASSWORD_VALIDATORS = [
        {"NAME": "rustforge.contrib.auth.passwords.validators.MinimumLengthValidator",
         "OPTIONS": {"min_length": 12}},
        {"NAME": "rustforge.contrib.auth.passwords.validators.CommonPasswordValidator"},
    ]

A validator is any class with ``validate(password, user=None)`` raising
``PasswordValidationError`` and ``help_text()``.

    >>> from rustforge.conf import settings
    >>> with settings.override(SECRET_KEY="x"):
    ...     try:
    ...         validate_password("password123")
    ...     except PasswordValidationError as exc:
    ...         print(exc.messages[0])
    This password is too short. It must contain at least 10 characters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from rustforge.exceptions import RustForgeError
from rustforge.importing import import_string


class PasswordValidationError(RustForgeError):
    """A new password was refused; ``messages`` says why, one line each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class MinimumLengthValidator:
    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise PasswordValidationError([(
                f"This password is too short. It must contain at least "
                f"{self.min_length} characters.")])

    def help_text(self) -> str:
        return f"Your password must contain at least {self.min_length} characters."


class NumericPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            raise PasswordValidationError(["This password is entirely numeric."])

    def help_text(self) -> str:
        return "Your password can't be entirely numeric."


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (read once per process)."""
    text = resources.files(__package__).joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


class CommonPasswordValidator:
    """Refuses passwords found in leaked-password lists (a few thousand entries)."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower().strip() in common_passwords():
            raise PasswordValidationError(["This password is too common."])

    def help_text(self) -> str:
        return "Your password can't be a commonly used password."


class UserAttributeSimilarityValidator:
    """Refuses passwords too close to the username, e-mail or its local part."""

    DEFAULT_ATTRIBUTES = ("username", "email", "first_name", "last_name")

    def __init__(self, user_attributes: tuple[str, ...] = DEFAULT_ATTRIBUTES,
                 max_similarity: float = 0.7) -> None:
        self.user_attributes = user_attributes
        self.max_similarity = max_similarity

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        import difflib  # NOTE(memory): needed when a password is set, not in every worker

        lowered = password.lower()
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            parts = [value.lower(), *re.split(r"\W+", value.lower())]
            for part in parts:
                if len(part) < 3:
                    continue
                if part in lowered and len(part) >= len(lowered) / 2 or \
                        difflib.SequenceMatcher(a=lowered, b=part).quick_ratio() \
                        >= self.max_similarity and \
                        difflib.SequenceMatcher(a=lowered, b=part).ratio() >= self.max_similarity:
                    raise PasswordValidationError([
                        f"The password is too similar to the {attribute.replace('_', ' ')}."])

    def help_text(self) -> str:
        return "Your password can't be too similar to your other personal information."


def _load(entry: dict) -> Any:
    return import_string(entry["NAME"])(**entry.get("OPTIONS", {}))


def get_validators() -> list[Any]:
    from rustforge.conf import settings

    return [_load(entry) for entry in settings.PASSWORD_VALIDATORS]


def validate_password(password: str, user: Any = None) -> None:
    """Run every configured validator; raise one error listing every problem."""
    from rustforge.conf import settings

    messages: list[str] = []
    if len(password) > settings.PASSWORD_MAX_LENGTH:
        messages.append(f"Passwords may be at most {settings.PASSWORD_MAX_LENGTH} "
                        "characters long.")
    else:
        for validator in get_validators():
            try:
                validator.validate(password, user)
            except PasswordValidationError as exc:
                messages.extend(exc.messages)
    if messages:
        raise PasswordValidationError(messages)


def password_help_texts() -> list[str]:
    return [v.help_text() for v in get_validators()]
