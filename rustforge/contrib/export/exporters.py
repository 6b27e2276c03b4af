"""``Exporter``: one declaration of what to export, for every format.

    # shop/exports.py
    from rustforge.contrib.export import Column, Exporter, exports

    @exports.register
    class BookExport(Exporter):
        name = "books"                          # /export/books.csv, manage.py export books
        model = Book
        columns = ["id", "title", Column("author.name", label="Author"),
                   Column("price", format=lambda p: f"{p:.2f} EUR")]
        ordering = ["-published_on", "id"]
        filters = ["status", "author.name", "price"]   # None (default): every column
        title = "Books in stock"

        def get_query(self, query, user):       # rows this user may export
            return query.where(Book.in_stock == True)

``permission`` defaults to the model's ``view`` permission
(``"shop.view_book"``); it may be another permission name, a callable
``fn(user) -> bool``, or None for any logged-in user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import peewee

from rustforge.contrib.export.columns import BoundColumn, Column, bind_columns
from rustforge.contrib.export.filters import build_where, parse_filters, parse_ordering
from rustforge.contrib.export.rows import CHUNK_SIZE, iter_chunks
from rustforge.db import get_database
from rustforge.exceptions import ImproperlyConfigured

# Values PostgreSQL may hand over as text for CSV (see rows.iter_chunks).
_TEXT_FIELDS = (peewee.DecimalField, peewee.DateField, peewee.DateTimeField,
                peewee.ForeignKeyField)
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
FORMATS = ("csv", "jsonl", "pdf", "xlsx")
_DEFAULT = object()


@dataclass(frozen=True)
class Selection:
    """What to export: validated filters and ordering (plain data, storable as JSON)."""

    filters: tuple[tuple[str, str, str], ...] = ()
    ordering: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"filters": [list(f) for f in self.filters], "ordering": list(self.ordering)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Selection:
        return cls(tuple(tuple(f) for f in data.get("filters", [])),
                   tuple(data.get("ordering", [])))

    def describe(self) -> str:
        """``status = published, price >= 10`` for report headers."""
        signs = {"": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
        return ", ".join(f"{path} {signs.get(lookup, lookup)} {raw}"
                         for path, lookup, raw in self.filters)


@dataclass
class Plan:
    """A bound exporter's query pieces, resolved once per exporter."""

    columns: list[BoundColumn]
    joins: list[tuple[Any, Any, Any]] = field(default_factory=list)


