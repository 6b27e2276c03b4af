"""Build a cache backend from ``CACHE_URL``.

    locmem://                       bounded in-process LRU (embedded default)
    locmem://?max_entries=5000
    dummy://                        caches nothing
    memcached://10.0.0.1:11211,10.0.0.2:11211?timeout=0.3&max_pool_size=20
    redis://127.0.0.1:6379/2?timeout=0.3     (rediss:// for TLS)

Query parameters of memcached URLs are listed in ``docs/cache.md``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rustforge.cache.backends.base import BaseCache
from rustforge.exceptions import ImproperlyConfigured

SCHEMES = ("locmem", "memcached", "pymemcache", "redis", "rediss", "dummy")


def _number(name: str, raw: str, kind: type = float) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"CACHE_URL option {name}={raw!r} is not a {kind.__name__}") from None


def _safe(url: str) -> str:
    """``url`` without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def create_cache(url: str, *, prefix: str = "", version: int = 1,
                 default_timeout: float | None = 300, options: dict | None = None) -> BaseCache:
    """A new backend for ``url`` (see the module docstring for the forms)."""
    parts = urlsplit(url or "locmem://")
    scheme = parts.scheme.lower()
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in (options or {}).items()})
    common: dict[str, Any] = {"prefix": prefix, "version": version, "default_timeout": default_timeout}
    if scheme == "locmem":
        from rustforge.cache.backends.locmem import LocMemCache

        unknown = set(query) - {"max_entries"}
        if unknown:
            raise ImproperlyConfigured(f"unknown locmem:// option(s): {', '.join(sorted(unknown))}")
        return LocMemCache(max_entries=_number("max_entries", query.get("max_entries", "1000"),
                                               int), **common)
    if scheme == "dummy":
        from rustforge.cache.backends.dummy import DummyCache

        return DummyCache(**common)
    if scheme in ("memcached", "pymemcache"):
        from rustforge.cache.backends.memcached import OPTIONS, MemcachedCache

        servers = [s.strip() for s in parts.netloc.split(",") if s.strip()]
        if not servers:
            raise ImproperlyConfigured(f"CACHE_URL {url!r} names no memcached server")
        kwargs: dict[str, Any] = {}
        for name, raw in query.items():
            if name not in OPTIONS:
                raise ImproperlyConfigured(
                    f"unknown memcached:// option {name!r} (known: {', '.join(sorted(OPTIONS))})")
            kwargs[name] = _number(name, raw, OPTIONS[name])
        return MemcachedCache(servers, **kwargs, **common)
    if scheme in ("redis", "rediss"):
        from rustforge.cache.backends.redis import OPTIONS as REDIS_OPTIONS
        from rustforge.cache.backends.redis import RedisCache

        if not parts.hostname:
            raise ImproperlyConfigured(f"CACHE_URL {_safe(url)!r} names no Redis host")
        path = parts.path.strip("/")
        if path and not path.isdigit():
            raise ImproperlyConfigured(
                f"CACHE_URL {_safe(url)!r}: the path must be a database number, e.g. /2")
        kwargs = {}
        for name, raw in query.items():
            if name not in REDIS_OPTIONS:
                raise ImproperlyConfigured(
                    f"unknown redis:// option {name!r} "
                    f"(known: {', '.join(sorted(REDIS_OPTIONS))})")
            kwargs[name] = _number(name, raw, REDIS_OPTIONS[name])
        return RedisCache(url, **kwargs, **common)
    raise ImproperlyConfigured(
        f"CACHE_URL {_safe(url)!r}: unknown scheme {parts.scheme!r} (use one of {', '.join(SCHEMES)})")
