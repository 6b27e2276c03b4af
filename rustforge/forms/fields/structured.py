"""Structured input: ``JSONField``, ``ListField`` (of fields or of nested forms)
and ``FormField`` (one nested form)."""

from __future__ import annotations

import json
import math
from typing import Any

from rustforge.forms.errors import ValidationError, join_path, merge
from rustforge.forms.fields.base import Field
from rustforge.forms.text import unstorable_reason


def _has_non_finite(value: Any) -> bool:
    """A NaN or infinite float anywhere in a JSON structure (no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259); PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not JSON")


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
                value = json.loads(value, parse_constant=_no_constant)
            except (ValueError, RecursionError):
                self.fail("invalid")
        if _has_non_finite(value):  # NaN, Infinity: not JSON, refused by jsonb
            self.fail("invalid")
        # NUL is refused by PostgreSQL's jsonb, lone surrogates by every UTF-8
        # database: anywhere in the structure, keys included.
        reason = unstorable_reason(value)
        if reason is not None:
            raise ValidationError(reason)
        return value

    def json_schema(self) -> dict:
        return self._finish_schema({})



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
        if isinstance(child, type) and not issubclass(child, Field):
            # A form class: a list of objects. Told apart from a field by not
            # being one, so the fields need not import the forms built on them.
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
        result: list[Any] = []
        nested = ValidationError({})
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

    def __init__(self, form_class: type[Any], **kwargs: Any) -> None:
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
