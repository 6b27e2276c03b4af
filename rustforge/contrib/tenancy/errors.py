"""The tenancy app's errors."""

from __future__ import annotations

from rustforge.exceptions import RustForgeError


class TenancyError(RustForgeError):
    """Base class of the tenancy errors."""


class UnknownTenant(TenancyError):
    """The request (or job) names a tenant that does not exist or is inactive.

    Raised anywhere, it is answered with a 404 (the class declares its HTTP
    status; ``rustforge.http.errors`` honours it)."""

    http_status = 404
    http_title = "Unknown tenant"


class NoCurrentTenant(TenancyError):
    """A tenant-scoped model was queried with no tenant active.

    Never "every tenant's rows": activate a tenant (``use_tenant``) or ask
    explicitly (``Model.all_tenants()``, ``unscoped()``). In a request it
    means the address named no tenant yet reached tenant data: a 404, whose
    body does not repeat the developer's message."""

    http_status = 404
    http_title = "No tenant"
    http_description = "This address belongs to no tenant; use your organisation's address."


class CrossTenantWrite(TenancyError):
    """A row of one tenant was about to be written while another is active."""
