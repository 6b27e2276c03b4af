"""Requests that authenticate with ``Authorization: Bearer`` (API clients, OAuth).

Such a request is authenticated by its token, never by a cookie: the session
middleware attaches no session user to it and CSRF leaves it alone. Its own
module, below both, so neither imports the other for this one test.
"""

from __future__ import annotations

from typing import Any


def is_bearer(req: Any) -> bool:
    """True when the request carries a bearer token."""
    auth = req.env.get("HTTP_AUTHORIZATION")
    return bool(auth) and auth[:7].lower() == "bearer "
