"""Tenants and the host names that lead to them."""

from __future__ import annotations

import datetime as dt
import re

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from rustforge.db import Model

# A DNS label: it is a subdomain, and (dashes made underscores) a schema name.
SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
RESERVED_SLUGS = frozenset({"www", "public", "admin", "api", "static"})
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def slug_problem(slug: object) -> str | None:
    """Why ``slug`` cannot name a tenant; None when it can."""
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        return (f"{str(slug)[:60]!r} is not a valid tenant slug: 1 to 40 lower-case letters, "
                "digits and dashes, not starting or ending with a dash")
    if slug in RESERVED_SLUGS:
        return f"{slug!r} is reserved ({', '.join(sorted(RESERVED_SLUGS))})"
    return None


def domain_problem(domain: object) -> str | None:
    """Why ``domain`` cannot be a tenant's custom domain; None when it can."""
    if not isinstance(domain, str) or not _HOST.fullmatch(domain):
        return f"{str(domain)[:80]!r} is not a valid domain name (lower case, e.g. shop.acme.org)"
    return None


class Tenant(Model):
    """One customer of the site: its rows, cache entries, jobs and mail are its own."""

    slug = CharField(max_length=40, unique=True)
    name = CharField(max_length=200)
    # The PostgreSQL schema of its tables (TENANCY_SCHEMAS); "" with row scoping.
    schema_name = CharField(max_length=63, default="")
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=_now)

    def __str__(self) -> str:
        return self.slug


class Domain(Model):
    """A custom host name of a tenant (``shop.acme.org``)."""

    domain = CharField(max_length=253, unique=True)
    tenant = ForeignKeyField(Tenant, backref="domains", on_delete="CASCADE")

    def __str__(self) -> str:
        return self.domain
