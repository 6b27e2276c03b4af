"""Strange bodies, types and sizes get 4xx answers, never a 500."""

import pytest

PAGES = ["/accounts/login", "/accounts/login/verify", "/accounts/password/reset",
         "/accounts/password/change", "/accounts/2fa/confirm", "/accounts/2fa/disable",
         "/accounts/password/reset/1/abc-def", "/accounts/logout"]


@pytest.fixture
def browser(client, make_user, login):
    login(client, make_user("ada"))
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("body,content_type", [
    (b"[1, 2, 3]", "application/json"),
    (b'{"username": {"$ne": null}, "password": ["x"], "email": 5, "code": null}',
     "application/json"),
    (b"{not json", "application/json"),
    (b"username=%FF%FE&password=%00", "application/x-www-form-urlencoded"),
    (b"<xml/>", "application/xml"),
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    ("username=" + "é" * 5000 + "&password=" + "p" * 5000, "application/x-www-form-urlencoded"),
])
def test_never_a_server_error(browser, path, body, content_type):
    response = browser.post(path, body=body, content_type=content_type)
    assert response.status_code < 500, (path, response.status_code, response.text[:300])
    assert response.status_code != 403  # the CSRF check passed: the body was really parsed


def test_json_login_with_wrong_types_is_a_plain_failure(client, make_user):
    make_user("ada")
    client.get("/accounts/login")
    response = client.post("/accounts/login", json={"username": ["ada"], "password": 12345},
                           headers={"X-CSRFToken": client.cookies["csrftoken"]})
    assert response.status_code == 400
    assert response.json["title"] == "Login failed"


def test_get_with_hostile_next_and_path(client, db):
    for url in ("/accounts/login?next=%00%0d%0aSet-Cookie:x", "/accounts/login?next=" + "a" * 9000,
                "//evil.example/accounts/login"):
        assert client.get(url).status_code < 500
