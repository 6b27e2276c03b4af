import falcon


class Echo:
    """Returns what it was sent: query, form or JSON media."""

    def on_get(self, req, resp):
        resp.media = {"query": req.params, "path": req.path}

    def on_post(self, req, resp):
        media = req.get_media()
        if isinstance(media, falcon.media.multipart.MultipartForm):
            media = {part.name: part.get_text() for part in media}
        resp.media = {"media": media}


class Boom:
    def on_get(self, req, resp):
        raise RuntimeError("kaboom: secret detail")


class Item:
    def on_get(self, req, resp, id):
        if id > 100:
            raise falcon.HTTPNotFound(description=f"item {id} does not exist")
        resp.media = {"id": id}


class Go:
    """Redirects as the query says (exercises rustforge.http.redirect)."""

    def on_get(self, req, resp):
        from rustforge.http import redirect

        kind = req.get_param("kind", default="name")
        if kind == "name":
            redirect("item", id=7)
        if kind == "permanent":
            redirect("/echo", permanent=True)
        if kind == "307":
            redirect("https://example.com/x?y=1", preserve_method=True)
        if kind == "303":
            redirect("welcome", see_other=True)
        redirect("nope-no-such-route")
