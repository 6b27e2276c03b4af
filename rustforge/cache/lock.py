"""Atomic locks on the cache, shared by every process that uses the same server.

    from rustforge.cache import cache

    with cache.lock("invoice:42", timeout=30, blocking_timeout=5):
        ...                                   # one process at a time

    lock = cache.lock("nightly-import", timeout=600)
    if lock.acquire(blocking=False):          # somebody else runs it: skip
        try:
            ...
        finally:
            lock.release()

A lock is one cache key holding a random owner token, created with the
backend's atomic ``add``. ``timeout`` bounds how long a crashed holder can
keep it. ``release()`` deletes the key only while it still holds *this*
owner's token (compare-and-delete, atomic on every backend), so a holder whose
lock expired and was taken by another process cannot release the new one.
"""

from __future__ import annotations

import secrets
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from rustforge.exceptions import RustForgeError

if TYPE_CHECKING:
    from rustforge.cache.backends.base import BaseCache

_POLL = 0.05


class LockNotAcquired(RustForgeError):
    """``with cache.lock(...)`` could not get the lock within ``blocking_timeout``."""


class Lock:
    """A named lock on ``cache``; see the module docstring.

    ``timeout``: seconds before the lock frees itself (``None``: never, which
    a crashed holder turns into a lock held forever). ``blocking_timeout``:
    seconds ``acquire()`` waits for it (``None``: forever; ``0``: not at all; 10 by default).
    ``owner``: the token of a lock acquired elsewhere, e.g. in the request that
    queued the job that now releases it (see :meth:`BaseCache.restore_lock`).
    """

    def __init__(self, cache: BaseCache, name: str, timeout: float | None = 10,
                 blocking_timeout: float | None = 10, owner: str | None = None) -> None:
        if timeout is not None and timeout <= 0:
            raise ValueError("a lock timeout must be positive (or None for no expiry)")
        self.cache = cache
        self.name = name
        self.timeout = timeout
        self.blocking_timeout = blocking_timeout
        self.owner = owner or secrets.token_hex(16)
        self.key = f"lock:{name}"

    def acquire(self, blocking: bool = True, blocking_timeout: Any = ...) -> bool:
        """Take the lock; True when this owner holds it.

        Without ``blocking`` one attempt is made; otherwise attempts repeat
        until ``blocking_timeout`` (default: the lock's own) has passed.
        """
        wait = self.blocking_timeout if blocking_timeout is ... else blocking_timeout
        if not blocking:
            wait = 0
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            if self.cache.add(self.key, self.owner, self.timeout):
                return True
            if not self.cache.available:
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)

    def release(self) -> bool:
        """Free the lock if this owner still holds it; True when it did."""
        return self.cache.delete_if_equal(self.key, self.owner)

    def force_release(self) -> None:
        """Free the lock whoever holds it (an operator's tool, not for normal flow)."""
        self.cache.delete(self.key)

    def locked(self) -> bool:
        """True while anybody holds the lock."""
        return self.cache.has_key(self.key)

    def owned(self) -> bool:
        """True while this owner holds the lock."""
        return self.cache.get(self.key) == self.owner

    def __enter__(self) -> Self:
        if not self.acquire():
            raise LockNotAcquired(
                f"lock {self.name!r} is held by another owner "
                f"(waited {self.blocking_timeout}s)")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<Lock {self.name!r} timeout={self.timeout}>"
