"""The TechEmpower test types, written the way a RustForge user writes them."""

from operator import attrgetter
from random import randint

import falcon

from rustforge.http import render
from tfb.models import Fortune, World


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
