"""Pagination of list endpoints: limit/offset (with a total count) or cursor
(keyset: stable under inserts, no COUNT, no deep OFFSET scans).

Offset answers ``{"data": [...], "meta": {"count", "limit", "offset"},
"links": {"next", "prev"}}``; cursor answers ``{"data": [...], "meta":
{"limit", "next_cursor"}, "links": {"next"}}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus, urlencode

import falcon

from rustforge.forms.errors import ValidationError
from rustforge.resources.query import bad_request

_DIGITS = re.compile(r"[0-9]{1,9}")


def parse_int(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if raw.__class__ is str and raw.isdigit() and raw.isascii() and len(raw) <= 9:
        value = int(raw)  # what the expression below accepts, without the regex engine
    elif isinstance(raw, list) or not _DIGITS.fullmatch(str(raw).strip()):
        raise bad_request("Invalid pagination", f"{name} must be a whole number "
                                                f"between {low} and {high}.")
    else:
        value = int(str(raw).strip())
    if not low <= value <= high:
        raise bad_request("Invalid pagination", f"{name} must be between {low} and {high}.")
    return value


def page_link(req: falcon.Request, **changes: Any) -> str:
    """The request's path and query with ``changes`` made (None drops a
    parameter): ``urlencode(params, doseq=True)``, as that writes it."""
    params = dict(req.params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"{req.path}?{_encode(params)}"


# What quote_plus() leaves as it is: its always-safe characters (ASCII only).
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _quoted(text: str) -> str:
    """``quote_plus(text)``, without calling it for a text it leaves as it is."""
    return text if text.isalnum() and text.isascii() or _UNQUOTED(text) else quote_plus(text)


def _encode(params: dict[str, Any]) -> str:
    """``urlencode(params, doseq=True)`` for query parameters as falcon parses
    them (strings and lists of strings) and ints.

    PERF: ``urlencode`` quotes every key and value through ``quote_plus``
    (about 3,000 instructions each) and finds that an int is not a sequence
    by catching ``len()``'s TypeError. A text made only of characters that
    ``quote_plus`` never changes is written as it is: ASCII letters and
    digits are told by two string methods (a regular expression costs five
    times as much), ``_.~-`` by the expression. Anything else goes through
    ``quote_plus`` or ``urlencode`` themselves.
    """
    parts = []
    for key, value in params.items():
        if key.__class__ is not str:
            return urlencode(params, doseq=True)
        key = _quoted(key)
        kind = value.__class__
        if kind is str:
            value = _quoted(value)
        elif kind is int:
            value = str(value)  # digits, and a minus sign quote_plus keeps
        elif kind is list:
            for item in value:
                if item.__class__ is not str:
                    return urlencode(params, doseq=True)
                parts.append(key + "=" + _quoted(item))
            continue
        else:
            return urlencode(params, doseq=True)
        parts.append(key + "=" + value)
    return "&".join(parts)


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: Any, size: int) -> list[Any]:
    if isinstance(token, list) or len(str(token)) > 2000:
        raise bad_request("Invalid cursor", "The cursor is not one this API handed out.")
    try:
        padded = str(token) + "=" * (-len(str(token)) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request("Invalid cursor", "The cursor is not one this API handed out.") \
            from None
    if not isinstance(values, list) or len(values) != size:
        raise bad_request("Invalid cursor", "The cursor does not fit this ordering.")
    return values


def keyset_condition(columns: list[Any], descending: list[bool], values: list[Any]) -> Any:
    """Rows strictly after ``values`` in the order (a, b, pk):
    ``a > va OR (a = va AND (b > vb OR (b = vb AND pk > vpk)))``."""
    condition = None
    for column, desc, value in reversed(list(zip(columns, descending, values))):
        after = (column < value) if desc else (column > value)
        condition = after if condition is None else (after | ((column == value) & condition))
    return condition


def clean_cursor_values(values: list[Any], cleaners: list[Any]) -> list[Any]:
    try:
        return [clean(value) for clean, value in zip(cleaners, values)]
    except (ValidationError, TypeError, ValueError):
        raise bad_request("Invalid cursor", "The cursor is not one this API handed out.") \
            from None
