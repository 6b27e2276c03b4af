"""The ``migrator`` handed to migrations: peewee-migrate's, plus partial indexes.

peewee-migrate keeps ``Meta.indexes`` of its models as ``(columns, unique)``
tuples, which cannot say ``WHERE deleted_at IS NULL``; soft-deletable models
(``rustforge.db.softdelete``) need exactly that for "unique among live rows".
Here ``add_index`` takes a ``where`` (raw SQL) and records a real
``ModelIndex`` in the model state, so ``makemigrations`` can compare it with
the models and ``create_table`` of a model created in the same migration
builds it:

    migrator.add_index("shop_shelf", "name", unique=True, where='"deleted_at" IS NULL')
    migrator.drop_index("shop_shelf", "name")

Without ``where`` both behave exactly as in peewee-migrate.
"""

from __future__ import annotations

from typing import Any

import peewee
from peewee_migrate import Migrator as BaseMigrator
from playhouse.migrate import make_index_name


def index_columns(index: Any) -> tuple[str, ...] | None:
    """Field names of an index entry of ``Meta.indexes`` (tuple or ``ModelIndex``),
    or None when it indexes expressions rather than plain fields."""
    if isinstance(index, peewee.ModelIndex):
        names = []
        for expr in index._expressions:
            if isinstance(expr, peewee.Field):
                names.append(expr.name)
            elif isinstance(expr, str) and expr.isidentifier():
                names.append(expr)
            else:
                return None
        return tuple(names)
    if isinstance(index, (list, tuple)) and len(index) == 2:
        parts = index[0]
        if all(isinstance(p, str) for p in parts):
            return tuple(parts)
    return None


class Migrator(BaseMigrator):
    """peewee-migrate's ``Migrator`` that also knows partial indexes."""

    def _create_pending(self, model: type[peewee.Model]) -> bool:
        # create_model() queues the model's bound create_table, which makes
        # every index of Meta.indexes when it runs: adding the index again
        # would fail with "already exists".
        return any(getattr(op, "__self__", None) is model
                   and getattr(op, "__name__", "") == "create_table" for op in self.__ops__)

    def _model(self, model: str | type[peewee.Model]) -> type[peewee.Model]:
        """The model class of a name or a class (typed for the callers)."""
        return self.__get_model__(model)

    def add_index(self, model: str | type[peewee.Model], *columns: str, unique: bool = False,
                  where: str | None = None, name: str | None = None,
                  **index_params: Any) -> type[peewee.Model]:
        """Create an index; with ``where`` (SQL), a partial index; ``name``
        replaces the generated ``<table>_<columns>``.

            migrator.add_index("shop_slot", "shelf", "label", unique=True,
                               where='"deleted_at" IS NULL')
        """
        if where is None and name is None:
            return super().add_index(model, *columns, unique=unique, **index_params)
        model = self._model(model)
        meta = model._meta
        # Field names, as makemigrations writes them; column names work too.
        fields = [meta.fields.get(c) or meta.columns.get(c) for c in columns]
        missing = [c for c, f in zip(columns, fields, strict=True) if f is None]
        if missing:  # (not "None in fields": Field.__eq__ builds an expression)
            raise ValueError(f"{meta.table_name} has no field {missing[0]!r} to index")
        columns = tuple(f.name for f in fields)
        condition = peewee.SQL(where) if where is not None else None
        index = peewee.ModelIndex(model, fields, unique=unique, where=condition, name=name)
        meta.indexes = [i for i in meta.indexes if index_columns(i) != tuple(columns)]
        meta.indexes.append(index)
        if self._create_pending(model):
            return model
        table = peewee.Table(meta.table_name)
        statement = peewee.Index(index._name, table,
                                 [getattr(table.c, f.column_name) for f in fields],
                                 unique=unique, where=condition)
        sql, params = self.__migrator__.make_context().sql(statement).query()
        self.__ops__.append(self.__migrator__.sql(sql, params or None))
        return model

    def drop_index(self, model: str | type[peewee.Model], *columns: str) -> type[peewee.Model]:
        """Drop the index on ``columns`` (plain, unique or partial)."""
        model = self._model(model)
        meta = model._meta
        wanted = tuple(columns)
        partial = next((i for i in meta.indexes if isinstance(i, peewee.ModelIndex)
                        and index_columns(i) == wanted), None)
        fields = [meta.fields[c] for c in columns if c in meta.fields]
        if partial is not None:
            name = partial._name
        else:
            if len(columns) == 1 and fields:
                fields[0].unique = fields[0].index = False
            name = make_index_name(meta.table_name, [f.column_name for f in fields])
        meta.indexes = [i for i in meta.indexes if index_columns(i) != wanted]
        self.__ops__.append(self.__migrator__.drop_index(meta.table_name, name))
        return model

    def remove_fields(self, model: str | type[peewee.Model], *names: str, cascade: bool = True,
                      **params: Any) -> type[peewee.Model]:
        """Remove fields, dropping the indexes that cover them first.

        SQLite's ``ALTER TABLE ... DROP COLUMN`` refuses a column that an
        index uses; peewee-migrate only drops the index of a unique field.
        """
        model = self._model(model)
        meta = model._meta
        gone = set(names)
        for index in list(meta.indexes):
            columns = index_columns(index)
            if columns and gone & set(columns):
                self.drop_index(model, *columns)
        for name in names:
            field = meta.fields.get(name)
            if field is not None and field.index and not field.unique:
                self.drop_index(model, name)
        return super().remove_fields(model, *names, cascade=cascade, **params)
