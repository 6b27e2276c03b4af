"""Which tenant a host (or a header's slug) names, cached in the project's cache.

Without it every request costs one or two indexed queries (the custom
domain, then the slug). ``TenantMiddleware`` asks :func:`resolve` instead,
which keeps each answer for ``TENANCY_CACHE_TIMEOUT`` seconds (0: no cache),
the negative ones too ("no tenant at this host", "unknown tenant"):

    resolve("host", "acme.example.com", lambda: <the database lookup>)

Entries live under ``tenancy:host:<host>`` and ``tenancy:slug:<slug>``,
outside every tenant's key space, and are tagged with the *generation*, a
random token kept under ``tenancy:generation``. Any change to a Tenant or a
Domain (save, delete, bulk update, delete or insert; at once and again
after the commit) replaces the token, so every entry made before is stale
everywhere the cache is shared (memcached, Redis) at once; with a cache of
this process only (``locmem://``), other processes see the change within the
timeout. Rows changed with raw SQL are seen within the timeout, or at once
after :func:`forget`.

The generation is read with the entry in one round trip and is read before
the database is, so an answer computed while a change commits is tagged
with the old token and never served.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from rustforge.cache import cache
from rustforge.conf import settings
from rustforge.contrib.tenancy.errors import UnknownTenant
from rustforge.contrib.tenancy.models import Domain, Tenant
from rustforge.contrib.tenancy.propagation import shared_keys

GENERATION = "tenancy:generation"
_NONE, _UNKNOWN, _TENANT = "none", "unknown", "tenant"
_kept = False  # this process cached an answer (see reset())


def _answer(outcome: tuple[Any, ...]) -> Tenant | None:
    kind = outcome[0]
    if kind == _TENANT:
        tenant = Tenant(**outcome[1])
        tenant._dirty.clear()  # as fetched: saving it writes nothing unchanged
        return tenant
    if kind == _UNKNOWN:
        raise UnknownTenant(outcome[1])
    return None


def _generation() -> str | None:
    token = secrets.token_hex(8)
    if cache.add(GENERATION, token, timeout=None):
        return token
    return cache.get(GENERATION)  # another process set one first; None: cache down


def resolve(kind: str, name: str, lookup: Callable[[], Tenant | None]) -> Tenant | None:
    """``lookup()``'s answer for ``name``, from the cache when it holds a fresh one.

    ``lookup`` returns the tenant or None, or raises :class:`UnknownTenant`;
    all three are kept.
    """
    timeout = settings.TENANCY_CACHE_TIMEOUT
    if not timeout:
        return lookup()
    key = f"tenancy:{kind}:{name}"
    with shared_keys():
        found = cache.get_many([GENERATION, key])
        generation = found.get(GENERATION)
        entry = found.get(key)
        if (generation is not None and isinstance(entry, tuple) and len(entry) == 2
                and entry[0] == generation):
            return _answer(entry[1])
        if generation is None:
            generation = _generation()
    try:
        tenant = lookup()
    except UnknownTenant as exc:
        _keep(key, generation, (_UNKNOWN, str(exc)), timeout)
        raise
    _keep(key, generation,
          (_TENANT, dict(tenant.__data__)) if tenant is not None else (_NONE,), timeout)
    return tenant


def _keep(key: str, generation: str | None, outcome: tuple[Any, ...], timeout: float) -> None:
    global _kept
    if generation is not None:
        _kept = True
        with shared_keys():
            cache.set(key, (generation, outcome), timeout=timeout)


def forget(*args: Any, **kwargs: Any) -> None:
    """Make every cached answer stale, in every process sharing the cache.

    Connected to the signals of Tenant and Domain changes; call it after
    changing them with raw SQL.
    """
    if settings.TENANCY_CACHE_TIMEOUT:
        with shared_keys():
            cache.set(GENERATION, secrets.token_hex(8), timeout=None)


def reset() -> None:
    """Forget the answers this process cached, if any (tests: rows rolled back
    without a signal must not be served to the next test)."""
    global _kept
    if _kept:
        _kept = False
        with shared_keys():
            cache.delete(GENERATION)


def _forget_after_commit(*args: Any, **kwargs: Any) -> None:
    # A request that read the rows before the commit may have cached them
    # under the token replaced at the change: replace it again.
    forget()


def install() -> None:
    """Connect :func:`forget` to every change of a Tenant or a Domain (idempotent)."""
    from rustforge.events import signals

    for signal in (signals.post_save, signals.post_delete, signals.post_bulk_update,
                   signals.post_bulk_delete, signals.post_bulk_insert):
        for model in (Tenant, Domain):
            signal.connect(forget, sender=model)
            signal.connect(_forget_after_commit, sender=model, on_commit=True)
