import falcon


class Echo:
    """Returns what it was sent: query, form or JSON media."""

    def on_get(self, req, resp):
        resp.media = {"query": req.params, "path": req.path}

    def on_post(self, req, resp):
        resp.media = {"media": req.get_media()}


class Boom:
    def on_get(self, req, resp):
        raise RuntimeError("kaboom: secret detail")


class Item:
    def on_get(self, req, resp, id):
        if id > 100:
            raise falcon.HTTPNotFound(description=f"item {id} does not exist")
        resp.media = {"id": id}
