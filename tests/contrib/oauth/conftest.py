"""The OAuth tests run the test project with sessions, CSRF and the auth middleware.

requests-oauthlib refuses plain-HTTP token URLs unless OAUTHLIB_INSECURE_TRANSPORT is
set; the live server is on loopback HTTP, so the tests set it.
"""

import base64
import hashlib
import re
import secrets

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


def csrf_from(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Browserless:
    """Drives the consent page with the test client, as a logged-in user would."""

    def __init__(self, client, login, user):
        self.client = client
        login(client, user)

    def authorize(self, query, decision="allow"):
        """GET the consent page, then POST the decision with its CSRF token; the response."""
        from urllib.parse import urlencode

        path = "/oauth/authorize?" + urlencode(query)
        page = self.client.get(path, headers={"Accept": "text/html"})
        if page.status_code != 200:
            return page
        token = csrf_from(page.text)
        return self.client.post(path, body=f"csrf_token={token}&decision={decision}",
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Origin": "http://testserver"})


@pytest.fixture
def consent(client, login, make_user):
    """A logged-in user's test client on the consent page (``consent.authorize(query)``)."""
    return Browserless(client, login, make_user("ada"))
