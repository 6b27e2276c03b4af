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
    posts = remember("top-posts", 60, top_posts, stale=600, background=True)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from rustforge.cache.lock import Lock
from rustforge.services import services

if TYPE_CHECKING:  # the backends call remember(); it needs their type only for annotations
    from rustforge.cache.backends.base import BaseCache

_POLL = 0.05
logger = logging.getLogger("rustforge.cache")


class _Entry(NamedTuple):
    value: Any
    fresh_until: float


def remember(key: Any, ttl: float, fn: Callable[[], Any], *,
             cache: BaseCache | str | None = None,
             stale: float | None = None, lock_timeout: float = 30.0,
             wait: float = 5.0, background: bool = False) -> Any:
    """``fn()``, cached under ``key`` for ``ttl`` seconds; recomputed by one caller at a time.

    ``stale``: how long an expired value may still be served while another
    caller recomputes it (default: ``ttl``). ``background``: the caller that
    finds the value stale also gets the stale value at once, and the value is
    recomputed in a thread (stale-while-revalidate, Laravel's ``flexible``).
    ``lock_timeout``: how long the recompute lock lives if its holder dies.
    ``wait``: how long callers with nothing to serve wait for the value
    before computing it themselves. ``None`` results are cached too.
    Exceptions of ``fn`` propagate (in the background: are logged) and
    release the lock.
    """
    cache = resolve_cache(cache)
    stale = ttl if stale is None else stale
    lock = Lock(cache, f"remember:{cache.make_key(key)}", lock_timeout)
    entry = cache.get(key)
    now = time.time()
    if isinstance(entry, _Entry):
        if entry.fresh_until > now:
            return entry.value
        # Stale: one caller refreshes it, the others serve the old value.
        if not lock.acquire(blocking=False):
            return entry.value
        if background:
            threading.Thread(target=_refresh, args=(cache, key, lock, ttl, stale, fn),
                             name=f"cache-refresh:{key}", daemon=True).start()
            return entry.value
        return _compute(cache, key, lock, ttl, stale, fn)
    if lock.acquire(blocking=False):
        return _compute(cache, key, lock, ttl, stale, fn)
    if not cache.available:
        # The cache is down: nobody holds the lock, just compute.
        return fn()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(_POLL)
        entry = cache.get(key)
        if isinstance(entry, _Entry):
            return entry.value
        if lock.acquire(blocking=False):
            # The holder gave up (its fn raised): take over.
            return _compute(cache, key, lock, ttl, stale, fn)
    return fn()


def _compute(cache: BaseCache, key: Any, lock: Lock, ttl: float, stale: float,
             fn: Callable[[], Any]) -> Any:
    try:
        value = fn()
        cache.set(key, _Entry(value, time.time() + ttl), ttl + stale)
        return value
    finally:
        lock.release()


def _refresh(cache: BaseCache, key: Any, lock: Lock, ttl: float, stale: float,
             fn: Callable[[], Any]) -> None:
    try:
        _compute(cache, key, lock, ttl, stale, fn)
    except Exception:
        logger.exception("refreshing cache key %r in the background failed; the stale "
                         "value stays until it expires", key)
    finally:
        # fn() may have opened a database connection in this thread: give it back.
        if services.is_created("db"):
            db = services.get("db")
            if not db.is_closed():
                db.close()


def resolve_cache(cache: BaseCache | str | None) -> BaseCache:
    """``cache``; the named cache when it is an alias (``"sessions"``); the
    process's default cache when it is ``None``."""
    if cache is None:
        return services.get("cache")
    if isinstance(cache, str):
        return services.get("caches")[cache]
    return cache
