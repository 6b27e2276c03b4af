"""Every response carries the security headers; a bad Host gets 400 (from auth's side)."""

import pytest

from rustforge.testing.client import Client

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def assert_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.status_code, name)


def test_every_kind_of_response_carries_the_headers(app, client, make_user, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 1
    make_user("ada")
    responses = [
        client.get("/accounts/login"),                                       # 200 HTML
        client.get("/authdemo/private", headers={"Accept": "text/html"}),    # 302
        client.get("/authdemo/private"),                                     # 401
        client.get("/no/such/page"),                                         # 404
        client.post("/authdemo/transfer", data={"x": "1"}),                  # 403 CSRF
        Client(app).delete("/accounts/login"),                               # 405
    ]
    token = client.cookies["csrftoken"]
    for _ in range(2):
        responses.append(client.post("/accounts/login", data={
            "username": "ada", "password": "bad", "csrf_token": token}))     # 400 then 429
    assert {r.status_code for r in responses} == {200, 302, 401, 404, 403, 405, 400, 429}
    for response in responses:
        assert_headers(response)


def test_auth_pages_are_not_cached(client, db):
    assert client.get("/accounts/login").headers["cache-control"] == "no-store"


def test_hsts_only_on_https(app, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    from rustforge.http import get_wsgi_application

    application = get_wsgi_application()
    secure = Client(application, secure=True).get("/accounts/login")
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "strict-transport-security" not in Client(application).get("/accounts/login").headers


@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example", "bad host",
                                  "testserver:99999999", "", "[::1"])
def test_bad_host_is_400(app, db, host):
    response = Client(app, host=host).get("/accounts/login") if host else \
        Client(app).get("/accounts/login", headers={"Host": ""})
    assert response.status_code == 400
    assert_headers(response)


def test_bad_host_on_post_is_400_before_anything_else(app, db):
    response = Client(app, host="evil.example").post("/accounts/login",
                                                     data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "Host" in response.json["title"]


def test_https_redirect_behind_a_trusted_proxy(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    from rustforge.http import get_wsgi_application

    application = get_wsgi_application()
    plain = Client(application).get("/accounts/login?next=/x")
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://testserver/accounts/login?next=/x"
    proxied = Client(application).get("/accounts/login",
                                      headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
