"""Caching decorators: a function memoizer and a falcon responder cache.

    from rustforge.cache import cache_response, memoize

    @memoize(ttl=300)
    def exchange_rate(currency: str) -> float: ...

    exchange_rate("EUR")            # computed, then cached
    exchange_rate.forget("EUR")     # drop that one entry

    class Prices:
        @cache_response(60, vary=["Accept-Language"])
        def on_get(self, req, resp): ...
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from rustforge.cache.remember import remember, resolve_cache
from rustforge.identity import request_user_key


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def memoize(ttl: float = 300, *, key: str | None = None, cache: Any = None) -> Callable:
    """Cache a function's result per arguments for ``ttl`` seconds (stampede-safe).

    Arguments are keyed by their ``repr``, so use arguments whose ``repr``
    identifies them (numbers, strings, tuples, model ids). The wrapped
    function gains ``.forget(*args, **kwargs)``.
    """

    def decorator(fn: Callable) -> Callable:
        base = key or f"memoize:{fn.__module__}.{fn.__qualname__}"

        def cache_key(args: tuple, kwargs: dict) -> str:
            return f"{base}:{_digest(args, sorted(kwargs.items()))}"

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return remember(cache_key(args, kwargs), ttl, lambda: fn(*args, **kwargs),
                            cache=cache)

        def forget(*args: Any, **kwargs: Any) -> None:
            resolve_cache(cache).delete(cache_key(args, kwargs))

        wrapper.forget = forget  # type: ignore[attr-defined]
        return wrapper

    return decorator


def cache_response(ttl: float, *, vary: Iterable[str] = (), key_prefix: str = "",
                   cache: Any = None) -> Callable:
    """Cache a falcon GET/HEAD responder's whole response for ``ttl`` seconds.

    The key is the full URL plus the request headers named in ``vary`` (sent
    back as ``Vary``). For a signed-in user (``req.context.user``) the key
    includes the user's id, the response gets ``Vary: Cookie`` and
    ``Cache-Control: private``, so one user's page is never served to
    another. Only 200 responses without ``Set-Cookie`` are stored.
    """
    vary = tuple(vary)

    def decorator(responder: Callable) -> Callable:
        prefix = key_prefix or f"response:{responder.__module__}.{responder.__qualname__}"

        @functools.wraps(responder)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            req, resp = args[-2], args[-1]
            if req.method not in ("GET", "HEAD"):
                return responder(*args, **kwargs)
            user = request_user_key(req)
            parts = (req.relative_uri, user, [req.get_header(h) for h in vary])
            key = f"{prefix}:{_digest(*parts)}"
            backend = resolve_cache(cache)
            hit = backend.get(key)
            if hit is not None:
                status, content_type, headers, body = hit
                resp.status = status
                resp.content_type = content_type
                for name, value in headers:
                    resp.set_header(name, value)
                resp.data = body
                return None
            result = responder(*args, **kwargs)
            _decorate(resp, ttl, vary, user is not None)
            if _status_code(resp.status) == 200 and not getattr(resp, "_cookies", None):
                headers = [(n, v) for n, v in resp.headers.items()
                           if n.lower() not in ("set-cookie", "content-length")]
                backend.set(key, (resp.status, resp.content_type, headers,
                                  resp.render_body() or b""), ttl)
            return result

        return wrapper

    return decorator


def _decorate(resp: Any, ttl: float, vary: tuple[str, ...], private: bool) -> None:
    names = list(vary) + (["Cookie"] if private else [])
    if names:
        existing = resp.get_header("Vary")
        merged = [v.strip() for v in existing.split(",")] if existing else []
        merged += [n for n in names if n not in merged]
        resp.set_header("Vary", ", ".join(merged))
    if resp.get_header("Cache-Control") is None:
        scope = "private" if private else "public"
        resp.set_header("Cache-Control", f"{scope}, max-age={int(ttl)}")


def _status_code(status: Any) -> int:
    if isinstance(status, int):
        return status
    return int(str(status).split(" ", 1)[0]) if status else 200
