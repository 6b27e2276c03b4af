"""Who a hit is counted against: ``"ip"``, ``"user"``, ``"header:<Name>"`` or a callable.

    key_for(req, "ip")                 # client IP, X-Forwarded-For only from TRUSTED_PROXIES
    key_for(req, "user")               # "user:<id>" when signed in, else the IP
    key_for(req, "header:X-Api-Key")   # the header's value (the IP when absent)
    key_for(req, lambda req: req.get_param("tenant") or "anon")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rustforge.exceptions import ImproperlyConfigured
from rustforge.identity import request_user_key

KeySpec = str | Callable[[Any], Any]


def _ip(req: Any) -> str:
    from rustforge.http.client_ip import client_ip

    return "ip:" + (client_ip(req) or "unknown")


def key_for(req: Any, spec: KeySpec) -> str:
    if callable(spec):
        value = spec(req)
        return f"fn:{value}" if value is not None else _ip(req)
    if spec == "ip":
        return _ip(req)
    if spec == "user":
        user_key = request_user_key(req)
        return f"user:{user_key}" if user_key is not None else _ip(req)
    if spec.startswith("header:"):
        value = req.get_header(spec[7:])
        return f"header:{value}" if value else _ip(req)
    raise ImproperlyConfigured(
        f"rate limit key {spec!r}: use 'ip', 'user', 'header:<Name>' or a callable")


def validate_key(spec: KeySpec) -> None:
    if not callable(spec) and spec not in ("ip", "user") and not str(spec).startswith("header:"):
        raise ImproperlyConfigured(
            f"rate limit key {spec!r}: use 'ip', 'user', 'header:<Name>' or a callable")
