"""Date fields: ``DateField``, ``DateTimeField`` (ISO 8601)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rustforge.forms.fields.base import Bounded


class DateField(Bounded):
    """An ISO 8601 date, ``2024-05-31``."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages.setdefault("invalid", "Enter a valid date (YYYY-MM-DD).")

    def to_python(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail("invalid")

    def json_schema(self) -> dict:
        return self._bounds_schema({"type": "string", "format": "date"})


class DateTimeField(Bounded):
    """An ISO 8601 date and time. An offset (``Z``, ``+02:00``) is converted
    to UTC and dropped, so values compare and store consistently; a value
    without offset is taken as UTC."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages.setdefault("invalid",
                                       "Enter a valid date and time (YYYY-MM-DDTHH:MM[:SS]).")

    def to_python(self, value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            result = value
        elif isinstance(value, str) and re.fullmatch(
                r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                r"(Z|[+-][0-9]{2}:?[0-9]{2})?",
                value.strip(), flags=re.IGNORECASE):
            text = value.strip()
            if text[-1] in "zZ":
                text = text[:-1] + "+00:00"
            try:
                result = dt.datetime.fromisoformat(text)
            except ValueError:
                self.fail("invalid")
        else:
            self.fail("invalid")
        if result.tzinfo is not None:
            try:
                result = result.astimezone(dt.UTC).replace(tzinfo=None)
            except OverflowError:
                self.fail("invalid")
        return result

    def json_schema(self) -> dict:
        return self._bounds_schema({"type": "string", "format": "date-time"})
