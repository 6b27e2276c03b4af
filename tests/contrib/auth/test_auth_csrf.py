"""CSRF: forged cross-site POSTs are refused with 403; the genuine one passes."""

import logging

import pytest

from rustforge.testing.client import Client


@pytest.fixture
def victim(client, db, make_user, login):
    """A logged-in browser that has rendered the transfer form."""
    login(client, make_user("victim"))
    del client.default_headers["X-CSRFToken"]
    return client


def form_token(client):
    html = client.get("/authdemo/transfer").text
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_legitimate_form_post_succeeds(victim):
    token = form_token(victim)
    response = victim.post("/authdemo/transfer", data={"amount": "10", "csrf_token": token})
    assert response.status_code == 200, response.text
    assert response.json == {"moved": True, "user": "victim"}


def test_legitimate_post_with_header_and_same_origin(victim):
    token = form_token(victim)
    response = victim.post("/authdemo/transfer", data={"amount": "1"},
                           headers={"X-CSRFToken": token, "Origin": "http://testserver"})
    assert response.status_code == 200


def test_forged_post_without_token_is_403(victim, caplog):
    with caplog.at_level(logging.WARNING, logger="rustforge.security.csrf"):
        response = victim.post("/authdemo/transfer", data={"amount": "10"})
    assert response.status_code == 403
    assert response.json["title"] == "CSRF verification failed"
    assert response.json["description"] == "CSRF token missing."
    assert "CSRF failure" in caplog.text


def test_forged_post_with_wrong_token_is_403(victim):
    response = victim.post("/authdemo/transfer",
                           data={"amount": "10", "csrf_token": "x" * 64})
    assert response.status_code == 403
    assert response.json["description"] == "CSRF token incorrect."


def test_malformed_token_is_403_not_500(victim):
    for bad in ("", "short", "é" * 64, "a" * 1000):
        response = victim.post("/authdemo/transfer", data={"csrf_token": bad})
        assert response.status_code == 403


def test_token_from_another_session_is_403(app, victim, make_user, login):
    attacker = Client(app)
    login(attacker, make_user("attacker"))
    del attacker.default_headers["X-CSRFToken"]
    stolen = form_token(attacker)
    # Valid for the attacker's own session...
    assert attacker.post("/authdemo/transfer", data={"csrf_token": stolen}).status_code == 200
    # ...and worthless in the victim's.
    response = victim.post("/authdemo/transfer", data={"csrf_token": stolen})
    assert response.status_code == 403


def test_wrong_origin_is_403_even_with_a_valid_token(victim):
    token = form_token(victim)
    for origin in ("https://evil.example", "null", "http://testserver.evil.example",
                   "http://testserver:8080"):
        response = victim.post("/authdemo/transfer", data={"csrf_token": token},
                               headers={"Origin": origin})
        assert response.status_code == 403, origin
        assert "Origin" in response.json["description"]


def test_https_requires_a_same_origin_referer(app, db, make_user, login, settings):
    browser = Client(app, secure=True)
    login(browser, make_user("sec"))
    token = browser.default_headers.pop("X-CSRFToken")
    post = lambda **h: browser.post("/authdemo/transfer",
                                    data={"csrf_token": token}, headers=h)
    assert "no Referer" in post().json["description"]
    assert post(Referer="https://evil.example/page").status_code == 403
    assert post(Referer="http://testserver/authdemo/transfer").status_code == 403
    assert post(Referer="https://testserver/authdemo/transfer").status_code == 200
    assert post(Origin="https://testserver").status_code == 200


def test_trusted_origins(app, db, make_user, login, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com", "https://partner.test"]
    browser = Client(app, secure=True, headers={})
    login(browser, make_user("trust"))
    token = browser.default_headers.pop("X-CSRFToken")
    post = lambda origin: browser.post("/authdemo/transfer",
                                       data={"csrf_token": token}, headers={"Origin": origin})
    assert post("https://app.example.com").status_code == 200
    assert post("https://partner.test").status_code == 200
    assert post("https://example.com.evil.test").status_code == 403
    assert post("http://app.example.com").status_code == 403


def test_masked_token_changes_every_render_but_stays_valid(victim):
    first, second = form_token(victim), form_token(victim)
    assert first != second
    assert victim.post("/authdemo/transfer", data={"csrf_token": first}).status_code == 200
    assert victim.post("/authdemo/transfer", data={"csrf_token": second}).status_code == 200


def test_token_rotates_at_login(client, db, make_user, login):
    client.get("/accounts/login")
    before = client.cookies["csrftoken"]
    login(client, make_user("rot"))
    assert client.cookies["csrftoken"] != before


def test_bearer_requests_need_no_token_and_get_no_session_user(victim, monkeypatch):
    from rustforge.contrib.auth import bearer

    # No token app's backend (the oauth app rejects an unknown token with 401).
    monkeypatch.setattr(bearer, "_backends", [])
    response = victim.post("/authdemo/transfer", data={"amount": "1"},
                           headers={"Authorization": "Bearer some-oauth-token"})
    assert response.status_code == 200
    # The cookie did not authenticate this request: no cross-site riding.
    assert response.json["user"] is None


def test_exempt_responder(victim):
    assert victim.post("/authdemo/webhook", data={"x": "1"}).status_code == 200


def test_exempt_suffixed_responder_leaves_its_siblings_protected(victim):
    assert victim.post("/authdemo/payments/refund", data={"x": "1"}).json == {"refunded": True}
    assert victim.post("/authdemo/payments", data={"x": "1"}).status_code == 403


def test_cookieless_json_api_client_is_not_cookie_authenticated(app, db):
    fresh = Client(app)
    response = fresh.post("/authdemo/transfer", json={"amount": 1})
    assert response.status_code == 200
    assert response.json["user"] is None


def test_cookieless_form_post_still_needs_a_token(app, db):
    # A cross-site form needs no cookie to log a victim into the attacker's
    # account (login CSRF): simple bodies are always checked.
    fresh = Client(app)
    assert fresh.post("/accounts/login", data={"username": "x", "password": "y"}
                      ).status_code == 403


def multipart(fields, files=()):
    boundary = "----rustforgeboundary"
    chunks = []
    for name, value in fields:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                      f"{value}\r\n")
    for name, filename, content in files:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                      f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n')
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode(), f"multipart/form-data; boundary={boundary}"


def test_multipart_form_with_token_field_and_file_still_readable(victim):
    token = form_token(victim)
    body, content_type = multipart([("csrf_token", token), ("amount", "3")],
                                   [("upload", "a.txt", "hello")])
    response = victim.post("/authdemo/upload", body=body, content_type=content_type)
    assert response.status_code == 200, response.text
    assert response.json == {"fields": {"csrf_token": token, "amount": "3"},
                             "files": {"upload": "hello"}}
    body, content_type = multipart([("amount", "3")], [("upload", "a.txt", "hello")])
    assert victim.post("/authdemo/upload", body=body,
                       content_type=content_type).status_code == 403


def test_multipart_body_is_parsed_once_for_the_csrf_check_and_the_responder(victim,
                                                                            monkeypatch):
    import falcon.media

    calls = []
    original = falcon.media.MultipartFormHandler.deserialize

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(falcon.media.MultipartFormHandler, "deserialize", counting)
    token = form_token(victim)
    body, content_type = multipart([("csrf_token", token), ("amount", "3")],
                                   [("upload", "a.txt", "hello")])
    response = victim.post("/authdemo/upload", body=body, content_type=content_type)
    assert response.json == {"fields": {"csrf_token": token, "amount": "3"},
                             "files": {"upload": "hello"}}
    assert len(calls) == 1
