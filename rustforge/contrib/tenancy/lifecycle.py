"""Creating and deleting tenants (what ``manage.py tenants`` and tests call).

    from rustforge.contrib.tenancy.lifecycle import create_tenant, delete_tenant

    acme = create_tenant("acme", name="Acme Corp", domains=["shop.acme.org"])
    delete_tenant(acme)          # its rows (or its schema), domains and the tenant go

With ``TENANCY_SCHEMAS`` on, creating a tenant creates its schema and applies
the tenant-schema apps' migrations there; if that fails nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee

from rustforge.contrib.tenancy.errors import TenancyError
from rustforge.contrib.tenancy.models import Domain, Tenant, domain_problem, slug_problem
from rustforge.contrib.tenancy.schemas import drop_schema, schema_name_for, schemas_enabled
from rustforge.db import atomic, get_database
from rustforge.db.scoping import unscoped


def create_tenant(slug: str, *, name: str = "", domains: Iterable[str] = ()) -> Tenant:
    """A new tenant (and its schema when schemas are on); TenancyError on bad input."""
    problem = slug_problem(slug)
    if problem:
        raise TenancyError(problem)
    domains = [d.strip().lower() for d in domains]
    for domain in domains:
        problem = domain_problem(domain)
        if problem:
            raise TenancyError(problem)
    if len(set(domains)) != len(domains):
        raise TenancyError("the same domain is given twice")
    name = (name or slug).strip()
    if not name or len(name) > 200:
        raise TenancyError("the name must be 1 to 200 characters long")
    if Tenant.select().where(Tenant.slug == slug).exists():
        raise TenancyError(f"a tenant {slug!r} already exists")
    taken = [d.domain for d in Domain.select().where(Domain.domain.in_(domains))]
    if taken:
        raise TenancyError(f"the domain {taken[0]!r} already belongs to a tenant")
    db = get_database()
    schema = schema_name_for(slug) if schemas_enabled(db) else ""
    try:
        with atomic():
            tenant = Tenant.create(slug=slug, name=name, schema_name=schema)
            for domain in domains:
                Domain.create(domain=domain, tenant=tenant)
    except peewee.IntegrityError:  # created concurrently
        raise TenancyError(f"a tenant {slug!r} or one of its domains already exists") from None
    if schema:
        result = _migrate_here(db, schema)
        if result.error:
            delete_tenant(tenant)
            raise TenancyError(f"migrating the schema {schema} failed: {result.error}")
    return tenant


def _migrate_here(db: peewee.Database, schema: str):
    # On this connection (inside a transaction, another one would not see
    # the new tenant), then pointed back where it was.
    from rustforge.contrib.tenancy.context import current_tenant
    from rustforge.contrib.tenancy.migrating import migrate_schema_on_connection
    from rustforge.contrib.tenancy.schemas import set_search_path

    try:
        return migrate_schema_on_connection(db, schema)
    finally:
        tenant = current_tenant()
        set_search_path(db, tenant.schema_name if tenant is not None else None)


def scoped_models() -> list[type[Any]]:
    """Every installed tenant-scoped model, children before parents."""
    from rustforge.apps import apps
    from rustforge.contrib.tenancy.scoping import TenantModel

    models = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    return list(reversed(peewee.sort_models(models)))


def delete_tenant(tenant: Tenant) -> None:
    """Delete ``tenant`` with everything it owns."""
    db = get_database()
    with atomic(), unscoped():
        if tenant.schema_name and schemas_enabled(db):
            drop_schema(db, tenant.schema_name)
        else:
            existing = set(db.get_tables())
            for model in scoped_models():
                if model._meta.table_name in existing:
                    model.delete().where(model.tenant == tenant.id).execute()
        Domain.delete().where(Domain.tenant == tenant.id).execute()
        Tenant.delete().where(Tenant.id == tenant.id).execute()
