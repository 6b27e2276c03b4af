"""Number fields: ``IntegerField``, ``FloatField``, ``DecimalField``."""

from __future__ import annotations

import decimal
import math
import re
from typing import Any

from rustforge.forms.fields.base import INT64_MAX, INT64_MIN, Bounded, runs_own_steps

# PERF: compiled once, not looked up in re's cache on every value.
_WHOLE_NUMBER = re.compile(r"\s*[-+]?[0-9]{1,30}\s*")


class IntegerField(Bounded):
    """A whole number; bounded to 64 bits unless ``min_value``/``max_value`` say more."""

    schema_type = "integer"
    input_type = "number"

    def __init__(self, *, min_value: int | None = INT64_MIN, max_value: int | None = INT64_MAX,
                 **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.error_messages.setdefault("invalid", "Enter a whole number.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._short_path = runs_own_steps(cls, IntegerField.to_python, Bounded.validate)

    _short_path = True

    def clean(self, value: Any, path: str = "", html: bool = False) -> Any:
        # PERF: a plain ``str`` of at most 30 ASCII digits (what an HTML form
        # sends) within the bounds is converted and checked in this one frame;
        # anything else (signs, spaces, other types, a value out of bounds)
        # takes the general path, which gives the error. Tests compare the two.
        if (value.__class__ is str and len(value) <= 30 and value.isdigit()
                and value.isascii() and self._short_path):
            number = int(value)
            low, high = self.min_value, self.max_value
            if (low is None or number >= low) and (high is None or number <= high):
                for validator in self.validators:
                    validator(number)
                return number
        return super().clean(value, path, html)

    def to_python(self, value: Any) -> int:
        if isinstance(value, bool):
            self.fail("invalid")
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            self.fail("invalid")
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            try:
                return int(value)
            except ValueError:  # white space re's \s knows and int() does not ("\x1f")
                pass
        self.fail("invalid")

    def json_schema(self) -> dict:
        return self._bounds_schema({"type": "integer"})


class FloatField(Bounded):
    schema_type = "number"
    input_type = "number"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages.setdefault("invalid", "Enter a number.")

    def to_python(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail("invalid")
        try:
            result = float(value)
        except (ValueError, OverflowError):
            self.fail("invalid")
        if not math.isfinite(result):
            self.fail("invalid")
        return result

    def json_schema(self) -> dict:
        return self._bounds_schema({"type": "number"})


class DecimalField(Bounded):
    """An exact decimal number (JSON number or string), e.g. money.

    ``max_digits`` / ``decimal_places`` mirror the database column.
    """

    schema_type = "number"
    input_type = "number"

    def __init__(self, *, max_digits: int | None = None, decimal_places: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.error_messages = {
            "invalid": "Enter a number.",
            "max_digits": "Ensure that there are no more than {n} digits in total.",
            "max_places": "Ensure that there are no more than {n} decimal places.",
            "max_whole": "Ensure that there are no more than {n} digits before the decimal point.",
            **self.error_messages}

    def to_python(self, value: Any) -> decimal.Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, decimal.Decimal)):
            self.fail("invalid")
        if isinstance(value, str) and len(value) > 100:
            self.fail("invalid")
        try:
            result = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            self.fail("invalid")
        if not result.is_finite():
            self.fail("invalid")
        return result

    def validate(self, value: decimal.Decimal) -> None:
        super().validate(value)
        _, digits, exponent = value.as_tuple()
        if not isinstance(exponent, int):  # NaN and infinities were refused by to_python
            self.fail("invalid")
        if exponent >= 0:
            whole, places = len(digits) + exponent, 0
        else:
            places = -exponent
            whole = max(len(digits) - places, 0)
        if self.max_digits is not None and whole + places > self.max_digits:
            self.fail("max_digits", n=self.max_digits)
        if self.decimal_places is not None and places > self.decimal_places:
            self.fail("max_places", n=self.decimal_places)
        if (self.max_digits is not None and self.decimal_places is not None
                and whole > self.max_digits - self.decimal_places):
            self.fail("max_whole", n=self.max_digits - self.decimal_places)

    def json_schema(self) -> dict:
        # Both spellings are accepted on input; responses use strings so
        # no precision is lost in transit.
        schema: dict[str, Any] = {"type": ["number", "string"]}
        if self.max_digits is not None and self.decimal_places is not None:
            bound = 10 ** (self.max_digits - self.decimal_places)
            schema["description"] = (f"Decimal with at most {self.max_digits} digits, "
                                     f"{self.decimal_places} after the point.")
            schema.setdefault("x-max-abs", bound)
        return self._finish_schema(schema)
