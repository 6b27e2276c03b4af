"""Login throttling: failed attempts counted per username and per client IP.

Counters live in the cache (shared by every worker and machine). After
``LOGIN_THROTTLE_USER_LIMIT`` failures for one username, or
``LOGIN_THROTTLE_IP_LIMIT`` from one address, within
``LOGIN_THROTTLE_WINDOW`` seconds, further attempts are refused with 429
and ``Retry-After`` until the window that started at the first failure ends.
The IP comes from ``client_ip()``, so a forged ``X-Forwarded-For`` from an
untrusted peer changes nothing. A success clears the username's counter,
never the IP's (an attacker with one valid account cannot reset it).

When the cache is unreachable (or cannot count, as ``dummy://``), logins
keep working and failures are counted in this process instead, with a
warning in the log: an outage is not a free brute-force window, though each
worker then counts on its own until the cache is back.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from typing import Any

from rustforge.conf import settings
from rustforge.http.client_ip import client_ip
from rustforge.identity import normalize_username

__all__ = ["record_failure", "record_success", "retry_after"]

logger = logging.getLogger("rustforge.auth")
_WARN_EVERY = 60.0  # seconds between two "counting locally" warnings
_local: dict[str, Any] = {"cache": None, "warned_at": float("-inf")}
_local_lock = threading.Lock()


def _local_cache() -> Any:
    """This process's own counters, used while the shared cache is down."""
    with _local_lock:
        if _local["cache"] is None:
            from rustforge.cache.backends.locmem import LocMemCache

            _local["cache"] = LocMemCache(max_entries=10_000, prefix="throttle")
        return _local["cache"]


def _cache() -> Any:
    """The shared cache, or this process's counters while it is unavailable."""
    from rustforge.cache import cache

    if cache.available:
        return cache
    now = time.monotonic()
    if now - _local["warned_at"] >= _WARN_EVERY:
        _local["warned_at"] = now
        logger.warning("login throttling: the cache is unavailable; failed attempts are "
                       "counted in this process only until it is back")
    return _local_cache()


def _keys(kind: str, value: str) -> tuple[str, str]:
    # surrogatepass: a key is built for any string a caller hands over; the
    # views refuse unstorable text before they get here.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"auth:throttle:{kind}:{digest}", f"auth:throttle:{kind}:{digest}:t"


def _subjects(req: Any, username: str, scope: str) -> list[tuple[str, str, int]]:
    subjects = [(f"{scope}-ip", client_ip(req) or "unknown", settings.LOGIN_THROTTLE_IP_LIMIT)]
    if username:
        # The same normalisation as the user lookup: a spelling that reaches
        # the account is counted against it.
        subjects.append(("user", normalize_username(username),
                         settings.LOGIN_THROTTLE_USER_LIMIT))
    return subjects


def retry_after(req: Any, username: str, scope: str = "login") -> int | None:
    """Seconds until another attempt is allowed, or None when allowed now.

    ``scope`` keeps the per-IP counters of unrelated forms apart (asking for
    reset mails must not lock an office's shared address out of logging in).
    """
    cache = _cache()
    window = settings.LOGIN_THROTTLE_WINDOW
    worst = None
    for kind, value, limit in _subjects(req, username, scope):
        count_key, start_key = _keys(kind, value)
        found = cache.get_many([count_key, start_key])
        if (found.get(count_key) or 0) >= limit:
            started = found.get(start_key) or time.time()
            wait = max(1, math.ceil(started + window - time.time()))
            worst = max(worst or 0, wait)
    return worst


def record_failure(req: Any, username: str, scope: str = "login") -> None:
    cache = _cache()
    window = settings.LOGIN_THROTTLE_WINDOW
    for kind, value, _limit in _subjects(req, username, scope):
        count_key, start_key = _keys(kind, value)
        # The first failure opens the window; both keys expire with it.
        cache.add(start_key, time.time(), timeout=window)
        if cache.count(count_key, timeout=window) is None:  # the cache failed just now
            fallback = _local_cache()
            fallback.add(start_key, time.time(), timeout=window)
            fallback.count(count_key, timeout=window)


def record_success(req: Any, username: str) -> None:
    _cache().delete_many(_keys("user", normalize_username(username)))
