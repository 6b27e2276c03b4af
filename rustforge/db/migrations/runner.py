"""What the commands and the test plugin call: migrate, show, connect."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee

from rustforge.db.migrations.errors import DatabaseUnreachable, MigrationError
from rustforge.db.migrations.executor import (
    Executor,
    Log,
    create_tables,
    split_by_dependency,
    unmigrated_models,
)
from rustforge.db.migrations.loader import MigrationGraph
from rustforge.db.migrations.lock import migration_lock


def installed_apps() -> list[Any]:
    from rustforge.apps import apps

    apps.populate()
    return apps.get_app_configs()


def resolve_app(label: str) -> Any:
    """The AppConfig of ``label``; a one-line error with a suggestion otherwise."""
    from rustforge.apps import apps

    apps.populate()
    try:
        return apps.get_app_config(label)
    except LookupError as exc:
        raise MigrationError(str(exc)) from None


def describe(db: peewee.Database) -> str:
    if isinstance(db, peewee.PostgresqlDatabase):
        params = db.connect_params
        host = params.get("host", "localhost")
        return f"PostgreSQL database {db.database!r} on {host}:{params.get('port', 5432)}"
    return f"SQLite database {db.database!r}"


def connect() -> peewee.Database:
    """The project database, connected; ``DatabaseUnreachable`` if it cannot be."""
    from rustforge.db import get_database

    db = get_database()
    try:
        db.connect(reuse_if_open=True)
        # A kept connection may have died; this also proves the server answers.
        db.execute_sql("SELECT 1")
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DatabaseUnreachable(f"cannot connect to the {describe(db)}: {reason}") from None
    return db


def migrate(app: str | None = None, target: str | None = None, *, fake: bool = False,
            log: Log | None = None, run_syncdb: bool = True) -> Executor:
    """Bring the database to the latest migrations (or ``app`` to ``target``).

    Takes the migration lock, so concurrent callers serialise and the later
    ones find nothing left to do. Creates the tables of apps that have no
    migrations folder. Sends ``migrations_applied`` once per installed app.
    """
    from rustforge.events.signals import migrations_applied

    configs = installed_apps()
    if app is not None:
        resolve_app(app)
    log = log or (lambda message: None)
    db = connect()
    graph = MigrationGraph.from_apps(configs)
    executor = Executor(db, graph, log=log)
    early, late = split_by_dependency(unmigrated_models(configs)) if run_syncdb else ([], [])
    with migration_lock(db, on_wait=lambda: log("Waiting for another migrate to finish...")):
        executor.history.ensure()
        # Planned only now, under the lock: what another process applied
        # while this one waited is not applied twice.
        steps = executor.plan(app, target)
        create_tables(db, early, log)
        if steps:
            executor.run(steps, fake=fake)
        create_tables(db, late, log)
    for config in configs:
        migrations_applied.send(
            config, app_label=config.label,
            names=executor.applied_now.get(config.label, []),
            rolled_back=executor.rolled_back_now.get(config.label, []))
    return executor


def migrate_all(verbosity: int = 0) -> Executor:
    """Apply every app's migrations and create tables of unmigrated apps.

    The test plugin calls this to build the test database.

        >>> from rustforge.db.migrations import migrate_all
        >>> migrate_all(verbosity=1)        # doctest: +SKIP
    """
    import click

    return migrate(log=click.echo if verbosity > 0 else None)


def show(labels: Iterable[str] = ()) -> list[tuple[Any, list[tuple[str, bool]], list[str]]]:
    """Per app: ``(config, [(migration name, applied)], [applied names without a file])``.

    Reads the history without creating anything.
    """
    from rustforge.db.migrations.history import History

    configs = installed_apps()
    wanted = [resolve_app(label) for label in labels] or configs
    db = connect()
    applied = History(db).applied()
    graph = MigrationGraph.from_apps(configs)
    rows = []
    for config in wanted:
        migrations = graph.by_app.get(config.label, [])
        names = {m.name for m in migrations}
        orphans = sorted(name for app, name in applied if app == config.label and name not in names)
        rows.append((config, [(m.name, m.key in applied) for m in migrations], orphans))
    return rows


def pending() -> list[str]:
    """Migrations not applied yet, in plan order (``["blog.002_tags", ...]``).

    For commands that want to warn, like ``runserver``; reads without changing
    anything and raises ``DatabaseUnreachable`` when the database is down.
    """
    from rustforge.db.migrations.history import History

    graph = MigrationGraph.from_apps(installed_apps())
    applied = History(connect()).applied()
    return [str(m) for m in graph.plan() if m.key not in applied]
