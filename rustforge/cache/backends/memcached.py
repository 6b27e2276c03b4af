"""``memcached://``: pymemcache's ``HashClient`` over one or more servers.

    memcached://10.0.0.1:11211,10.0.0.2:11211?timeout=0.3&max_pool_size=20

Options (URL query or ``CACHE_OPTIONS``), with defaults:

``connect_timeout`` (0.25 s) and ``timeout`` (0.5 s)
    Short on purpose: a hung memcached must cost a request a fraction of a
    second, not a worker.
``max_pool_size`` (16), ``pool_idle_timeout`` (60 s)
    Connections per server kept in a pool (per process; threads share it).
``retry_attempts`` (2), ``retry_timeout`` (1 s), ``dead_timeout`` (30 s)
    A server that fails ``retry_attempts`` times (at most once every
    ``retry_timeout``) is marked dead; its keys go to the other servers until it
    is tried again ``dead_timeout`` seconds later.

Faults never reach the caller: while a server is down or hung, reads miss,
writes are dropped (``set`` returns False), ``count`` returns None, and the
failure is logged at most once per ``CACHE_ERROR_LOG_INTERVAL`` seconds.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from pymemcache import serde
from pymemcache.client.hash import HashClient
from pymemcache.exceptions import MemcacheClientError, MemcacheError

from rustforge.cache.backends.base import BaseCache
from rustforge.cache.backends.faults import FaultTracking

logger = logging.getLogger("rustforge.cache")

# Option name -> type, for URL parsing in the factory.
OPTIONS: dict[str, type] = {
    "connect_timeout": float,
    "timeout": float,
    "max_pool_size": int,
    "pool_idle_timeout": int,
    "retry_attempts": int,
    "retry_timeout": float,
    "dead_timeout": float,
}
_DEFAULTS: dict[str, Any] = {
    "connect_timeout": 0.25,
    "timeout": 0.5,
    "max_pool_size": 16,
    "pool_idle_timeout": 60,
    "retry_attempts": 2,
    "retry_timeout": 1.0,
    "dead_timeout": 30.0,
}
# memcached reads an expiry above 30 days as an absolute Unix time.
_RELATIVE_LIMIT = 30 * 24 * 3600
_ERRORS = (MemcacheError, OSError)
_TOMBSTONE = "\x00released"


def _server(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host:
        return address, 11211
    return host.strip("[]"), int(port)


class MemcachedCache(FaultTracking, BaseCache):
    label = "memcached"

    def __init__(self, servers: list[str], **kwargs: Any) -> None:
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in OPTIONS}
        super().__init__(**kwargs)
        self.servers = [_server(s) for s in servers]
        self.options = {**_DEFAULTS, **options}
        self._client: HashClient | None = None
        self._client_lock = threading.Lock()
        self._init_faults()

    def __repr__(self) -> str:
        servers = ",".join(f"{h}:{p}" for h, p in self.servers)
        return f"<MemcachedCache {servers}>"

    # Connection ---------------------------------------------------------------------
    @property
    def client(self) -> HashClient:
        client = self._client
        if client is None:
            with self._client_lock:
                if self._client is None:
                    opts = self.options
                    self._client = HashClient(
                        self.servers,
                        serde=serde.pickle_serde,
                        connect_timeout=opts["connect_timeout"],
                        timeout=opts["timeout"],
                        use_pooling=True,
                        max_pool_size=opts["max_pool_size"],
                        pool_idle_timeout=opts["pool_idle_timeout"],
                        retry_attempts=opts["retry_attempts"],
                        retry_timeout=opts["retry_timeout"],
                        dead_timeout=opts["dead_timeout"],
                        # Wait for replies: add() and touch() must know the outcome.
                        default_noreply=False,
                        no_delay=True,
                    )
                client = self._client
        return client

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except (MemcacheError, OSError):
                logger.debug("closing the memcached client failed", exc_info=True)

    def forget_connections(self) -> None:
        """After fork: drop the parent's sockets without closing them politely."""
        self._client = None
        self._client_lock = threading.Lock()

    @staticmethod
    def _expire(timeout: float | None) -> int:
        if timeout is None:
            return 0
        seconds = max(1, math.ceil(timeout))
        if seconds > _RELATIVE_LIMIT:
            return int(time.time()) + seconds
        return seconds

    # Primitives ---------------------------------------------------------------------------
    def _get(self, key: str, default: Any) -> Any:
        try:
            return self.client.get(key, default)
        except _ERRORS as exc:
            self._failed("get", exc)
            return default

    def _get_many(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        try:
            return self.client.get_many(keys)
        except _ERRORS as exc:
            self._failed("get_many", exc)
            return {}

    def _set(self, key: str, value: Any, timeout: float | None) -> bool:
        try:
            return bool(self.client.set(key, value, self._expire(timeout)))
        except _ERRORS as exc:
            self._failed("set", exc)
            return False

    def _set_many(self, data: dict[str, Any], timeout: float | None) -> list[str]:
        try:
            return list(self.client.set_many(data, self._expire(timeout)))
        except _ERRORS as exc:
            self._failed("set_many", exc)
            return list(data)

    def _add(self, key: str, value: Any, timeout: float | None) -> bool:
        try:
            return bool(self.client.add(key, value, self._expire(timeout)))
        except _ERRORS as exc:
            self._failed("add", exc)
            return False

    def _delete(self, key: str) -> bool:
        try:
            return bool(self.client.delete(key))
        except _ERRORS as exc:
            self._failed("delete", exc)
            return False

    def _delete_many(self, keys: list[str]) -> None:
        if not keys:
            return
        try:
            self.client.delete_many(keys)
        except _ERRORS as exc:
            self._failed("delete_many", exc)

    def _delete_if_equal(self, key: str, value: Any) -> bool:
        # memcached has no compare-and-delete. cas() swaps our value for a
        # short-lived tombstone only if nobody wrote the key since gets(); the
        # tombstone is then ours alone (no other owner's token matches it), so
        # the plain delete after it cannot remove another owner's lock.
        try:
            # HashClient answers None (not a pair) for a server it treats as failing.
            current, cas_token = self.client.gets(key) or (None, None)
            if cas_token is None or current != value:
                return False
            if not self.client.cas(key, _TOMBSTONE, cas_token, expire=5):
                return False
            self.client.delete(key)
            return True
        except _ERRORS as exc:
            self._failed("delete_if_equal", exc)
            return False

    def _touch(self, key: str, timeout: float | None) -> bool:
        try:
            return bool(self.client.touch(key, self._expire(timeout)))
        except _ERRORS as exc:
            self._failed("touch", exc)
            return False

    def _incr(self, key: str, delta: int) -> int | None:
        try:
            if delta >= 0:
                value = self.client.incr(key, delta)
            else:
                value = self.client.decr(key, -delta)
        except MemcacheClientError as exc:
            if "non-numeric" in str(exc):
                raise ValueError("cannot increment a non-integer value") from None
            self._failed("incr", exc)
            return None
        except _ERRORS as exc:
            self._failed("incr", exc)
            return None
        # HashClient answers False for a server it currently treats as failing.
        if value is None or value is False:
            return None
        return int(value)

    def _clear(self) -> None:
        try:
            self.client.flush_all()
        except _ERRORS as exc:
            self._failed("flush_all", exc)

