"""Batch loading: no N+1 whatever the length of a list.

Every list of rows the API fetches is remembered as a *batch* on each of its
rows. When a relation of one row is resolved, it is loaded for the whole
batch in one query and kept on each row; its siblings then find theirs
already there. The rows loaded that way form the next batch, so
``posts -> comments -> author`` costs one query per level, not per row.

This needs no lookahead into the query and no promises: graphql-core's
synchronous execution resolves a list's items one after another, and the
first item pays for all of them.

A top-level page and a batch of related rows over a type's unrefined rows
(``get_query`` not overridden, or returning ``Model.select()`` as it is)
run SQL compiled once per model and shape (with or without a cursor; the
number of keys) by :mod:`rustforge.resources.listing`'s shapes, as a
``ModelResource`` list does: byte for byte the SQL peewee sends, rows built
by the fast path. A narrowed ``get_query`` (a filter, a join, soft-deleted
rows left out, a row scope) goes through peewee as before; so do reverse
relations (their window function is one query per batch already).
"""

from __future__ import annotations

import weakref
from typing import Any

import peewee
from peewee import fn

from rustforge.contrib.graphql.connections import Connection, decode_cursor, page_size
from rustforge.db.compiled import CompiledQuery
from rustforge.resources.listing import Shapes, every_row, is_plain, related

BATCH = "_gql_batch"
LOADED = "_gql_loaded"


def tag(rows: list[peewee.Model]) -> list[peewee.Model]:
    """Mark ``rows`` as one batch (their relations load together)."""
    for row in rows:
        row.__dict__[BATCH] = rows
    return rows


def _loaded(row: peewee.Model) -> dict:
    store = row.__dict__.get(LOADED)
    if store is None:
        store = row.__dict__[LOADED] = {}
    return store


def loaded(obj: peewee.Model, key: Any, default: Any) -> Any:
    """What was loaded for ``obj`` under ``key`` (a foreign key's name), or
    ``default`` when nothing was yet."""
    store = obj.__dict__.get(LOADED)
    if store is None:
        return default
    return store.get(key, default)


def load_related(obj: peewee.Model, info: Any, fk: peewee.ForeignKeyField,
                 type_: Any) -> peewee.Model | None:
    """The row ``obj.<fk>`` points to, loaded for ``obj``'s whole batch.

    ``type_.get_query(info)`` holds the rows the request may see (asked
    once per batch); a row outside it resolves to null.
    """
    name = fk.name
    store = _loaded(obj)
    if name in store:
        return store[name]
    if obj.__data__.get(name) is None:
        return None
    query = type_.get_query(info)
    batch = [row for row in obj.__dict__.get(BATCH, (obj,)) if name not in _loaded(row)]
    keys = list({row.__data__.get(name) for row in batch} - {None})
    target = fk.rel_field
    rows = related(_shapes(query.model), target.name, query.model, target, keys, False) \
        if is_plain(query, query.model) else None
    if rows is None:
        rows = query.where(target.in_(keys))
    found = {row.__data__[target.name]: row for row in rows}
    tag(list(found.values()))
    for row in batch:
        _loaded(row)[name] = found.get(row.__data__.get(name))
    return store[name]


def load_children(obj: peewee.Model, info: Any, fk: peewee.ForeignKeyField,
                  type_: Any, first: int | None, after: str | None,
                  clean_key: Any) -> Connection:
    """One page of the rows whose ``fk`` points to ``obj``, for the whole batch,
    out of ``type_.get_query(info)`` (asked once per batch).

    A window function numbers each parent's children, so the page limit
    holds per parent in one query (SQLite >= 3.25 and PostgreSQL).
    """
    size = page_size(first)
    after_key = decode_cursor(after, clean_key) if after is not None else None
    slot = (fk.backref, size, after_key)
    store = _loaded(obj)
    if slot in store:
        return store[slot]
    batch = [row for row in obj.__dict__.get(BATCH, (obj,)) if slot not in _loaded(row)]
    query = type_.get_query(info)
    child = fk.model
    pk = child._meta.primary_key
    groups: dict[Any, list] = {row._pk: [] for row in batch}
    if size and groups:
        scoped = query.where(fk.in_(list(groups)))
        if after_key is not None:
            scoped = scoped.where(pk > after_key)
        rank = fn.ROW_NUMBER().over(partition_by=[fk], order_by=[pk])
        ranked = scoped.select(pk.alias("_gql_pk"), rank.alias("_gql_rank")).alias("ranked")
        rows = (query.join(ranked, on=(pk == ranked.c._gql_pk))
                .where(ranked.c._gql_rank <= size + 1).order_by(pk))
        for row in rows:
            groups[row.__data__[fk.name]].append(row)
    everything: list = []
    for row in batch:
        items = groups.get(row._pk, [])
        page = items[:size]
        everything.extend(page)
        _loaded(row)[slot] = Connection(page, len(items) > size, after_key is not None)
    tag(everything)
    return store[slot]


def load_page(query: peewee.ModelSelect, first: int | None, after: str | None,
              clean_key: Any) -> Connection:
    """A top-level list: one page after the cursor, in primary-key order."""
    size = page_size(first)
    model = query.model
    pk = model._meta.primary_key
    after_key = decode_cursor(after, clean_key) if after is not None else None
    rows: list = []
    if size:
        compiled = _page_query(model, after is not None) if is_plain(query, model) else None
        if compiled is not None:
            rows = compiled.objects(*((after_key,) if after is not None else ()), size + 1)
        else:
            if after is not None:
                query = query.where(pk > after_key)
            rows = list(query.order_by(pk).limit(size + 1))
    page = tag(rows[:size])
    return Connection(page, len(rows) > size, after is not None)


# Compiled queries per model (a model class that goes away takes its own along).
_SHAPES: weakref.WeakKeyDictionary[type, Shapes] = weakref.WeakKeyDictionary()


def _shapes(model: type[peewee.Model]) -> Shapes:
    shapes = _SHAPES.get(model)
    if shapes is None:
        shapes = _SHAPES[model] = Shapes()
    return shapes


def _page_query(model: type[peewee.Model], after: bool) -> CompiledQuery | None:
    """``model.select()[.where(pk > key)].order_by(pk).limit(n)``, compiled
    (None past the number of shapes kept per model)."""
    pk = model._meta.primary_key
    if after:
        def build(key: Any, limit: Any) -> Any:
            return every_row(model).where(pk > key).order_by(pk).limit(limit)

        converters = [pk.db_value, _same]
    else:
        def build(limit: Any) -> Any:  # type: ignore[misc]
            return every_row(model).order_by(pk).limit(limit)

        converters = [_same]
    return _shapes(model).get(("page", after), model, build, converters)


def _same(value: Any) -> Any:
    return value
