"""The schema as the migrations describe it, rebuilt by replaying them.

peewee-migrate knows the shape of a table only by running every earlier
migration against a ``Migrator`` in "fake" mode (queries mocked, no SQL
sent). One ``Migrator`` is shared by every app, so a migration of ``shop``
can reference ``migrator.orm["auth_user"]``; the tables each app's
migrations created are tracked so that ``makemigrations blog`` compares
``blog``'s models with ``blog``'s tables only.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

import peewee
from peewee_migrate.migrator import ORM

from rustforge.db.migrations.errors import MigrationError
from rustforge.db.migrations.loader import Migration
from rustforge.db.migrations.migrator import Migrator

# The fakes of the replays running in this context (thread); None elsewhere.
_fakes: contextvars.ContextVar[tuple[Any, Any] | None] = contextvars.ContextVar(
    "rustforge_migration_fakes", default=None)
_patch_lock = threading.Lock()
_patch_users = 0
_originals: dict[str, Any] = {}


def _execute_sql(self: peewee.Database, *args: Any, **kwargs: Any) -> Any:
    fakes = _fakes.get()
    if fakes is not None:
        return fakes[0]
    return _originals["execute_sql"](self, *args, **kwargs)


def _select(cls: type[peewee.Model], *args: Any, **kwargs: Any) -> Any:
    fakes = _fakes.get()
    if fakes is not None:
        return fakes[1](*args, **kwargs)
    return _originals["select"].__get__(None, cls)(*args, **kwargs)


def _patch() -> None:
    global _patch_users
    with _patch_lock:
        if _patch_users == 0:
            # Kept for good: a thread may still be inside _execute_sql when the
            # last replay ends and the originals go back.
            _originals.setdefault("execute_sql", peewee.Database.__dict__["execute_sql"])
            _originals.setdefault("select", peewee.Model.__dict__["select"])
            peewee.Database.execute_sql = _execute_sql
            peewee.Model.select = classmethod(_select)
        _patch_users += 1


def _unpatch() -> None:
    global _patch_users
    with _patch_lock:
        _patch_users -= 1
        if _patch_users == 0:
            peewee.Database.execute_sql = _originals["execute_sql"]
            peewee.Model.select = _originals["select"]


@contextlib.contextmanager
def fake_queries() -> Iterator[None]:
    """Mock the queries a migration module runs directly (not via ``migrator``).

    peewee-migrate does the same when it replays migrations; a migration
    that reads data in ``migrate()`` itself (rather than in
    ``migrator.run()``) then sees no rows instead of touching the database.

    NOTE(threads): the methods are peewee's, shared by every thread, so they
    are replaced (for the length of the block, counted across threads) by
    functions that fake only in the context that asked: another thread
    running queries meanwhile (a web request, a job, a ``migrate --tenants``
    worker) reaches the database as usual.
    """
    cursor = mock.Mock()
    cursor.fetchone.return_value = None
    cursor.fetchall.return_value = []
    token = _fakes.set((cursor, mock.MagicMock()))
    _patch()
    try:
        yield
    finally:
        _unpatch()
        _fakes.reset(token)


class AppAwareORM(ORM):
    """peewee-migrate's ORM, safe for two apps with a model of the same name.

    The ORM indexes models by table and by class name; removing ``blog``'s
    ``Post`` must neither drop ``shop``'s ``Post`` from the by-name index nor
    fail when it was already replaced there.
    """

    __slots__ = ()

    def remove(self, model: type[peewee.Model]) -> None:
        del self.__tables__[model._meta.table_name]
        name = model.__name__
        if self.__models__.get(name) is model:
            del self.__models__[name]
            for other in self.__tables__.values():
                if other.__name__ == name:
                    self.__models__[name] = other


class ProjectState:
    """A migrator whose ``orm`` holds the tables of the migrations replayed so far."""

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self.migrator = Migrator(db)
        self.migrator.orm = AppAwareORM()
        self.app_tables: dict[str, list[str]] = {}

    @property
    def orm(self) -> Any:
        return self.migrator.orm

    def tables(self) -> set[str]:
        return set(self.migrator.orm.__tables__)

    def track(self, app: str, before: set[str]) -> None:
        """Attribute tables created by a migration of ``app`` to ``app``."""
        after = self.tables()
        for tables in self.app_tables.values():
            tables[:] = [t for t in tables if t in after]
        owned = self.app_tables.setdefault(app, [])
        owned.extend(sorted(after - before))

    def replay(self, migration: Migration, *, backwards: bool = False) -> None:
        """Update the state as if ``migration`` ran, without any SQL."""
        migrate, rollback = migration.load()
        before = self.tables()
        try:
            with fake_queries():
                (rollback if backwards else migrate)(self.migrator, self.db, fake=True)
        except Exception as exc:
            # Replaying only describes the schema; a failure here means the
            # file refers to something earlier migrations never created.
            raise MigrationError(
                f"cannot replay {migration}: {type(exc).__name__}: {exc}") from exc
        self.migrator.__ops__ = []
        self.track(migration.app, before)

    def models_of(self, app: str) -> list[type[peewee.Model]]:
        tables = self.migrator.orm.__tables__
        return [tables[t] for t in self.app_tables.get(app, []) if t in tables]

    def app_of_table(self, table: str) -> str | None:
        for app, tables in self.app_tables.items():
            if table in tables:
                return app
        return None
