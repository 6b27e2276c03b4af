"""The tenancy app: tenants, row scoping, schema per tenant, and the tenant
carried by jobs, cache keys, mail and logs."""

from __future__ import annotations

from rustforge.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "rustforge.contrib.tenancy"
    label = "tenancy"
    verbose_name = "Multi-tenancy"

    def ready(self) -> None:
        from rustforge.contrib.tenancy import migrating, propagation
        from rustforge.services import services

        propagation.install()
        # `migrate --tenants` finds the schema migrations here, by name.
        services.register("migrations.tenants", migrating.service)
