"""Requests that authenticate with ``Authorization: Bearer`` (API clients, OAuth).

Such a request is authenticated by its token, never by a cookie: the session
middleware attaches no session user to it and CSRF leaves it alone. Its own
module, below both, so neither imports the other for this one test.

An app that issues tokens (``rustforge.contrib.oauth``) plugs its check in with
``register_bearer_backend(fn)`` at ``ready()``: ``fn(req)`` sets
``req.context.user`` (and ``.scopes``, ``.oauth_application``) for a token it
knows, raises ``falcon.HTTPUnauthorized`` for one it rejects, or returns False
to let the next backend try. Without a backend a bearer request is anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BearerBackend = Callable[[Any], bool]

_backends: list[BearerBackend] = []


def is_bearer(req: Any) -> bool:
    """True when the request carries a bearer token."""
    auth = req.env.get("HTTP_AUTHORIZATION")
    return bool(auth) and auth[:7].lower() == "bearer "


def register_bearer_backend(backend: BearerBackend) -> BearerBackend:
    """Authenticate bearer requests with ``backend(req) -> bool`` (True: handled).

    Registering the same function twice keeps one entry (``ready()`` may run
    again in tests).
    """
    if backend not in _backends:
        _backends.append(backend)
    return backend


def unregister_bearer_backend(backend: BearerBackend) -> None:
    if backend in _backends:
        _backends.remove(backend)


def authenticate_bearer(req: Any) -> bool:
    """Run the registered backends until one handles ``req``; False when none did."""
    for backend in _backends:
        if backend(req):
            return True
    return False
