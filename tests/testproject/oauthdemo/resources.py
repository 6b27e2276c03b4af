"""APIs protected by OAuth tokens, for the oauth app's tests and benchmark."""

from rustforge.contrib.auth import login_required
from rustforge.contrib.oauth import require_oauth
from rustforge.resources import ModelResource
from testproject.notes.models import Notebook


def _profile(req):
    user = req.context.user
    app = req.context.get("oauth_application")
    return {"username": user.username if user.is_authenticated else None,
            "client_id": app.client_id if app is not None else None,
            "scopes": sorted(req.context.get("scopes") or [])}


class Profile:
    @require_oauth(scopes=["read"])
    def on_get(self, req, resp):
        resp.media = _profile(req)

    @require_oauth(scopes=["write"])
    def on_post(self, req, resp):
        resp.media = {"written": True, **_profile(req)}


class SessionProfile:
    """The same JSON behind session authentication (the benchmark's baseline)."""

    @login_required
    def on_get(self, req, resp):
        resp.media = _profile(req)


class NotebookResource(ModelResource):
    model = Notebook
    fields = ["id", "title"]
    required_scopes = {"read": ["read"], "write": ["write"]}
