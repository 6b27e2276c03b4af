"""The per-process Redis connection (the ``redis`` service).

Always passed explicitly to rq (``connection=``); rq's ambient connection
stack is never used. Timeouts are short so that enqueueing while Redis is
down fails fast with :class:`QueueUnavailable` instead of hanging a request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from rustforge.conf import settings
from rustforge.exceptions import ImproperlyConfigured
from rustforge.queue.exceptions import QueueUnavailable
from rustforge.services import services


def _create() -> Any:
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    url = settings.REDIS_URL
    if not url:
        raise ImproperlyConfigured("REDIS_URL is empty: background jobs run inline and "
                                   "there is no Redis connection")
    try:
        return redis.Redis.from_url(
            url,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
            health_check_interval=30,
            # One quick retry rides out a Redis restart; more would multiply the
            # timeouts a request waits through when Redis hangs.
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"REDIS_URL {url!r} is not valid: {exc}") from None


def _after_fork(client: Any) -> None:
    # Drop inherited sockets without QUIT: they belong to the parent.
    # reset() only forgets the connections (and renews the pool's lock, which
    # another thread may have held at fork time); nothing is sent on them.
    client.connection_pool.reset()


services.register("redis", _create, close=lambda c: c.close(), after_fork=_after_fork,
                  settings={"REDIS_URL", "REDIS_CONNECT_TIMEOUT", "REDIS_SOCKET_TIMEOUT"})


def get_redis() -> Any:
    """The Redis client of this process (``ImproperlyConfigured`` without ``REDIS_URL``)."""
    return services.get("redis")


@contextlib.contextmanager
def redis_errors(action: str) -> Iterator[None]:
    """Turn redis-py's connection errors into one :class:`QueueUnavailable`."""
    import redis

    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        raise QueueUnavailable(
            f"cannot {action}: Redis at {_safe_url()} is unreachable ({exc})") from exc


def _safe_url() -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(settings.REDIS_URL)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path}"
