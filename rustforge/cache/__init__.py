"""The cache: one API over local memory, memcached or nothing.

    from rustforge.cache import cache

    cache.set("greeting", "hello", timeout=60)
    cache.get("greeting")                      # 'hello'
    report = cache.remember("report", 300, build_report)   # stampede-safe

``cache`` is a lazy proxy to the ``cache`` service, so importing this module
opens no connection and a forked worker gets its own client. ``CACHE_URL``
chooses the backend (``locmem://`` by default, ``memcached://host:11211,...``,
``dummy://``).
"""

from __future__ import annotations

from typing import Any

from rustforge.cache import checks as _checks  # noqa: F401  (registers the cache checks)
from rustforge.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from rustforge.cache.decorators import cache_response, memoize
from rustforge.cache.factory import create_cache
from rustforge.cache.remember import remember
from rustforge.conf import settings
from rustforge.services import services

__all__ = ["DEFAULT_TIMEOUT", "BaseCache", "cache", "cache_response", "create_cache",
           "get_cache", "memoize", "remember"]


def _create() -> BaseCache:
    return create_cache(settings.CACHE_URL, prefix=settings.CACHE_KEY_PREFIX,
                        version=settings.CACHE_VERSION,
                        default_timeout=settings.CACHE_DEFAULT_TIMEOUT,
                        options=settings.CACHE_OPTIONS)


def _after_fork(instance: BaseCache) -> None:
    # Inherited sockets belong to the parent; drop them without a polite close.
    forget = getattr(instance, "forget_connections", None)
    if forget is not None:
        forget()


services.register("cache", _create, close=lambda c: c.close(), after_fork=_after_fork,
                  settings={"CACHE_URL", "CACHE_KEY_PREFIX", "CACHE_VERSION",
                            "CACHE_DEFAULT_TIMEOUT", "CACHE_OPTIONS"})


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
