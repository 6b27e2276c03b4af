"""The SQL a migration runs, captured on a throwaway database.

``sqlmigrate`` and the schema snapshots in the repository's ``migrations/``
folder need the exact statements peewee-migrate sends, including SQLite's
table rebuilds, which read the current table definition first. So the
migrations really run, on a scratch database that is thrown away: an
in-memory SQLite database, or on PostgreSQL a temporary schema inside a
transaction that is always rolled back. The project's tables and history are
never touched, and ``migrator.run(fn)`` Python operations are listed, not run.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import secrets
from collections.abc import Iterator
from typing import Any

import peewee

from rustforge.db.migrations.errors import MigrationError
from rustforge.db.migrations.executor import Executor, Step, python_label
from rustforge.db.migrations.loader import Migration, MigrationGraph
from rustforge.db.migrations.state import ProjectState

# Statements that belong to the machinery, not to the migration.
_SKIP = re.compile(r"^\s*(SELECT|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET)\b", re.IGNORECASE)


class Recorder:
    def __init__(self) -> None:
        self.active = False
        self.statements: list[str] = []

    def add(self, text: str) -> None:
        if self.active:
            self.statements.append(text)


class RecordingMixin:
    recorder: Recorder
    placeholder_style = "?"

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if self.recorder.active and not _SKIP.match(sql):
            self.recorder.add(inline_params(sql, params, self.placeholder_style) + ";")
        return super().execute_sql(sql, params)  # type: ignore[misc]  # the database class it is mixed into


class RecordingSqlite(RecordingMixin, peewee.SqliteDatabase):
    placeholder_style = "?"


class RecordingPostgres(RecordingMixin, peewee.PostgresqlDatabase):
    placeholder_style = "%s"


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    if isinstance(value, (datetime.date, datetime.time)):
        value = value.isoformat(" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return "'" + str(value).replace("'", "''") + "'"


def inline_params(sql: str, params: Any, placeholder: str) -> str:
    """Put parameter values into ``sql`` for display (never for execution)."""
    if not params:
        return sql
    values = iter(params)
    out: list[str] = []
    i, quote = 0, ""
    while i < len(sql):
        char = sql[i]
        if quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif sql.startswith(placeholder, i):
            out.append(_literal(next(values, None)))
            i += len(placeholder)
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


@contextlib.contextmanager
def scratch_database(vendor: str, url: str | None = None) -> Iterator[tuple[Any, Recorder]]:
    """A recording database that leaves nothing behind.

    ``vendor`` "sqlite" needs no URL; "postgresql" needs a URL of a server
    where a temporary schema may be created (it is rolled back).
    """
    recorder = Recorder()
    if vendor == "sqlite":
        db = RecordingSqlite(":memory:", pragmas={"foreign_keys": 1})
        db.recorder = recorder
        try:
            db.connect()
            yield db, recorder
        finally:
            recorder.active = False
            db.close()
        return
    from rustforge.db.backends import PostgresqlDatabase, parse_url

    if not url:
        raise ValueError("a PostgreSQL URL is needed for PostgreSQL SQL")
    cls, name, kwargs = parse_url(url)
    if cls is not PostgresqlDatabase:
        raise ValueError(f"{url!r} is not a PostgreSQL URL")
    kwargs.setdefault("connect_timeout", 5)
    db = RecordingPostgres(name, **kwargs)
    db.recorder = recorder
    schema = f"rf_scratch_{secrets.token_hex(4)}"
    db.connect()
    try:
        with db.atomic() as txn:
            try:
                db.execute_sql(f'CREATE SCHEMA "{schema}"')
            except peewee.DatabaseError as exc:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise MigrationError(
                    "capturing PostgreSQL SQL needs a temporary schema (always rolled "
                    f"back), which could not be created: {reason}") from None
            db.execute_sql(f'SET LOCAL search_path TO "{schema}"')
            try:
                yield db, recorder
            finally:
                recorder.active = False
                txn.rollback()
    finally:
        db.close()


def _executor(db: Any, graph: MigrationGraph, recorder: Recorder) -> Executor:
    executor = Executor(db, graph, record=False)
    executor.on_python = lambda op: recorder.add(
        f"-- Python operation {python_label(op)}() runs here (not shown)")
    return executor


def migration_sql(graph: MigrationGraph, migration: Migration, *, backwards: bool = False,
                  vendor: str = "sqlite", url: str | None = None) -> list[str]:
    """The statements ``migration`` runs (or its rollback, when ``backwards``),
    starting from the schema its dependencies leave."""
    with scratch_database(vendor, url) as (db, recorder):
        executor = _executor(db, graph, recorder)
        state = ProjectState(db)
        before = [Step(m) for m in graph.ancestors(migration) if m is not migration]
        if backwards:
            before.append(Step(migration))
        executor.run(before, state=state)
        recorder.active = True
        executor.run([Step(migration, backwards=backwards)], state=state)
        return list(recorder.statements)


def schema_sql(graph: MigrationGraph, *, vendor: str = "sqlite",
               url: str | None = None) -> list[tuple[Migration, list[str]]]:
    """Every migration of ``graph`` in plan order with the statements it runs."""
    out: list[tuple[Migration, list[str]]] = []
    with scratch_database(vendor, url) as (db, recorder):
        executor = _executor(db, graph, recorder)
        state = ProjectState(db)
        for migration in graph.plan():
            recorder.statements = []
            recorder.active = True
            executor.run([Step(migration)], state=state)
            recorder.active = False
            out.append((migration, list(recorder.statements)))
    return out
