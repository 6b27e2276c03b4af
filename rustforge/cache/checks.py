"""System checks of the cache settings (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from rustforge import health
from rustforge.checks import Error, Warning, register


@register("cache")
def check_cache_url(app_configs: Any, **kwargs: Any) -> list:
    from rustforge.cache.factory import create_cache
    from rustforge.conf import settings
    from rustforge.exceptions import ImproperlyConfigured

    try:
        # Building a backend opens no connection (pymemcache connects lazily).
        create_cache(settings.CACHE_URL, options=settings.CACHE_OPTIONS)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="cache.E001",
                      hint="e.g. CACHE_URL = 'memcached://127.0.0.1:11211'")]
    return []


@register("cache")
def check_caches(app_configs: Any, **kwargs: Any) -> list:
    from rustforge.cache.aliases import alias_config
    from rustforge.cache.factory import create_cache
    from rustforge.conf import settings
    from rustforge.exceptions import ImproperlyConfigured

    if not isinstance(settings.CACHES, dict):
        return [Error("CACHES must be a dict of alias -> URL or options", id="cache.E002")]
    errors = []
    for alias in settings.CACHES:
        try:
            create_cache(**alias_config(alias))  # opens no connection
        except ImproperlyConfigured as exc:
            errors.append(Error(f"CACHES[{alias!r}]: {exc}", id="cache.E002",
                                hint="e.g. CACHES = {'sessions': 'redis://127.0.0.1:6379/3'}"))
    return errors


@register("cache", deploy=True)
def check_cache_shared(app_configs: Any, **kwargs: Any) -> list:
    from rustforge.conf import settings

    scheme = (settings.CACHE_URL or "locmem://").split(":", 1)[0].lower()
    if scheme in ("locmem", "dummy"):
        return [Warning(
            f"CACHE_URL uses {scheme}://: each gunicorn worker has its own cache, so rate "
            "limits, login throttling and cached pages are not shared between workers",
            hint="use memcached://host:11211 or redis://host:6379/N in production",
            id="cache.W001")]
    return []


@health.register("cache")
def cache_ready() -> str:
    """A value written to the cache reads back (memcached reachable)."""
    import os

    from rustforge.cache import get_cache
    from rustforge.conf import settings

    scheme = (settings.CACHE_URL or "locmem://").split(":", 1)[0].lower()
    if scheme == "dummy":
        return "dummy (stores nothing)"
    cache = get_cache()
    key, token = f"rustforge:readyz:{os.getpid()}", os.urandom(8).hex()
    cache.set(key, token, timeout=30)
    if cache.get(key) != token:
        raise CacheUnavailable(f"{scheme} did not return a value just written")
    return scheme


class CacheUnavailable(Exception):
    """The readiness check could not round-trip a value through the cache."""
