"""Text fields: ``CharField``, ``EmailField``, ``URLField``."""

from __future__ import annotations

import decimal
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from rustforge.forms.fields.base import Field, runs_own_steps
from rustforge.forms.text import NUL_MESSAGE, SURROGATE, SURROGATE_MESSAGE, unstorable_reason


class CharField(Field):
    """Text. ``strip`` trims surrounding white space (default True)."""

    def __init__(self, *, min_length: int | None = None, max_length: int | None = None,
                 strip: bool = True, pattern: str | None = None, multiline: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_length, self.max_length = min_length, max_length
        self.strip = strip
        self.pattern = re.compile(pattern) if pattern else None
        self.multiline = multiline
        self.error_messages = {
            "invalid": "Enter a valid string.",
            "max_length": "Ensure this value has at most {n} characters (it has {got}).",
            "min_length": "Ensure this value has at least {n} characters (it has {got}).",
            "pattern": "Enter a value in the expected format.",
            "nul": NUL_MESSAGE,
            "surrogate": SURROGATE_MESSAGE,
            **self.error_messages}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._short_path = runs_own_steps(cls, CharField.to_python, CharField.validate)

    _short_path = True

    def clean(self, value: Any, path: str = "", html: bool = False) -> Any:
        # PERF: a plain ``str`` (every value of an HTML form) is converted and
        # checked in this one frame; anything else, and any value that fails a
        # check, takes the general path, which gives the error. The result is
        # the general path's (tests compare the two on arbitrary input).
        if value.__class__ is str and self._short_path and "\x00" not in value and (
                value.isascii() or not SURROGATE.search(value)):
            text = value.strip() if self.strip else value
            size = len(text)
            limit = self.max_length
            if (limit is None or size <= limit) and (
                    self.min_length is None or size >= self.min_length) and (
                    self.pattern is None or self.pattern.fullmatch(text)):
                for validator in self.validators:
                    validator(text)
                return text
        return super().clean(value, path, html)

    def to_python(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
            self.fail("invalid")
        value = str(value)
        # What the database cannot store would be a 500 at save time.
        reason = unstorable_reason(value)
        if reason is not None:
            self.fail("nul" if reason == NUL_MESSAGE else "surrogate")
        return value.strip() if self.strip else value

    def validate(self, value: str) -> None:
        if self.max_length is not None and len(value) > self.max_length:
            self.fail("max_length", n=self.max_length, got=len(value))
        if self.min_length is not None and len(value) < self.min_length:
            self.fail("min_length", n=self.min_length, got=len(value))
        if self.pattern is not None and not self.pattern.fullmatch(value):
            self.fail("pattern")

    def json_schema(self) -> dict:
        schema: dict[str, Any] = {"type": "string"}
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.min_length is not None:
            schema["minLength"] = self.min_length
        if self.pattern is not None:
            schema["pattern"] = self.pattern.pattern
        return self._finish_schema(schema)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z")


class EmailField(CharField):
    input_type = "email"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.error_messages.setdefault("email", "Enter a valid email address.")

    def validate(self, value: str) -> None:
        super().validate(value)
        if not _EMAIL.match(value):
            self.fail("email")

    def json_schema(self) -> dict:
        schema = super().json_schema()
        schema["format"] = "email"
        return schema


class URLField(CharField):
    """An absolute http(s) URL (``schemes`` to allow others)."""

    input_type = "url"

    def __init__(self, *, schemes: Sequence[str] = ("http", "https"), **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.schemes = tuple(schemes)
        self.error_messages.setdefault("url", "Enter a valid URL.")

    def validate(self, value: str) -> None:
        super().validate(value)
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            self.fail("url")
        if parts.scheme.lower() not in self.schemes or not parts.hostname or " " in value:
            self.fail("url")

    def json_schema(self) -> dict:
        schema = super().json_schema()
        schema["format"] = "uri"
        return schema
