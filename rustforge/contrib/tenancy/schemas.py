"""Schema per tenant on PostgreSQL: names, creation, and the search_path.

With ``TENANCY_SCHEMAS = True`` the tables of the apps in
``TENANCY_SCHEMA_APPS`` live in one schema per tenant; the rest (tenants,
users, sessions...) stay in ``public``. Activating a tenant points the
connection's ``search_path`` at ``"<its schema>", public``, so the same SQL
reaches that tenant's tables and the shared ones.
"""

from __future__ import annotations

from typing import Any

import peewee

from rustforge.conf import settings


def schemas_enabled(db: peewee.Database | None = None) -> bool:
    """True when tenants have their own schemas (setting on, PostgreSQL)."""
    if not settings.TENANCY_SCHEMAS:
        return False
    if db is None:
        from rustforge.db import get_database

        db = get_database()
    return isinstance(db, peewee.PostgresqlDatabase)


def schema_name_for(slug: str) -> str:
    """``tenant_acme_corp`` for ``acme-corp`` (slugs are validated, see models)."""
    return f"{settings.TENANCY_SCHEMA_PREFIX}{slug.replace('-', '_')}"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def set_search_path(db: peewee.Database, schema: str | None) -> None:
    """Point ``db``'s connection at ``schema`` (then ``public``); None: back to the default."""
    if schema:
        db.execute_sql(f"SET search_path TO {quote(schema)}, public")
    else:
        db.execute_sql("RESET search_path")


def schema_exists(db: peewee.Database, schema: str) -> bool:
    row = db.execute_sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
    return row is not None


def create_schema(db: peewee.Database, schema: str) -> None:
    db.execute_sql(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")


def drop_schema(db: peewee.Database, schema: str) -> None:
    db.execute_sql(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")


def schema_apps() -> list[Any]:
    """AppConfigs whose tables live in the tenant schemas."""
    from rustforge.apps import apps

    return [apps.get_app_config(label) for label in settings.TENANCY_SCHEMA_APPS]
