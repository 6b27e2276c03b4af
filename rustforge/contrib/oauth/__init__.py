"""An OAuth 2.0 authorization server on oauthlib: ``rustforge.contrib.oauth``.

    INSTALLED_APPS = [..., "rustforge.contrib.auth", "rustforge.contrib.oauth"]

    from rustforge.contrib.oauth import require_oauth

    class Invoices:
        @require_oauth(scopes=["read"])
        def on_get(self, req, resp):
            resp.media = {"user": req.context.user.username}

Endpoints under ``/oauth/`` (authorize, token, revoke, introspect, jwks.json)
and ``/.well-known/oauth-authorization-server``. See ``docs/oauth.md``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["require_oauth"]


def __getattr__(name: str) -> Any:
    # Resolved on first use: commands and checks never load falcon through here.
    if name == "require_oauth":
        from rustforge.contrib.oauth.authentication import require_oauth

        return require_oauth
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
