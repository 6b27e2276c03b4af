"""The tenant travels with the work: jobs, cache keys and mail carry it.

Wired by ``TenancyConfig.ready()`` through hooks of the core, which never
names the tenancy app:

* jobs (``rustforge.queue.context``): a job enqueued while tenant A is active
  runs with tenant A active, in the worker too; a job of a tenant deleted in
  the meantime fails with ``UnknownTenant`` instead of running tenant-less;
* cache (``rustforge.cache.keys``): keys made while a tenant is active live
  under ``<CACHE_KEY_PREFIX>@t<tenant id>``: the same ``cache.get("stats")``
  reads each tenant's own entry (the id, not the slug, so a tenant created
  again under an old slug never sees the old entries);
* mail (``rustforge.mail.delivery``): every message sent or queued while a
  tenant is active carries an ``X-Tenant: <slug>`` header.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from rustforge.contrib.tenancy.context import current_tenant, current_tenant_id, use_tenant

MAIL_HEADER = "X-Tenant"


def enter_tenant(tenant_id: int) -> Any:
    """The job's tenant, active around it (a job run inline is already in it)."""
    if current_tenant_id() == tenant_id:
        return contextlib.nullcontext()
    return use_tenant(tenant_id)


_shared = contextvars.ContextVar("rustforge_tenancy_shared_keys", default=False)


@contextlib.contextmanager
def shared_keys() -> Iterator[None]:
    """Cache keys made in the block are the site's, whatever tenant is active
    (the tenancy app's own entries: which tenant a host names)."""
    token = _shared.set(True)
    try:
        yield
    finally:
        _shared.reset(token)


def cache_scope() -> str | None:
    if _shared.get():
        return None
    tenant_id = current_tenant_id()
    return f"t{tenant_id}" if tenant_id is not None else None


def mail_hook(message: Any) -> None:
    tenant = current_tenant()
    if tenant is not None and not any(name.lower() == MAIL_HEADER.lower()
                                      for name in message.extra_headers):
        message.extra_headers[MAIL_HEADER] = tenant.slug


def install() -> None:
    """Register the hooks (idempotent)."""
    from rustforge.cache.keys import add_key_scope
    from rustforge.mail.delivery import add_message_hook
    from rustforge.queue import context

    # owner: a tenant's staff see only its jobs on the jobs dashboard.
    context.register("tenant", capture=current_tenant_id, enter=enter_tenant, owner=True)
    add_key_scope(cache_scope)
    add_message_hook(mail_hook)
