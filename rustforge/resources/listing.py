"""The SQL of a list request, compiled once per shape.

A list request runs a count, a page and one query per ``?include=``.
Building those three peewee queries and compiling them into SQL was most of
the Python work of a 20-row list: more than the rows' conversion to JSON.
When the resource reads the model's rows unrefined (``get_query`` not
overridden, or returning ``Model.select()`` as it is) and every filter is a
comparison (``exact``, ``ne``, ``lt``, ``lte``, ``gt``, ``gte``, ``in``,
``isnull``), the SQL of that shape (which filters, how many ``in`` values,
which order) is compiled once per resource class and database by
:class:`rustforge.db.compiled.CompiledQuery` and run with the request's
values; the SQL is byte for byte what the same query sends through peewee (its
``count()`` is ``rustforge.db.fastpath.count_query``). Included rows are read
the same way, one shape per relation and number of keys. Anything else (a
``get_query`` that filters or joins, a soft-delete model's live rows, a row
scope, ``contains``, a None value, ``DATABASE_FAST_PATH = False``) goes
through peewee as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import peewee

from rustforge.db.compiled import CompiledQuery
from rustforge.db.fastpath import FastPathMixin, count_query
from rustforge.resources.query import LOOKUPS, Term

# Lookups whose value reaches the SQL as it is (``contains`` wraps it in %...%).
_PASSED = frozenset({"exact", "ne", "lt", "lte", "gt", "gte", "in"})
# Shapes kept per resource class; past this a new shape goes through peewee.
MAX_SHAPES = 256
# Model.select() of rustforge.db.Model: the plain every-row query when called without fields.
_PLAIN_SELECT = FastPathMixin.__dict__["select"].__func__


class Shapes:
    """The compiled queries of one resource class, by shape."""

    __slots__ = ("_queries",)

    def __init__(self) -> None:
        self._queries: dict[Any, CompiledQuery] = {}

    def get(self, key: Any, model: type[peewee.Model], build: Callable[..., Any],
            converters: Sequence[Callable[[Any], Any]]) -> CompiledQuery | None:
        query = self._queries.get(key)
        if query is None:
            if len(self._queries) >= MAX_SHAPES:
                return None
            query = self._queries[key] = CompiledQuery(model, build, converters)
        return query


def is_plain(query: Any, model: type[peewee.Model]) -> bool:
    """``query`` is ``model.select()`` as it comes: every row, every column,
    no condition (no soft-delete filter, no row scope) and no order."""
    return (getattr(query, "_rf_plain", False) and query._rf_scope is None
            and query.model is model)


def selects_every_row(model: type[peewee.Model]) -> bool:
    """``is_plain(model.select(), model)``, without building the query for a
    model that keeps the framework's own ``select()`` (which always is)."""
    return (getattr(model.select, "__func__", None) is _PLAIN_SELECT
            or is_plain(model.select(), model))


def every_row(model: type[peewee.Model]) -> peewee.ModelSelect:
    """A fresh ``SELECT <every field> FROM table``: what a plain ``select()``
    is, whatever context (a soft-delete scope) is active when it is built."""
    return peewee.ModelSelect(model, model._meta.sorted_fields, is_default=True)


def page(shapes: Shapes, query: Any, model: type[peewee.Model], terms: list[Term],
         order: list[tuple[peewee.Field, bool]], limit: int,
         offset: int) -> tuple[int, list] | None:
    """``(query.where(terms).order_by(order).count(), the page's rows)``, or
    None when this shape must go through peewee."""
    found = page_rows(shapes, query, model, terms, order, limit, offset, raw=False)
    return None if found is None else (found[0], found[1])


def page_rows(shapes: Shapes, query: Any, model: type[peewee.Model], terms: list[Term],
              order: list[tuple[peewee.Field, bool]], limit: int, offset: int,
              raw: bool) -> tuple[int, list, bool] | None:
    """``(count, rows, rows_are_raw)`` as :func:`page` (None likewise); with
    ``raw``, the page's rows as the driver returns them when the compiled
    query can give them (``CompiledQuery.raw_rows``), else model instances.
    ``query`` None stands for ``model.select()`` of a model whose
    ``select()`` is plain (``selects_every_row``), not built."""
    if query is not None and not is_plain(query, model):
        return None
    key: list[Any] = [tuple((column.name, desc) for column, desc in order)]
    values: list[Any] = []
    converters: list[Callable[[Any], Any]] = []
    for term in terms:
        if term.lookup == "isnull":
            key.append((term.column.name, "isnull", bool(term.value)))
            continue
        if term.lookup not in _PASSED:
            return None
        items = term.value if term.lookup == "in" else [term.value]
        key.append((term.column.name, term.lookup, len(items)))
        values += items
        converters += [term.column.db_value] * len(items)
    shape = tuple(key)

    def filtered(given: Sequence[Any]) -> Any:  # when compiled (peewee's path: every call)
        spec = [(t.column, t.lookup, bool(t.value) if t.lookup == "isnull" else
                 len(t.value) if t.lookup == "in" else 1) for t in terms]
        found = every_row(model)
        conditions, at = [], 0
        for column, lookup, size in spec:
            if lookup == "isnull":
                conditions.append(column.is_null(size))
            elif lookup == "in":
                conditions.append(column.in_(list(given[at:at + size])))
                at += size
            else:
                conditions.append(LOOKUPS[lookup][0](column, given[at]))
                at += 1
        if conditions:
            found = found.where(*conditions)
        return found.order_by(*[column.desc() if desc else column.asc()
                                for column, desc in order])

    counting = shapes.get(("count", shape), model, lambda *v: count_query(filtered(v)),
                          converters)
    page_query = shapes.get(("page", shape), model,
                            lambda *v: filtered(v[:-2]).limit(v[-2]).offset(v[-1]),
                            [*converters, _same, _same])
    if counting is None or page_query is None:
        return None
    count = counting.scalar(*values)
    rows = page_query.raw_rows(*values, limit, offset) if raw else None
    if rows is not None:
        return count, rows, True
    return count, page_query.objects(*values, limit, offset), False


def related(shapes: Shapes, name: str, model: type[peewee.Model], column: peewee.Field,
            keys: list[Any], order: bool) -> list | None:
    """``model.select().where(column.in_(keys))`` (ordered by the primary key
    when ``order``), or None when it must go through peewee."""
    query = _related_query(shapes, name, model, column, keys, order)
    return None if query is None else query.objects(*keys)


def related_rows(shapes: Shapes, name: str, model: type[peewee.Model], column: peewee.Field,
                 keys: list[Any]) -> list | None:
    """The rows of ``related(..., order=False)`` as the driver returns them, or
    None (and nothing run) when they must come as instances."""
    query = _related_query(shapes, name, model, column, keys, False)
    return None if query is None else query.raw_rows(*keys)


def _related_query(shapes: Shapes, name: str, model: type[peewee.Model], column: peewee.Field,
                   keys: list[Any], order: bool) -> CompiledQuery | None:
    if not keys or not selects_every_row(model):
        return None

    def build(*given: Any) -> Any:
        found = every_row(model).where(column.in_(list(given)))
        return found.order_by(model._meta.primary_key) if order else found

    return shapes.get(("include", name, len(keys)), model, build,
                      [column.db_value] * len(keys))


def _same(value: Any) -> Any:
    return value
