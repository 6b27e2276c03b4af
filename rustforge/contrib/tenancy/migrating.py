"""``migrate --tenants``: the tenant-schema apps' migrations, in every tenant's schema.

Each schema is migrated on its own connection, ``TENANCY_MIGRATE_PARALLEL``
(or ``--parallel``) at a time, each under its own advisory lock (two
``migrate --tenants`` at once serialise per schema, not globally). A schema
keeps its own ``rustforge_migrations`` history; the migrations of shared
apps count as applied there (they live in ``public``), so only the apps of
``TENANCY_SCHEMA_APPS`` run. One failing schema does not stop the others;
the summary counts them and the command exits non-zero.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import peewee

from rustforge.conf import settings
from rustforge.contrib.tenancy.schemas import (
    create_schema,
    quote,
    schema_apps,
    schemas_enabled,
    set_search_path,
)
from rustforge.db.migrations.errors import MigrationError
from rustforge.db.migrations.executor import Executor, create_tables, unmigrated_models
from rustforge.db.migrations.loader import MigrationGraph
from rustforge.db.migrations.lock import ADVISORY_KEY

Log = Callable[[str], None]


@dataclass
class SchemaResult:
    schema: str
    applied: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


def _shared_keys(graph: MigrationGraph, tenant_labels: set[str]) -> set[tuple[str, str]]:
    return {key for key in graph.nodes if key[0] not in tenant_labels}


def migrate_schema_on_connection(db: peewee.Database, schema: str) -> SchemaResult:
    """Bring one tenant schema up to date on the connection of this thread,
    leaving its search_path on the schema. Errors are reported in the result."""
    from rustforge.apps import apps

    started = time.monotonic()
    result = SchemaResult(schema)
    configs = schema_apps()
    labels = {c.label for c in configs}
    graph = MigrationGraph.from_apps(apps.get_app_configs())
    try:
        db.execute_sql("SELECT pg_advisory_lock(%s, hashtext(%s))", (ADVISORY_KEY, schema))
        try:
            create_schema(db, schema)
            # The history table must be the schema's own: look for it (and
            # create it) with the schema alone on the path, or public's
            # history would be found and taken for this schema's.
            db.execute_sql(f"SET search_path TO {quote(schema)}")
            executor = Executor(db, graph)
            executor.history.ensure()
            set_search_path(db, schema)
            applied = executor.applied() | _shared_keys(graph, labels)
            steps = executor.plan(applied=applied)
            if steps:
                executor.run(steps, state=executor.state(applied))
            create_tables(db, unmigrated_models(configs), lambda message: None)
            result.applied = [f"{app}.{name}" for app, names in executor.applied_now.items()
                              for name in names]
        finally:
            with contextlib.suppress(peewee.DatabaseError):
                db.execute_sql("SELECT pg_advisory_unlock(%s, hashtext(%s))",
                               (ADVISORY_KEY, schema))
    except MigrationError as exc:
        result.error = str(exc)
    except peewee.DatabaseError as exc:
        result.error = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
    result.seconds = time.monotonic() - started
    return result


def migrate_schema(db: peewee.Database, schema: str) -> SchemaResult:
    """:func:`migrate_schema_on_connection` on a connection of its own (a worker thread)."""
    db.connect(reuse_if_open=True)
    try:
        return migrate_schema_on_connection(db, schema)
    finally:
        with contextlib.suppress(peewee.DatabaseError):
            if db.in_transaction():
                db.rollback_open_transaction()
            set_search_path(db, None)  # a pooled connection goes back clean
        db.close()


def tenant_schemas() -> list[str]:
    """The schema of every tenant, active or not, in slug order."""
    from rustforge.contrib.tenancy.models import Tenant

    return [t.schema_name for t in Tenant.select().order_by(Tenant.slug) if t.schema_name]


def run(parallel: int | None = None, log: Log | None = None, err: Log | None = None,
        schemas: list[str] | None = None) -> int:
    """Migrate every tenant schema (or ``schemas``); returns how many failed.

    This is the ``migrations.tenants`` service ``migrate --tenants`` calls.
    """
    from rustforge.db import get_database

    log = log or (lambda message: None)
    err = err or log
    db = get_database()
    if not settings.TENANCY_SCHEMAS:
        log("TENANCY_SCHEMAS is off: tenants share the tables; no tenant schema to migrate.")
        return 0
    if not schemas_enabled(db):
        raise MigrationError("TENANCY_SCHEMAS needs PostgreSQL; the database is "
                             f"{type(db).__name__}")
    if not settings.TENANCY_SCHEMA_APPS:
        raise MigrationError("TENANCY_SCHEMAS is on but TENANCY_SCHEMA_APPS lists no app")
    try:
        schema_apps()
    except LookupError as exc:
        raise MigrationError(f"TENANCY_SCHEMA_APPS: {exc}") from None
    names = tenant_schemas() if schemas is None else list(schemas)
    if not names:
        log("No tenant schemas to migrate.")
        return 0
    workers = max(1, min(parallel or settings.TENANCY_MIGRATE_PARALLEL, len(names)))
    log(f"Migrating {len(names)} tenant schema(s), {workers} at a time:")
    lock = threading.Lock()
    done = 0
    results: list[SchemaResult] = []
    with concurrent.futures.ThreadPoolExecutor(workers, "tenant-migrate") as pool:
        futures = [pool.submit(migrate_schema, db, name) for name in names]
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            with lock:
                done += 1
                results.append(result)
                where = f"  [{done}/{len(names)}] {result.schema}"
                if result.error:
                    err(f"{where}: FAILED: {result.error}")
                elif result.applied:
                    log(f"{where}: applied {', '.join(result.applied)} ({result.seconds:.2f}s)")
                else:
                    log(f"{where}: up to date")
    failed = sum(1 for r in results if r.error)
    migrated = sum(1 for r in results if r.applied and not r.error)
    log(f"Tenant schemas: {migrated} migrated, {len(results) - migrated - failed} up to date, "
        f"{failed} failed.")
    return failed


def service() -> Any:
    return run