class Exporter:
    name: str = ""
    model: type[peewee.Model] | None = None
    columns: list[str | Column] = []
    ordering: list[str] = []
    filters: list[str] | None = None
    permission: Any = _DEFAULT
    title: str = ""
    formats: tuple[str, ...] = FORMATS
    chunk_size: int = CHUNK_SIZE

    def __init__(self) -> None:
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__}: set `model`")
        if not NAME.match(self.name or ""):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: `name` must be 1-64 lower-case letters, digits, "
                f"'-' or '_' starting with a letter, not {self.name!r}")
        unknown = set(self.formats) - set(FORMATS)
        if unknown:
            raise ImproperlyConfigured(f"exporter {self.name!r}: unknown formats {unknown}")
        columns = self.columns or [f.name for f in self.model._meta.sorted_fields]
        bound, joins = bind_columns(self.model, list(columns))
        self.plan = Plan(bound, joins)
        self.by_path = {column.path: column for column in bound}
        for path in self.filters or []:
            if path not in self.by_path:
                raise ImproperlyConfigured(f"exporter {self.name!r}: filter {path!r} is not "
                                           "one of its columns")
        self.default_ordering = parse_ordering(",".join(self.ordering), bound) \
            if self.ordering else []
        if not self.title:
            self.title = self.model.__name__ + " export"

    def __repr__(self) -> str:
        return f"<Exporter {self.name}>"

    # Who may export ------------------------------------------------------------
    @property
    def permission_name(self) -> Any:
        if self.permission is not _DEFAULT:
            return self.permission
        meta = self.model._meta  # type: ignore[union-attr]
        label = getattr(meta, "app_label", "") or self.model.__module__.split(".")[-2]
        return f"{label}.view_{self.model.__name__.lower()}"  # type: ignore[union-attr]

    def allowed(self, user: Any) -> bool:
        """May ``user`` (logged in) use this exporter?"""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
            return False
        permission = self.permission_name
        if permission is None:
            return True
        if callable(permission):
            return bool(permission(user))
        return bool(user.has_perm(permission))

    def get_query(self, query: Any, user: Any) -> Any:
        """Restrict the rows ``user`` may export (``user`` is None for the command)."""
        return query

    # The rows -------------------------------------------------------------------
    @property
    def bound_columns(self) -> list[BoundColumn]:
        return self.plan.columns

    def select(self, params: Mapping[str, Any] | None = None, ordering: str | None = None
               ) -> Selection:
        """Validate query-string ``params`` (filters) and ``ordering``; FilterError if bad."""
        filters = parse_filters(params or {}, self.plan.columns, self.filters)
        order = parse_ordering(ordering, self.plan.columns) if ordering else []
        return Selection(tuple(filters), tuple(order))

    def query(self, selection: Selection, user: Any = None) -> Any:
        model = self.model
        query = model.select(*[c.expr for c in self.plan.columns])  # type: ignore[union-attr]
        for source, alias, on in self.plan.joins:
            query = query.join_from(source, alias, peewee.JOIN.LEFT_OUTER, on=on)
        where = build_where(selection.filters, self.by_path)
        if where is not None:
            query = query.where(where)
        query = self.get_query(query, user)
        order = list(selection.ordering) or self.default_ordering
        exprs = [self.by_path[name.removeprefix("-")].expr for name in order]
        exprs = [e.desc() if name.startswith("-") else e for name, e in zip(order, exprs,
                                                                            strict=True)]
        pk = model._meta.primary_key  # type: ignore[union-attr]
        if pk is not None and not any(name.removeprefix("-") == pk.name for name in order):
            exprs.append(pk)  # a stable order: rows never repeat or go missing across chunks
        return query.order_by(*exprs)

    def count(self, selection: Selection, user: Any = None, up_to: int | None = None) -> int:
        """The number of rows; with ``up_to``, counting stops there (PERF: deciding
        whether an export is too large for the request need not count a big table)."""
        query = self.query(selection, user).order_by()
        if up_to is not None:
            query = query.limit(up_to)
        return query.count()

    def column_chunks(self, selection: Selection, user: Any = None, *,
                      as_text: bool = False) -> Iterator[list[list]]:
        """The rows chunk by chunk, as columns (one list of values per column).

        PERF: converting a column with one comprehension costs a fraction of
        converting each row with a loop over its cells. ``as_text`` (CSV):
        on PostgreSQL, decimals, dates and datetimes may come as the server's
        text when no formatter of this exporter wants them as objects.
        """
        vendor = getattr(get_database(), "vendor", "")
        converters = [(i, f) for i, c in enumerate(self.plan.columns)
                      if (f := c.converter(vendor)) is not None]
        server_text = as_text and vendor == "postgresql" and not any(
            c.format is not None and isinstance(c.field, _TEXT_FIELDS) for c in self.plan.columns)
        for rows in iter_chunks(self.query(selection, user), self.chunk_size,
                                server_text=server_text):
            columns = [list(values) for values in zip(*rows, strict=True)]
            for index, convert in converters:
                columns[index] = list(map(convert, columns[index]))
            yield columns

    def chunks(self, selection: Selection, user: Any = None) -> Iterator[list[tuple]]:
        """Lists of rows (tuples of exported values, one per column), streamed."""
        for columns in self.column_chunks(selection, user):
            yield list(zip(*columns, strict=True))

    def rows(self, selection: Selection | None = None, user: Any = None) -> Iterator[tuple]:
        for chunk in self.chunks(selection or Selection(), user):
            yield from chunk

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.plan.columns]


