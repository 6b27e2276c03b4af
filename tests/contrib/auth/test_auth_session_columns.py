"""The session lookup reads only the columns every request needs.

``created_at``, ``ip`` and ``user_agent`` are read when first asked for, the
user's key comes from the session row, the key hash is written into the
psycopg2 statement as psycopg2 would quote it, and the sliding expiry reuses
the clock read of the expiry check. Each test fails if one of those shortcuts
changes what is stored or answered.
"""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests_helpers import sent

from rustforge.contrib.auth import middleware as auth_middleware
from rustforge.contrib.auth.models import Session
from rustforge.contrib.auth.sessions import SessionRecord, hash_key
from rustforge.contrib.auth.sessions import db as session_db
from rustforge.contrib.auth.sessions.db import DatabaseBackend, StoredRecord
from rustforge.signing import unsign


def html_login(client, username, password="correct horse battery staple"):
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    return client.post("/accounts/login", data={"username": username, "password": password,
                                                "csrf_token": token})


def key_hash_of(client):
    return hash_key(unsign(client.cookies["sessionid"], "session"))


def stored_fields(record):
    return [getattr(record, f.name) for f in dataclasses.fields(record) if f.compare]


@pytest.fixture
def statements(db):
    seen = []
    original = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        seen.append((sql, list(params or ())))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = recording
    yield seen
    del db.execute_sql


def test_the_lookup_sends_what_peewee_would_and_reads_twelve_columns(client, make_user,
                                                                     statements):
    make_user("ada")
    html_login(client, "ada")
    key_hash = key_hash_of(client)
    statements.clear()
    assert DatabaseBackend().load(key_hash).user.username == "ada"
    (sql, params), = statements
    query = session_db._session_with_user(key_hash)
    assert sent((sql, params)) == sent(query.sql())
    columns = sql.split(" FROM ")[0]
    assert columns.count(",") + 1 == 12
    for name in ("created_at", "ip", "user_agent", "key_hash"):
        assert f'"{name}"' not in columns
    if type(Session._meta.database.connection()).__module__.startswith("psycopg2"):
        assert f"'{key_hash}'" in sql and params == []  # the hex digest written in


def test_the_user_is_the_one_peewee_builds(client, make_user, db):
    ada = make_user("ada", email="ada@example.com", is_staff=True)
    html_login(client, "ada")
    record = DatabaseBackend().load(key_hash_of(client))
    fresh = type(ada).get_by_id(ada.id)
    assert type(record.user) is type(fresh)
    assert record.user.__data__ == fresh.__data__
    assert record.user_id == ada.id and not record.user.is_dirty()


def test_lazy_columns_are_read_together_on_first_access(client, make_user, statements):
    make_user("ada")
    client.default_headers["User-Agent"] = "Lazy/1.0"
    html_login(client, "ada")
    row = Session.get()
    statements.clear()
    record = DatabaseBackend().load(row.key_hash)
    assert isinstance(record, StoredRecord) and len(statements) == 1, statements
    assert record.user_agent == "Lazy/1.0"
    assert len(statements) == 2
    assert (record.created_at, record.ip, record.user_agent) == (
        row.created_at, row.ip, row.user_agent)
    assert stored_fields(record) == stored_fields(session_db._record(row))
    assert len(statements) == 2


@pytest.mark.parametrize("stored", [("", ""), ("10.0.0.9", "Old/1.0"), ("", "Old/1.0")])
@pytest.mark.parametrize("read_first", [False, True])
def test_a_save_stores_what_the_full_record_would(client, make_user, stored, read_first):
    """A record saved without its lazy columns read keeps the stored start, and
    fills an empty address or user agent from the request, like a full record."""
    make_user("ada")
    html_login(client, "ada")
    key_hash = key_hash_of(client)
    backend = DatabaseBackend()
    start = dt.datetime(2020, 1, 2, 3, 4, 5)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).replace(microsecond=0)

    def stored_after(record):
        Session.update(created_at=start, ip=stored[0], user_agent=stored[1]).where(
            Session.key_hash == key_hash).execute()
        record = record()
        if read_first:
            assert record.ip == stored[0]
        record.data = {"cart": ["pen"]}
        record.last_seen, record.expires_at = now, now + dt.timedelta(days=1)
        record.fill(now, "192.0.2.1", "New/2.0")
        backend.save(record)
        row = Session.get(Session.key_hash == key_hash)
        return (row.created_at, row.ip, row.user_agent, row.data, row.last_seen,
                row.expires_at, row.user_id), record

    lazy, lazy_record = stored_after(lambda: backend.load(key_hash))
    full, full_record = stored_after(lambda: session_db._record(Session.get()))
    assert lazy == full
    assert lazy[0] == start
    assert stored_fields(lazy_record) == stored_fields(full_record)


