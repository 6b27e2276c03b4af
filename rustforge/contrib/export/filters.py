"""Filters from a query string, checked against an exporter's declared columns.

``?status=published&price__gte=10&author.name__contains=ada&id__in=1,2,3``:
a key is a filterable column path with an optional ``__lookup``; a value is
converted with the column's field type. Anything else (an unknown key, a
value of the wrong type, a NUL byte, an oversize value, too many keys) raises
:class:`FilterError`, which the endpoint answers with 400 and the command
with a one-line error. Parameters that are not filters (``bom``,
``filename``, ``ordering``) are taken out first by the caller.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from functools import reduce
from typing import Any

import peewee

from rustforge.contrib.export.columns import BoundColumn
from rustforge.exceptions import RustForgeError

MAX_FILTERS = 20
MAX_VALUE_LENGTH = 1000
MAX_IN_VALUES = 200
_INT_RANGE = (-(2 ** 63), 2 ** 63 - 1)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

LOOKUPS: dict[str, Callable[[Any, Any], Any]] = {
    "": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda field, values: field.in_(values),
    "contains": lambda field, value: field.contains(value),
    "startswith": lambda field, value: field.startswith(value),
    "isnull": lambda field, value: field.is_null(value),
}
_TEXT_ONLY = {"contains", "startswith"}


class FilterError(RustForgeError, ValueError):
    """A query-string filter that cannot be applied; the message says why."""


def _convert(field: peewee.Field, raw: str, key: str) -> Any:
    if isinstance(field, peewee.ForeignKeyField):
        return _convert(field.rel_field, raw, key)
    try:
        if isinstance(field, peewee.BooleanField):
            lowered = raw.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError
        if isinstance(field, peewee.IntegerField):
            number = int(raw.strip(), 10)
            if not _INT_RANGE[0] <= number <= _INT_RANGE[1]:
                raise ValueError
            return number
        if isinstance(field, peewee.DecimalField):
            value = decimal.Decimal(raw.strip())
            digits = getattr(field, "max_digits", None) or 100
            if not value.is_finite() or len(raw) > 60 or not -50 < value.adjusted() < digits:
                raise ValueError
            return value
        if isinstance(field, peewee.FloatField):
            real = float(raw.strip())
            if not math.isfinite(real):
                raise ValueError
            return real
        if isinstance(field, peewee.DateTimeField):
            return dt.datetime.fromisoformat(raw.strip())
        if isinstance(field, peewee.DateField):
            return dt.date.fromisoformat(raw.strip())
    except (ValueError, decimal.InvalidOperation, ArithmeticError):
        kind = type(field).__name__.removesuffix("Field").lower() or "value"
        raise FilterError(f"{key}: {raw[:40]!r} is not a valid {kind}") from None
    limit = getattr(field, "max_length", None)
    if isinstance(limit, int) and len(raw) > limit:
        raise FilterError(f"{key}: longer than the column's {limit} characters")
    return raw


def parse_filters(params: Mapping[str, Any], columns: Iterable[BoundColumn],
                  allowed: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """Validate ``params``; the filters as ``(path, lookup, raw value)``, sorted.

    The result is plain strings: what a background job stores and validates again.
    """
    by_path = {column.path: column for column in columns}
    allowed_paths = set(by_path) if allowed is None else set(allowed)
    if len(params) > MAX_FILTERS:
        raise FilterError(f"at most {MAX_FILTERS} filters per export")
    found = []
    for key, raw in params.items():
        if isinstance(raw, list):
            raise FilterError(f"{key}: given more than once (use {key}__in=a,b for a list)")
        if not isinstance(raw, str):
            raise FilterError(f"{key}: not text")
        if len(raw) > MAX_VALUE_LENGTH or len(key) > 200:
            raise FilterError(f"{key[:60]}: longer than {MAX_VALUE_LENGTH} characters")
        if "\x00" in raw or "\x00" in key:
            raise FilterError(f"{key[:60]!r}: NUL characters are not allowed")
        path, _, lookup = key.partition("__")
        if path not in by_path or path not in allowed_paths:
            names = ", ".join(sorted(allowed_paths & set(by_path))) or "none"
            raise FilterError(f"unknown filter {key[:60]!r}; filterable columns: {names}")
        if lookup not in LOOKUPS:
            raise FilterError(f"{key[:60]}: unknown lookup {lookup[:20]!r}; one of: "
                              + ", ".join(k for k in LOOKUPS if k))
        found.append((path, lookup, raw))
    build_where(found, by_path)  # converts every value: a bad one fails here
    return sorted(found)


def build_where(filters: Iterable[tuple[str, str, str]],
                columns: Mapping[str, BoundColumn]) -> Any:
    """The peewee expression for validated filters (None when there are none)."""
    clauses = []
    for path, lookup, raw in filters:
        column = columns.get(path)
        if column is None or lookup not in LOOKUPS:
            raise FilterError(f"unknown filter {path}__{lookup}")
        key = f"{path}__{lookup}" if lookup else path
        field = column.field
        if lookup == "isnull":
            value: Any = _convert(peewee.BooleanField(), raw, key)
        elif lookup == "in":
            parts = raw.split(",")
            if len(parts) > MAX_IN_VALUES:
                raise FilterError(f"{key}: at most {MAX_IN_VALUES} values")
            value = [_convert(field, part, key) for part in parts]
        else:
            if lookup in _TEXT_ONLY and not isinstance(field, (peewee.CharField,
                                                               peewee.TextField)):
                raise FilterError(f"{key}: {lookup} works on text columns only")
            value = _convert(field, raw, key)
        clauses.append(LOOKUPS[lookup](column.expr, value))
    return reduce(operator.and_, clauses) if clauses else None


def parse_ordering(raw: str | None, columns: Iterable[BoundColumn]) -> list[str]:
    """``"-price,title"`` -> ``["-price", "title"]``, every name a column path."""
    if not raw:
        return []
    if not isinstance(raw, str) or len(raw) > MAX_VALUE_LENGTH:
        raise FilterError("ordering: a comma-separated list of column names")
    paths = {column.path for column in columns}
    found = []
    for item in raw.split(","):
        name = item.strip()
        if name.removeprefix("-") not in paths:
            raise FilterError(f"ordering: unknown column {name[:60]!r}; columns: "
                              + ", ".join(sorted(paths)))
        found.append(name)
    return found
