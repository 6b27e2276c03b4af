"""The current tenant: set per request by the middleware, per job by the
queue, or by hand with :func:`use_tenant`.

    from rustforge.contrib.tenancy import current_tenant, use_tenant

    with use_tenant("acme"):            # a Tenant, its id or its slug
        Project.select()                # acme's projects only
    current_tenant()                    # None outside
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from rustforge.contrib.tenancy.errors import NoCurrentTenant, UnknownTenant
from rustforge.contrib.tenancy.models import Tenant

_current: contextvars.ContextVar[Tenant | None] = contextvars.ContextVar(
    "rustforge_current_tenant", default=None)


def current_tenant() -> Tenant | None:
    """The active tenant, or None."""
    return _current.get()


def current_tenant_id() -> int | None:
    tenant = _current.get()
    return tenant.id if tenant is not None else None


def require_tenant(what: str = "this") -> Tenant:
    """The active tenant; :class:`NoCurrentTenant` when there is none."""
    tenant = _current.get()
    if tenant is None:
        raise NoCurrentTenant(
            f"{what} is tenant-scoped and no tenant is active: run it in a tenant's request "
            "or job, or inside use_tenant(...); for every tenant's rows say so with "
            ".all_tenants() or unscoped()")
    return tenant


def lookup(tenant: Tenant | int | str) -> Tenant:
    """The active Tenant named by an instance, an id or a slug; UnknownTenant otherwise."""
    if isinstance(tenant, Tenant):
        return tenant
    if isinstance(tenant, bool) or not isinstance(tenant, (int, str)):
        raise TypeError(f"a tenant is a Tenant, an id or a slug, not {type(tenant).__name__}")
    field = Tenant.id if isinstance(tenant, int) else Tenant.slug
    found = Tenant.get_or_none((field == tenant) & (Tenant.is_active == True))
    if found is None:
        raise UnknownTenant(f"No tenant {str(tenant)[:60]!r}.")
    return found


def _point_connection(tenant: Tenant | None) -> None:
    from rustforge.contrib.tenancy.schemas import schemas_enabled, set_search_path

    if schemas_enabled():
        from rustforge.db import get_database

        set_search_path(get_database(), tenant.schema_name if tenant is not None else None)


def activate(tenant: Tenant | int | str | None) -> contextvars.Token:
    """Make ``tenant`` current (None: no tenant); undo with :func:`deactivate`."""
    found = lookup(tenant) if tenant is not None else None
    token = _current.set(found)
    try:
        _point_connection(found)
    except Exception:
        _current.reset(token)
        raise
    return token


def deactivate(token: contextvars.Token) -> None:
    """Restore the tenant that was current before :func:`activate`."""
    _current.reset(token)
    _point_connection(_current.get())


@contextlib.contextmanager
def use_tenant(tenant: Tenant | int | str | None) -> Iterator[Tenant | None]:
    """Run the block as ``tenant`` (a Tenant, its id or slug; None: no tenant)."""
    token = activate(tenant)
    try:
        yield _current.get()
    finally:
        deactivate(token)
