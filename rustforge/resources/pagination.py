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
from urllib.parse import urlencode

import falcon

from rustforge.forms.errors import ValidationError
from rustforge.resources.query import bad_request

_DIGITS = re.compile(r"[0-9]{1,9}")


def parse_int(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if isinstance(raw, list) or not _DIGITS.fullmatch(str(raw).strip()):
        raise bad_request("Invalid pagination", f"{name} must be a whole number "
                                                f"between {low} and {high}.")
    value = int(str(raw).strip())
    if not low <= value <= high:
        raise bad_request("Invalid pagination", f"{name} must be between {low} and {high}.")
    return value


def page_link(req: falcon.Request, **changes: Any) -> str:
    params = {k: v for k, v in req.params.items()}
    params.update({k: v for k, v in changes.items() if v is not None})
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
    return f"{req.path}?{urlencode(params, doseq=True)}"


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
