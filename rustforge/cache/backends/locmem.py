"""``locmem://``: a bounded, thread-safe, LRU cache inside this process.

The embedded default. Each process (each gunicorn worker) has its own, so it
suits development, tests and single-process deployments; use memcached when
several workers must share the cache (sessions, rate limits).

    locmem://                  # 1000 entries
    locmem://?max_entries=5000

Values are pickled on the way in, as they would be on memcached, so a caller
mutating an object after ``set()`` does not change the cached copy.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from typing import Any

from rustforge.cache.backends.base import BaseCache

_PICKLE = pickle.HIGHEST_PROTOCOL


class LocMemCache(BaseCache):
    def __init__(self, *, max_entries: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_entries = max_entries
        # server key -> (expires_at | None, pickled value); most recently used last.
        self._data: OrderedDict[str, tuple[float | None, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> bytes | None:
        """The pickled value of a live key (refreshing its LRU position); lock held."""
        entry = self._data.get(key)
        if entry is None:
            return None
        expires, blob = entry
        if expires is not None and expires <= now:
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return blob

    def _store(self, key: str, value: Any, timeout: float | None, now: float) -> None:
        expires = None if timeout is None else now + timeout
        self._data[key] = (expires, pickle.dumps(value, _PICKLE))
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    def _get(self, key: str, default: Any) -> Any:
        with self._lock:
            blob = self._live(key, time.monotonic())
        # Only this process's own pickles are stored here, never outside input.
        return default if blob is None else pickle.loads(blob)  # noqa: S301

    def _set(self, key: str, value: Any, timeout: float | None) -> bool:
        with self._lock:
            self._store(key, value, timeout, time.monotonic())
        return True

    def _add(self, key: str, value: Any, timeout: float | None) -> bool:
        with self._lock:
            now = time.monotonic()
            if self._live(key, now) is not None:
                return False
            self._store(key, value, timeout, now)
            return True

    def _delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None

    def _delete_if_equal(self, key: str, value: Any) -> bool:
        with self._lock:
            blob = self._live(key, time.monotonic())
            if blob is None or pickle.loads(blob) != value:  # noqa: S301 - our own pickle
                return False
            del self._data[key]
            return True

    def _touch(self, key: str, timeout: float | None) -> bool:
        with self._lock:
            now = time.monotonic()
            blob = self._live(key, now)
            if blob is None:
                return False
            self._data[key] = (None if timeout is None else now + timeout, blob)
            return True

    def _incr(self, key: str, delta: int) -> int | None:
        with self._lock:
            now = time.monotonic()
            blob = self._live(key, now)
            if blob is None:
                return None
            value = pickle.loads(blob)  # noqa: S301 - our own pickle, see _get
            if not isinstance(value, int) or isinstance(value, bool):
                # ValueError, not TypeError: memcached reports the same case this way.
                raise ValueError(  # noqa: TRY004
                    f"cannot increment a non-integer value ({type(value).__name__})")
            # Like memcached, counters never go below zero.
            value = max(value + delta, 0)
            expires = self._data[key][0]
            self._data[key] = (expires, pickle.dumps(value, _PICKLE))
            return value

    def _clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
