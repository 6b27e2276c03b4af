"""Sessions: server-side, key rotation, logout, password change, listing, expiry."""

import datetime as dt

import pytest

from rustforge.contrib.auth.models import Session
from rustforge.contrib.auth.sessions import hash_key
from rustforge.signing import unsign
from rustforge.testing.client import Client


def session_cookie(client):
    return client.cookies.get("sessionid")


def html_login(client, username, password="correct horse battery staple", **extra):
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    return client.post("/accounts/login", data={"username": username, "password": password,
                                                "csrf_token": token, **extra})


def test_cookie_carries_only_a_signed_key_with_safe_flags(client, make_user):
    make_user("ada")
    response = html_login(client, "ada")
    assert response.status_code == 303
    cookie = response.cookies["sessionid"]
    assert cookie.http_only and cookie.same_site.lower() == "lax" and not cookie.secure
    key = unsign(cookie.value, "session")
    assert key and "ada" not in cookie.value
    row = Session.get(Session.key_hash == hash_key(key))
    assert row.user.username == "ada"
    # The key itself is nowhere in the database.
    assert not Session.select().where(Session.key_hash == key).exists()


def test_secure_cookie_when_configured(client, make_user, settings):
    settings.SESSION_COOKIE_SECURE = True
    make_user("ada")
    response = html_login(client, "ada")
    assert response.cookies["sessionid"].secure


def test_key_rotates_at_login_and_old_key_dies(app, client, make_user):
    """Session fixation: a key planted in the victim's browser is useless."""
    make_user("ada")
    make_user("mallory")
    attacker = Client(app)
    html_login(attacker, "mallory")
    planted = session_cookie(attacker)
    client.cookies["sessionid"] = planted            # e.g. through a subdomain cookie
    assert client.get("/accounts/me").json["username"] == "mallory"
    html_login(client, "ada")
    after = session_cookie(client)
    assert after and after != planted
    assert client.get("/accounts/me").json["username"] == "ada"
    # The planted key now opens nothing, not Ada's session nor Mallory's.
    assert not Session.select().where(
        Session.key_hash == hash_key(unsign(planted, "session"))).exists()
    assert attacker.get("/accounts/me").status_code == 401


def test_anonymous_session_data_survives_login_under_a_new_key(app, client, make_user):
    make_user("ada")
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    client.post("/authdemo/cart", data={"item": "book", "csrf_token": token})
    before = session_cookie(client)
    assert before
    html_login(client, "ada")
    assert session_cookie(client) != before
    assert client.get("/authdemo/cart").json == {"items": ["book"]}


