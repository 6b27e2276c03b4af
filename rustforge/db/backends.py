"""Database classes built from a URL, with the lifecycle RustForge promises.

* A connection is opened by the first query of a thread and then kept for
  that thread: no connect, close or ping per request.
* A dead connection (server restart, ``pg_terminate_backend``, idle timeout)
  is detected when a statement fails outside a transaction; it is dropped and
  the statement is retried once on a fresh connection.
* Tests can block database access (see ``rustforge.testing``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from time import perf_counter
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee

from rustforge import metrics
from rustforge.exceptions import DatabaseAccessBlocked, ImproperlyConfigured


class AccessGate:
    """Process-wide switch the test plugin flips to block database use."""

    blocked = False
    reason = ""


gate = AccessGate()

# What peewee's execute path uses, looked up once (see LifecycleMixin._run).
_query_log = peewee.logger
_DEBUG = 10  # logging.DEBUG
_driver_errors = getattr(peewee, "__exception_wrapper__")  # noqa: B009 - a dunder-named global


class _Savepoint(peewee._savepoint):
    """A savepoint that forgets the on-commit callbacks registered inside it when it rolls back.

    peewee keeps one flat list of after-commit callbacks per connection and
    knows nothing of savepoints, so work registered inside a rolled-back nested
    ``atomic()`` would still run when the outer transaction commits.
    """

    def _begin(self):
        self._callbacks_at = len(self.db._state.commit_callbacks)
        super()._begin()

    def rollback(self, begin=True):
        super().rollback(begin=False)
        del self.db._state.commit_callbacks[self._callbacks_at:]
        if begin:
            self._begin()


class _ConnectionState(peewee._ConnectionState):
    """peewee's per-thread connection state, plus the cursor kept for the
    connection (``execute_sql(..., reuse_cursor=True)``): a new or a dropped
    connection forgets it."""

    cursor: Any

    def reset(self):
        super().reset()
        self.cursor = None

    def set_connection(self, conn):
        super().set_connection(conn)
        self.cursor = None


class _ConnectionLocal(_ConnectionState, threading.local):
    pass


class LifecycleMixin:
    """Reconnect-on-failure, the test access gate and savepoint-aware on-commit
    callbacks, shared by all backends."""

    # Provided by peewee's Database and by each backend class below.
    _state: Any
    thread_safe: bool
    _transaction_open: Callable[[Any], bool]
    _rollback_raw: Callable[[Any], None]

    # Whether execute_sql(..., reuse_cursor=True) keeps one cursor per
    # connection (see execute_sql); a backend whose cursors hold nothing on
    # the server once read says so.
    reuses_cursors = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._state = _ConnectionLocal() if self.thread_safe else _ConnectionState()

    def savepoint(self):
        return _Savepoint(self)

    # Transactions that outlive a request on purpose: the ``db`` test fixture
    # wraps each test in one, which request ends must not roll back.
    kept_transactions = 0

    def execute_sql(self, sql, params=None, reuse_cursor=False):
        """peewee's ``execute_sql`` (log, connect if needed, run, wrap driver
        errors in peewee's), timed for the metrics; a dead connection that
        fails outside a transaction is replaced and the statement run once more.

        ``reuse_cursor=True`` runs the statement on a cursor kept for the
        thread's connection (when the backend keeps one, see
        ``reuses_cursors``) instead of a new one. Only for a caller that reads
        what it needs from the cursor (``fetchone()``, ``fetchall()``,
        ``rowcount``) before anything else can run a statement on this
        thread, and never closes it: the next such statement replaces the
        results. The fast path's own statements are run this way.

        PERF: one frame for the whole path. peewee spends five Python calls
        per statement getting to the driver (``execute_sql``,
        ``_execute_cursor``, ``_log_query``, ``cursor``, ``is_closed``), and
        every statement of every request pays them while holding the GIL;
        its exception wrapper is a context manager (two more calls), here a
        ``try`` that costs nothing until a driver error. A psycopg2 cursor
        costs about 6,000 instructions to make and free.
        With query hooks installed, peewee's own path runs.
        """
        if gate.blocked:
            raise DatabaseAccessBlocked(gate.reason)
        start = perf_counter()
        retried = False
        try:
            while True:
                try:
                    if self.query_hooks:
                        return super().execute_sql(sql, params)
                    # PERF: the logger's own cache of isEnabledFor() answers (which
                    # setLevel() and logging.disable() clear) read without the call;
                    # a level not answered yet asks the logger.
                    if (_query_log._cache.get(_DEBUG) is not False
                            and _query_log.isEnabledFor(_DEBUG)):
                        _query_log.debug((sql, params))
                    state = self._state
                    # A kept cursor that is still open means an open connection
                    # (a new or dropped one forgets its cursor): the connection
                    # is only looked at without one.
                    keep = reuse_cursor and self.reuses_cursors
                    cursor = state.cursor if keep else None
                    if cursor is None or cursor.closed:
                        cursor = None
                        if state.closed:
                            if not self.autoconnect:
                                raise peewee.InterfaceError("Error, database connection not opened.")
                            self.connect()
                    try:
                        if cursor is None:
                            cursor = state.conn.cursor()
                            if keep:
                                state.cursor = cursor
                        cursor.execute(sql, params or ())
                    except Exception as exc:
                        # peewee's exception wrapper: a driver error as peewee's.
                        _driver_errors.__exit__(type(exc), exc, exc.__traceback__)
                        raise
                    return cursor
                except (peewee.OperationalError, peewee.InterfaceError):
                    # Inside a transaction the work done so far is gone with the
                    # connection: replaying one statement would be wrong, so raise.
                    if retried or self.in_transaction() or self.is_connection_usable():
                        raise
                    self.discard_connection()
                    retried = True
        finally:
            metrics.count_query(start)

    def discard_connection(self) -> None:
        """Drop this thread's connection, closing it if it still can be."""
        conn = self._state.conn
        self._state.reset()
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001, S110 - it is being thrown away anyway
                pass

    def rollback_open_transaction(self) -> None:
        """End a transaction a request left open (called at request end)."""
        state = self._state
        if state.conn is None:
            return
        if self.kept_transactions:
            while len(state.transactions) > self.kept_transactions:
                state.transactions.pop().rollback()
            return
        if state.transactions or self._transaction_open(state.conn):
            state.transactions.clear()
            state.commit_callbacks.clear()
            try:
                self._rollback_raw(state.conn)
            except Exception:  # noqa: BLE001 - a connection that cannot roll back is dropped
                self.discard_connection()


