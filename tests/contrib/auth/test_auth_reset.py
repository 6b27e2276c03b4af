"""Password reset by e-mail: single-use, expiring links; no account enumeration."""

import re

from rustforge.contrib.auth import get_user_model
from rustforge.contrib.auth.tokens import check_token, make_token

PASSWORD = "correct horse battery staple"
NEW = "a completely new passphrase"


def post(client, path, **fields):
    if "csrftoken" not in client.cookies:
        client.get("/accounts/login")
    return client.post(path, data={"csrf_token": client.cookies["csrftoken"], **fields})


def request_link(client, mailoutbox, email="ada@example.com"):
    response = post(client, "/accounts/password/reset", email=email)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/accounts/password/reset/done")
    return re.search(r"http://testserver(/accounts/password/reset/\S+)", mailoutbox[-1].body
                     ).group(1)


def test_reset_link_sets_the_password_once(app, client, make_user, mailoutbox):
    from rustforge.testing.client import Client

    make_user("ada")
    other = Client(app)
    post(other, "/accounts/login", username="ada", password=PASSWORD)
    assert other.get("/accounts/me").status_code == 200
    path = request_link(client, mailoutbox)
    assert mailoutbox[0].to == ["ada@example.com"]
    assert "Reset your password" in mailoutbox[0].subject
    assert "Choose a new password" in client.get(path).text
    mismatch = post(client, path, new_password1=NEW, new_password2=NEW + "x")
    assert mismatch.status_code == 400
    assert post(client, path, new_password1=NEW, new_password2=NEW).status_code == 200
    # Single use.
    assert client.get(path).status_code == 400
    assert post(client, path, new_password1="another one entirely",
                new_password2="another one entirely").status_code == 400
    # Every session of the user is gone; the new password works.
    assert other.get("/accounts/me").status_code == 401
    client.cookies.clear()
    assert post(client, "/accounts/login", username="ada", password=NEW).status_code == 303


def test_unknown_address_gets_the_same_answer_and_no_mail(client, db, mailoutbox):
    response = post(client, "/accounts/password/reset", email="nobody@example.com")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/accounts/password/reset/done")
    assert mailoutbox == []


def test_expired_and_forged_tokens(db, make_user, settings):
    ada = make_user("ada")
    token = make_token(ada, now=1_000_000)
    assert check_token(ada, token, now=1_000_000 + settings.PASSWORD_RESET_TIMEOUT - 1)
    assert not check_token(ada, token, now=1_000_000 + settings.PASSWORD_RESET_TIMEOUT + 1)
    assert not check_token(ada, token[:-1] + ("a" if token[-1] != "a" else "b"))
    bob = make_user("bob")
    assert not check_token(bob, make_token(ada))
    for junk in ("", "-", "zz-", "x" * 500, "1-2-3", None):
        assert not check_token(ada, junk)


def test_bad_links_get_a_clear_page_not_an_error(client, db):
    for path in ("/accounts/password/reset/zzzzzzzzzzzzzzzzzz/abc",
                 "/accounts/password/reset/1/garbage", "/accounts/password/reset/!!/x-y"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 400
        assert "This link does not work" in response.text


def test_logging_in_kills_an_outstanding_link(client, make_user, mailoutbox):
    make_user("ada")
    path = request_link(client, mailoutbox)
    post(client, "/accounts/login", username="ada", password=PASSWORD)
    assert client.get(path).status_code == 400
    model = get_user_model()
    assert model.get(model.username == "ada").check_password(PASSWORD)


def test_reset_link_scheme_cannot_be_forged(app, make_user, mailoutbox, settings):
    from rustforge.testing.client import Client

    make_user("ada")
    browser = Client(app, secure=True)
    browser.get("/accounts/login")
    browser.post("/accounts/password/reset", headers={
        "X-Forwarded-Proto": "http", "Origin": "https://testserver"}, data={
        "email": "ada@example.com", "csrf_token": browser.cookies["csrftoken"]})
    assert "https://testserver/accounts/password/reset/" in mailoutbox[-1].body


def test_reset_requests_are_throttled_apart_from_logins(client, make_user, mailoutbox, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 2
    settings.LOGIN_THROTTLE_IP_LIMIT = 3
    make_user("ada")
    for _ in range(2):
        assert post(client, "/accounts/password/reset", email="ada@example.com"
                    ).status_code == 303
    assert post(client, "/accounts/password/reset", email="ada@example.com").status_code == 429
    assert len(mailoutbox) == 2
    post(client, "/accounts/password/reset", email="other@example.com")
    assert post(client, "/accounts/password/reset", email="x@example.com").status_code == 429
    # Logging in from the same address is not affected.
    assert post(client, "/accounts/login", username="ada", password=PASSWORD).status_code == 303
