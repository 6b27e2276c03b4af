"""The project database: a lazy proxy every model is bound to."""

from __future__ import annotations

import peewee

from rustforge.conf import settings
from rustforge.db.backends import create_database, neutralise_inherited
from rustforge.services import services


class LazyDatabase(peewee.DatabaseProxy):
    """Resolves to the ``db`` service on first use, and again after a reset."""

    def __getattr__(self, attr):
        return getattr(self._resolve(), attr)

    def _resolve(self) -> peewee.Database:
        if self.obj is None:
            self.initialize(services.get("db"))
        return self.obj

    # peewee's proxy forwards these through self.obj directly.
    def __enter__(self):
        return self._resolve().__enter__()

    def __exit__(self, *exc):
        return self._resolve().__exit__(*exc)

    def savepoint(self):
        # peewee's proxy builds a plain savepoint; the backend's own keeps the
        # on-commit callbacks of a rolled-back savepoint from running.
        return self._resolve().savepoint()


database = LazyDatabase()


def _create() -> peewee.Database:
    return create_database(settings.DATABASE_URL, settings.DATABASE_OPTIONS,
                           settings.SQLITE_BUSY_TIMEOUT)


def _close(db: peewee.Database) -> None:
    database.initialize(None)
    if not db.is_closed():
        if db.in_transaction():
            db.rollback_open_transaction()
        db.close()


def _after_fork(db: peewee.Database) -> None:
    database.initialize(None)
    neutralise_inherited(db)


services.register("db", _create, close=_close, after_fork=_after_fork,
                  settings={"DATABASE_URL", "DATABASE_OPTIONS", "SQLITE_BUSY_TIMEOUT"})


def get_database() -> peewee.Database:
    """The concrete database of this process (creating it if needed)."""
    return database._resolve()


def end_request() -> None:
    """Roll back a transaction a request left open; keep the connection."""
    db = database.obj
    if db is None:
        return
    state = db._state
    conn = state.conn
    # PERF: rollback_open_transaction()'s own first look, here: most requests
    # end with no transaction open, and this runs at the end of every one.
    if conn is not None and (state.transactions or (
            not db.kept_transactions and db._transaction_open(conn))):
        db.rollback_open_transaction()


def atomic(*args, **kwargs):
    """A transaction (or a savepoint when nested), as decorator or context manager."""
    return database.atomic(*args, **kwargs)


def on_commit(fn):
    """Run ``fn`` after the current transaction commits; now when none is open.

    Nothing runs when the transaction rolls back.
    """
    return get_database().after_commit(fn)
