"""``remember()``: compute-once caching with stampede protection.

When a popular key expires, a naive ``get`` / compute / ``set`` lets every
concurrent request recompute it at once (a cache stampede). ``remember``
stores the value with a *fresh until* time and keeps it a while longer
(``stale``); after it goes stale, one caller takes a short lock and recomputes
while the others keep serving the stale value. When there is no value at all,
the others wait briefly for the one computing it.

    from rustforge.cache import remember

    def top_posts():
        return list(Post.select().order_by(Post.score.desc()).limit(10).dicts())

    posts = remember("top-posts", 60, top_posts)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from rustforge.services import services

if TYPE_CHECKING:  # the backends call remember(); it needs their type only for annotations
    from rustforge.cache.backends.base import BaseCache

_POLL = 0.05


class _Entry(NamedTuple):
    value: Any
    fresh_until: float


def remember(key: Any, ttl: float, fn: Callable[[], Any], *, cache: BaseCache | None = None,
             stale: float | None = None, lock_timeout: float = 30.0,
             wait: float = 5.0) -> Any:
    """``fn()``, cached under ``key`` for ``ttl`` seconds; recomputed by one caller at a time.

    ``stale``: how long an expired value may still be served while another
    caller recomputes it (default: ``ttl``). ``lock_timeout``: how long the
    recompute lock lives if its holder dies. ``wait``: how long callers with
    nothing to serve wait for the value before computing it themselves.
    ``None`` results are cached too. Exceptions of ``fn`` propagate and
    release the lock.
    """
    cache = resolve_cache(cache)
    stale = ttl if stale is None else stale
    lock_key = f"{key}\x00remember-lock"
    entry = cache.get(key)
    now = time.time()
    if isinstance(entry, _Entry):
        if entry.fresh_until > now:
            return entry.value
        # Stale: one caller refreshes it, the others serve the old value.
        if not cache.add(lock_key, 1, lock_timeout):
            return entry.value
        return _compute(cache, key, lock_key, ttl, stale, fn)
    if cache.add(lock_key, 1, lock_timeout):
        return _compute(cache, key, lock_key, ttl, stale, fn)
    if not cache.available:
        # The cache is down: nobody holds the lock, just compute.
        return fn()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(_POLL)
        entry = cache.get(key)
        if isinstance(entry, _Entry):
            return entry.value
        if cache.add(lock_key, 1, lock_timeout):
            # The holder gave up (its fn raised): take over.
            return _compute(cache, key, lock_key, ttl, stale, fn)
    return fn()


def _compute(cache: BaseCache, key: Any, lock_key: str, ttl: float, stale: float,
             fn: Callable[[], Any]) -> Any:
    try:
        value = fn()
        cache.set(key, _Entry(value, time.time() + ttl), ttl + stale)
        return value
    finally:
        cache.delete(lock_key)


def resolve_cache(cache: BaseCache | None) -> BaseCache:
    """``cache``, or the process's cache service when it is ``None``."""
    return cache if cache is not None else services.get("cache")
