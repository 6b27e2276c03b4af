"""Index changes for ``makemigrations``, partial indexes included.

peewee-migrate's own index diff compares names, uniqueness and columns, and
writes ``Meta.indexes`` with ``repr()``: a ``ModelIndex`` (what a
soft-deletable model declares for "unique among live rows", or what
``Model.add_index(...)`` makes) came out as ``<peewee.ModelIndex object ...>``
and a changed ``WHERE`` went unnoticed. Here an index is compared by
``(columns, unique, where)``, and a partial one is written as

    migrator.add_index('shop_shelf', 'name', unique=True, where='"deleted_at" IS NULL')

which ``rustforge.db.migrations.migrator.Migrator`` understands.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import peewee
from playhouse.migrate import make_index_name

from rustforge.db.migrations.migrator import index_columns

# Rendering needs a dialect; SQLite and PostgreSQL quote names alike.
_DIALECT = peewee.SqliteDatabase(None)


def where_sql(where: Any) -> str | None:
    """The ``WHERE`` of an index as SQL text, without enclosing parentheses.

        >>> where_sql(Shelf.deleted_at.is_null(True))
        '"deleted_at" IS NULL'
    """
    if where is None:
        return None
    from rustforge.db.migrations.sql import inline_params

    ctx = _DIALECT.get_sql_context()
    with ctx.scope_values(subquery=True):
        ctx.sql(where)
    sql, params = ctx.query()
    return _strip_parens(inline_params(sql, params, "?").strip())


def _strip_parens(sql: str) -> str:
    while sql.startswith("(") and sql.endswith(")"):
        depth = 0
        for i, char in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and i < len(sql) - 1:
                return sql  # "(a) AND (b)": the parentheses are not enclosing
        sql = sql[1:-1].strip()
    return sql


@dataclass(frozen=True)
class IndexSpec:
    """What makes two indexes the same one."""

    table: str
    name: str
    columns: tuple[str, ...]
    unique: bool
    where: str | None
    custom_name: bool = field(default=False, compare=False)

    @property
    def needs_call(self) -> bool:
        """Whether a migration's ``Meta.indexes`` tuple cannot declare it."""
        return bool(self.where) or self.custom_name

    def add(self) -> str:
        names = ", ".join(repr(c) for c in self.columns)
        where = f", where={self.where!r}" if self.where else ""
        name = f", name={self.name!r}" if self.custom_name else ""
        return f"migrator.add_index('{self.table}', {names}, unique={self.unique}{where}{name})"

    def drop(self) -> str:
        names = ", ".join(repr(c) for c in self.columns)
        return f"migrator.drop_index('{self.table}', {names})"


def index_specs(model: type[peewee.Model], notes: list[str] | None = None) -> dict[str, IndexSpec]:
    """Every index of ``model`` by name; expression indexes are left out
    (with a note: they are for ``migrator.sql()``)."""
    table = model._meta.table_name
    out: dict[str, IndexSpec] = {}
    for index in model._meta.fields_to_index():
        columns = index_columns(index)
        if columns is None:
            if notes is not None:
                notes.append(f"{table}: index {index._name!r} is on expressions, which "
                             "makemigrations does not detect; create it with migrator.sql()")
            continue
        default = make_index_name(
            table, [getattr(model._meta.fields.get(c), "column_name", c) for c in columns])
        out[index._name] = IndexSpec(table, index._name, columns, bool(index._unique),
                                     where_sql(index._where), index._name != default)
    return out


def _implicit(spec: IndexSpec, model: type[peewee.Model], fields: set[str]) -> bool:
    # add_fields/remove_fields create or drop the index of a field with
    # index=True/unique=True themselves.
    if spec.where or len(spec.columns) != 1 or spec.columns[0] not in fields:
        return False
    field = model._meta.fields.get(spec.columns[0])
    return bool(field is not None and (field.index or field.unique))


def diff_indexes(model: type[peewee.Model], source: type[peewee.Model], *,
                 fields_to_add: set[str], fields_to_remove: set[str],
                 notes: list[str] | None = None) -> tuple[list[str], list[str]]:
    """``(drops, adds)`` turning ``source``'s indexes into ``model``'s.

    Drops go before the field changes (an index must go before a column it
    covers) and adds after them (after the columns they need exist).
    """
    new, old = index_specs(model, notes), index_specs(source)
    drops = [old[n].drop() for n in sorted(old) if old[n] != new.get(n)
             and not (n not in new and _implicit(old[n], source, fields_to_remove))]
    adds = [new[n].add() for n in sorted(new) if new[n] != old.get(n)
            and not (n not in old and _implicit(new[n], model, fields_to_add))]
    return drops, adds


def partial_indexes(model: type[peewee.Model]) -> list[IndexSpec]:
    """The ``Meta.indexes`` entries of ``model`` that a migration's model class
    cannot declare in its ``Meta``: partial ones and those with their own name."""
    specs = index_specs(model)
    return [specs[i._name] for i in model._meta.indexes
            if isinstance(i, peewee.ModelIndex) and i._name in specs
            and specs[i._name].needs_call]


@contextlib.contextmanager
def declarable_indexes(model: type[peewee.Model]) -> Iterator[None]:
    """Show only ``(columns, unique)`` entries in ``Meta.indexes`` while a
    migration's model class is rendered; the others follow as ``add_index``."""
    meta = model._meta
    saved = meta.indexes
    called = {spec.name for spec in partial_indexes(model)}
    plain = []
    for index in saved:
        columns = index_columns(index)
        if isinstance(index, peewee.ModelIndex):
            if columns is not None and index._name not in called:
                plain.append((columns, bool(index._unique)))
        elif columns is not None:
            plain.append((tuple(index[0]), bool(index[1])))
    meta.indexes = tuple(plain)  # a tuple literal in the file: lint-clean
    try:
        yield
    finally:
        meta.indexes = saved
