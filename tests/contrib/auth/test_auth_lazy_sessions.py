"""The cheap paths of sessions, authentication and CSRF keep their behaviour.

A request without a session cookie builds nothing and asks no store; a
session's record is fetched once and its data decoded only when read; the
signature key is derived once per key; CSRF tokens are masked and unmasked
with byte arithmetic. Each test here fails if one of those shortcuts changes
what a user sees.
"""

import datetime as dt
import secrets

import pytest

from rustforge.conf import settings as global_settings
from rustforge.contrib.auth import csrf
from rustforge.contrib.auth.models import Session
from rustforge.contrib.auth.sessions import hash_key
from rustforge.contrib.auth.sessions.db import DatabaseBackend
from rustforge.signing import sign, unsign
from rustforge.testing.client import Client


def session_cookie(client):
    return client.cookies.get("sessionid")


def html_login(client, username, password="correct horse battery staple"):
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    return client.post("/accounts/login", data={"username": username, "password": password,
                                                "csrf_token": token})


def test_anonymous_request_sets_no_cookie_and_asks_no_store(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the session store was asked")

    for name in ("load", "save", "touch", "delete"):
        monkeypatch.setattr(DatabaseBackend, name, refuse)
    response = client.get("/authdemo/")
    assert response.status_code == 200
    assert "set-cookie" not in {name.lower() for name in response.headers}
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies


def test_anonymous_requests_share_one_anonymous_user(app):
    from rustforge.contrib.auth.base_user import ANONYMOUS
    from rustforge.contrib.auth.middleware import AuthenticationMiddleware, SessionMiddleware

    class Req:
        def __init__(self):
            self.env = {}
            self.context = type("Context", (), {})()

    sessions, auth = SessionMiddleware(global_settings), AuthenticationMiddleware()
    users = []
    for _ in range(2):
        req = Req()
        sessions.process_request(req, None)
        auth.process_request(req, None)
        assert req.context.session.key is None and not req.context.session.modified
        users.append(req.context.user)
    assert users[0] is users[1] is ANONYMOUS


def test_session_written_after_a_lazy_load_keeps_its_old_values(app, client, make_user):
    """The record is fetched for the user only; data decoded later is not lost on save."""
    make_user("ada")
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    client.post("/authdemo/cart", data={"item": "book", "csrf_token": token})
    html_login(client, "ada")
    token = client.cookies["csrftoken"]
    assert client.post("/authdemo/cart", data={"item": "pen", "csrf_token": token}
                       ).status_code == 201
    # A fresh browser with the same cookie sees what the store holds.
    again = Client(app)
    again.cookies["sessionid"] = session_cookie(client)
    assert again.get("/authdemo/cart").json == {"items": ["book", "pen"]}
    assert again.get("/accounts/me").json["username"] == "ada"


def test_session_only_read_is_not_written(client, make_user, login, db):
    login(client, make_user("ada"))
    client.get("/authdemo/cart")  # the sliding expiry may write once; now it is fresh
    before = [(row.data, row.last_seen) for row in Session.select()]
    response = client.get("/authdemo/cart")
    assert response.json == {"items": []}
    assert "sessionid" not in response.cookies
    assert [(row.data, row.last_seen) for row in Session.select()] == before


@pytest.mark.parametrize("stored", ["[1, 2]", "not json", "\"text\"", "null"])
def test_session_data_that_is_not_an_object_reads_as_empty(client, make_user, stored):
    make_user("ada")
    html_login(client, "ada")
    Session.update(data=stored).execute()
    assert client.get("/accounts/me").json["username"] == "ada"  # the user survives
    assert client.get("/authdemo/cart").json == {"items": []}


def test_expiry_is_checked_on_the_loaded_row(client, make_user):
    make_user("ada")
    html_login(client, "ada")
    Session.update(expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
                   - dt.timedelta(seconds=1)).execute()
    response = client.get("/accounts/me")
    assert response.status_code == 401
    assert "sessionid" not in response.cookies


def test_sliding_expiry_writes_at_most_once_a_minute(client, make_user):
    make_user("ada")
    html_login(client, "ada")
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=61)
    Session.update(last_seen=old).execute()
    response = client.get("/accounts/me")
    assert response.cookies["sessionid"]  # the cookie's age starts again
    row = Session.get()
    assert row.last_seen > old and row.expires_at > row.last_seen
    second = client.get("/accounts/me")
    assert "sessionid" not in second.cookies
    assert Session.get().last_seen == row.last_seen


