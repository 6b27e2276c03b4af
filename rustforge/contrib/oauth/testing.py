"""OAuth test fixtures: registered clients and ready-made access tokens.

    def test_invoices_api(client, make_oauth_app, make_user, oauth_token):
        ada = make_user("ada")
        app, secret = make_oauth_app("Billing", scopes=["read"])
        token = oauth_token(app, ada, ["read"])
        response = client.get("/api/invoices", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200

Like ``make_user``, rows are committed when the test uses ``live_server`` or
``transactional_db``, so a server thread sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

CALLBACK = "http://127.0.0.1/callback"


@pytest.fixture
def make_oauth_app(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``make_oauth_app(name, **fields)`` -> ``(application, secret)`` (secret None when public).

    Defaults: confidential, redirect URI ``http://127.0.0.1/callback``, the
    authorization code, refresh token and client credentials grants, scopes
    ``read write``.
    """
    committed = {"transactional_db", "live_server"} & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if committed else "db")

    def make(name: str = "Test client", **fields: Any) -> Any:
        from rustforge.contrib.oauth.models import PUBLIC, Application

        public = fields.get("client_type") == PUBLIC
        fields.setdefault("redirect_uris", [CALLBACK])
        fields.setdefault("grant_types", ["authorization_code", "refresh_token"] if public else
                          ["authorization_code", "refresh_token", "client_credentials"])
        fields.setdefault("scopes", ["read", "write"])
        return Application.register(name, **fields)

    return make


@pytest.fixture
def oauth_token(make_oauth_app: Callable[..., Any]) -> Callable[..., str]:
    """``oauth_token(application=None, user=None, scopes=None)`` -> a raw access token."""

    def issue(application: Any = None, user: Any = None, scopes: list[str] | None = None,
              expires_in: int | None = None) -> str:
        from rustforge.contrib.oauth.tokens import issue as issue_token

        if application is None:
            application, _secret = make_oauth_app("Token fixture")
        return issue_token(application, user, scopes, expires_in)

    return issue
