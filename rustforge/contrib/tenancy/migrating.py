"""``migrate --tenants``: the tenant-schema apps' migrations, in every tenant's schema.

Every schema's steps are planned first, one after the other; then each
schema is migrated on its own connection, ``TENANCY_MIGRATE_PARALLEL`` (or
``--parallel``) at a time, each under its own advisory lock (two
``migrate --tenants`` at once serialise per schema, not globally). A schema
keeps its own ``rustforge_migrations`` history; the migrations of shared
apps count as applied there (they live in ``public``), so only the apps of
``TENANCY_SCHEMA_APPS`` run. One failing schema does not stop the others;
the summary counts them and the command exits non-zero.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
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


@dataclass
class SchemaPlan:
    """What one schema needs, worked out before any schema is migrated."""

    schema: str
    executor: Executor
    applied: set[tuple[str, str]]
    steps: list[Any]
    state: Any


def plan_schema(db: peewee.Database, schema: str) -> SchemaPlan:
    """Read ``schema``'s history and work out its steps, on this thread's connection.

    NOTE: working out the schema state replays migrations with peewee's
    queries faked (``rustforge.db.migrations.state.fake_queries``), in the
    replaying thread only: other threads (the worker threads, a web worker's
    requests when ``tenants create`` runs in one) keep running real SQL.
    Plans are still made here one after the other: they are cheap, and a
    schema's history is read on this connection.
    """
    from rustforge.apps import apps

    labels = {c.label for c in schema_apps()}
    graph = MigrationGraph.from_apps(apps.get_app_configs())
    executor = Executor(db, graph)
    # The schema alone on the path: public's history must not be taken for its own.
    db.execute_sql(f"SET search_path TO {quote(schema)}")
    try:
        applied = executor.applied() | _shared_keys(graph, labels)
    finally:
        set_search_path(db, None)
    steps = executor.plan(applied=applied)
    state = executor.state(applied) if steps else None
    return SchemaPlan(schema, executor, applied, steps, state)


def apply_plan(db: peewee.Database, plan: SchemaPlan) -> SchemaResult:
    """Migrate one schema as planned on this thread's connection, leaving its
    search_path on the schema. Errors are reported in the result."""
    started = time.monotonic()
    schema = plan.schema
    result = SchemaResult(schema)
    executor = Executor(db, plan.executor.graph)
    try:
        db.execute_sql("SELECT pg_advisory_lock(%s, hashtext(%s))", (ADVISORY_KEY, schema))
        try:
            create_schema(db, schema)
            db.execute_sql(f"SET search_path TO {quote(schema)}")
            executor.history.ensure()  # created in the schema, its own
            set_search_path(db, schema)
            labels = {c.label for c in schema_apps()}
            applied = executor.applied() | _shared_keys(executor.graph, labels)
            if applied != plan.applied:
                result.error = ("its history changed while the migrations were planned "
                                "(another migrate?); run migrate --tenants again")
            else:
                if plan.steps:
                    executor.run(plan.steps, state=plan.state)
                create_tables(db, unmigrated_models(schema_apps()), lambda message: None)
                result.applied = [f"{app}.{name}" for app, names in
                                  executor.applied_now.items() for name in names]
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


def migrate_schema_on_connection(db: peewee.Database, schema: str) -> SchemaResult:
    """Plan and migrate one schema on this thread's connection (one tenant)."""
    try:
        plan = plan_schema(db, schema)
    except (MigrationError, peewee.DatabaseError) as exc:
        return SchemaResult(schema, error=f"planning failed: {exc}")
    return apply_plan(db, plan)


def _apply_on_own_connection(db: peewee.Database, plan: SchemaPlan) -> SchemaResult:
    """:func:`apply_plan` on a connection of its own (a worker thread)."""
    db.connect(reuse_if_open=True)
    try:
        return apply_plan(db, plan)
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
    plans, results = [], []
    for name in names:
        try:
            plans.append(plan_schema(db, name))
        except (MigrationError, peewee.DatabaseError) as exc:
            results.append(SchemaResult(name, error=f"planning failed: {exc}"))
    done = 0
    for result in results:
        done += 1
        err(f"  [{done}/{len(names)}] {result.schema}: FAILED: {result.error}")
    with concurrent.futures.ThreadPoolExecutor(workers, "tenant-migrate") as pool:
        futures = [pool.submit(_apply_on_own_connection, db, plan) for plan in plans]
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
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
