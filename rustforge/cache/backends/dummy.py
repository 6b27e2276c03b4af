"""``dummy://``: a cache that stores nothing (every read misses).

Useful to switch caching off, e.g. while debugging, without touching code.
"""

from __future__ import annotations

from typing import Any

from rustforge.cache.backends.base import BaseCache


class DummyCache(BaseCache):
    def _get(self, key: str, default: Any) -> Any:
        return default

    def _set(self, key: str, value: Any, timeout: float | None) -> bool:
        return True

    def _add(self, key: str, value: Any, timeout: float | None) -> bool:
        return True

    def _delete(self, key: str) -> bool:
        return False

    def _delete_if_equal(self, key: str, value: Any) -> bool:
        return False

    def _touch(self, key: str, timeout: float | None) -> bool:
        return False

    def _incr(self, key: str, delta: int) -> int | None:
        return None

    def _clear(self) -> None:
        pass

    def count(self, key: Any, delta: int = 1, timeout: Any = None,
              version: int | None = None) -> int | None:
        # Nothing is kept, so a counter cannot count: report "unavailable".
        return None

    @property
    def available(self) -> bool:
        return False
