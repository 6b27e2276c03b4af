"""Typed form fields: each turns raw input (a form string or a JSON value)
into a Python value, or raises ``ValidationError`` with a clear message.

    class OrderForm(Form):
        email = EmailField()
        quantity = IntegerField(min_value=1, max_value=99, default=1)
        note = CharField(required=False, max_length=500)
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from rustforge.forms.errors import ValidationError, join_path, merge

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
        value = self.to_python(value, html) if self.html_aware else self.to_python(value)
        self.validate(value)
        for validator in self.validators:
            validator(value)
        return value

    def to_python(self, value: Any) -> Any:
        return value

    def validate(self, value: Any) -> None:
        """Checks on the converted value (bounds, lengths, choices)."""

    def fail(self, key: str, **params: Any) -> None:
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
            schema["default"] = _jsonable(self.default)
        return schema

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


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
            "nul": "Null characters are not allowed.",
            **self.error_messages}

    def to_python(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
            self.fail("invalid")
        value = str(value)
        if "\x00" in value:  # PostgreSQL refuses NUL in text: a 500 if it got that far
            self.fail("nul")
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


class _Bounded(Field):
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
            schema["minimum"] = _jsonable(self.min_value)
        if self.max_value is not None:
            schema["maximum"] = _jsonable(self.max_value)
        return self._finish_schema(schema)


class IntegerField(_Bounded):
    """A whole number; bounded to 64 bits unless ``min_value``/``max_value`` say more."""

    schema_type = "integer"
    input_type = "number"

    def __init__(self, *, min_value: int | None = INT64_MIN, max_value: int | None = INT64_MAX,
                 **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.error_messages.setdefault("invalid", "Enter a whole number.")

    def to_python(self, value: Any) -> int:
        if isinstance(value, bool):
            self.fail("invalid")
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            self.fail("invalid")
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]{1,30}\s*", value):
            return int(value)
        self.fail("invalid")

    def json_schema(self) -> dict:
        return self._bounds_schema({"type": "integer"})


class FloatField(_Bounded):
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


class DecimalField(_Bounded):
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


_TRUE = {"true", "1", "on", "yes", "y", "t"}
_FALSE = {"false", "0", "off", "no", "n", "f", ""}


class BooleanField(Field):
    """``true``/``false`` (JSON) or a checkbox (``on``, ``1``, ``true``, ...).

    Not required by default: an unticked HTML checkbox sends nothing, which
    means False. ``required=True`` demands the key be present.
    """

    schema_type = "boolean"
    input_type = "checkbox"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default", False)
        super().__init__(**kwargs)
        self.error_messages.setdefault("invalid", "Enter true or false.")

    def is_empty(self, value: Any) -> bool:
        return value is None or value == []

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        self.fail("invalid")


class DateField(_Bounded):
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


class DateTimeField(_Bounded):
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


def _normalise_choices(choices: Iterable[Any]) -> list[tuple[Any, str]]:
    out = []
    for choice in choices:
        if isinstance(choice, (list, tuple)) and len(choice) == 2:
            out.append((choice[0], str(choice[1])))
        else:
            out.append((choice, str(choice)))
    return out


class ChoiceField(Field):
    """One of ``choices``: values, or ``(value, label)`` pairs.

    Input is matched on the value or its string spelling, so ``"2"`` from an
    HTML select picks the choice ``2``.
    """

    input_type = "select"

    def __init__(self, choices: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = _normalise_choices(choices)
        self.error_messages.setdefault(
            "invalid_choice", "Select a valid choice; {value!r} is not one of the available "
                              "choices.")

    def _lookup(self, value: Any) -> Any:
        if isinstance(value, (dict, list)):
            self.fail("invalid_choice", value="(structure)")
        for choice, _ in self.choices:
            if type(value) is type(choice) and value == choice:
                return choice
        text = str(value).strip()
        for choice, _ in self.choices:
            if str(choice) == text:
                return choice
        self.fail("invalid_choice", value=text[:50])

    def to_python(self, value: Any) -> Any:
        return self._lookup(value)

    def json_schema(self) -> dict:
        return self._finish_schema({"enum": [_jsonable(c) for c, _ in self.choices]})


class MultipleChoiceField(ChoiceField):
    """A list of ``choices`` (repeated keys in an HTML form)."""

    many = True
    input_type = "select-multiple"

    def __init__(self, choices: Iterable[Any], *, min_items: int | None = None,
                 max_items: int | None = None, **kwargs: Any) -> None:
        super().__init__(choices, **kwargs)
        self.min_items, self.max_items = min_items, max_items
        self.error_messages.setdefault("not_a_list", "Enter a list of values.")
        self.error_messages.setdefault("min_items", "Select at least {n}.")
        self.error_messages.setdefault("max_items", "Select at most {n}.")

    def to_python(self, value: Any) -> list:
        if not isinstance(value, (list, tuple)):
            self.fail("not_a_list")
        seen: list = []
        for item in value:
            choice = self._lookup(item)
            if choice not in seen:
                seen.append(choice)
        return seen

    def validate(self, value: list) -> None:
        if self.min_items is not None and len(value) < self.min_items:
            self.fail("min_items", n=self.min_items)
        if self.max_items is not None and len(value) > self.max_items:
            self.fail("max_items", n=self.max_items)

    def json_schema(self) -> dict:
        schema: dict[str, Any] = {"type": "array", "uniqueItems": True,
                                  "items": {"enum": [_jsonable(c) for c, _ in self.choices]}}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.min_items is not None:
            schema["minItems"] = self.min_items
        return self._finish_schema(schema)


class JSONField(Field):
    """Any JSON value; a string from an HTML form is parsed as JSON."""

    input_type = "textarea"
    empty_values = (None, "")

    def __init__(self, *, max_size: int = 65536, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_size = max_size
        self.error_messages.setdefault("invalid", "Enter valid JSON.")
        self.error_messages.setdefault("too_large", "Ensure the JSON is at most {n} bytes.")

    html_aware = True

    def to_python(self, value: Any, html: bool = False) -> Any:
        if isinstance(value, str) and html:
            if len(value) > self.max_size:
                self.fail("too_large", n=self.max_size)
            try:
                return json.loads(value)
            except (ValueError, RecursionError):
                self.fail("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail("invalid")
        return value

    def json_schema(self) -> dict:
        return self._finish_schema({})


class UploadedFile:
    """A file from a multipart upload, held in memory (bodies are capped by
    ``MAX_BODY_SIZE``)."""

    def __init__(self, filename: str, content_type: str, data: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.data = data

    @property
    def size(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"<UploadedFile {self.filename!r} {self.content_type} {self.size} bytes>"


class FileField(Field):
    """A multipart file upload, with optional ``max_size`` in bytes,
    allowed ``content_types`` (``"image/*"`` wildcards) and ``extensions``."""

    input_type = "file"

    def __init__(self, *, max_size: int | None = None, content_types: Sequence[str] = (),
                 extensions: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_size = max_size
        self.content_types = tuple(content_types)
        self.extensions = tuple(e.lower().lstrip(".") for e in extensions)
        self.error_messages = {
            "invalid": "Upload a file (send the form as multipart/form-data).",
            "empty": "The submitted file is empty.",
            "max_size": "Ensure the file is at most {n} bytes (it has {got}).",
            "content_type": "Files of type {got} are not allowed; allowed: {allowed}.",
            "extension": "Files ending in .{got} are not allowed; allowed: {allowed}.",
            **self.error_messages}

    def to_python(self, value: Any) -> UploadedFile:
        if not isinstance(value, UploadedFile):
            self.fail("invalid")
        return value

    def validate(self, value: UploadedFile) -> None:
        if value.size == 0:
            self.fail("empty")
        if self.max_size is not None and value.size > self.max_size:
            self.fail("max_size", n=self.max_size, got=value.size)
        if self.content_types:
            ctype = (value.content_type or "").split(";")[0].strip().lower()
            if not any(ctype == allowed or (allowed.endswith("/*")
                                            and ctype.startswith(allowed[:-1]))
                       for allowed in self.content_types):
                self.fail("content_type", got=ctype or "(none)",
                          allowed=", ".join(self.content_types))
        if self.extensions:
            ext = value.filename.rpartition(".")[2].lower() if "." in value.filename else ""
            if ext not in self.extensions:
                self.fail("extension", got=ext or "(none)", allowed=", ".join(self.extensions))

    def json_schema(self) -> dict:
        return self._finish_schema({"type": "string", "format": "binary"})


def _parse_json_text(field: Field, value: Any) -> Any:
    """A structure typed as JSON into a textarea of an HTML form."""
    if not isinstance(value, str):
        return value
    if len(value) > 65536:
        raise ValidationError("Ensure the JSON is at most 65536 bytes.")
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise ValidationError("Enter valid JSON.") from None


def _blank(row: Any) -> bool:
    if isinstance(row, dict):
        return all(_blank(v) for v in row.values())
    return row is None or (isinstance(row, str) and not row.strip())


class ListField(Field):
    """A list whose items are validated by ``child`` (a field, or a form class
    for a list of objects); errors carry paths like ``items[2].quantity``."""

    many = True
    schema_type = "array"

    def __init__(self, child: Any, *, min_items: int | None = None,
                 max_items: int | None = 1000, extra: int = 1, **kwargs: Any) -> None:
        """``extra``: blank rows an HTML rendering offers after the existing ones."""
        super().__init__(**kwargs)
        self.extra = extra
        from rustforge.forms.forms import BaseForm

        if isinstance(child, type) and issubclass(child, BaseForm):
            child = FormField(child)
        self.child = child
        self.min_items, self.max_items = min_items, max_items
        self.error_messages = {"not_a_list": "Enter a list.",
                               "min_items": "Ensure this list has at least {n} items.",
                               "max_items": "Ensure this list has at most {n} items.",
                               **self.error_messages}

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or (value == [] and self.required)

    def clean(self, value: Any, path: str = "", html: bool = False) -> list:
        if html:
            value = _parse_json_text(self, value)
            if isinstance(value, dict) and all(isinstance(k, int) for k in value):
                # items[3][sku]=... from an HTML form; rows left entirely blank are
                # the spare rows a rendered form offers, not input.
                value = [value[k] for k in sorted(value) if not _blank(value[k])]
                if not value and self.required:
                    self.fail("required")
        if not isinstance(value, (list, tuple)):
            self.fail("not_a_list")
        if self.max_items is not None and len(value) > self.max_items:
            self.fail("max_items", n=self.max_items)
        if self.min_items is not None and len(value) < self.min_items:
            self.fail("min_items", n=self.min_items)
        result, nested = [], ValidationError({})
        for index, item in enumerate(value):
            try:
                if self.child.is_empty(item) and not isinstance(self.child, FormField):
                    if self.child.allow_null and item is None:
                        result.append(None)
                        continue
                    self.child.fail("required")
                result.append(self.child.clean(item, join_path(path, index), html))
            except ValidationError as exc:
                merge(nested.errors, f"[{index}]", exc)
        if nested.errors:
            raise nested
        for validator in self.validators:
            validator(result)
        return result

    def json_schema(self) -> dict:
        schema: dict[str, Any] = {"type": "array", "items": self.child.json_schema()}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.min_items is not None:
            schema["minItems"] = self.min_items
        return self._finish_schema(schema)


class FormField(Field):
    """A nested object validated by another form class."""

    schema_type = "object"

    def __init__(self, form_class: type, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.form_class = form_class
        self.error_messages.setdefault("not_an_object", "Enter an object.")

    def is_empty(self, value: Any) -> bool:
        return value is None or value == ""

    def clean(self, value: Any, path: str = "", html: bool = False) -> dict:
        if html:
            value = _parse_json_text(self, value)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        form = self.form_class(value, html=html)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return form.cleaned_data

    def json_schema(self) -> dict:
        return self._finish_schema(self.form_class.json_schema())
