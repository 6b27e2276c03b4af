"""Create, empty and tear down the test database."""

from __future__ import annotations

import os
import tempfile

import peewee

TEST_DATABASE_ENV = "RUSTFORGE_TEST_DATABASE_URL"


def test_database_url(tmpdir: str | None = None) -> str:
    """RUSTFORGE_TEST_DATABASE_URL, or a fresh SQLite file.

    The project's own DATABASE_URL is never used for tests, so a test run can
    never empty a real database.
    """
    url = os.environ.get(TEST_DATABASE_ENV)
    if url:
        return url
    folder = tmpdir or tempfile.mkdtemp(prefix="rustforge-test-")
    return f"sqlite:///{os.path.join(folder, 'test.sqlite3')}"


def vendor_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def extra_schemas(db: peewee.Database) -> list[str]:
    """PostgreSQL schemas besides ``public`` and the system's own (e.g. one
    per tenant); ``[]`` on SQLite."""
    if db.vendor != "postgresql":
        return []
    rows = db.execute_sql(
        "SELECT nspname FROM pg_namespace WHERE nspname <> 'public' "
        "AND nspname <> 'information_schema' AND left(nspname, 3) <> 'pg_' "
        "ORDER BY nspname").fetchall()
    return [row[0] for row in rows]


def drop_schemas(db: peewee.Database, names: list[str] | None = None) -> None:
    """Drop PostgreSQL schemas with everything in them (default: every
    schema of :func:`extra_schemas`, so tenant schemas of one test never
    reach the next)."""
    for name in extra_schemas(db) if names is None else names:
        quoted = name.replace('"', '""')
        db.execute_sql(f'DROP SCHEMA IF EXISTS "{quoted}" CASCADE')


def drop_everything(db: peewee.Database) -> None:
    """Empty the test database: every table, view, sequence and schema goes."""
    if db.vendor == "postgresql":
        drop_schemas(db)
        db.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
        return
    for table in db.get_tables():
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')


def create_schema() -> None:
    """Apply every app's migrations, then create tables of unmigrated models."""
    from rustforge.apps import apps
    from rustforge.db import get_database
    from rustforge.db.migrations import migrate_all

    db = get_database()
    migrate_all(verbosity=0)
    db.create_tables(apps.get_models(), safe=True)


def flush(db: peewee.Database) -> None:
    """Delete every row of every model table (children before parents),
    whatever row scope (tenancy) the models have."""
    from rustforge.apps import apps
    from rustforge.db.scoping import unscoped

    models = peewee.sort_models(apps.get_models())
    existing = set(db.get_tables())
    with db.atomic(), unscoped():
        for model in reversed(models):
            if model._meta.table_name in existing:
                model.delete().execute()
    if db.vendor == "postgresql":
        for model in models:
            pk = model._meta.primary_key
            if isinstance(pk, peewee.AutoField) and model._meta.table_name in existing:
                db.execute_sql(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)",
                    (model._meta.table_name, pk.column_name))
