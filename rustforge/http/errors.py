"""Error responses: JSON for API clients, HTML pages for browsers.

A traceback is shown only when DEBUG is on; otherwise an unexpected exception
is logged with its request line and the client gets a plain 500.
"""

from __future__ import annotations

import html
import json
import logging
import sys
import traceback
from typing import Any

import falcon

from rustforge.conf import settings

logger = logging.getLogger("rustforge.request")


def wants_html(req: falcon.Request) -> bool:
    accept = req.accept
    if not accept or "html" not in accept:
        return False
    return req.client_prefers(("application/json", "text/html")) == "text/html"


def _render_page(title: str, description: str | None, status: str, extra: str = "") -> str:
    try:
        from rustforge.http.templates import render_to_string

        return render_to_string("rustforge/error.html", {
            "status": status, "title": title, "description": description or "",
            "traceback": extra})
    except Exception:  # a broken template setup must not hide the real error
        logger.exception("rendering the error page failed")
        return (f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}"
                f"</h1><p>{html.escape(description or '')}</p><pre>{html.escape(extra)}</pre>")


def serialize_error(req: falcon.Request, resp: falcon.Response,
                    exception: falcon.HTTPError) -> None:
    """falcon error serializer: HTML for browsers, JSON for everyone else."""
    if wants_html(req):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = _render_page(exception.title, exception.description, str(resp.status))
    else:
        resp.content_type = falcon.MEDIA_JSON
        resp.text = json.dumps(exception.to_dict())
    resp.append_header("Vary", "Accept")


def _database_unreachable(ex: Exception) -> bool:
    """A connection-level database error with no usable connection left."""
    peewee = sys.modules.get("peewee")
    if peewee is None or not isinstance(ex, (peewee.OperationalError, peewee.InterfaceError)):
        return False
    from rustforge.db.connection import database

    db = database.obj
    return db is not None and not db.is_connection_usable()


def declared_http_error(ex: Exception) -> falcon.HTTPError | None:
    """The HTTP error an exception class declares for itself, if any.

    Code below the web layer (or an app) cannot raise falcon's errors, yet
    some of its exceptions are plainly a client's fault. Such a class says
    so with an ``http_status`` attribute, optionally ``http_title`` and
    ``http_description`` (the text a client sees; default: the exception's
    own text, so keep internals out of it or set this):

        class UnknownTenant(RustForgeError):
            http_status = 404
            http_title = "Unknown tenant"
    """
    status = getattr(ex, "http_status", None)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        return None
    title = getattr(ex, "http_title", None)
    description = getattr(ex, "http_description", None) or str(ex) or None
    return falcon.HTTPError(falcon.code_to_http_status(status), title=title,
                            description=description)
# SQLSTATEs of values the database refused as data (class 22), each caused by
# input: invalid text (a number spelled wrong), a character the encoding lacks,
# a string too long or a number out of range for its column.
_BAD_VALUE_SQLSTATES = frozenset({"22P02", "22021", "22P05", "22001", "22003", "22007",
                                  "22008"})


def _unstorable_input(ex: Exception) -> str | None:
    """Why ``ex`` is input a database could not take (logged), or None.

    Text fields refuse NUL and lone surrogates before a query is built
    (``rustforge.forms.text``); this catches what a hand-written responder
    lets through, so it still is a 400 and never a 500.
    """
    if isinstance(ex, UnicodeEncodeError) and ex.reason == "surrogates not allowed":
        # Only input makes lone surrogates (json.loads of "\ud800"); every
        # driver and the response encoder fail on them.
        return "a lone surrogate"
    if type(ex) is ValueError and "NUL (0x00)" in str(ex):  # psycopg2's own check
        return "a NUL character"
    peewee = sys.modules.get("peewee")
    if peewee is not None and isinstance(ex, peewee.DataError):
        code = getattr(getattr(ex, "orig", None), "pgcode", None)
        if code in _BAD_VALUE_SQLSTATES:
            return f"SQLSTATE {code}"
    return None


def handle_uncaught(req: falcon.Request, resp: falcon.Response, ex: Exception,
                    params: dict[str, Any]) -> None:
    """Last resort for exceptions that are not HTTP errors."""
    declared = declared_http_error(ex)
    if declared is not None:
        raise declared
    # Exceptions that are really bad input, raised deep inside parsers.
    if isinstance(ex, (UnicodeDecodeError, RecursionError)):
        raise falcon.HTTPBadRequest(title="Malformed request",
                                    description="The request could not be decoded.")
    unstorable = _unstorable_input(ex)
    if unstorable is not None:
        # A warning, not silence: a responder let unchecked input reach the database.
        logger.warning("%s %s: unvalidated input the database cannot store (%s)",
                       req.method, req.path, unstorable)
        raise falcon.HTTPBadRequest(
            title="Invalid text",
            description="The request holds a value that cannot be stored (a NUL or "
                        "unpaired surrogate character, or a value out of range).")
    if _database_unreachable(ex):
        # Not a bug in the responder: the database is down or restarting. 503
        # tells load balancers and clients to retry; the next request connects
        # again by itself.
        logger.error("%s %s failed: database unavailable: %s", req.method, req.relative_uri,
                     str(ex).strip().splitlines()[0] if str(ex).strip() else type(ex).__name__)
        raise falcon.HTTPServiceUnavailable(
            title="Service Unavailable",
            description="The database is unavailable; try again shortly.", retry_after=5)
    logger.error("%s %s failed", req.method, req.relative_uri, exc_info=ex)
    if not settings.DEBUG:
        raise falcon.HTTPInternalServerError()
    trace = "".join(traceback.format_exception(type(ex), ex, ex.__traceback__))
    resp.status = falcon.HTTP_500
    if wants_html(req):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = _render_page(f"{type(ex).__name__}: {ex}",
                                 f"{req.method} {req.relative_uri}", resp.status, trace)
    else:
        resp.content_type = falcon.MEDIA_JSON
        resp.text = json.dumps({"title": "500 Internal Server Error",
                                "description": f"{type(ex).__name__}: {ex}",
                                "traceback": trace.splitlines()})
