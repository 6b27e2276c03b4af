"""Bare falcon + raw psycopg2: the ceiling for RustForge's stack.

One psycopg2 connection per worker thread, opened by the first query after
the fork and kept (autocommit, like the other two implementations); Jinja2 for
the fortunes page. ``gunicorn app:application`` with BENCH_DATABASE_URL set.
"""

import os
import random
import threading
from operator import itemgetter
from pathlib import Path

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


application = falcon.App()
application.add_route("/json", Json())
application.add_route("/plaintext", Plaintext())
application.add_route("/db", Db())
application.add_route("/queries", Queries())
application.add_route("/fortunes", Fortunes())
application.add_route("/updates", Updates())
