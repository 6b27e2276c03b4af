"""The consent page in a real headless Chromium, with requests-oauthlib as the client."""

import pytest
from requests_oauthlib import OAuth2Session

pytestmark = pytest.mark.slow


def login(page, base):
    page.goto(f"{base}/accounts/login")
    page.fill("#id_username", "ada")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_user_consents_in_the_browser_and_the_client_gets_a_token(browser, live_server,
                                                                   make_user, make_oauth_app):
    base = live_server.url
    make_user("ada")
    callback = f"{base}/oauthdemo/callback-not-served"
    app, secret = make_oauth_app("Photo printer", redirect_uris=[callback])
    oauth = OAuth2Session(app.client_id, redirect_uri=callback, scope=["read"], pkce="S256")
    authorization_url, state = oauth.authorization_url(f"{base}/oauth/authorize")

    page = browser.new_page()
    page.goto(authorization_url)
    assert "/accounts/login?next=" in page.url  # not logged in yet
    page.fill("#id_username", "ada")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_selector("#allow")
    assert page.text_content("#client-name") == "Photo printer"
    assert page.text_content("#scopes li[data-scope=read]").startswith("Read your data")
    assert page.text_content("#redirect-uri") == callback
    with page.expect_response(lambda r: r.url.startswith(callback)) as answer:
        page.click("#allow")
    back = answer.value.url
    assert f"state={state}" in back and "code=" in back

    token = oauth.fetch_token(f"{base}/oauth/token", authorization_response=back,
                              client_secret=secret)
    profile = oauth.get(f"{base}/oauthdemo/profile")
    assert profile.status_code == 200 and profile.json()["username"] == "ada"
    assert token["scope"] == ["read"]


def test_user_denies_in_the_browser(browser, live_server, make_user, make_oauth_app):
    base = live_server.url
    make_user("ada")
    callback = f"{base}/oauthdemo/callback-not-served"
    app, _ = make_oauth_app("Nosy app", redirect_uris=[callback])
    oauth = OAuth2Session(app.client_id, redirect_uri=callback, scope=["read", "write"],
                          pkce="S256")
    authorization_url, state = oauth.authorization_url(f"{base}/oauth/authorize")
    page = browser.new_page()
    login(page, base)
    page.goto(authorization_url)
    assert page.text_content("#scopes li[data-scope=write]").startswith("Change your data")
    with page.expect_response(lambda r: r.url.startswith(callback)) as answer:
        page.click("#deny")
    assert answer.value.url == f"{callback}?error=access_denied&state={state}"


def test_bad_redirect_uri_shows_the_error_page_in_the_browser(browser, live_server, make_user,
                                                              make_oauth_app):
    base = live_server.url
    make_user("ada")
    app, _ = make_oauth_app()
    page = browser.new_page()
    login(page, base)
    page.goto(f"{base}/oauth/authorize?response_type=code&client_id={app.client_id}"
              f"&redirect_uri=https://evil.test/steal&scope=read")
    assert page.url.startswith(base)  # never sent to evil.test
    assert "Mismatching redirect URI" in page.text_content("#error")
