"""Bare falcon + raw psycopg2: the ceiling for RustForge's stack.

One psycopg2 connection per worker thread, opened by the first query after
the fork and kept (autocommit, like the other two implementations); Jinja2 for
the fortunes page. ``gunicorn app:application`` with BENCH_DATABASE_URL set.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import secrets
import string
import threading
from operator import itemgetter
from pathlib import Path
from urllib.parse import urlencode

import falcon
import jinja2
import psycopg2

_local = threading.local()
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent)), autoescape=True)
_FORTUNES = _templates.get_template("fortunes.html")


def cursor():
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg2.connect(os.environ["BENCH_DATABASE_URL"])
        conn.autocommit = True
        _local.conn = conn
    return conn.cursor()


def query_count(req) -> int:
    try:
        n = int(req.get_param("queries") or 1)
    except ValueError:
        return 1
    return min(max(n, 1), 500)


class Json:
    def on_get(self, req, resp):
        resp.media = {"message": "Hello, World!"}


class Plaintext:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class Db:
    def on_get(self, req, resp):
        cur = cursor()
        cur.execute("SELECT id, randomnumber FROM world WHERE id = %s",
                    (random.randint(1, 10000),))
        row = cur.fetchone()
        resp.media = {"id": row[0], "randomNumber": row[1]}


class Queries:
    def on_get(self, req, resp):
        cur = cursor()
        worlds = []
        for _ in range(query_count(req)):
            cur.execute("SELECT id, randomnumber FROM world WHERE id = %s",
                        (random.randint(1, 10000),))
            row = cur.fetchone()
            worlds.append({"id": row[0], "randomNumber": row[1]})
        resp.media = worlds


class Fortunes:
    def on_get(self, req, resp):
        cur = cursor()
        cur.execute("SELECT id, message FROM fortune")
        fortunes = cur.fetchall()
        fortunes.append((0, "Additional fortune added at request time."))
        fortunes.sort(key=itemgetter(1))
        resp.content_type = "text/html; charset=utf-8"
        resp.text = _FORTUNES.render(fortunes=fortunes)


class Updates:
    def on_get(self, req, resp):
        # One statement per row, as the ORM implementations do: the suite
        # measures framework overhead, not a cleverer batching strategy.
        cur = cursor()
        worlds = []
        for _ in range(query_count(req)):
            cur.execute("SELECT id, randomnumber FROM world WHERE id = %s",
                        (random.randint(1, 10000),))
            world_id, _old = cur.fetchone()
            number = random.randint(1, 10000)
            cur.execute("UPDATE world SET randomnumber = %s WHERE id = %s", (number, world_id))
            worlds.append({"id": world_id, "randomNumber": number})
        resp.media = worlds


# The routes real users have -------------------------------------------------------------
# The same work as RustForge's auth, CSRF and ModelResource, by hand. The
# session route reads RustForge's auth_session/auth_user tables and checks
# RustForge's signed cookie (HMAC-SHA256 keyed by SECRET_KEY).
_SESSION_KEY = hashlib.sha256(
    ("rustforge.auth.session" + os.environ.get("SECRET_KEY", "")).encode()).digest()
_CHARS = string.ascii_letters + string.digits
_INDEX = {c: i for i, c in enumerate(_CHARS)}


def session_user(req):
    """(user id, username) of the request's session, or None."""
    signed = req.cookies.get("sessionid")
    if not signed:
        return None
    key, _, sig = signed.rpartition(":")
    digest = hmac.new(_SESSION_KEY, key.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(sig.encode(), base64.urlsafe_b64encode(digest).rstrip(b"=")):
        return None
    cur = cursor()
    cur.execute("SELECT s.data, u.id, u.username, u.is_active FROM auth_session s "
                "LEFT JOIN auth_user u ON u.id = s.user_id "
                "WHERE s.key_hash = %s AND s.expires_at > %s",
                (hashlib.sha256(key.encode()).hexdigest(),
                 dt.datetime.now(dt.UTC).replace(tzinfo=None)))
    row = cur.fetchone()
    if row is None or row[1] is None or not row[3]:
        return None
    json.loads(row[0])
    return row[1], row[2]


class Me:
    def on_get(self, req, resp):
        user = session_user(req)
        if user is None:
            raise falcon.HTTPUnauthorized(title="Log in first")
        cur = cursor()
        cur.execute("SELECT id, randomnumber FROM world WHERE id = %s",
                    (random.randint(1, 10000),))
        row = cur.fetchone()
        resp.media = {"username": user[1], "id": row[0], "randomNumber": row[1]}


def _mask(secret):
    pad = "".join(secrets.choice(_CHARS) for _ in range(32))
    return pad + "".join(_CHARS[(_INDEX[s] + _INDEX[m]) % 62] for s, m in zip(secret, pad))


def _unmask(token):
    pad, cipher = token[:32], token[32:]
    return "".join(_CHARS[(_INDEX[c] - _INDEX[m]) % 62] for c, m in zip(cipher, pad))


class Note:
    def on_get(self, req, resp):
        secret = req.cookies.get("csrftoken")
        if not secret:
            secret = "".join(secrets.choice(_CHARS) for _ in range(32))
            resp.set_cookie("csrftoken", secret, secure=False, http_only=False)
        resp.media = {"csrf_token": _mask(secret)}

    def on_post(self, req, resp):
        form = req.get_media()
        secret = req.cookies.get("csrftoken", "")
        token = form.get("csrf_token", "")
        if (len(secret) != 32 or len(token) != 64 or not all(c in _INDEX for c in token)
                or not hmac.compare_digest(_unmask(token), secret)):
            raise falcon.HTTPForbidden(title="CSRF verification failed")
        errors = {}
        title = form.get("title", "").strip()
        if not title or len(title) > 100:
            errors["title"] = ["Enter at most 100 characters."]
        try:
            number = int(form.get("number", ""))
            if not 1 <= number <= 10000:
                raise ValueError(number)
        except ValueError:
            errors["number"] = ["Enter a whole number from 1 to 10000."]
        if errors:
            raise falcon.HTTPUnprocessableEntity(title="Validation failed",
                                                 description=json.dumps(errors))
        resp.media = {"title": title, "number": number}


class Posts:
    def on_get(self, req, resp):
        try:
            limit = min(max(int(req.get_param("limit") or 20), 1), 100)
        except ValueError:
            raise falcon.HTTPBadRequest(title="Invalid limit") from None
        cur = cursor()
        cur.execute("SELECT count(*) FROM bench_post")
        count = cur.fetchone()[0]
        cur.execute("SELECT id, title, body, author_id FROM bench_post ORDER BY id LIMIT %s",
                    (limit,))
        rows = cur.fetchall()
        cur.execute("SELECT id, name FROM bench_author WHERE id = ANY(%s)",
                    (list({r[3] for r in rows}),))
        authors = {a[0]: {"id": a[0], "name": a[1]} for a in cur.fetchall()}
        params = dict(req.params, offset=limit)
        resp.media = {
            "meta": {"count": count, "limit": limit, "offset": 0},
            "links": {"next": f"{req.path}?{urlencode(params)}" if limit < count else None,
                      "prev": None},
            "data": [{"id": r[0], "title": r[1], "body": r[2], "author": authors[r[3]]}
                     for r in rows]}


application = falcon.App()
application.add_route("/json", Json())
application.add_route("/plaintext", Plaintext())
application.add_route("/db", Db())
application.add_route("/queries", Queries())
application.add_route("/fortunes", Fortunes())
application.add_route("/updates", Updates())
application.add_route("/me", Me())
application.add_route("/form", Note())
application.add_route("/posts", Posts())
