"""The TechEmpower test types, written the way a RustForge user writes them."""

from operator import attrgetter
from random import randint

import falcon

from rustforge.contrib.auth.csrf import get_token
from rustforge.forms import CharField, Form, IntegerField
from rustforge.http import render
from rustforge.resources import ModelResource, Nested
from tfb.models import Author, Fortune, Post, World


def query_count(req) -> int:
    try:
        n = int(req.get_param("queries") or 1)
    except ValueError:
        return 1
    return min(max(n, 1), 500)


def as_dict(world: World) -> dict:
    return {"id": world.id, "randomNumber": world.randomnumber}


class Json:
    def on_get(self, req, resp):
        resp.media = {"message": "Hello, World!"}


class Plaintext:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class Db:
    def on_get(self, req, resp):
        resp.media = as_dict(World.get_by_id(randint(1, 10000)))


class Queries:
    def on_get(self, req, resp):
        resp.media = [as_dict(World.get_by_id(randint(1, 10000)))
                      for _ in range(query_count(req))]


class Fortunes:
    def on_get(self, req, resp):
        fortunes = list(Fortune.select())
        fortunes.append(Fortune(id=0, message="Additional fortune added at request time."))
        fortunes.sort(key=attrgetter("message"))
        render(req, resp, "tfb/fortunes.html", {"fortunes": fortunes})


class Updates:
    def on_get(self, req, resp):
        worlds = []
        for _ in range(query_count(req)):
            world = World.get_by_id(randint(1, 10000))
            world.randomnumber = randint(1, 10000)
            world.save()
            worlds.append(as_dict(world))
        resp.media = worlds


# The routes real users have -------------------------------------------------------------
class Me:
    """A logged-in user's JSON: the session (and its user) plus one query."""

    def on_get(self, req, resp):
        user = req.context.user
        if not user.is_authenticated:
            raise falcon.HTTPUnauthorized(title="Log in first")
        world = World.get_by_id(randint(1, 10000))
        resp.media = {"username": user.username, **as_dict(world)}


class NoteForm(Form):
    title = CharField(max_length=100)
    number = IntegerField(min_value=1, max_value=10000)


class Note:
    """GET: a CSRF token (and its cookie); POST: a form checked against it."""

    def on_get(self, req, resp):
        resp.media = {"csrf_token": get_token(req)}

    def on_post(self, req, resp):
        data = NoteForm.from_request(req).validate()
        resp.media = {"title": data["title"], "number": data["number"]}


class AuthorResource(ModelResource):
    model = Author
    fields = ["id", "name"]


class PostResource(ModelResource):
    model = Post
    fields = ["id", "title", "body", "author"]
    actions = ("list",)
    author = Nested(AuthorResource)
