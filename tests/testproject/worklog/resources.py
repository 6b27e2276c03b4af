import os
import time

import falcon

from rustforge.cache import cache_response
from rustforge.db import atomic
from rustforge.queue import QueueUnavailable
from rustforge.ratelimit import ratelimit, ratelimit_hook
from testproject.worklog.jobs import copy_entry, write_entry
from testproject.worklog.models import Entry


class Entries:
    def on_get(self, req, resp):
        resp.media = [e.text for e in Entry.select().order_by(Entry.id)]

    def on_post(self, req, resp):
        """Enqueue a job writing the posted text (``?mode=commit`` writes, then
        enqueues a copy on commit)."""
        text = req.get_media()["text"]
        try:
            if req.get_param("mode") == "commit":
                with atomic():
                    entry = Entry.create(text=text)
                    copy_entry.enqueue_on_commit(entry.id)
            else:
                write_entry.enqueue(text)
        except QueueUnavailable:
            raise falcon.HTTPServiceUnavailable(
                title="Queue unavailable", description="try again shortly") from None
        resp.status = falcon.HTTP_202
        resp.media = {"queued": True}


class _User:
    is_authenticated = True

    def __init__(self, id):
        self.id = id


def _fake_login(req, resp, resource, params):
    """Stands in for the auth middleware: ``X-Test-User: 7`` signs in user 7."""
    user_id = req.get_header("X-Test-User")
    req.context.user = _User(int(user_id)) if user_id else None


class CachedPage:
    """Counts how often the responder really runs."""

    calls = 0

    @falcon.before(_fake_login)
    @cache_response(60, vary=["Accept-Language"])
    def on_get(self, req, resp):
        type(self).calls += 1
        user = req.context.user
        resp.media = {"calls": type(self).calls, "user": user.id if user else None,
                      "lang": req.get_header("Accept-Language")}
        if req.get_param("cookie"):
            resp.set_cookie("flavour", "oat")
        if req.get_param("fail"):
            resp.status = falcon.HTTP_503


class Limited:
    """3 requests a minute per client IP; answers with the worker's pid."""

    @falcon.before(_fake_login)
    @ratelimit("3/m")
    def on_get(self, req, resp):
        resp.media = {"pid": os.getpid()}

    @falcon.before(_fake_login)
    @ratelimit("2/m", key="user", name="worklog-limited-post")
    def on_post(self, req, resp):
        resp.media = {"pid": os.getpid()}


class Plain:
    """No limit of its own (the middleware tests put one on it)."""

    def on_get(self, req, resp):
        # A short nap spreads concurrent requests over several gunicorn workers.
        time.sleep(min(req.get_param_as_float("sleep") or 0, 1))
        resp.media = {"pid": os.getpid()}


class Hooked:
    """The limit as a falcon before-hook."""

    @falcon.before(ratelimit_hook("2/m"))
    def on_get(self, req, resp):
        resp.media = {"ok": True}