def test_a_session_written_by_a_request_keeps_its_start(client, make_user):
    make_user("ada")
    html_login(client, "ada")
    before = Session.get()
    token = client.cookies["csrftoken"]
    assert client.post("/authdemo/cart", data={"item": "pen", "csrf_token": token}
                       ).status_code == 201
    after = Session.get()
    assert (after.created_at, after.ip, after.user_agent) == (
        before.created_at, before.ip, before.user_agent)
    assert client.get("/authdemo/cart").json == {"items": ["pen"]}


def test_the_sliding_expiry_reads_the_clock_once(client, make_user, monkeypatch):
    make_user("ada")
    html_login(client, "ada")
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=61)
    Session.update(last_seen=old).execute()
    reads = []

    def clock(real=session_db.utcnow):
        reads.append(1)
        return real()

    monkeypatch.setattr(session_db, "utcnow", clock)
    monkeypatch.setattr(auth_middleware, "utcnow", clock)
    response = client.get("/accounts/me")
    assert response.status_code == 200 and response.cookies["sessionid"]
    assert len(reads) == 1
    row = Session.get()
    assert old < row.last_seen and row.expires_at > row.last_seen


def test_a_record_made_elsewhere_still_reads_the_clock():
    record = SessionRecord(key_hash="x")
    assert record.checked_at is None
    record.fill(dt.datetime(2021, 1, 1), "ip", "agent")
    assert (record.created_at, record.ip, record.user_agent) == (
        dt.datetime(2021, 1, 1), "ip", "agent")


cookie_text = st.text(alphabet=st.sampled_from(list("sessionid=csrftoken;\" \t:abc-_.,\\\x00\u00e9")),
                      max_size=30)
headers = (cookie_text | st.builds(lambda v: f"sessionid={v}", cookie_text)
           | st.builds(lambda v, w: f"sessionid={v}; {w}", cookie_text, cookie_text))


@settings(max_examples=400, deadline=None)
@given(header=headers, name=st.sampled_from(["sessionid", "my.session-id_2", "bad name",
                                             "semi;colon", "q\"uote"]))
def test_the_session_cookie_is_read_as_falcon_reads_it(header, name):
    from falcon import Request
    from falcon.testing import create_environ

    from rustforge.conf import settings as global_settings

    with global_settings.override(SESSION_COOKIE_NAME=name):
        middleware = auth_middleware.SessionMiddleware(global_settings)
    header = header.replace("sessionid", name)
    environ = create_environ("/", headers={"Cookie": header} if header else None)
    environ["HTTP_COOKIE"] = header
    assert middleware.cookie_values(Request(environ)) == Request(environ).get_cookie_values(name)


def test_hostile_session_cookies_alone_in_the_header_stay_anonymous(app, client, make_user):
    """The header holding only the session cookie (read without falcon's parser):
    a tampered, an expired and an unknown key are all a 401, never a 500."""
    make_user("ada")
    html_login(client, "ada")
    good = client.cookies["sessionid"]
    key, _, signature = good.rpartition(":")

    from rustforge.testing.client import Client

    other = "B" if signature.endswith("A") else "A"  # a last character that differs
    for cookie in (f"{key}x:{signature}", f"{key}:{signature[:-1]}{other}", "", ":", "x" * 5000,
                   f"{key}:{signature}\u00e9", f"\"{good}\""[:-1]):
        fresh = Client(app)
        fresh.cookies.clear()
        response = fresh.get("/accounts/me", headers={"Cookie": f"sessionid={cookie}"})
        assert response.status_code == 401, cookie
    fresh = Client(app)
    assert fresh.get("/accounts/me", headers={"Cookie": f"sessionid={good}"}).status_code == 200
    Session.update(expires_at=dt.datetime(2000, 1, 1)).execute()
    assert fresh.get("/accounts/me", headers={"Cookie": f"sessionid={good}"}).status_code == 401
