"""Tagged cache entries: drop every entry of a tag at once.

    feed = cache.tags("posts", "user:7").remember("feed:7", 300, build_feed)
    cache.tags("posts").flush()          # every entry tagged "posts" is gone

Each tag has a random *version* stored in the cache itself (without expiry).
A tagged entry's key contains the current versions of all its tags, so
``flush()`` only has to give the tag a new version: the old entries can no
longer be reached and expire (or are evicted) by themselves. This works the
same on every backend, memcached included, in O(number of tags) per call:

* an entry is found only with the same set of tags it was stored with (in any
  order);
* a tag version evicted by memcached (it is a cache entry like any other)
  flushes that tag, which errs on the safe side: nothing stale is served.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rustforge.cache.backends.base import BaseCache

_MISSING = object()


class TaggedCache:
    """The subset of the cache API that works on tagged entries."""

    def __init__(self, cache: BaseCache, tags: Iterable[str]) -> None:
        self.cache = cache
        self.tag_names = tuple(sorted({str(t) for t in tags}))
        if not self.tag_names:
            raise ValueError("cache.tags() needs at least one tag")

    def _tag_key(self, tag: str) -> str:
        return f"tag-version:{tag}"

    def _versions(self) -> list[str]:
        keys = [self._tag_key(t) for t in self.tag_names]
        found = self.cache.get_many(keys)
        versions = []
        for key in keys:
            version = found.get(key)
            if version is None:
                fresh = secrets.token_hex(8)
                # Another process may create it at the same time: whoever's add
                # wins defines the version everybody uses.
                if self.cache.add(key, fresh, None):
                    version = fresh
                else:
                    version = self.cache.get(key, fresh)
            versions.append(version)
        return versions

    def tagged_key(self, key: Any) -> str:
        """The plain cache key of ``key`` under the current tag versions."""
        blob = "\x00".join(f"{t}={v}" for t, v in zip(self.tag_names, self._versions(),
                                                       strict=True))
        namespace = hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        return f"tagged:{namespace}:{key}"

    def flush(self) -> None:
        """Make every entry stored under any of these tags unreachable."""
        for tag in self.tag_names:
            self.cache.set(self._tag_key(tag), secrets.token_hex(8), None)

    def get(self, key: Any, default: Any = None) -> Any:
        return self.cache.get(self.tagged_key(key), default)

    def set(self, key: Any, value: Any, timeout: Any = _MISSING) -> bool:
        if timeout is _MISSING:
            return self.cache.set(self.tagged_key(key), value)
        return self.cache.set(self.tagged_key(key), value, timeout)

    def add(self, key: Any, value: Any, timeout: Any = _MISSING) -> bool:
        if timeout is _MISSING:
            return self.cache.add(self.tagged_key(key), value)
        return self.cache.add(self.tagged_key(key), value, timeout)

    def delete(self, key: Any) -> bool:
        return self.cache.delete(self.tagged_key(key))

    def has_key(self, key: Any) -> bool:
        return self.cache.has_key(self.tagged_key(key))

    def get_many(self, keys: Iterable[Any]) -> dict[Any, Any]:
        mapping = {self.tagged_key(k): k for k in keys}
        return {mapping[k]: v for k, v in self.cache.get_many(list(mapping)).items()}

    def get_or_set(self, key: Any, default: Any, timeout: Any = _MISSING) -> Any:
        if timeout is _MISSING:
            return self.cache.get_or_set(self.tagged_key(key), default)
        return self.cache.get_or_set(self.tagged_key(key), default, timeout)

    def remember(self, key: Any, ttl: float, fn: Callable[[], Any], **kwargs: Any) -> Any:
        """:func:`~rustforge.cache.remember.remember` on a tagged entry."""
        return self.cache.remember(self.tagged_key(key), ttl, fn, **kwargs)

    def __repr__(self) -> str:
        return f"<TaggedCache {', '.join(self.tag_names)} on {self.cache!r}>"