def takes_reuse_cursor(db: Any) -> bool:
    """Whether ``db.execute_sql`` takes ``reuse_cursor`` (a RustForge backend
    whose ``execute_sql`` is not overridden)."""
    return getattr(type(db), "execute_sql", None) is LifecycleMixin.execute_sql


class SqliteDatabase(LifecycleMixin, peewee.SqliteDatabase):
    vendor = "sqlite"

    def _transaction_open(self, conn) -> bool:
        return conn.in_transaction

    def _rollback_raw(self, conn) -> None:
        conn.rollback()

    def is_connection_usable(self):
        return not self._state.closed


class PostgresqlDatabase(LifecycleMixin, peewee.PostgresqlDatabase):
    vendor = "postgresql"
    # psycopg2's cursors are client-side: ``execute`` brings every row over,
    # and the next ``execute`` on the cursor replaces them. (An SQLite cursor
    # left on an unfinished SELECT keeps its statement, and a read
    # transaction, open on the database: SQLite gets a new cursor each time.)
    reuses_cursors = True

    def _transaction_open(self, conn) -> bool:
        return conn.get_transaction_status() != 0  # psycopg2 TRANSACTION_STATUS_IDLE

    def _rollback_raw(self, conn) -> None:
        conn.cursor().execute("ROLLBACK")

    def is_connection_usable(self):
        conn = self._state.conn
        return conn is not None and not conn.closed


def neutralise_inherited(db: peewee.Database) -> None:
    """Make a connection inherited across ``fork()`` harmless in the child.

    The socket is shared with the parent. Closing it the polite way would
    send PostgreSQL's Terminate message and end the parent's session, so its
    file descriptor is pointed at /dev/null first; whatever the driver writes
    on close then goes nowhere.
    """
    conn = db._state.conn
    db._state.reset()
    if conn is None:
        return
    fileno = getattr(conn, "fileno", None)
    if callable(fileno):
        try:
            fd = fileno()
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, fd)
            os.close(null)
        except Exception:  # noqa: BLE001, S110 - best effort; the reference below still protects
            pass
    _inherited.append(conn)


# Inherited connections are kept referenced so their finalisers never run
# against a socket that is still the parent's.
_inherited: list[Any] = []


def parse_url(url: str) -> tuple[type[peewee.Database], str, dict[str, Any]]:
    """Split a DATABASE_URL into (class, database name, connect kwargs)."""
    if not url or "://" not in url:
        raise ImproperlyConfigured(
            f"DATABASE_URL {url!r} is not a URL; use sqlite:///path.db or "
            "postgresql://user:password@host:5432/name"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    options = dict(parse_qsl(parts.query))
    if scheme in ("sqlite", "sqlite3"):
        path = unquote(url.split("://", 1)[1].split("?", 1)[0])
        # sqlite:///relative.db and sqlite:////absolute.db, like SQLAlchemy.
        path = path.removeprefix("/")
        return SqliteDatabase, path or ":memory:", options
    if scheme in ("postgres", "postgresql", "postgresql+psycopg2"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no database")
        kwargs: dict[str, Any] = dict(options)
        if parts.hostname:
            kwargs["host"] = parts.hostname
        if parts.port:
            kwargs["port"] = parts.port
        if parts.username:
            kwargs["user"] = unquote(parts.username)
        if parts.password:
            kwargs["password"] = unquote(parts.password)
        return PostgresqlDatabase, name, kwargs
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite or postgresql)"
    )


def create_database(url: str, options: dict | None = None,
                    busy_timeout: float = 5.0) -> peewee.Database:
    cls, name, kwargs = parse_url(url)
    kwargs.update(options or {})
    if cls is SqliteDatabase:
        pragmas = {"journal_mode": "wal", "foreign_keys": 1,
                   "busy_timeout": int(busy_timeout * 1000), "synchronous": "normal"}
        pragmas.update(kwargs.pop("pragmas", {}))
        kwargs.setdefault("timeout", busy_timeout)
        kwargs.setdefault("check_same_thread", False)
        if name != ":memory:":
            name = os.path.abspath(name)
        return cls(name, pragmas=pragmas, **kwargs)
    kwargs.setdefault("connect_timeout", 5)
    return cls(name, **kwargs)
