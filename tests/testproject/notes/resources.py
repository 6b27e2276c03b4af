import falcon

from rustforge.db import get_database
from testproject.notes.models import Notebook


class NotebookList:
    def on_get(self, req, resp):
        resp.media = [{"id": n.id, "title": n.title} for n in Notebook.select().order_by(Notebook.id)]

    def on_post(self, req, resp):
        data = req.get_media()
        notebook = Notebook.create(title=data["title"])
        resp.status = falcon.HTTP_201
        resp.media = {"id": notebook.id, "title": notebook.title}

    def on_post_leaky(self, req, resp):
        """Opens a transaction and never closes it (a buggy responder)."""
        db = get_database()
        db.execute_sql("BEGIN")
        Notebook.create(title=req.get_media()["title"])
        resp.media = {"ok": True}

    def on_post_leaky_atomic(self, req, resp):
        """Enters atomic() and never leaves it (another buggy responder)."""
        get_database().atomic().__enter__()
        Notebook.create(title=req.get_media()["title"])
        resp.media = {"ok": True}


class NotebookDetail:
    def on_get(self, req, resp, id):
        notebook = Notebook.get_or_none(Notebook.id == id)
        if notebook is None:
            raise falcon.HTTPNotFound()
        resp.media = {"id": notebook.id, "title": notebook.title}


class ConnectionInfo:
    """Which server-side session served this request (PostgreSQL backend pid)."""

    def on_get(self, req, resp):
        db = get_database()
        if db.vendor == "postgresql":
            backend = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        else:
            db.execute_sql("SELECT 1")
            backend = id(db.connection())
        resp.media = {"backend": backend}


class NotebookById:
    """Looks a notebook up from the query string (exercises get_or_404)."""

    def on_get(self, req, resp):
        from rustforge.http import get_or_404

        notebook = get_or_404(Notebook, id=req.get_param("id", default=""))
        resp.media = {"id": notebook.id, "title": notebook.title}
