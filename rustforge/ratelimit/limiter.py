"""The sliding-window counter behind every rate limit.

Each limit keeps one counter per fixed window (``period`` seconds) in the
cache. The count used is a sliding estimate: the current window's hits plus
the previous window's, weighted by how much of it still overlaps the last
``period`` seconds. Counters are incremented atomically (``cache.count``) and
a rejected hit is taken back, so concurrent workers on a shared memcached
never let more than ``limit`` through per window.

    from rustforge.ratelimit import hit

    decision = hit("login", "5/m", key=username)
    if not decision.allowed:
        ...  # decision.retry_after seconds
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from rustforge.ratelimit.rates import Rate, parse_rate

logger = logging.getLogger("rustforge.ratelimit")
_last_outage_log = [-math.inf]


@dataclass(frozen=True)
class Decision:
    """The outcome of one hit against a limit."""

    allowed: bool
    limit: int
    remaining: int
    reset: int          # seconds until the window in progress ends (or retry_after)
    retry_after: int    # seconds to wait before the next hit can pass; 0 if allowed
    policy: str
    name: str = ""
    unavailable: bool = False  # the cache was down; decided by RATELIMIT_FAIL_OPEN

    def headers(self) -> dict[str, str]:
        """``RateLimit-*`` headers (IETF draft) plus ``Retry-After`` when refused."""
        out = {"RateLimit-Limit": str(self.limit),
               "RateLimit-Remaining": str(self.remaining),
               "RateLimit-Reset": str(self.reset),
               "RateLimit-Policy": self.policy}
        if not self.allowed:
            out["Retry-After"] = str(self.retry_after)
        return out


def _cache(cache: Any) -> Any:
    from rustforge.cache.remember import resolve_cache
    from rustforge.conf import settings

    return resolve_cache(settings.RATELIMIT_CACHE_ALIAS if cache is None else cache)


def _window_keys(name: str, key: str, window: int) -> tuple[str, str]:
    """The counter keys of ``window`` and of the one before it."""
    # Keys can be long (user agents, API keys); the cache layer hashes them anyway,
    # but a short stable form keeps the two window keys readable.
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    base = f"rl:{name}:{digest}"
    return f"{base}:{window}", f"{base}:{window - 1}"


def hit(name: str, rate: str | Rate, key: str, *, cost: int = 1, cache: Any = None,
        fail_open: bool | None = None, now: float | None = None) -> Decision:
    """Count one hit (``cost`` hits) of ``key`` against limit ``name`` at ``rate``."""
    rate = parse_rate(rate) if isinstance(rate, str) else rate
    backend = _cache(cache)
    now = time.time() if now is None else now
    period = rate.period
    window = int(now // period)
    elapsed = now - window * period
    current_key, previous_key = _window_keys(name, key, window)

    current = backend.count(current_key, cost, timeout=2 * period + 1)
    if current is None:
        return _unavailable(name, rate, fail_open)
    previous = backend.get(previous_key) or 0
    weight = (period - elapsed) / period
    estimate = previous * weight + current
    allowed = estimate <= rate.limit
    if not allowed:
        # Take the rejected hit back: refused requests must not extend the block.
        backend.count(current_key, -cost, timeout=2 * period + 1)
        current -= cost
        estimate -= cost
    remaining = max(0, math.floor(rate.limit - estimate))
    retry_after = 0 if allowed else _retry_after(rate, previous, current, elapsed, cost)
    reset = retry_after if not allowed else max(1, math.ceil(period - elapsed))
    return Decision(allowed, rate.limit, remaining, reset, retry_after, rate.policy, name)


def _retry_after(rate: Rate, previous: int, current: int, elapsed: float, cost: int) -> int:
    """Seconds until ``cost`` more hits fit under the sliding estimate."""
    period, room = rate.period, rate.limit - cost
    left = period - elapsed
    if current <= room:
        # The previous window's weight must shrink: previous * (left - t) / period <= room - current.
        if previous <= 0:
            return 1
        t = left - (room - current) * period / previous
        return _seconds(t)
    # Wait for the next window, where this window's hits become the weighted part.
    if current <= 0:
        return _seconds(left)
    t = period * (1 - room / current)
    return _seconds(left + t)


def _seconds(value: float) -> int:
    # Round first: 60 * (1 - 2/3) is 20.000000000000004, which must not become 21.
    return max(1, math.ceil(round(value, 6)))


def _unavailable(name: str, rate: Rate, fail_open: bool | None) -> Decision:
    from rustforge.conf import settings

    if fail_open is None:
        fail_open = settings.RATELIMIT_FAIL_OPEN
    now = time.monotonic()
    if now - _last_outage_log[0] > 60:
        _last_outage_log[0] = now
        logger.warning("rate limit %r cannot count: the cache is unavailable; requests are %s",
                       name, "let through" if fail_open else "refused")
    return Decision(bool(fail_open), rate.limit, rate.limit if fail_open else 0,
                    rate.period, 0 if fail_open else 5, rate.policy, name, unavailable=True)


def reset(name: str, rate: str | Rate, key: str, *, cache: Any = None) -> None:
    """Forget the hits of ``key`` (e.g. after a successful login)."""
    rate = parse_rate(rate) if isinstance(rate, str) else rate
    window = int(time.time() // rate.period)
    _cache(cache).delete_many(list(_window_keys(name, key, window)))
