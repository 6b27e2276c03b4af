"""``rustforge.db.Model``: the base class of every project model."""

from __future__ import annotations

import re

import peewee

from rustforge.db.connection import database
from rustforge.db.fastpath import FastPathMixin
from rustforge.events import signals

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _app_label_for(model: type) -> str:
    from rustforge.apps import apps

    label = apps.label_for_module(model.__module__)
    if label:
        return label
    # Outside the registry (scripts, tests): the package that holds models.py.
    parts = model.__module__.split(".")
    return parts[-2] if len(parts) > 1 and parts[-1] == "models" else parts[-1]


def table_name_for(model: type) -> str:
    """``<app label>_<model name in snake case>``, e.g. ``blog_blog_post``."""
    return f"{_app_label_for(model)}_{_CAMEL.sub('_', model.__name__).lower()}"


class Model(FastPathMixin, peewee.Model):
    """A peewee model bound to the project database.

    Tables are named ``<app label>_<model>`` (``blog_post`` for ``Post`` in
    the ``blog`` app) unless ``Meta.table_name`` says otherwise. ``save()`` and
    ``delete_instance()`` send the pre/post save and delete signals.
    """

    class Meta:
        database = database
        table_function = table_name_for
        legacy_table_names = False

    def save(self, force_insert: bool = False, only=None):
        created = force_insert or self._pk is None
        cls = type(self)
        if signals.pre_save.receivers:
            signals.pre_save.send(cls, instance=self, created=created)
        result = super().save(force_insert=force_insert, only=only)
        if signals.post_save.receivers:
            signals.post_save.send(cls, instance=self, created=created)
        return result

    def delete_instance(self, recursive: bool = False, delete_nullable: bool = False):
        cls = type(self)
        if signals.pre_delete.receivers:
            signals.pre_delete.send(cls, instance=self)
        result = super().delete_instance(recursive=recursive, delete_nullable=delete_nullable)
        if signals.post_delete.receivers:
            signals.post_delete.send(cls, instance=self)
        return result
