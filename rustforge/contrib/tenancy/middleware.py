"""Resolve the tenant of each request: header, custom domain, or subdomain.

    MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.tenancy.middleware.TenantMiddleware",   # before sessions/auth
        ...
    ]
    TENANCY_BASE_DOMAINS = ["example.com"]    # acme.example.com -> tenant "acme"

In order: the ``TENANCY_HEADER`` header when configured and sent, then a
``Domain`` row for the exact host, then the subdomain of a base domain. A
request naming a tenant that does not exist (or is inactive) gets a 404; one
naming none is served without a tenant unless ``TENANCY_REQUIRED``. The
answers are cached for ``TENANCY_CACHE_TIMEOUT`` seconds (``hostcache``).
``req.context.tenant`` is the tenant (or None).
"""

from __future__ import annotations

import logging
from typing import Any

import peewee

from rustforge.contrib.tenancy import hostcache
from rustforge.contrib.tenancy.context import activate, deactivate
from rustforge.contrib.tenancy.errors import UnknownTenant
from rustforge.contrib.tenancy.models import Domain, Tenant, slug_problem

logger = logging.getLogger("rustforge.tenancy")


def _host(req: Any) -> str:
    # SecurityMiddleware validated it against ALLOWED_HOSTS already.
    host = (req.env.get("HTTP_HOST") or req.env.get("SERVER_NAME") or "").lower()
    if host.startswith("["):  # an IPv6 literal never names a tenant
        return ""
    return host.rpartition(":")[0] if ":" in host else host


class TenantMiddleware:
    def __init__(self, settings: Any) -> None:
        header = settings.TENANCY_HEADER
        self.header_key = "HTTP_" + header.upper().replace("-", "_") if header else ""
        self.header = header
        self.bases = tuple("." + d.lower().strip(".") for d in settings.TENANCY_BASE_DOMAINS)
        self.required = bool(settings.TENANCY_REQUIRED)
        self.exempt = tuple(settings.TENANCY_EXEMPT_PATHS)

    def resolve(self, req: Any) -> Tenant | None:
        """The tenant this request names; None when it names none (cached, see hostcache)."""
        if self.header_key:
            value = req.env.get(self.header_key)
            if value is not None:
                slug = value.strip()
                where = f"header {self.header}"
                if slug_problem(slug) is not None:  # never a query, never a cache entry
                    raise UnknownTenant(f"No tenant {slug[:60]!r} ({where}).")
                return hostcache.resolve("slug", slug, lambda: self._by_slug(slug, where))
        host = _host(req)
        if not host:
            return None
        return hostcache.resolve("host", host, lambda: self._by_host(host))

    def _by_host(self, host: str) -> Tenant | None:
        domain = Domain.select(Domain, Tenant).join(Tenant).where(Domain.domain == host).first()
        if domain is not None:
            if not domain.tenant.is_active:
                raise UnknownTenant(f"No tenant at {host!r}.")
            return domain.tenant
        for base in self.bases:
            if host.endswith(base):
                sub = host[: -len(base)]
                if sub and sub != "www":
                    return self._by_slug(sub, f"host {host!r}")
        return None

    @staticmethod
    def _by_slug(slug: str, where: str) -> Tenant:
        if slug_problem(slug) is None:
            tenant = Tenant.get_or_none((Tenant.slug == slug) & (Tenant.is_active == True))
            if tenant is not None:
                return tenant
        raise UnknownTenant(f"No tenant {slug[:60]!r} ({where}).")

    def process_request(self, req: Any, resp: Any) -> None:
        req.context.tenant = None
        if self.exempt and req.path.startswith(self.exempt):
            return
        tenant = self.resolve(req)
        if tenant is None and self.required:
            raise UnknownTenant("This site is only served on a tenant's address.")
        if tenant is not None:
            req.context.tenant = tenant
            req.context.tenant_token = activate(tenant)

    def process_response(self, req: Any, resp: Any, resource: Any, req_succeeded: bool) -> None:
        token = req.context.get("tenant_token")
        if token is not None:
            req.context.tenant_token = None
            try:
                deactivate(token)
            except peewee.DatabaseError:
                # A connection whose search_path may still name the tenant's
                # schema must not serve the next request: drop it.
                logger.warning("could not reset the tenant's search_path", exc_info=True)
                from rustforge.db import get_database

                get_database().discard_connection()
