"""Columns of an export: a field path, a label, a formatter; bound to the query's fields.

A column's ``path`` is a field of the exported model (``"title"``) or a field
reached through foreign keys (``"author.name"``, ``"author.country.code"``);
each foreign key on the way is joined once (LEFT OUTER, so a row whose
foreign key is empty still comes out, with empty cells).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee

from rustforge.exceptions import ImproperlyConfigured

# How a column's values look, which decides CSV neutralising, JSON encoding,
# PDF alignment and XLSX cell types.
TEXT, NUMBER, BOOL, DATE, DATETIME, OTHER = "text", "number", "bool", "date", "datetime", "other"

_NUMBER_FIELDS = (peewee.IntegerField, peewee.FloatField, peewee.DecimalField)
# Field types whose values psycopg2 hands over as the Python type already.
_DRIVER_NATIVE = (*_NUMBER_FIELDS, peewee.DateField, peewee.DateTimeField, peewee.BooleanField,
                  peewee.CharField, peewee.TextField, peewee.ForeignKeyField)


@dataclass(frozen=True)
class Column:
    """One column: ``Column("author.name", label="Author", format=str.upper, width=2)``.

    ``format`` turns the field's value into what is exported (None values
    skip it); ``width`` is a relative width for PDF and XLSX (default from
    the field type).
    """

    path: str
    label: str | None = None
    format: Callable[[Any], Any] | None = None
    width: float | None = None


@dataclass
class BoundColumn:
    """A column resolved against a model: the expression to select and how to read it."""

    path: str
    label: str
    field: peewee.Field
    expr: Any
    kind: str
    width: float
    read: Callable[[Any], Any] | None = None
    format: Callable[[Any], Any] | None = None

    @property
    def name(self) -> str:
        return self.path

    def converter(self, vendor: str = "") -> Callable[[Any], Any] | None:
        """Database value -> exported value for this database, or None when they are equal.

        psycopg2 already returns ints, decimals, dates, datetimes and booleans,
        so on PostgreSQL only a formatter (or an odd field type) costs a call.
        """
        read = self.read
        if vendor == "postgresql" and isinstance(self.field, _DRIVER_NATIVE) \
                and not isinstance(self.field, peewee.UUIDField):
            read = None
        return _compose(read, self.format)


def _kind(field: peewee.Field) -> str:
    if isinstance(field, peewee.ForeignKeyField):
        return _kind(field.rel_field)
    if isinstance(field, peewee.BooleanField):
        return BOOL
    if isinstance(field, _NUMBER_FIELDS):
        return NUMBER
    if isinstance(field, peewee.DateTimeField):
        return DATETIME
    if isinstance(field, peewee.DateField):
        return DATE
    if isinstance(field, (peewee.CharField, peewee.TextField, peewee.UUIDField)):
        return TEXT
    return OTHER


def _default_width(field: peewee.Field, kind: str) -> float:
    if isinstance(field, peewee.TextField):
        return 3.0
    if kind == TEXT:
        return 2.0 if (getattr(field, "max_length", 255) or 255) > 40 else 1.2
    if kind == DATETIME:
        return 1.6
    return 1.0


def _reader(field: peewee.Field, kind: str) -> Callable[[Any], Any] | None:
    """The database value -> Python conversion, or None when the driver already
    gives the Python value (PERF: most columns of most exports)."""
    if isinstance(field, peewee.ForeignKeyField):
        return _reader(field.rel_field, kind)
    if kind in (TEXT, NUMBER) and not isinstance(field, peewee.DecimalField) \
            and not isinstance(field, peewee.UUIDField):
        return None
    python_value = field.python_value
    if kind == BOOL:
        return lambda value: None if value is None else bool(value)
    if isinstance(field, peewee.DecimalField):
        places = getattr(field, "decimal_places", None)
        exponent = decimal.Decimal(1).scaleb(-places) if isinstance(places, int) else None

        def read_decimal(value: Any) -> Any:
            # SQLite keeps decimals as REAL: 7572.50 comes back as 7572.5.
            if value is None:
                return None
            if not isinstance(value, decimal.Decimal):
                value = python_value(value)
            if exponent is not None and value is not None:
                try:
                    return value.quantize(exponent)
                except decimal.InvalidOperation:
                    return value
            return value
        return read_decimal
    if kind in (DATE, DATETIME):
        wanted = dt.datetime if kind == DATETIME else dt.date

        def read_date(value: Any) -> Any:
            if value is None or type(value) is wanted:
                return value
            return python_value(value)
        return read_date
    return python_value


def bind_columns(model: type[peewee.Model], columns: list[str | Column]
                 ) -> tuple[list[BoundColumn], list[tuple[Any, Any, Any]]]:
    """Resolve ``columns`` on ``model``: the bound columns and the joins
    ``(source, alias, on)`` they need, in order."""
    bound: list[BoundColumn] = []
    joins: list[tuple[Any, Any, Any]] = []
    aliases: dict[str, Any] = {}
    seen: set[str] = set()
    for spec in columns:
        column = Column(spec) if isinstance(spec, str) else spec
        if not isinstance(column, Column) or not column.path:
            raise ImproperlyConfigured(f"{model.__name__}: a column is a field path or a "
                                       f"Column, not {spec!r}")
        if column.path in seen:
            raise ImproperlyConfigured(f"{model.__name__}: column {column.path!r} is listed twice")
        seen.add(column.path)
        source: Any = model
        source_model = model
        parts = column.path.split(".")
        for depth, part in enumerate(parts):
            field = source_model._meta.fields.get(part)
            if field is None:
                known = ", ".join(sorted(source_model._meta.fields))
                raise ImproperlyConfigured(
                    f"{model.__name__}: column {column.path!r}: {source_model.__name__} has no "
                    f"field {part!r} (fields: {known})")
            if depth == len(parts) - 1:
                break
            if not isinstance(field, peewee.ForeignKeyField):
                raise ImproperlyConfigured(f"{model.__name__}: column {column.path!r}: {part!r} "
                                           "is not a foreign key")
            prefix = ".".join(parts[:depth + 1])
            if prefix not in aliases:
                alias = field.rel_model.alias(f"x{len(aliases)}")
                on = getattr(source, field.name) == getattr(alias, field.rel_field.name)
                joins.append((source, alias, on))
                aliases[prefix] = alias
            source = aliases[prefix]
            source_model = field.rel_model
        kind = _kind(field)
        label = column.label if column.label is not None else \
            (field.verbose_name or parts[-1].replace("_", " ").capitalize())
        if len(parts) > 1 and column.label is None and not field.verbose_name:
            label = " ".join(p.replace("_", " ") for p in parts).capitalize()
        bound.append(BoundColumn(
            path=column.path, label=str(label), field=field,
            expr=getattr(source, field.name), kind=kind if column.format is None else OTHER,
            width=float(column.width or _default_width(field, kind)),
            read=_reader(field, kind), format=column.format))
    return bound, joins


def _compose(read: Callable | None, fmt: Callable | None) -> Callable | None:
    if fmt is None:
        return read
    if read is None:
        return lambda value: None if value is None else fmt(value)

    def both(value: Any) -> Any:
        value = read(value)
        return None if value is None else fmt(value)
    return both
