"""The framework's own middleware, always first in the chain.

It refuses an HTTP/1.1 request without a Host header (400, RFC 9112 section
3.2), caps request bodies, sends the request signals when somebody listens,
rolls back a transaction a responder left open, and, while
``METRICS_ENABLED`` is on, counts the request and its duration by route
template, method and status. It is not listed in ``MIDDLEWARE`` because
nothing works correctly without it.

The route of the metrics is falcon's template (``/posts/{id}``), never the
raw path: a path is chosen by the client, and every distinct label value
would be a new time series. Being first, its clock covers every other
middleware, and a request another middleware refuses is counted too.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

import falcon

from rustforge.db.connection import end_request
from rustforge.events.signals import request_finished, request_started
from rustforge.http.limits import enforce_body_limit
from rustforge.http.middleware.security import SecurityMiddleware
from rustforge.metrics import UNMATCHED, enabled, observe_request

# Protocols whose requests may omit Host; the server's name stands in for it.
_NO_HOST_NEEDED = frozenset({"HTTP/1.0", "HTTP/0.9"})
_START = "rustforge.metrics_start"


def _missing_host() -> falcon.HTTPBadRequest:
    return falcon.HTTPBadRequest(
        title="Missing Host header",
        description="HTTP/1.1 requests must carry a Host header (RFC 9112).")


class CoreMiddleware:
    """The core middleware; with ``security``, also that ``SecurityMiddleware``'s work.

    PERF: a ``SecurityMiddleware`` (exactly that class) first in ``MIDDLEWARE``
    is run inside these two methods (``first_of``), in the order falcon would
    call it (the core's request work, then the host check; the security
    headers, then the core's response work): falcon calls two methods fewer
    per request. The common case (a Host already found allowed, no HTTPS
    redirect, no HSTS) runs inline; anything else goes through
    ``SecurityMiddleware``'s own methods.
    """

    def __init__(self, settings, security: SecurityMiddleware | None = None) -> None:
        self.max_body = settings.MAX_BODY_SIZE
        # PERF: the request metrics live here rather than in a middleware of
        # their own: falcon calls two methods fewer per request.
        self.metered = enabled()
        self.security = security
        # Host header -> allowed, as SecurityMiddleware fills it; None: no security work.
        self.known: dict[str, bool] | None = None
        self.headers: dict[str, str] | None = None
        if security is not None:
            if not security.ssl_redirect:  # else every request needs its own check
                self.known = security._known
            self.headers = security._lowered if security.hsts is None else None

    @classmethod
    def first_of(cls, settings, middleware: list[Any]) -> tuple[CoreMiddleware, list[Any]]:
        """The core middleware for the chain ``middleware`` (from ``MIDDLEWARE``),
        and what is left of that chain for falcon to call."""
        if middleware and type(middleware[0]) is SecurityMiddleware:
            return cls(settings, middleware[0]), middleware[1:]
        return cls(settings), middleware

    def process_request(self, req, resp) -> None:
        # PERF: the common GET has neither header; two dict lookups and out.
        env = req.env
        if self.metered:
            env[_START] = perf_counter()
        if "HTTP_HOST" not in env and env.get("SERVER_PROTOCOL", "HTTP/1.0") not in _NO_HOST_NEEDED:
            raise _missing_host()
        if "CONTENT_LENGTH" in env or "HTTP_TRANSFER_ENCODING" in env:
            enforce_body_limit(req, self.max_body)
        if request_started.receivers:
            request_started.send(req, req=req)
            if resp.complete:  # falcon would not call the next middleware
                return
        security = self.security
        if security is not None:
            known = self.known
            # SecurityMiddleware.process_request's only work for a Host it has
            # already allowed (and no HTTPS redirect) is this lookup.
            if known is None or known.get(env.get("HTTP_HOST")) is not True:
                security.process_request(req, resp)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        security = self.security
        if security is not None:  # first, as falcon would call SecurityMiddleware's
            headers = self.headers
            if headers is not None:
                resp._headers.update(headers)
            else:
                security.process_response(req, resp, resource, req_succeeded)
        env = req.env
        failed = True
        try:
            end_request()
            if request_finished.receivers:
                request_finished.send(req, req=req, resp=resp)
            failed = False
        finally:
            start = env.get(_START) if self.metered else None
            if start is not None:  # what raised above becomes falcon's 500: count that
                route = req.uri_template if resource is not None else None
                observe_request(req.method, route or UNMATCHED, 500 if failed else resp.status,
                                perf_counter() - start)
