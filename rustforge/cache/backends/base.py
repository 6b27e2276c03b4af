"""The cache API every backend implements.

Backends implement the ``_``-prefixed primitives on *server keys* (already
prefixed, versioned and hashed); this class turns user keys into server keys
and implements the rest of the API on top of them.

Timeouts follow Django: ``DEFAULT_TIMEOUT`` means ``CACHE_DEFAULT_TIMEOUT``,
``None`` means forever, and ``0`` or less means "do not keep" (the key is
deleted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rustforge.cache.keys import make_key, scoped_prefix
from rustforge.cache.lock import Lock
from rustforge.cache.remember import remember
from rustforge.cache.tags import TaggedCache
from rustforge.metrics import count_cache


class _DefaultTimeout:
    def __repr__(self) -> str:
        return "DEFAULT_TIMEOUT"


DEFAULT_TIMEOUT: Any = _DefaultTimeout()
_MISSING = object()


class BaseCache:
    """A cache: ``get``/``set`` and friends on string keys and picklable values.

        cache.set("greeting", "hello", timeout=60)
        cache.get("greeting")                 # 'hello'
        cache.get_or_set("answer", lambda: 42, timeout=300)
        cache.incr("hits")                     # ValueError if "hits" is missing
        cache.count("hits", timeout=60)        # creates it; None if the cache is down
    """

    def __init__(self, *, prefix: str = "", version: int = 1,
                 default_timeout: float | None = 300) -> None:
        self.prefix = prefix
        self.version = version
        self.default_timeout = default_timeout

    # Helpers ------------------------------------------------------------------
    def make_key(self, key: Any, version: int | None = None) -> str:
        return make_key(key, prefix=scoped_prefix(self.prefix),
                        version=self.version if version is None else version)

    def get_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        """Seconds to keep a value; ``None`` forever; ``<= 0`` not at all."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return timeout

    # Public API -----------------------------------------------------------------
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        value = self._get(self.make_key(key, version), _MISSING)
        count_cache(value is not _MISSING)
        return default if value is _MISSING else value

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        """Store ``value``; False when the backend dropped the write."""
        timeout = self.get_timeout(timeout)
        server_key = self.make_key(key, version)
        if timeout is not None and timeout <= 0:
            self._delete(server_key)
            return True
        return self._set(server_key, value, timeout)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        """Store ``value`` only if ``key`` is absent; True when it was stored."""
        timeout = self.get_timeout(timeout)
        if timeout is not None and timeout <= 0:
            return False
        return self._add(self.make_key(key, version), value, timeout)

    def delete(self, key: Any, version: int | None = None) -> bool:
        """Remove ``key``; True when it existed."""
        return self._delete(self.make_key(key, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT,
              version: int | None = None) -> bool:
        """Give ``key`` a new timeout; True when it existed."""
        timeout = self.get_timeout(timeout)
        server_key = self.make_key(key, version)
        if timeout is not None and timeout <= 0:
            return self._delete(server_key)
        return self._touch(server_key, timeout)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._get(self.make_key(key, version), _MISSING) is not _MISSING

    def __contains__(self, key: Any) -> bool:
        return self.has_key(key)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        """The values of the keys that are present, as ``{key: value}``."""
        mapping = {self.make_key(k, version): k for k in keys}
        found = self._get_many(list(mapping))
        return {mapping[sk]: value for sk, value in found.items()}

    def set_many(self, data: Mapping[Any, Any], timeout: Any = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list[Any]:
        """Store several values; returns the keys that could not be stored."""
        timeout = self.get_timeout(timeout)
        mapping = {self.make_key(k, version): k for k in data}
        if timeout is not None and timeout <= 0:
            self._delete_many(list(mapping))
            return []
        failed = self._set_many({sk: data[k] for sk, k in mapping.items()}, timeout)
        return [mapping[sk] for sk in failed]

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._delete_many([self.make_key(k, version) for k in keys])

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` atomically and return the new value.

        Raises ``ValueError`` when ``key`` is missing (or the cache is down),
        as Django does; use :meth:`count` for a counter that creates itself.
        """
        value = self._incr(self.make_key(key, version), delta)
        if value is None:
            raise ValueError(f"cache key {key!r} not found")
        return value

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self.incr(key, -delta, version)

    def count(self, key: Any, delta: int = 1, timeout: Any = DEFAULT_TIMEOUT,
              version: int | None = None) -> int | None:
        """Atomically add ``delta`` to a counter, creating it (with ``timeout``)
        when absent. Returns the new value, or None when the cache is unavailable.

        The timeout is set when the counter is created and not extended by
        later increments, which is what fixed-window counters need.
        """
        timeout = self.get_timeout(timeout)
        server_key = self.make_key(key, version)
        for _ in range(3):
            value = self._incr(server_key, delta)
            if value is not None:
                return value
            if self._add(server_key, delta, timeout):
                return delta
            if not self.available:
                return None
            # Lost a race with another creator (or the key just expired): retry.
        return None

    def incr_version(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Move ``key``'s value to version ``version + delta``; returns the new version.

        Raises ``ValueError`` when the key is missing, as Django does.
        """
        version = self.version if version is None else version
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            raise ValueError(f"cache key {key!r} not found")
        self.set(key, value, version=version + delta)
        self.delete(key, version)
        return version + delta

    def decr_version(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self.incr_version(key, -delta, version)

    def get_or_set(self, key: Any, default: Any, timeout: Any = DEFAULT_TIMEOUT,
                   version: int | None = None) -> Any:
        """The cached value, or ``default`` (called if callable) stored and returned."""
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout, version)
                # Another process may have won the add: return what is stored.
                stored = self.get(key, _MISSING, version)
                if stored is not _MISSING:
                    return stored
        return value

    def clear(self) -> None:
        """Remove every key (on memcached: of every project on those servers)."""
        self._clear()

    def close(self) -> None:
        """Release connections; the backend reconnects on next use."""

    @property
    def available(self) -> bool:
        """False while the backend's server is known to be unreachable."""
        return True

    def remember(self, key: Any, ttl: float, fn: Callable[[], Any], **kwargs: Any) -> Any:
        """``fn()`` cached for ``ttl`` seconds, recomputed by one caller at a time.

        See :func:`rustforge.cache.remember.remember`.
        """
        return remember(key, ttl, fn, cache=self, **kwargs)

    def lock(self, name: str, timeout: float | None = 10,
             blocking_timeout: float | None = 10) -> Lock:
        """A :class:`~rustforge.cache.lock.Lock` named ``name`` on this cache.

            with cache.lock("invoice:42", timeout=30):
                ...
        """
        return Lock(self, name, timeout, blocking_timeout)

    def restore_lock(self, name: str, owner: str, timeout: float | None = 10) -> Lock:
        """The lock ``name`` as held by ``owner`` (a token from ``lock.owner``), so
        another process (a job) can release a lock a request acquired."""
        return Lock(self, name, timeout, owner=owner)

    def delete_if_equal(self, key: Any, value: Any, version: int | None = None) -> bool:
        """Delete ``key`` only while it holds ``value``, atomically; True when deleted."""
        return self._delete_if_equal(self.make_key(key, version), value)

    def tags(self, *names: str) -> TaggedCache:
        """A view of this cache whose entries ``flush()`` drops together.

            cache.tags("posts", "user:7").set("feed:7", feed)
            cache.tags("posts").flush()          # feed:7 is gone
        """
        return TaggedCache(self, names)

    # Primitives for backends ------------------------------------------------------------
    def _delete_if_equal(self, key: str, value: Any) -> bool:
        raise NotImplementedError

    def _get(self, key: str, default: Any) -> Any:
        raise NotImplementedError

    def _set(self, key: str, value: Any, timeout: float | None) -> bool:
        raise NotImplementedError

    def _add(self, key: str, value: Any, timeout: float | None) -> bool:
        raise NotImplementedError

    def _delete(self, key: str) -> bool:
        raise NotImplementedError

    def _touch(self, key: str, timeout: float | None) -> bool:
        raise NotImplementedError

    def _incr(self, key: str, delta: int) -> int | None:
        """New value, or None when the key is missing or the server unavailable."""
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError

    def _get_many(self, keys: list[str]) -> dict[str, Any]:
        found = {}
        for key in keys:
            value = self._get(key, _MISSING)
            if value is not _MISSING:
                found[key] = value
        return found

    def _set_many(self, data: dict[str, Any], timeout: float | None) -> list[str]:
        return [key for key, value in data.items() if not self._set(key, value, timeout)]

    def _delete_many(self, keys: list[str]) -> None:
        for key in keys:
            self._delete(key)
