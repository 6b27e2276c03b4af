"""Rate limiting on the cache: named limits, sliding windows, 429 with headers.

    from rustforge.ratelimit import hit, ratelimit

    class Login:
        @ratelimit("5/m", key="ip", methods=["POST"])
        def on_post(self, req, resp): ...

    decision = hit("password-reset", "3/h", key=email)   # programmatic use

See ``docs/ratelimit.md``. ``RateLimitMiddleware`` and ``ratelimit`` import
falcon; ``hit``, ``reset`` and ``parse_rate`` do not.
"""

from __future__ import annotations

from typing import Any

from rustforge.ratelimit import checks as _checks  # noqa: F401  (registers the ratelimit checks)
from rustforge.ratelimit.limiter import Decision, hit, reset
from rustforge.ratelimit.rates import Rate, parse_rate

__all__ = ["Decision", "Rate", "RateLimitMiddleware", "check", "hit", "parse_rate",
           "ratelimit", "ratelimit_hook", "reset"]


def __getattr__(name: str) -> Any:
    if name in ("RateLimitMiddleware", "ratelimit", "ratelimit_hook", "check"):
        from rustforge.ratelimit import web

        return getattr(web, name)
    raise AttributeError(f"module 'rustforge.ratelimit' has no attribute {name!r}")