def test_tampered_cookie_is_anonymous_without_a_query(app, client, make_user, db):
    make_user("ada")
    html_login(client, "ada")
    key, _, sig = session_cookie(client).rpartition(":")
    forged = Client(app)
    forged.cookies["sessionid"] = key + ":" + sig[:-1] + ("A" if sig[-1] != "A" else "B")
    statements = []
    original = db.execute_sql
    db.execute_sql = lambda sql, params=None, *a, **k: statements.append(sql) or original(
        sql, params, *a, **k)
    try:
        response = forged.get("/accounts/me")
    finally:
        del db.execute_sql
    assert response.status_code == 401
    assert statements == []
    assert Session.select().count() == 1  # the real session is untouched


def test_cookie_signed_with_a_fallback_key_still_logs_in(app, client, make_user, settings):
    make_user("ada")
    html_login(client, "ada")
    assert client.get("/accounts/me").status_code == 200
    old_key = global_settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" * 5
    assert client.get("/accounts/me").status_code == 401
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert client.get("/accounts/me").json["username"] == "ada"


def test_signatures_follow_the_current_key(settings):
    settings.SECRET_KEY = "first-key-" * 5
    signed = sign("value", "salt")
    assert unsign(signed, "salt") == "value"
    settings.SECRET_KEY = "second-key-" * 5
    assert unsign(signed, "salt") is None
    assert sign("value", "salt") != signed


def test_stale_session_cookie_with_a_csrf_cookie_starts_no_session(app, client, db):
    client.get("/accounts/login")
    assert "csrftoken" in client.cookies
    client.cookies["sessionid"] = sign(secrets.token_urlsafe(32), "session")
    response = client.get("/accounts/login")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.select().count() == 0


def test_bearer_request_keeps_no_session(app, client, make_user):
    make_user("ada")
    html_login(client, "ada")
    cookie = session_cookie(client)
    api = Client(app)
    api.cookies["sessionid"] = cookie
    response = api.get("/authdemo/cart", headers={"Authorization": "Bearer nothing-known"})
    assert "sessionid" not in response.cookies
    me = api.get("/accounts/me", headers={"Authorization": "Bearer nothing-known"})
    assert me.status_code == 401  # the cookie does not log a bearer request in


@pytest.mark.parametrize("secret", [
    "0" * 32, "z" * 32, "Z" * 32, "9" * 32, csrf.CHARS[:32], csrf.CHARS[-32:],
    *(csrf._new_secret() for _ in range(50))])
def test_masked_token_unmasks_to_its_secret(secret):
    token = csrf._mask(secret)
    assert len(token) == 64 and csrf._well_formed(token, 64)
    assert token[32:] != secret or token[:32] == "0" * 32
    assert csrf._unmask(token) == secret
    # The same arithmetic, one character at a time.
    index = {c: i for i, c in enumerate(csrf.CHARS)}
    assert token[32:] == "".join(csrf.CHARS[(index[s] + index[m]) % 62]
                                 for s, m in zip(secret, token[:32]))


def test_new_secrets_use_the_whole_alphabet_and_nothing_else():
    seen = set()
    for _ in range(200):
        secret = csrf._new_secret()
        assert len(secret) == 32 and set(secret) <= set(csrf.CHARS)
        seen.update(secret)
    assert seen == set(csrf.CHARS)


@pytest.mark.parametrize("value", ["a" * 31 + "-", "a" * 31 + "é", "a" * 31 + "٣", "a" * 33,
                                   "a" * 31 + " ", "a" * 31 + "\x00"])
def test_malformed_secrets_are_refused(value):
    assert not csrf._well_formed(value, 32)


def test_session_store_key_is_the_hash_of_the_cookie_key(client, make_user):
    make_user("ada")
    html_login(client, "ada")
    key = unsign(session_cookie(client), "session")
    assert Session.get().key_hash == hash_key(key)
