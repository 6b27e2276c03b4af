"""Soft deletes: ``delete_instance()`` marks a row deleted instead of removing it.

    from rustforge.db import SoftDeleteModel

    class Post(SoftDeleteModel):
        slug = CharField(max_length=80, unique=True)     # unique among live rows

        class Meta:
            soft_cascade = ["comments"]                   # backrefs deleted along

    post.delete_instance()          # sets deleted_at; comments follow
    Post.select()                   # live rows only (so do get(), get_or_none(), backrefs)
    Post.with_deleted()             # every row
    Post.only_deleted()             # the deleted ones
    post.restore()                  # back to life, with the comments deleted with it
    post.force_delete()             # a real DELETE
    Post.create(slug=post.slug)     # fine after a soft delete: the unique index is partial

Unique constraints apply to live rows only: every ``unique=True`` field and
every unique ``Meta.indexes`` entry becomes a partial unique index
``... WHERE deleted_at IS NULL`` (SQLite and PostgreSQL both have them). The
groups are listed in ``Model._meta.live_unique`` (tuples of field names), the
declaration the migrations autodetector and ``ModelForm`` read; the index
objects themselves are in ``Model._meta.indexes``, so ``create_tables`` makes them.

``Model.delete()`` stays peewee's SQL ``DELETE`` query (the ``prune`` command
and test flushing rely on it); use ``Model.soft_delete()`` for a query-level
soft delete.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from typing import Any

import peewee

from rustforge.db.models import Model
from rustforge.events import signals
from rustforge.exceptions import RustForgeError

SOFT_DELETE_FIELD = "deleted_at"


# (model, "all" | "deleted") while a block builds queries of deleted rows.
_SCOPE: contextvars.ContextVar[tuple[type, str] | None] = contextvars.ContextVar(
    "softdelete_scope", default=None)


@contextlib.contextmanager
def deleted_rows(model: type[peewee.Model], scope: str = "all") -> Iterator[None]:
    """Inside the block, ``model.select()`` sees every row (``"all"``) or only the
    deleted ones (``"deleted"``); other models are unaffected.

    For code that builds its query in one place for live rows (a resource's
    ``get_query``, with its own scoping) and needs the same query over the trash:

        with deleted_rows(Post, "deleted"):
            query = resource.get_query(req)       # Post.select() ... sees the trash
    """
    if scope not in ("all", "deleted"):
        raise ValueError("scope must be 'all' or 'deleted'")
    token = _SCOPE.set((model, scope))
    try:
        yield
    finally:
        _SCOPE.reset(token)


class RestoreConflict(RustForgeError):
    """A row cannot be restored: a live row already holds one of its unique values."""


def _now() -> dt.datetime:
    # Naive UTC, like every datetime the framework stores.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _live_unique_indexes(cls: type[peewee.Model]) -> None:
    """Turn full unique constraints into partial ones covering live rows."""
    meta = cls._meta
    deleted = meta.fields[SOFT_DELETE_FIELD]
    groups: list[tuple[str, ...]] = [tuple(g) for g in getattr(meta, "live_unique", ()) or ()]
    for field in meta.sorted_fields:
        # A subclass inherits a copy of the field with unique already switched
        # off; the marker keeps it live-unique there too.
        if (field.unique or getattr(field, "_live_unique", False)) and not field.primary_key:
            field.unique = False
            field.index = False
            field._live_unique = True
            groups.append((field.name,))
    kept = []
    for index in meta.indexes:
        if isinstance(index, (list, tuple)) and len(index) == 2 and index[1]:
            groups.append(tuple(index[0]))
        elif isinstance(index, peewee.ModelIndex) and getattr(index, "_live_unique", False):
            groups.append(index._live_group)  # inherited from a parent: rebuilt for this table
        else:
            kept.append(index)
    unique = list(dict.fromkeys(groups))  # without repeats, in order
    for group in unique:
        index = peewee.ModelIndex(cls, [meta.fields[name] for name in group], unique=True,
                                  where=deleted.is_null(True))
        index._live_unique = True
        index._live_group = group
        kept.append(index)
    meta.indexes = kept
    meta.live_unique = unique
    meta.soft_delete_field = SOFT_DELETE_FIELD


_ModelMetaclass: Any = type(Model)  # peewee's, or the project base's


class SoftDeleteBase(_ModelMetaclass):
    def __new__(mcs, name: str, bases: tuple, attrs: dict, **kwargs: Any):
        meta = attrs.get("Meta")
        # peewee hands unknown Meta options to Metadata but does not inherit them.
        cascade = getattr(meta, "soft_cascade", None) if meta else None
        live_unique = getattr(meta, "live_unique", None) if meta else None
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        if SOFT_DELETE_FIELD in cls._meta.fields:
            if cascade is None:
                cascade = next((getattr(b._meta, "soft_cascade", ()) for b in bases
                                if hasattr(b, "_meta")), ())
            cls._meta.soft_cascade = cascade if cascade is not None else ()
            cls._meta.live_unique = live_unique or ()
            _live_unique_indexes(cls)
        return cls


class SoftDeleteModel(Model, metaclass=SoftDeleteBase):
    """A model whose rows are marked deleted (``deleted_at``) rather than removed.

    ``Meta.soft_cascade``: backref names (or ``True`` for every backref whose
    model is soft-deletable) deleted and restored together with the row.
    ``Meta.live_unique``: extra groups of fields unique among live rows.
    """

    deleted_at = peewee.DateTimeField(null=True, index=True)

    # Queries ---------------------------------------------------------------------
    @classmethod
    def select(cls, *fields: Any) -> peewee.ModelSelect:
        """Live rows only (but see :func:`deleted_rows`)."""
        scope = _SCOPE.get()
        if scope is not None and issubclass(cls, scope[0]):
            query = super().select(*fields)
            return query if scope[1] == "all" else query.where(cls.deleted_at.is_null(False))
        return super().select(*fields).where(cls.deleted_at.is_null(True))

    @classmethod
    def with_deleted(cls, *fields: Any) -> peewee.ModelSelect:
        """Every row, deleted or not."""
        return super().select(*fields)

    @classmethod
    def only_deleted(cls, *fields: Any) -> peewee.ModelSelect:
        """Soft-deleted rows only."""
        return super().select(*fields).where(cls.deleted_at.is_null(False))

    @classmethod
    def soft_delete(cls) -> peewee.ModelUpdate:
        """``UPDATE ... SET deleted_at = now`` on live rows; add ``.where()``.
        (No cascade and no signals: it is a query, not per-row.)"""
        return cls.update({cls.deleted_at: _now()}).where(cls.deleted_at.is_null(True))

    # Rows ---------------------------------------------------------------------------
    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def delete_instance(self, recursive: bool = False, delete_nullable: bool = False) -> int:
        """Soft-delete this row (and its ``soft_cascade`` children)."""
        if self.deleted_at is not None:
            return 0
        cls = type(self)
        if signals.pre_delete.receivers:
            signals.pre_delete.send(cls, instance=self, soft=True)
        when = _now()
        with cls._meta.database.atomic():
            count = (cls.update({cls.deleted_at: when})
                     .where(self._pk_expr(), cls.deleted_at.is_null(True)).execute())
            _cascade(cls, [self._pk], when, restore=False)
        self.deleted_at = when
        self._dirty.discard(SOFT_DELETE_FIELD)
        if signals.post_delete.receivers:
            signals.post_delete.send(cls, instance=self, soft=True)
        return count

    def restore(self) -> int:
        """Undelete this row and the cascaded rows deleted at the same moment.

        Raises ``RestoreConflict`` when a live row took one of its unique values.
        """
        if self.deleted_at is None:
            return 0
        cls = type(self)
        when = self.deleted_at
        try:
            with cls._meta.database.atomic():
                count = cls.update({cls.deleted_at: None}).where(self._pk_expr()).execute()
                _cascade(cls, [self._pk], when, restore=True)
        except peewee.IntegrityError:
            raise RestoreConflict(
                f"{cls.__name__} {self._pk} cannot be restored: a live row already has "
                f"one of its unique values ({', '.join('/'.join(g) for g in cls._meta.live_unique)})"
            ) from None
        self.deleted_at = None
        self._dirty.discard(SOFT_DELETE_FIELD)
        return count

    def force_delete(self, recursive: bool = False, delete_nullable: bool = False) -> int:
        """Really DELETE the row (pre/post delete signals are sent)."""
        return Model.delete_instance(self, recursive=recursive, delete_nullable=delete_nullable)


def _cascade_targets(model: type[peewee.Model]) -> list[peewee.ForeignKeyField]:
    wanted = model._meta.soft_cascade
    if not wanted:
        return []
    out = []
    for fk in model._meta.backrefs:
        child = fk.model
        if not issubclass(child, SoftDeleteModel):
            continue
        if wanted is True or fk.backref in wanted:
            out.append(fk)
    return out


def _cascade(model: type[peewee.Model], keys: list[Any], when: dt.datetime, *,
             restore: bool, depth: int = 0) -> None:
    if depth > 20 or not keys:  # a cycle of cascades stops here
        return
    for fk in _cascade_targets(model):
        child = fk.model
        # Restoring brings back only what was deleted together with the parent.
        scope = (child.deleted_at == when) if restore else child.deleted_at.is_null(True)
        rows = [r._pk for r in child.with_deleted(child._meta.primary_key)
                .where(fk.in_(keys), scope)]
        if not rows:
            continue
        value = None if restore else when
        child.update({child.deleted_at: value}).where(
            child._meta.primary_key.in_(rows)).execute()
        _cascade(child, rows, when, restore=restore, depth=depth + 1)


def live_unique_sql(model: type[peewee.Model],
                    database: peewee.Database | None = None) -> list[tuple[str, str, str]]:
    """``(index name, CREATE sql, DROP sql)`` of each partial unique index of
    a soft-deletable model, in ``database``'s dialect (default: the model's).

    ``makemigrations`` writes these indexes itself (as
    ``migrator.add_index(..., where=...)``); this is for hand-written SQL:
    ``migrator.sql(create)`` in ``migrate`` and ``migrator.sql(drop)`` in ``rollback``.

        >>> live_unique_sql(Shelf)[0][1]
        'CREATE UNIQUE INDEX IF NOT EXISTS "shop_shelf_name" ON "shop_shelf" ("name") WHERE ("deleted_at" IS NULL)'
    """
    db = database or model._meta.database
    out = []
    for index in model._meta.indexes:
        if not getattr(index, "_live_unique", False):
            continue
        ctx = db.get_sql_context()
        sql, params = ctx.sql(index).query()
        if params:  # pragma: no cover - the WHERE clause has no parameters
            raise ValueError("partial index with parameters")
        out.append((index._name, sql, f'DROP INDEX IF EXISTS "{index._name}"'))
    return out
