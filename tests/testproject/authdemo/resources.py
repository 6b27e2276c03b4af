"""Pages the auth tests protect in different ways."""

import falcon

from rustforge.contrib.auth import csrf_exempt, login_required, permission_required, staff_required
from rustforge.contrib.auth.csrf import csrf_input
from rustforge.http import render


class Home:
    def on_get(self, req, resp):
        resp.media = {"user": req.context.user.username or None}


class Private:
    @login_required
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = (f"<!doctype html><title>Private</title><h1 id='hello'>Hello "
                     f"{req.context.user.username}</h1><form method='post' "
                     f"action='/accounts/logout'>{csrf_input(req)}"
                     f"<button id='logout' type='submit'>Log out</button></form>")


@permission_required("authdemo.change_secret")
class SecretEditor:
    def on_get(self, req, resp):
        resp.media = {"ok": True}


@staff_required
class StaffOnly:
    def on_get(self, req, resp):
        resp.media = {"staff": True}


class Transfer:
    """A state-changing form endpoint CSRF must protect."""

    def on_get(self, req, resp):
        render(req, resp, "authdemo/transfer.html", {"csrf_input": lambda: csrf_input(req)})

    def on_post(self, req, resp):
        resp.media = {"moved": True, "user": req.context.user.username or None}


class Webhook:
    @csrf_exempt
    def on_post(self, req, resp):
        resp.media = {"received": True}


class Payments:
    """One class, two routes: only the signed webhook route is exempt."""

    def on_post(self, req, resp):
        resp.media = {"paid": True}

    @csrf_exempt
    def on_post_refund(self, req, resp):
        resp.media = {"refunded": True}


class Upload:
    def on_post(self, req, resp):
        fields, files = {}, {}
        for part in req.get_media():
            if part.filename:
                files[part.name] = part.get_text()
            else:
                fields[part.name] = part.get_text()
        resp.media = {"fields": fields, "files": files}


class Cart:
    def on_get(self, req, resp):
        resp.media = {"items": req.context.session.get("cart", [])}

    def on_post(self, req, resp):
        resp.status = 201  # an int status, as responders may set it
        item = req.get_media().get("item")
        req.context.session["cart"] = [*req.context.session.get("cart", []), item]
        resp.media = {"items": req.context.session["cart"]}


class Notes:
    """A form that confirms with a one-time message after its redirect."""

    def on_get(self, req, resp):
        render(req, resp, "authdemo/notes.html")

    def on_post(self, req, resp):
        from rustforge.contrib.auth import messages

        data = req.get_media()  # a urlencoded form or JSON
        stored = messages.add(req, int(data.get("level", messages.SUCCESS)), data.get("text", ""),
                              data.get("tags", ""))
        if req.context.get("bearer"):
            resp.media = {"stored": stored}
            return
        raise falcon.HTTPSeeOther("/authdemo/notes")
