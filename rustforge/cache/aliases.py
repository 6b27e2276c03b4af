"""Named caches: ``CACHES = {"sessions": "redis://...", ...}`` and ``caches["sessions"]``.

The ``default`` alias is the ``cache`` service (``CACHE_URL`` and friends,
unless ``CACHES`` names ``"default"`` itself). Every other alias gets its own
backend, built on first use in each process, so sessions, rate-limit counters
and page caches can live on different servers or databases and be cleared
apart:

    CACHES = {
        "sessions": "redis://127.0.0.1:6379/3",
        "pages": {"URL": "memcached://10.0.0.5:11211", "KEY_PREFIX": "pages",
                  "TIMEOUT": 600, "OPTIONS": {"timeout": 0.2}},
    }

An entry is a URL, or a dict with ``URL`` and optionally ``KEY_PREFIX``,
``VERSION``, ``TIMEOUT`` and ``OPTIONS`` (each defaulting to the matching
``CACHE_*`` setting).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from rustforge.conf import settings
from rustforge.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from rustforge.cache.backends.base import BaseCache

DEFAULT_ALIAS = "default"
_KEYS = {"URL", "KEY_PREFIX", "VERSION", "TIMEOUT", "OPTIONS"}


def alias_config(alias: str) -> dict[str, Any]:
    """The keyword arguments of ``create_cache`` for ``alias``."""
    configured = settings.CACHES or {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("CACHES must be a dict of alias -> URL or options")
    entry = configured.get(alias)
    if entry is None:
        if alias != DEFAULT_ALIAS:
            known = ", ".join(sorted({DEFAULT_ALIAS, *configured}))
            raise ImproperlyConfigured(f"no cache named {alias!r} in CACHES (known: {known})")
        entry = {"URL": settings.CACHE_URL}
    if isinstance(entry, str):
        entry = {"URL": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("URL"), str):
        raise ImproperlyConfigured(f"CACHES[{alias!r}] must be a URL or a dict with a 'URL'")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ImproperlyConfigured(f"CACHES[{alias!r}]: unknown key(s) "
                                   f"{', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    return {
        "url": entry["URL"],
        "prefix": entry.get("KEY_PREFIX", settings.CACHE_KEY_PREFIX),
        "version": entry.get("VERSION", settings.CACHE_VERSION),
        "default_timeout": entry.get("TIMEOUT", settings.CACHE_DEFAULT_TIMEOUT),
        "options": entry.get("OPTIONS", settings.CACHE_OPTIONS if alias == DEFAULT_ALIAS else {}),
    }


class CacheHandler:
    """The backends of the named caches of this process (the ``caches`` service)."""

    def __init__(self) -> None:
        self._backends: dict[str, BaseCache] = {}
        self._lock = threading.Lock()

    def __getitem__(self, alias: str) -> BaseCache:
        from rustforge.services import services

        if alias == DEFAULT_ALIAS:
            return services.get("cache")
        backend = self._backends.get(alias)
        if backend is None:
            with self._lock:
                backend = self._backends.get(alias)
                if backend is None:
                    from rustforge.cache.factory import create_cache

                    backend = self._backends[alias] = create_cache(**alias_config(alias))
        return backend

    def aliases(self) -> list[str]:
        return sorted({DEFAULT_ALIAS, *(settings.CACHES or {})})

    def close(self) -> None:
        for backend in self._backends.values():
            backend.close()
        self._backends.clear()

    def forget_connections(self) -> None:
        for backend in self._backends.values():
            forget = getattr(backend, "forget_connections", None)
            if forget is not None:
                forget()
        self._backends.clear()
