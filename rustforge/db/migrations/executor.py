"""Apply and roll back migrations against a real database.

    executor = Executor(get_database(), MigrationGraph.from_apps(configs))
    steps = executor.plan("blog", "001")      # roll blog back to 001_initial
    executor.run(steps)

Each migration runs in its own transaction together with its history row,
so a failing migration leaves neither half-done schema (PostgreSQL and
SQLite both have transactional DDL) nor a wrong history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import peewee
from playhouse.migrate import Operation

from rustforge.db.migrations.errors import MigrationError, UnknownMigration
from rustforge.db.migrations.history import History
from rustforge.db.migrations.loader import Key, Migration, MigrationGraph
from rustforge.db.migrations.state import ProjectState

Log = Callable[[str], None]


@dataclass(frozen=True)
class Step:
    """One migration to apply (or, when ``backwards``, to roll back)."""

    migration: Migration
    backwards: bool = False

    def __str__(self) -> str:
        return f"{'Unapply' if self.backwards else 'Apply'} {self.migration}"


def _is_schema_callable(op: Any) -> bool:
    # migrator.create_model() queues the model's bound ``create_table``.
    owner = getattr(op, "__self__", None)
    return isinstance(owner, type) and issubclass(owner, peewee.Model)


def python_label(op: Any) -> str:
    """Name of the function behind a ``migrator.run(fn)`` operation."""
    for cell in getattr(op, "__closure__", None) or ():
        value = cell.cell_contents
        if callable(value) and hasattr(value, "__name__"):
            return value.__name__
    return getattr(op, "__name__", repr(op))


def run_operations(migrator: Any, on_python: Callable[[Any], None] | None = None) -> None:
    """Run the operations a migration queued on ``migrator``.

    ``on_python`` replaces running ``migrator.run(fn)`` operations (used to
    print SQL without running arbitrary code).
    """
    ops, migrator.__ops__ = list(migrator.__ops__), []
    for op in ops:
        if isinstance(op, Operation):
            op.run()
        elif on_python is None or _is_schema_callable(op):
            op()
        else:
            on_python(op)


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


class Executor:
    """Plans and runs migrations of a graph against one database."""

    def __init__(self, db: peewee.Database, graph: MigrationGraph, *,
                 log: Log | None = None, record: bool = True) -> None:
        self.db = db
        self.graph = graph
        self.history = History(db)
        self.log: Log = log or (lambda message: None)
        self.record = record
        self.on_python: Callable[[Any], None] | None = None
        self.applied_now: dict[str, list[str]] = {}
        self.rolled_back_now: dict[str, list[str]] = {}

    # Planning -----------------------------------------------------------------------
    def applied(self) -> set[Key]:
        return set(self.history.applied()) if self.record else set()

    def plan(self, app: str | None = None, target: str | None = None,
             applied: set[Key] | None = None) -> list[Step]:
        """Steps that bring ``app`` to ``target`` (all apps to their latest
        migration when ``app`` is None; ``target="zero"`` unapplies them all)."""
        applied = self.applied() if applied is None else applied
        if app is None:
            return [Step(m) for m in self.graph.plan() if m.key not in applied]
        migrations = self.graph.by_app.get(app)
        if not migrations:
            where = ("has no migrations folder (`migrate` creates its tables directly)"
                     if app not in self.graph.sources else "has no migrations yet")
            raise UnknownMigration(f"app {app!r} {where}")
        if target is None:
            return [Step(m) for m in self.graph.ancestors(migrations[-1])
                    if m.key not in applied]
        if target == "zero":
            doomed = self.graph.descendants(migrations[0])
        else:
            node = self.graph.find(app, target)
            if node.key not in applied:
                return [Step(m) for m in self.graph.ancestors(node) if m.key not in applied]
            later = migrations[migrations.index(node) + 1:]
            doomed = self.graph.descendants(later[0]) if later else []
        return [Step(m, backwards=True) for m in reversed(doomed) if m.key in applied]

    # Running ------------------------------------------------------------------------
    def state(self, applied: Iterable[Key]) -> ProjectState:
        """The schema after the ``applied`` migrations (replayed, no SQL)."""
        applied = set(applied)
        state = ProjectState(self.db)
        for migration in self.graph.plan():
            if migration.key in applied:
                state.replay(migration)
        return state

    def run(self, steps: list[Step], *, fake: bool = False,
            state: ProjectState | None = None) -> ProjectState:
        if state is None:
            state = self.state(self.applied())
        for step in steps:
            self.run_step(state, step, fake=fake)
        return state

    def run_step(self, state: ProjectState, step: Step, *, fake: bool = False) -> None:
        migration = step.migration
        started = time.monotonic()
        if fake:
            state.replay(migration, backwards=step.backwards)
            with self.db.atomic():
                self._write_history(step)
        else:
            try:
                with _foreign_keys_off(self.db), self.db.atomic():
                    migrate, rollback = migration.load()
                    before = state.tables()
                    (rollback if step.backwards else migrate)(state.migrator, self.db, fake=False)
                    run_operations(state.migrator, self.on_python)
                    state.track(migration.app, before)
                    _check_foreign_keys(self.db, migration)
                    self._write_history(step)
            except MigrationError:
                raise
            except Exception as exc:
                verb = "rolling back" if step.backwards else "applying"
                detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                raise MigrationError(
                    f"{verb} {migration} failed: {type(exc).__name__}"
                    + (f": {detail}" if detail else "")) from exc
        done = self.rolled_back_now if step.backwards else self.applied_now
        done.setdefault(migration.app, []).append(migration.name)
        suffix = " (fake)" if fake else ""
        self.log(f"  {step}{suffix}... OK ({time.monotonic() - started:.2f}s)")

    def _write_history(self, step: Step) -> None:
        if not self.record:
            return
        if step.backwards:
            self.history.forget(*step.migration.key)
        else:
            self.history.record(*step.migration.key)


class _foreign_keys_off:
    """SQLite: turn foreign keys off around a migration.

    Altering a column on SQLite rebuilds the table (create a copy, copy rows,
    drop the original). With foreign keys on, dropping the original would
    cascade-delete rows of every table that references it. The pragma only
    takes effect outside a transaction, hence this wrapper around ``atomic``.
    """

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self.restore = False

    def __enter__(self) -> None:
        if (is_sqlite(self.db) and not self.db.in_transaction()
                and self.db.execute_sql("PRAGMA foreign_keys").fetchone()[0]):
            self.db.execute_sql("PRAGMA foreign_keys = 0")
            self.restore = True

    def __exit__(self, *exc: object) -> None:
        if self.restore:
            self.db.execute_sql("PRAGMA foreign_keys = 1")


def _check_foreign_keys(db: peewee.Database, migration: Migration) -> None:
    """Refuse to commit a migration that leaves dangling references (SQLite)."""
    if not is_sqlite(db):
        return  # PostgreSQL checks constraints as statements run
    rows = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if rows:
        table, rowid, parent = rows[0][:3]
        raise MigrationError(
            f"{migration} would leave {len(rows)} row(s) referencing missing rows "
            f"(e.g. {table} row {rowid} -> {parent}); nothing was changed")


def unmigrated_models(configs: Iterable[Any]) -> list[type[peewee.Model]]:
    """Models of apps without a migrations folder (their tables are created
    directly, like Django's ``run_syncdb``)."""
    return [model for config in configs if not config.migrations_dir.is_dir()
            for model in config.models]


def split_by_dependency(models: list[type[peewee.Model]]) -> tuple[list, list]:
    """(models that only reference unmigrated models, the others).

    The first group is created before migrations run, the second after, so
    either side may reference the other's tables.
    """
    own = set(models)
    early: list = []
    late: list = []
    for model in peewee.sort_models(models):
        refs = [rel for rel in model._meta.refs.values() if rel is not model]
        if all(ref in own and ref not in late for ref in refs):
            early.append(model)
        else:
            late.append(model)
    return early, late


def current_tables(db: peewee.Database) -> set[str]:
    """Tables of the schema queries go to (``get_tables()`` only sees "public")."""
    if isinstance(db, peewee.PostgresqlDatabase):
        rows = db.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
        return {row[0] for row in rows}
    return set(db.get_tables())


def create_tables(db: peewee.Database, models: list[type[peewee.Model]], log: Log) -> None:
    if not models:
        return
    existing = current_tables(db)
    missing = [m for m in models if m._meta.table_name not in existing]
    try:
        with db.atomic():
            db.create_tables(models, safe=True)
    except peewee.DatabaseError as exc:
        detail = (str(exc).strip().splitlines() or [""])[0]
        raise MigrationError(
            "creating the tables of apps without migrations failed: "
            f"{type(exc).__name__}: {detail}") from exc
    for model in missing:
        log(f"  Create table {model._meta.table_name} (app without migrations)")
