"""The same small JSON behind a bearer token and behind a session cookie."""

from rustforge.contrib.auth import login_required
from rustforge.contrib.oauth import require_oauth


def _body(req):
    return {"username": req.context.user.username, "items": [1, 2, 3]}


class BearerProfile:
    @require_oauth(scopes=["read"])
    def on_get(self, req, resp):
        resp.media = _body(req)


class SessionProfile:
    @login_required
    def on_get(self, req, resp):
        resp.media = _body(req)