def test_session_survives_requests_and_dies_at_logout(app, client, make_user):
    make_user("ada")
    html_login(client, "ada")
    stolen = session_cookie(client)
    assert client.get("/accounts/me").json["username"] == "ada"
    token = client.cookies["csrftoken"]
    response = client.post("/accounts/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert "sessionid" not in client.cookies
    assert Session.select().count() == 0
    # Replaying the old cookie gets nobody.
    replay = Client(app)
    replay.cookies["sessionid"] = stolen
    assert replay.get("/accounts/me").status_code == 401


def test_tampered_cookie_is_ignored(app, client, make_user):
    make_user("ada")
    html_login(client, "ada")
    key, _, sig = session_cookie(client).rpartition(":")
    forged = Client(app)
    forged.cookies["sessionid"] = key + ":" + sig[::-1]
    assert forged.get("/accounts/me").status_code == 401
    forged.cookies["sessionid"] = "garbage"
    assert forged.get("/accounts/me").status_code == 401


def test_password_change_kills_other_sessions_keeps_current(app, client, make_user):
    make_user("ada")
    other = Client(app)
    html_login(other, "ada")
    html_login(client, "ada")
    old_current = session_cookie(client)
    token = client.cookies["csrftoken"]
    response = client.post("/accounts/password/change", data={
        "csrf_token": token, "old_password": "correct horse battery staple",
        "new_password1": "a fresh passphrase 42", "new_password2": "a fresh passphrase 42"})
    assert response.status_code == 200, response.text
    assert "Password changed" in response.text
    assert session_cookie(client) != old_current  # rotated
    assert client.get("/accounts/me").json["username"] == "ada"
    assert other.get("/accounts/me").status_code == 401
    assert Session.select().count() == 1


def test_password_change_refuses_bad_input(client, make_user):
    make_user("ada")
    html_login(client, "ada")
    token = client.cookies["csrftoken"]
    cases = [
        ({"old_password": "nope", "new_password1": "x" * 20, "new_password2": "x" * 20},
         "old password was entered incorrectly"),
        ({"old_password": "correct horse battery staple", "new_password1": "abcdefghijk1",
          "new_password2": "different1234"}, "do not match"),
        ({"old_password": "correct horse battery staple", "new_password1": "password123",
          "new_password2": "password123"}, "too common"),
    ]
    for fields, message in cases:
        response = client.post("/accounts/password/change", data={"csrf_token": token, **fields})
        assert response.status_code == 400
        assert message in response.text


def test_user_lists_and_revokes_own_sessions(app, client, make_user):
    make_user("ada")
    make_user("bob")
    laptop, phone, bobs = Client(app), Client(app), Client(app)
    for browser, name in ((laptop, "ada"), (phone, "ada"), (bobs, "bob")):
        html_login(browser, name)
    phone.default_headers["User-Agent"] = "Phone/1.0"
    listing = laptop.get("/accounts/sessions", headers={"Accept": "application/json"}).json
    assert len(listing["sessions"]) == 2
    assert sum(s["current"] for s in listing["sessions"]) == 1
    other = next(s for s in listing["sessions"] if not s["current"])
    bob_sid = bobs.get("/accounts/sessions", headers={"Accept": "application/json"}
                       ).json["sessions"][0]["id"]
    token = laptop.cookies["csrftoken"]
    # Bob's session is not Ada's to end.
    assert laptop.post(f"/accounts/sessions/{bob_sid}/revoke",
                       data={"csrf_token": token}).status_code == 404
    assert bobs.get("/accounts/me").status_code == 200
    assert laptop.post(f"/accounts/sessions/{other['id']}/revoke",
                       data={"csrf_token": token}).status_code == 303
    assert phone.get("/accounts/me").status_code == 401
    assert laptop.get("/accounts/me").status_code == 200
    page = laptop.get("/accounts/sessions")
    assert page.status_code == 200 and "(this one)" in page.text


def test_expired_session_is_dead_and_clearsessions_removes_it(client, make_user, capsys):
    from rustforge.management import main

    make_user("ada")
    html_login(client, "ada")
    Session.update(expires_at=dt.datetime(2000, 1, 1)).execute()
    assert client.get("/accounts/me").status_code == 401
    with pytest.raises(SystemExit) as exit_info:
        main(["clearsessions"])
    assert exit_info.value.code == 0
    assert "1 expired session(s) deleted." in capsys.readouterr().out
    assert Session.select().count() == 0


def test_deactivated_user_loses_session(client, make_user):
    ada = make_user("ada")
    html_login(client, "ada")
    type(ada).update(is_active=False).where(type(ada).id == ada.id).execute()
    assert client.get("/accounts/me").status_code == 401


def test_anonymous_requests_write_no_session(client):
    client.get("/authdemo/")
    client.get("/accounts/login")
    assert "sessionid" not in client.cookies


@pytest.mark.parametrize("engine", ["cache-locmem", "cache-memcached", "alias-redis"])
def test_cache_session_engine(settings, make_user, request, engine):
    from rustforge.cache import caches, create_cache, get_cache
    from rustforge.services import services

    if engine == "alias-redis":
        # Sessions in a named cache of their own, on Redis; the default cache is untouched.
        redis_cache = request.getfixturevalue("redis_cache")
        default = services.override("cache", create_cache("locmem://"))
        default.__enter__()                            # the default cache: local memory
        request.addfinalizer(lambda: default.__exit__(None, None, None))
        settings.CACHES = {"sessions": redis_cache.url}
        settings.SESSION_CACHE_ALIAS = "sessions"
        request.addfinalizer(lambda: caches["sessions"].clear())
    if engine == "cache-memcached":
        memcached = request.getfixturevalue("memcached")
        override = services.override("cache", create_cache(memcached.url))
        override.__enter__()
        request.addfinalizer(lambda: override.__exit__(None, None, None))
        assert "memcached" in type(get_cache()).__name__.lower()
    settings.SESSION_ENGINE = "cache"
    from rustforge.http import get_wsgi_application

    application = get_wsgi_application()
    make_user("ada")
    browser, other = Client(application), Client(application)
    html_login(browser, "ada")
    html_login(other, "ada")
    assert Session.select().count() == 0  # nothing in the database
    if engine == "alias-redis":
        import redis

        raw = redis.Redis.from_url(caches["sessions"].url)
        assert any(b"auth:session:" in key for key in raw.keys("*"))
        raw.close()
        assert not get_cache()._data                  # nothing went to the default cache
    assert browser.get("/accounts/me").json["username"] == "ada"
    sessions = browser.get("/accounts/sessions", headers={"Accept": "application/json"}).json
    assert len(sessions["sessions"]) == 2
    token = browser.cookies["csrftoken"]
    browser.post("/accounts/logout", data={"csrf_token": token})
    assert browser.get("/accounts/me").status_code == 401
    assert other.get("/accounts/me").status_code == 200


def test_logged_in_request_costs_one_query(client, make_user, login, db):
    login(client, make_user("ada"))
    client.get("/accounts/me")  # the sliding expiry may write once; now it is fresh
    statements = []
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        assert client.get("/accounts/me").json["username"] == "ada"
    finally:
        del db.execute_sql
    assert len(statements) == 1, statements
    assert "JOIN" in statements[0]


def test_anonymous_request_costs_no_query(client, db):
    statements = []
    original = db.execute_sql
    db.execute_sql = lambda sql, params=None, *a, **k: statements.append(sql) or original(
        sql, params, *a, **k)
    try:
        assert client.get("/accounts/login").status_code == 200
    finally:
        del db.execute_sql
    assert statements == []


def test_logged_in_requests_reuse_one_compiled_session_lookup(client, make_user, monkeypatch):
    """The session (and user) lookup of every logged-in request is built once per
    process, not per request; it still answers for the right session each time."""
    from rustforge.contrib.auth.sessions import db as session_db

    calls = []
    build = session_db._session_with_user

    def counting(key_hash):
        calls.append(1)
        return build(key_hash)

    monkeypatch.setattr(session_db, "_session_with_user", counting)
    make_user("ada")
    make_user("bob")
    html_login(client, "ada")
    other = Client(client.app)
    html_login(other, "bob")
    calls.clear()
    for _ in range(3):
        assert client.get("/accounts/me").json["username"] == "ada"
        assert other.get("/accounts/me").json["username"] == "bob"
    assert len(calls) <= 1
