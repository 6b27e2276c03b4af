"""Multi-tenancy: tenants resolved per request, tenant-scoped models, and
optionally one PostgreSQL schema per tenant. See ``docs/tenancy.md``.

    INSTALLED_APPS = [..., "rustforge.contrib.tenancy"]
    MIDDLEWARE = [..., "rustforge.contrib.tenancy.middleware.TenantMiddleware", ...]

    class Project(TenantModel):
        name = CharField(max_length=100)

    with use_tenant("acme"):
        Project.select()            # acme's rows only
"""

from rustforge.contrib.tenancy.context import (
    current_tenant,
    require_tenant,
    use_tenant,
)
from rustforge.contrib.tenancy.errors import (
    CrossTenantWrite,
    NoCurrentTenant,
    TenancyError,
    UnknownTenant,
)
from rustforge.contrib.tenancy.models import Domain, Tenant
from rustforge.contrib.tenancy.scoping import TenantModel
from rustforge.db.scoping import unscoped

__all__ = [
    "CrossTenantWrite",
    "Domain",
    "NoCurrentTenant",
    "TenancyError",
    "Tenant",
    "TenantModel",
    "UnknownTenant",
    "current_tenant",
    "require_tenant",
    "unscoped",
    "use_tenant",
]
