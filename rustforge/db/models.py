"""``rustforge.db.Model``: the base class of every project model."""

from __future__ import annotations

import contextvars
import re

import peewee

from rustforge.apps.registry import Apps, apps
from rustforge.db.connection import database
from rustforge.db.fastpath import FALLBACK, FastPathMixin, update_row
from rustforge.events import signals

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _app_label_for(model: type) -> str:
    label = apps.label_for_module(model.__module__)
    if label:
        return label
    # Outside the registry (scripts, tests): the package that holds models.py.
    parts = model.__module__.split(".")
    return parts[-2] if len(parts) > 1 and parts[-1] == "models" else parts[-1]


def table_name_for(model: type) -> str:
    """``<app label>_<model name in snake case>``, e.g. ``blog_blog_post``."""
    return f"{_app_label_for(model)}_{_CAMEL.sub('_', model.__name__).lower()}"


# Set while save() or delete_instance() runs: the UPDATE/INSERT/DELETE peewee
# issues for one instance is not a bulk operation and sends no bulk signal.
_instance_operation = contextvars.ContextVar("rustforge_instance_operation", default=False)


class _BulkSignalMixin:
    """Sends ``signal`` after a bulk query ran (when somebody listens)."""

    signal: signals.Signal

    def _execute(self, database):
        result = super()._execute(database)
        if self.signal.receivers and not _instance_operation.get():
            self.signal.send(self.model, query=self, result=result)
        return result


class BulkUpdate(_BulkSignalMixin, peewee.ModelUpdate):
    signal = signals.post_bulk_update


class BulkDelete(_BulkSignalMixin, peewee.ModelDelete):
    signal = signals.post_bulk_delete


class BulkInsert(_BulkSignalMixin, peewee.ModelInsert):
    signal = signals.post_bulk_insert


def _as(query, cls):
    # PERF: the bulk classes add no state, so peewee builds the query (with
    # all its argument handling) and we only swap the class.
    query.__class__ = cls
    return query


class Model(FastPathMixin, peewee.Model):
    """A peewee model bound to the project database.

    Tables are named ``<app label>_<model>`` (``blog_post`` for ``Post`` in
    the ``blog`` app) unless ``Meta.table_name`` says otherwise. ``save()`` and
    ``delete_instance()`` send the pre/post save and delete signals; the bulk
    queries ``update()``, ``delete()``, ``insert_many()`` and ``insert_from()``
    send ``post_bulk_update``, ``post_bulk_delete`` and ``post_bulk_insert``
    once per executed query.
    """

    class Meta:
        database = database
        table_function = table_name_for
        legacy_table_names = False

    def save(self, force_insert: bool = False, only=None):
        cls = type(self)
        created = False  # only worked out for the signals' receivers
        if signals.pre_save.receivers or signals.post_save.receivers:
            created = force_insert or self._pk is None
        if signals.pre_save.receivers:
            signals.pre_save.send(cls, instance=self, created=created)
        # PERF: a row that has its key is updated by the fast path's compiled
        # statement (rustforge.db.fastpath), which is no bulk query: there is
        # no bulk signal to hold back, and no context variable to set.
        result = FALLBACK if force_insert or only is not None else update_row(self)
        if result is FALLBACK:
            token = _instance_operation.set(True)
            try:
                result = super().save(force_insert=force_insert, only=only)
            finally:
                _instance_operation.reset(token)
        if signals.post_save.receivers:
            signals.post_save.send(cls, instance=self, created=created)
        return result

    def delete_instance(self, recursive: bool = False, delete_nullable: bool = False):
        cls = type(self)
        if signals.pre_delete.receivers:
            signals.pre_delete.send(cls, instance=self)
        token = _instance_operation.set(True)
        try:
            result = super().delete_instance(recursive=recursive,
                                             delete_nullable=delete_nullable)
        finally:
            _instance_operation.reset(token)
        if signals.post_delete.receivers:
            signals.post_delete.send(cls, instance=self)
        return result

    @classmethod
    def update(cls, data=None, /, **update):
        return _as(super().update(data, **update), BulkUpdate)

    @classmethod
    def delete(cls):
        return _as(super().delete(), BulkDelete)

    @classmethod
    def insert_many(cls, rows, fields=None):
        return _as(super().insert_many(rows, fields), BulkInsert)

    @classmethod
    def insert_from(cls, query, fields):
        return _as(super().insert_from(query, fields), BulkInsert)


# The registry sits below this layer: tell it what a model is.
Apps.model_base = Model
