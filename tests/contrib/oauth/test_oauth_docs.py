"""The Python examples of docs/oauth.md run as written, against a live server."""

import re

import pytest
import requests
from tests_helpers import doc_blocks

pytestmark = pytest.mark.slow


def user_consents_as(base, username):
    """The user's browser: logged in through the form, it answers the consent page."""
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    browser.post(f"{base}/accounts/login", headers={"Origin": base}, timeout=10,
                 data={"csrf_token": token, "username": username,
                       "password": "correct horse battery staple"})

    def consent(authorization_url):
        page = browser.get(authorization_url, headers={"Accept": "text/html"}, timeout=10)
        assert page.status_code == 200, page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = browser.post(authorization_url, headers={"Origin": base}, timeout=10,
                              data={"csrf_token": token, "decision": "allow"},
                              allow_redirects=False)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    return consent


def test_examples_run(live_server, make_user):
    make_user("ada")
    blocks = doc_blocks("oauth.md")
    assert len(blocks) >= 9
    namespace = {"__name__": "docs_oauth", "BASE": live_server.url,
                 "user_consents": user_consents_as(live_server.url, "ada")}
    for number, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"docs/oauth.md block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"docs/oauth.md, python block {number} failed: {exc!r}\n"
                                 f"{code}") from exc
    assert namespace["seen"]["active"] is True
