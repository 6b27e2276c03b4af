"""The tenancy app: tenants, row scoping, schema per tenant, and the tenant
carried by jobs, cache keys, mail and logs."""

from __future__ import annotations

from typing import Any

from rustforge.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "rustforge.contrib.tenancy"
    label = "tenancy"
    verbose_name = "Multi-tenancy"

    def ready(self) -> None:
        from rustforge.contrib.tenancy import hostcache, propagation
        from rustforge.services import services

        propagation.install()
        hostcache.install()  # a Tenant or Domain change makes cached resolutions stale
        # `migrate --tenants` finds the schema migrations here, by name.
        services.register("migrations.tenants", _tenant_migrations)

    def get_commands(self) -> list[Any]:
        from rustforge.contrib.tenancy import commands
        from rustforge.management.options import add_global_option

        # Every command, of any app, runs in a tenant with `--tenant SLUG`.
        # NOTE(memory): registered when the command line asks the apps for their
        # commands (before it reads the global options), not in ready(): click
        # (about 1 MB) stays out of web workers.
        add_global_option(commands.TENANT_OPTION, around=commands.in_tenant)
        return super().get_commands()


def _tenant_migrations() -> Any:
    # NOTE(memory): the migration runner (peewee-migrate, which imports
    # unittest.mock) is loaded when `migrate --tenants` asks for it, not in
    # every process that loads the app (a web worker never migrates).
    from rustforge.contrib.tenancy.migrating import service

    return service()
