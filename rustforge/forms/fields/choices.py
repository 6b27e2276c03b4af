"""Fields that pick among values: ``BooleanField``, ``ChoiceField``,
``MultipleChoiceField``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rustforge.forms.fields.base import Field, jsonable

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
        return self._finish_schema({"enum": [jsonable(c) for c, _ in self.choices]})


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
                                  "items": {"enum": [jsonable(c) for c, _ in self.choices]}}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.min_items is not None:
            schema["minItems"] = self.min_items
        return self._finish_schema(schema)
