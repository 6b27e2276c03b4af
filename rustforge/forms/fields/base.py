"""The ``Field`` base class and what every field family shares."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from rustforge.forms.errors import ValidationError

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING",
                                    "__bool__": lambda self: False})()

Validator = Callable[[Any], None]

# Bounds of a signed 64-bit column: larger numbers are refused as input
# instead of overflowing in the database driver (a 500).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class Field:
    """Base class. Arguments every field takes:

    ``required`` (default True), ``default`` (value or callable, used when the
    input is missing or empty; implies not required), ``allow_null`` (JSON
    ``null`` is kept as ``None``), ``label``, ``help_text``, ``validators``
    (callables raising ``ValidationError``), ``read_only`` (ignored on input,
    documented in schemas).
    """

    # JSON Schema type used by the OpenAPI generator.
    schema_type: str = "string"
    input_type: str = "text"
    # True for fields whose HTML form value is a list of repeated keys.
    many: bool = False
    # True when to_python() takes a second argument: html.
    html_aware: bool = False
    empty_values: tuple = (None, "", [], {}, ())
    _order = 0

    def __init__(self, *, required: bool | None = None, default: Any = MISSING,
                 allow_null: bool = False, label: str | None = None, help_text: str = "",
                 validators: Iterable[Validator] = (), read_only: bool = False,
                 error_messages: dict[str, str] | None = None) -> None:
        self.default = default
        self.required = (default is MISSING) if required is None else required
        self.allow_null = allow_null
        self.label = label
        self.help_text = help_text
        self.validators = list(validators)
        self.read_only = read_only
        self.error_messages = {"required": "This field is required.",
                               "null": "This field may not be null.",
                               **(error_messages or {})}
        self.name = ""
        Field._order += 1
        self._creation = Field._order

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def get_default(self) -> Any:
        return self.default() if callable(self.default) else self.default

    def is_empty(self, value: Any) -> bool:
        if isinstance(value, str):
            return not value.strip()
        return value in self.empty_values if not isinstance(value, (int, float)) else False

    def clean(self, value: Any, path: str = "", html: bool = False) -> Any:
        """Convert and validate one raw value (already known not to be empty).

        ``html`` is True for input from an HTML form (every value a string).
        """
        if self.html_aware:
            value = self.to_python(value, html)  # type: ignore[call-arg]  # html_aware fields take it
        else:
            value = self.to_python(value)
        self.validate(value)
        for validator in self.validators:
            validator(value)
        return value

    def to_python(self, value: Any) -> Any:
        return value

    def validate(self, value: Any) -> None:
        """Checks on the converted value (bounds, lengths, choices)."""

    def fail(self, key: str, **params: Any) -> NoReturn:
        raise ValidationError(self.error_messages[key].format(**params))

    def json_schema(self) -> dict:
        schema: dict[str, Any] = {"type": self.schema_type}
        return self._finish_schema(schema)

    def _finish_schema(self, schema: dict) -> dict:
        if self.allow_null:
            t = schema.get("type")
            if t is not None:
                schema["type"] = [t, "null"] if isinstance(t, str) else [*t, "null"]
            else:
                schema = {"anyOf": [schema, {"type": "null"}]}
        if self.label:
            schema["title"] = self.label
        if self.help_text:
            schema["description"] = self.help_text
        if self.read_only:
            schema["readOnly"] = True
        if self.default is not MISSING and not callable(self.default):
            schema["default"] = jsonable(self.default)
        return schema

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value




class Bounded(Field):
    """A field whose value has an order: ``min_value`` and ``max_value`` bounds."""

    def __init__(self, *, min_value: Any = None, max_value: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        self.error_messages = {
            "min_value": "Ensure this value is at least {n}.",
            "max_value": "Ensure this value is at most {n}.",
            **self.error_messages}

    def validate(self, value: Any) -> None:
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", n=self.min_value)
        if self.max_value is not None and value > self.max_value:
            self.fail("max_value", n=self.max_value)

    def _bounds_schema(self, schema: dict) -> dict:
        if self.min_value is not None:
            schema["minimum"] = jsonable(self.min_value)
        if self.max_value is not None:
            schema["maximum"] = jsonable(self.max_value)
        return self._finish_schema(schema)


def runs_own_steps(cls: type[Field], to_python: Callable, validate: Callable) -> bool:
    """Whether ``cls`` converts and checks with exactly ``to_python`` and
    ``validate`` (and is not ``html_aware``): the condition under which a
    field's one-frame short path in ``clean`` gives the general path's result.
    A subclass that changes either step (EmailField's check) takes the long one.
    """
    return cls.to_python is to_python and cls.validate is validate and not cls.html_aware
