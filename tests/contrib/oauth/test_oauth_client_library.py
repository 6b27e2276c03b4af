"""requests-oauthlib's OAuth2Session against a live server: the whole life of a token."""

import re

import pytest
import requests
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

CALLBACK = "http://127.0.0.1/callback"

pytestmark = pytest.mark.slow


class http:  # requests with a timeout, spelled like requests
    @staticmethod
    def get(url, **kwargs):
        return requests.get(url, timeout=10, **kwargs)

    @staticmethod
    def post(url, **kwargs):
        return requests.post(url, timeout=10, **kwargs)


def logged_in_session(base, username, password="correct horse battery staple"):
    """A requests session logged in through the login form, like a browser."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/accounts/login",
                            data={"csrf_token": token, "username": username,
                                  "password": password},
                            headers={"Origin": base}, allow_redirects=False)
    assert response.status_code in (302, 303), response.text
    return session


def consent(browser_session, base, authorization_url):
    """The user answers the consent page; the redirect back to the client."""
    page = browser_session.get(authorization_url, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert "Authorize" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = browser_session.post(authorization_url, headers={"Origin": base},
                                  data={"csrf_token": token, "decision": "allow"},
                                  allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def test_authorization_code_pkce_refresh_api_revoke_introspect(live_server, make_user,
                                                                make_oauth_app):
    base = live_server.url
    make_user("ada")
    app, secret = make_oauth_app("Billing")
    browser = logged_in_session(base, "ada")

    oauth = OAuth2Session(app.client_id, redirect_uri=CALLBACK, scope=["read", "write"],
                          pkce="S256")
    authorization_url, state = oauth.authorization_url(f"{base}/oauth/authorize")
    back = consent(browser, base, authorization_url)
    assert back.startswith(CALLBACK + "?") and f"state={state}" in back

    token = oauth.fetch_token(f"{base}/oauth/token", authorization_response=back,
                              client_secret=secret)
    assert token["token_type"] == "Bearer"
    assert sorted(token["scope"]) == ["read", "write"]
    assert token["refresh_token"] and token["expires_in"] == 3600

    profile = oauth.get(f"{base}/oauthdemo/profile")
    assert profile.status_code == 200
    assert profile.json() == {"username": "ada", "client_id": app.client_id,
                              "scopes": ["read", "write"]}

    # Refresh: a new pair; the old access token is retired with its refresh token.
    old = dict(token)
    new = oauth.refresh_token(f"{base}/oauth/token", auth=HTTPBasicAuth(app.client_id, secret))
    assert new["access_token"] != old["access_token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert oauth.get(f"{base}/oauthdemo/profile").status_code == 200
    stale = http.get(f"{base}/oauthdemo/profile",
                         headers={"Authorization": f"Bearer {old['access_token']}"})
    assert stale.status_code == 401
    assert 'error="invalid_token"' in stale.headers["WWW-Authenticate"]

    # Introspection by the (confidential) client itself.
    seen = http.post(f"{base}/oauth/introspect", data={"token": new["access_token"]},
                         auth=(app.client_id, secret)).json()
    assert seen["active"] is True and seen["username"] == "ada"
    assert seen["client_id"] == app.client_id and seen["scope"] == "read write"

    # Revocation (RFC 7009): the token stops working at once.
    revoked = http.post(f"{base}/oauth/revoke",
                            data={"token": new["access_token"],
                                  "token_type_hint": "access_token"},
                            auth=(app.client_id, secret))
    assert revoked.status_code == 200
    assert oauth.get(f"{base}/oauthdemo/profile").status_code == 401
    after = http.post(f"{base}/oauth/introspect", data={"token": new["access_token"]},
                          auth=(app.client_id, secret)).json()
    assert after == {"active": False}


def test_client_credentials(live_server, make_oauth_app):
    from oauthlib.oauth2 import BackendApplicationClient

    base = live_server.url
    app, secret = make_oauth_app("Nightly sync", scopes=["read"])
    oauth = OAuth2Session(client=BackendApplicationClient(client_id=app.client_id))
    token = oauth.fetch_token(f"{base}/oauth/token", client_id=app.client_id,
                              client_secret=secret)
    assert "refresh_token" not in token
    assert token["scope"] == ["read"]
    profile = oauth.get(f"{base}/oauthdemo/profile")
    assert profile.json() == {"username": None, "client_id": app.client_id, "scopes": ["read"]}
    # The token has no write scope: 403 insufficient_scope naming what is needed.
    denied = oauth.post(f"{base}/oauthdemo/profile")
    assert denied.status_code == 403
    assert 'error="insufficient_scope"' in denied.headers["WWW-Authenticate"]
    assert 'scope="write"' in denied.headers["WWW-Authenticate"]
