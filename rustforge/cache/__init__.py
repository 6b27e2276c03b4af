"""The cache: one API over local memory, memcached or nothing.

    from rustforge.cache import cache

    cache.set("greeting", "hello", timeout=60)
    cache.get("greeting")                      # 'hello'
    report = cache.remember("report", 300, build_report)   # stampede-safe

``cache`` is a lazy proxy to the ``cache`` service, so importing this module
opens no connection and a forked worker gets its own client. ``CACHE_URL``
chooses the backend (``locmem://`` by default, ``memcached://host:11211,...``,
``redis://host:6379/2``, ``dummy://``); ``CACHES`` adds named caches, reached
with ``caches["sessions"]`` (see :mod:`rustforge.cache.aliases`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rustforge.cache import checks as _checks  # noqa: F401  (registers the cache checks)

# Imported here, not on first use: the function shares its name with its module,
# which the import of the module would otherwise leave as this attribute.
from rustforge.cache.remember import remember
from rustforge.importing import lazy_exports
from rustforge.services import services

if TYPE_CHECKING:
    from rustforge.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
    from rustforge.cache.decorators import cache_response, memoize
    from rustforge.cache.factory import create_cache
    from rustforge.cache.lock import Lock, LockNotAcquired

__all__ = ["DEFAULT_TIMEOUT", "BaseCache", "Lock", "LockNotAcquired", "cache", "cache_response",
           "caches", "create_cache", "get_cache", "memoize", "remember"]

_SETTINGS = {"CACHE_URL", "CACHE_KEY_PREFIX", "CACHE_VERSION", "CACHE_DEFAULT_TIMEOUT",
             "CACHE_OPTIONS", "CACHES"}


# NOTE(memory): the backends and helpers are imported when the cache is first
# used, so that modules holding the ``cache`` proxy (and /readyz, which imports
# this package for its checks) do not load them into every worker.
_LAZY = {
    "DEFAULT_TIMEOUT": "rustforge.cache.backends.base",
    "BaseCache": "rustforge.cache.backends.base",
    "cache_response": "rustforge.cache.decorators",
    "memoize": "rustforge.cache.decorators",
    "create_cache": "rustforge.cache.factory",
    "Lock": "rustforge.cache.lock",
    "LockNotAcquired": "rustforge.cache.lock",
}


__getattr__ = lazy_exports(__name__, _LAZY)


def _create() -> BaseCache:
    from rustforge.cache.aliases import alias_config
    from rustforge.cache.factory import create_cache

    return create_cache(**alias_config("default"))


def _handler() -> Any:
    from rustforge.cache.aliases import CacheHandler

    return CacheHandler()


def _after_fork(instance: BaseCache) -> None:
    # Inherited sockets belong to the parent; drop them without a polite close.
    forget = getattr(instance, "forget_connections", None)
    if forget is not None:
        forget()


services.register("cache", _create, close=lambda c: c.close(), after_fork=_after_fork,
                  settings=_SETTINGS)
services.register("caches", _handler, close=lambda h: h.close(),
                  after_fork=lambda h: h.forget_connections(), settings=_SETTINGS)


def get_cache() -> BaseCache:
    """The cache backend of this process (created on first use)."""
    return services.get("cache")


class _CacheProxy:
    """Forwards every attribute to the current ``cache`` service.

    Looked up on each use, so ``services.override("cache", ...)``, a changed
    ``CACHE_URL`` in a test, and a fork all take effect immediately.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        return getattr(services.get("cache"), name)

    def __contains__(self, key: Any) -> bool:
        return key in services.get("cache")

    def __repr__(self) -> str:
        return f"<cache proxy to {services.get('cache')!r}>"


cache: BaseCache = _CacheProxy()  # type: ignore[assignment]


class _CachesProxy:
    """``caches["alias"]``: the backend of a named cache (``CACHES``), per process."""

    __slots__ = ()

    def __getitem__(self, alias: str) -> BaseCache:
        return services.get("caches")[alias]

    def aliases(self) -> list[str]:
        return services.get("caches").aliases()

    def __repr__(self) -> str:
        return f"<caches {', '.join(self.aliases())}>"


caches = _CachesProxy()
