"""The OAuth tests run the test project with sessions, CSRF and the auth middleware.

``flow`` drives the protocol in-process: a logged-in user answers the consent
page (with its CSRF token) and a separate, cookie-less client talks to the
token endpoints. requests-oauthlib refuses plain-HTTP token URLs unless
OAUTHLIB_INSECURE_TRANSPORT is set; the live server is loopback HTTP, so the
tests set it.
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

OAUTH_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]
CALLBACK = "http://127.0.0.1/callback"


@pytest.fixture(autouse=True)
def oauth_settings(settings, locmem_cache, monkeypatch):
    settings.MIDDLEWARE = OAUTH_MIDDLEWARE
    settings.PASSWORD_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    return settings


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id, secret):
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


class Flow:
    pkce = staticmethod(pkce_pair)
    basic = staticmethod(basic)
    callback = CALLBACK

    def __init__(self, user_client, api_client, user):
        self.user_client = user_client  # logged in: the browser of the resource owner
        self.api = api_client           # no cookies: the client application's HTTP
        self.user = user

    def authorize(self, query, decision="allow"):
        """GET the consent page and POST the decision; the last response."""
        path = "/oauth/authorize?" + urlencode(query)
        page = self.user_client.get(path, headers={"Accept": "text/html"})
        if page.status_code != 200:
            return page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.user_client.post(path, data={"csrf_token": token, "decision": decision},
                                     headers={"Origin": "http://testserver"})

    def code(self, app, *, challenge=None, method="S256", scope="read write", **extra):
        """An authorization code for ``app`` (with a PKCE challenge unless None)."""
        query = {"response_type": "code", "client_id": app.client_id,
                 "redirect_uri": CALLBACK, "scope": scope, "state": "xyz", **extra}
        if challenge is not None:
            query.update(code_challenge=challenge, code_challenge_method=method)
        query = {name: value for name, value in query.items() if value is not None}
        response = self.authorize(query)
        assert response.status_code == 302, response.text
        params = parse_qs(urlsplit(response.headers["location"]).query)
        assert "code" in params, params
        return params["code"][0]

    def token(self, data, client_id=None, secret=None, headers=None):
        """POST /oauth/token; the response."""
        extra = dict(headers or {})
        if secret is not None:
            extra.update(basic(client_id, secret))
        elif client_id is not None:
            data = {**data, "client_id": client_id}
        return self.api.post("/oauth/token", data=data, headers=extra)

    def exchange(self, app, secret, code, verifier=None, **extra):
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                **extra}
        if verifier is not None:
            data["code_verifier"] = verifier
        return self.token(data, app.client_id, secret)

    def tokens(self, app, secret, scope="read write"):
        """A fresh access/refresh token pair through code + PKCE."""
        verifier, challenge = pkce_pair()
        response = self.exchange(app, secret, self.code(app, challenge=challenge, scope=scope),
                                 verifier)
        assert response.status_code == 200, response.text
        return response.json

    def call(self, token, method="GET", path="/oauthdemo/profile"):
        return self.api.request(method, path, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def flow(app, client, login, make_user):
    from rustforge.testing.client import Client

    ada = make_user("ada")
    login(client, ada)
    return Flow(client, Client(app), ada)
