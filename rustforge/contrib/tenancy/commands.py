"""``manage.py tenants create/list/delete``, and ``manage.py --tenant SLUG <command>``."""

from __future__ import annotations

from typing import Any

import click

from rustforge.management import CommandError


@click.group("tenants")
def tenants() -> None:
    """Create, list and delete tenants."""


def _db_error(exc: Exception) -> CommandError:
    return CommandError(f"database error: {(str(exc).strip().splitlines() or [''])[0]} "
                        "(has `migrate` run?)")


@tenants.command("create")
@click.argument("slug")
@click.option("--name", default="", help="Display name (default: the slug).")
@click.option("--domain", "domains", multiple=True,
              help="A custom domain of the tenant (repeatable).")
def create(slug: str, name: str, domains: tuple[str, ...]) -> None:
    """Create tenant SLUG (and its schema when TENANCY_SCHEMAS is on)."""
    from peewee import DatabaseError

    from rustforge.contrib.tenancy.errors import TenancyError
    from rustforge.contrib.tenancy.lifecycle import create_tenant

    try:
        tenant = create_tenant(slug, name=name, domains=domains)
    except TenancyError as exc:
        raise CommandError(str(exc)) from None
    except DatabaseError as exc:
        raise _db_error(exc) from None
    where = f" in schema {tenant.schema_name}" if tenant.schema_name else ""
    click.echo(f"Tenant {tenant.slug!r} created{where}.")


@tenants.command("list")
def list_() -> None:
    """List tenants: slug, name, state, schema and domains."""
    from peewee import DatabaseError, prefetch

    from rustforge.contrib.tenancy.models import Domain, Tenant

    try:
        rows = list(prefetch(Tenant.select().order_by(Tenant.slug), Domain))
    except DatabaseError as exc:
        raise _db_error(exc) from None
    if not rows:
        click.echo("No tenants.")
        return
    for tenant in rows:
        state = "active" if tenant.is_active else "inactive"
        domains = ", ".join(sorted(d.domain for d in tenant.domains)) or "-"
        click.echo(f"{tenant.slug}\t{tenant.name}\t{state}\t{tenant.schema_name or '-'}\t{domains}")


@tenants.command("delete")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(slug: str, yes: bool) -> None:
    """Delete tenant SLUG with all of its data (or its schema)."""
    from peewee import DatabaseError

    from rustforge.contrib.tenancy.lifecycle import delete_tenant
    from rustforge.contrib.tenancy.models import Tenant

    try:
        tenant = Tenant.get_or_none(Tenant.slug == slug)
    except DatabaseError as exc:
        raise _db_error(exc) from None
    if tenant is None:
        raise CommandError(f"no tenant {slug[:60]!r}")
    if not yes and not click.confirm(f"Delete tenant {slug!r} and all of its data?"):
        raise CommandError("not deleted")
    delete_tenant(tenant)
    click.echo(f"Tenant {slug!r} deleted.")


# Commands that must not run inside one tenant: the shared schema's
# migrations, tenant management itself, and long-running servers whose
# requests and jobs each bring their own tenant.
NOT_IN_A_TENANT = {
    "migrate": "use `migrate --tenants` for the tenant schemas",
    "makemigrations": "migrations are written for every tenant",
    "sqlsnapshot": "the snapshot is of the shared schema",
    "tenants": "it manages the tenants themselves",
    "runserver": "each request is resolved to its own tenant",
    "rqworker": "each job runs in the tenant it was enqueued from",
    "jobs": "it shows every tenant's jobs (the /_jobs/ dashboard shows one tenant's)",
}

TENANT_OPTION = click.Option(
    ["--tenant"], metavar="SLUG",
    help="Run the command inside this tenant (its rows, schema, cache keys, jobs and mail).")


def in_tenant(slug: str, command: str) -> Any:
    """``--tenant SLUG``: the command runs with the tenant active."""
    from peewee import DatabaseError

    from rustforge.contrib.tenancy.context import use_tenant
    from rustforge.contrib.tenancy.models import Tenant, slug_problem

    if command in NOT_IN_A_TENANT:
        raise CommandError(f"--tenant does not apply to {command}: {NOT_IN_A_TENANT[command]}")
    if slug_problem(slug) is not None:
        raise CommandError(f"no active tenant {slug[:60]!r}")
    try:
        tenant = Tenant.get_or_none((Tenant.slug == slug) & (Tenant.is_active == True))
    except DatabaseError as exc:
        raise _db_error(exc) from None
    if tenant is None:
        raise CommandError(f"no active tenant {slug!r}")
    return use_tenant(tenant)


commands = [tenants]
