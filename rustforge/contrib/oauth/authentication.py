"""Protecting APIs with bearer tokens.

The app registers ``authenticate_bearer`` with the auth middleware, so every
request carrying ``Authorization: Bearer <token>`` is authenticated by its
token: ``req.context.user`` (anonymous for a client-credentials token),
``req.context.oauth_application`` and ``req.context.scopes`` (a frozenset)
are set, which is all ``ModelResource.required_scopes`` and the GraphQL
scopes need. A bad, expired or revoked token is a 401 at once.

    from rustforge.contrib.oauth import require_oauth

    class Invoices:
        @require_oauth(scopes=["invoices:read"])
        def on_get(self, req, resp): ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import falcon

from rustforge.contrib.auth.base_user import ANONYMOUS
from rustforge.contrib.oauth.tokens import cached_application, find_bearer_token

REALM = "api"


def bearer_challenge() -> str:
    """The bearer challenge every framework 401 carries (``rustforge.http.challenges``)."""
    return _challenge()


def _challenge(error: str | None = None, description: str = "", scope: str = "") -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def invalid_token(description: str = "The access token is invalid, expired or revoked.") -> Any:
    return falcon.HTTPUnauthorized(
        title="Invalid token", description=description,
        headers={"WWW-Authenticate": _challenge("invalid_token", description)})


def authenticate_bearer(req: Any) -> bool:
    """The auth middleware's bearer backend: the token's user, client and scopes."""
    token = req.env.get("HTTP_AUTHORIZATION", "")[7:].strip()
    found = find_bearer_token(token)
    if found is None or not found.is_active():
        raise invalid_token()
    user = ANONYMOUS
    if found.user_id is not None:
        user = found.user
        if not user.is_active:
            raise invalid_token("The user of this token is inactive.")
    context = req.context
    context.user = user
    context.scopes = frozenset(found.scope_list)
    context.oauth_application = cached_application(found.application_id)
    context.oauth_token = found
    return True


def require_oauth(scopes: Iterable[str] = ()) -> Any:
    """A falcon hook: the request must carry a valid token with every one of ``scopes``.

    Without a token: 401 with ``WWW-Authenticate: Bearer``; a token lacking a
    scope: 403 ``insufficient_scope`` naming the scopes needed; a token in the
    query string (RFC 6750 2.3, which leaks into logs and history): 400.
    """
    needed = tuple(scopes)
    if isinstance(scopes, str):
        raise TypeError('require_oauth(scopes=["read"]) takes a list of scope names')

    def check(req: Any, resp: Any, resource: Any, params: dict) -> None:
        if "access_token" in req.params:
            raise falcon.HTTPBadRequest(
                title="Token in the query string",
                description="Send the access token in the Authorization header.",
                headers={"WWW-Authenticate": _challenge("invalid_request")})
        if req.context.get("oauth_token") is None:
            raise falcon.HTTPUnauthorized(
                title="Authentication required",
                description="This API needs an OAuth access token (Authorization: Bearer).",
                headers={"WWW-Authenticate": _challenge()})
        granted = req.context.scopes
        missing = [scope for scope in needed if scope not in granted]
        if missing:
            raise falcon.HTTPForbidden(
                title="Insufficient scope",
                description=f"The token lacks the scope(s): {' '.join(missing)}.",
                headers={"WWW-Authenticate": _challenge("insufficient_scope",
                                                        scope=" ".join(needed))})

    return falcon.before(check)
