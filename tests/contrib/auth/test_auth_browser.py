"""A real headless Chromium: login page -> protected page -> logout."""


import pytest

pytestmark = pytest.mark.slow


def test_login_protected_page_logout(browser, live_server, make_user):
    make_user("ada", password="correct horse battery staple")
    page = browser.new_page()
    # Not logged in: the protected page sends the browser to the login form.
    page.goto(f"{live_server.url}/authdemo/private")
    assert page.url.startswith(f"{live_server.url}/accounts/login?next=")
    # A wrong password shows the error and keeps us on the form.
    page.fill("#id_username", "ada")
    page.fill("#id_password", "not my password")
    page.click("button[type=submit]")
    assert "Wrong username or password." in page.text_content(".error")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/authdemo/private")
    assert page.text_content("#hello") == "Hello ada"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["httpOnly"] and cookies["sessionid"]["sameSite"] == "Lax"
    # Log out with the form's POST (CSRF token included by the page).
    page.click("#logout")
    page.wait_for_url(f"{live_server.url}/accounts/login")
    assert "sessionid" not in {c["name"] for c in page.context.cookies()}
    page.goto(f"{live_server.url}/authdemo/private")
    assert "/accounts/login?next=" in page.url


def test_cross_site_form_post_is_refused_in_the_browser(browser, live_server, make_user):
    """A page on another origin auto-submits a form to us: 403, nothing done."""
    make_user("ada", password="correct horse battery staple")
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login")
    page.fill("#id_username", "ada")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    # 127.0.0.1 vs localhost: a different origin, same server.
    evil = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{evil}/authdemo/")
    page.set_content(f"""<form id=f method=post action="{live_server.url}/authdemo/transfer">
        <input name=amount value=1000></form>""")
    with page.expect_response(lambda r: r.url.endswith("/authdemo/transfer")) as info:
        page.evaluate("document.getElementById('f').submit()")
    assert info.value.status == 403
