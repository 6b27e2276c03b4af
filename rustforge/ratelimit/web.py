"""Rate limits on requests: a middleware driven by settings, and a responder decorator.

    # settings.py
    MIDDLEWARE = [..., "rustforge.ratelimit.RateLimitMiddleware"]
    RATELIMITS = {
        "api": {"rate": "100/m", "paths": ["/api/"]},
        "signup": {"rate": "5/h", "paths": ["/accounts/signup"], "methods": ["POST"]},
    }

    # resources.py
    from rustforge.ratelimit import ratelimit

    class Search:
        @ratelimit("30/m", key="user")
        def on_get(self, req, resp): ...

A refused request gets ``429 Too Many Requests`` with ``Retry-After`` and the
``RateLimit-*`` headers; allowed responses carry ``RateLimit-*`` too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import falcon

from rustforge.ratelimit.keys import KeySpec, key_for, validate_key
from rustforge.ratelimit.limiter import Decision, hit
from rustforge.ratelimit.rates import Rate, parse_rate
from rustforge.ratelimit.rules import Rule

_CONTEXT = "ratelimit"


def refuse(decision: Decision) -> falcon.HTTPError:
    """The error for a refused hit (429, or 503 when the cache is down and failing closed)."""
    headers = decision.headers()
    if decision.unavailable:
        return falcon.HTTPServiceUnavailable(
            title="Rate limiter unavailable",
            description="Requests cannot be counted right now; try again shortly.",
            headers=headers, retry_after=decision.retry_after)
    retry = headers.pop("Retry-After")
    return falcon.HTTPTooManyRequests(
        title="Too many requests",
        description=f"Rate limit {decision.limit} per "
                    f"{_period(decision.policy)} exceeded; retry in {retry} s.",
        headers=headers, retry_after=int(retry))


def _period(policy: str) -> str:
    seconds = int(policy.split("w=")[1])
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"


def _remember(req: Any, decision: Decision) -> None:
    """Keep the tightest decision of this request for the response headers."""
    current = getattr(req.context, _CONTEXT, None)
    if current is None or decision.remaining < current.remaining:
        setattr(req.context, _CONTEXT, decision)


def apply_headers(req: Any, resp: Any) -> None:
    decision = getattr(req.context, _CONTEXT, None)
    if decision is not None and decision.allowed:
        for name, value in decision.headers().items():
            resp.set_header(name, value)


def check(req: Any, name: str, rate: str | Rate, key: KeySpec = "ip", cost: int = 1) -> Decision:
    """Count this request against a limit; raise the 429 when it is over."""
    decision = hit(name, rate, key_for(req, key), cost=cost)
    if not decision.allowed:
        raise refuse(decision)
    _remember(req, decision)
    return decision


def ratelimit(rate: str, *, key: KeySpec = "ip", name: str | None = None,
              methods: Iterable[str] | None = None, cost: int = 1) -> Callable:
    """Limit a falcon responder (or every responder of a resource class).

    ``name`` defaults to the responder's dotted name, so each responder has its
    own budget; give several responders the same name to share one.
    """
    parse_rate(rate)
    validate_key(key)
    wanted = {m.upper() for m in methods} if methods else None

    def decorate(target: Any) -> Any:
        limit_name = name or f"{target.__module__}.{target.__qualname__}"
        if not isinstance(target, type):
            return _wrap(target, rate, key, limit_name, wanted, cost)
        for attr in dir(target):
            if attr.startswith("on_") and callable(getattr(target, attr)):
                setattr(target, attr, _wrap(getattr(target, attr), rate, key, limit_name,
                                            wanted, cost))
        return target

    return decorate


def ratelimit_hook(rate: str, *, key: KeySpec = "ip", name: str | None = None,
                   cost: int = 1) -> Callable:
    """The same limit as a falcon ``before`` hook.

        @falcon.before(ratelimit_hook("10/m", name="uploads"))
        def on_post(self, req, resp): ...

    Without ``name`` every responder the hook is attached to gets its own budget.
    """
    parse_rate(rate)
    validate_key(key)

    def hook(req: Any, resp: Any, resource: Any, params: dict) -> None:
        if not _enabled():
            return
        limit_name = name or f"{type(resource).__module__}.{type(resource).__qualname__}." \
                             f"{req.method}"
        decision = check(req, limit_name, rate, key, cost)
        for header, value in decision.headers().items():
            resp.set_header(header, value)

    return hook


def _wrap(responder: Callable, rate: str, key: KeySpec, name: str, methods: set[str] | None,
          cost: int) -> Callable:
    @functools.wraps(responder)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        req, resp = args[-2], args[-1]
        if _enabled() and (methods is None or req.method in methods):
            check(req, name, rate, key, cost)
        result = responder(*args, **kwargs)
        apply_headers(req, resp)
        return result

    return wrapper


def _enabled() -> bool:
    from rustforge.conf import settings

    return bool(settings.RATELIMIT_ENABLED)


class RateLimitMiddleware:
    """Applies ``settings.RATELIMITS`` (name -> rate, key, paths, methods) to requests.

    Rules are checked after routing (``process_resource``), so the ``user`` key
    sees ``req.context.user`` set by the authentication middleware placed
    before this one. Unrouted requests (404) are not counted.
    """

    def __init__(self, settings: Any) -> None:
        self.rules = [Rule(name, spec) for name, spec in (settings.RATELIMITS or {}).items()]
        self.settings = settings

    def process_resource(self, req: Any, resp: Any, resource: Any, params: dict) -> None:
        if resource is None or not self.rules or not self.settings.RATELIMIT_ENABLED:
            return
        for rule in self.rules:
            if rule.matches(req):
                check(req, rule.name, rule.rate, rule.key)

    def process_response(self, req: Any, resp: Any, resource: Any, req_succeeded: bool) -> None:
        apply_headers(req, resp)
