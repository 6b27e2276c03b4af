"""``redis://``: the cache on a Redis server (redis-py), e.g. the one the job queue uses.

    redis://127.0.0.1:6379/2
    rediss://:password@cache.internal:6380/0?timeout=0.3&max_connections=50

Options (URL query or ``CACHE_OPTIONS``), with defaults:

``connect_timeout`` (0.25 s) and ``timeout`` (0.5 s)
    Short on purpose, as for memcached: a hung Redis costs a request a
    fraction of a second.
``max_connections`` (50)
    Pooled connections per process (threads share them).
``retry_timeout`` (1 s)
    After a failure, ``available`` stays False this long.

Integers are stored as Redis integers (so ``incr`` is Redis's own atomic
``INCRBY``); everything else is pickled. Timeouts keep their fractions
(milliseconds). ``clear()`` empties the whole Redis database: give the cache a
database of its own, not the job queue's.

Faults never reach the caller, exactly as with memcached: reads miss, writes
are dropped, ``count`` returns None, logged once per ``CACHE_ERROR_LOG_INTERVAL``.
"""

from __future__ import annotations

import math
import pickle
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from rustforge.cache.backends.base import BaseCache
from rustforge.cache.backends.faults import FaultTracking

OPTIONS: dict[str, type] = {
    "connect_timeout": float,
    "timeout": float,
    "max_connections": int,
    "retry_timeout": float,
}
_DEFAULTS: dict[str, Any] = {
    "connect_timeout": 0.25,
    "timeout": 0.5,
    "max_connections": 50,
    "retry_timeout": 1.0,
}
_ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)
_PICKLE = pickle.HIGHEST_PROTOCOL

# INCRBY, but only on an existing key, never below zero (as on memcached), TTL kept.
_INCR = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL'); return 0 end
return n
"""
_DELETE_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def dumps(value: Any) -> bytes:
    """Integers as Redis integers (for INCRBY); anything else pickled."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).encode()
    return pickle.dumps(value, _PICKLE)


def loads(blob: Any) -> Any:  # bytes: the client never decodes responses
    # Every pickle of protocol 2+ starts with 0x80; an integer never does.
    if blob[:1] != b"\x80":
        return int(blob)
    # The cache server is trusted like the database: only this project writes
    # there (the same trust pymemcache's pickle serializer puts in memcached).
    return pickle.loads(blob)  # noqa: S301


class RedisCache(FaultTracking, BaseCache):
    label = "redis cache"

    def __init__(self, url: str, **kwargs: Any) -> None:
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in OPTIONS}
        super().__init__(**kwargs)
        parts = urlsplit(url)
        self.url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        self.options = {**_DEFAULTS, **options}
        self._client: redis.Redis | None = None
        self._client_lock = threading.Lock()
        self._scripts: dict[str, Any] = {}
        self._init_faults()

    def __repr__(self) -> str:
        parts = urlsplit(self.url)
        return f"<RedisCache {parts.hostname}:{parts.port or 6379}{parts.path}>"

    @property
    def client(self) -> redis.Redis:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = redis.Redis.from_url(
                        self.url,
                        socket_connect_timeout=self.options["connect_timeout"],
                        socket_timeout=self.options["timeout"],
                        max_connections=self.options["max_connections"],
                        health_check_interval=30)
        return self._client

    def _script(self, source: str) -> Any:
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.client.register_script(source)
        return script

    def close(self) -> None:
        client, self._client = self._client, None
        self._scripts = {}
        if client is not None:
            client.close()

    def forget_connections(self) -> None:
        """After a fork: drop the parent's sockets without closing them politely."""
        if self._client is not None:
            self._client.connection_pool.reset()
        self._client = None
        self._scripts = {}
        self._client_lock = threading.Lock()

    @staticmethod
    def _px(timeout: float | None) -> int | None:
        return None if timeout is None else max(1, math.ceil(timeout * 1000))

    # Primitives ---------------------------------------------------------------------------
    def _get(self, key: str, default: Any) -> Any:
        try:
            blob = self.client.get(key)
        except _ERRORS as exc:
            self._failed("get", exc)
            return default
        return default if blob is None else loads(blob)

    def _get_many(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        try:
            blobs = self.client.mget(keys)
        except _ERRORS as exc:
            self._failed("get_many", exc)
            return {}
        return {k: loads(b) for k, b in zip(keys, blobs, strict=True) if b is not None}

    def _set(self, key: str, value: Any, timeout: float | None) -> bool:
        try:
            return bool(self.client.set(key, dumps(value), px=self._px(timeout)))
        except _ERRORS as exc:
            self._failed("set", exc)
            return False

    def _set_many(self, data: dict[str, Any], timeout: float | None) -> list[str]:
        px = self._px(timeout)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for key, value in data.items():
                    pipe.set(key, dumps(value), px=px)
                results = pipe.execute()
        except _ERRORS as exc:
            self._failed("set_many", exc)
            return list(data)
        return [k for k, ok in zip(data, results, strict=True) if not ok]

    def _add(self, key: str, value: Any, timeout: float | None) -> bool:
        try:
            return bool(self.client.set(key, dumps(value), px=self._px(timeout), nx=True))
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
            self.client.delete(*keys)
        except _ERRORS as exc:
            self._failed("delete_many", exc)

    def _delete_if_equal(self, key: str, value: Any) -> bool:
        try:
            return bool(self._script(_DELETE_IF_EQUAL)(keys=[key], args=[dumps(value)]))
        except _ERRORS as exc:
            self._failed("delete_if_equal", exc)
            return False

    def _touch(self, key: str, timeout: float | None) -> bool:
        try:
            if timeout is None:
                return bool(self.client.persist(key)) or bool(self.client.exists(key))
            return bool(self.client.pexpire(key, max(1, math.ceil(timeout * 1000))))
        except _ERRORS as exc:
            self._failed("touch", exc)
            return False

    def _incr(self, key: str, delta: int) -> int | None:
        try:
            value = self._script(_INCR)(keys=[key], args=[delta])
        except redis.ResponseError:
            raise ValueError("cannot increment a non-integer value") from None
        except _ERRORS as exc:
            self._failed("incr", exc)
            return None
        return None if value is None else int(value)

    def _clear(self) -> None:
        try:
            self.client.flushdb()
        except _ERRORS as exc:
            self._failed("flushdb", exc)
