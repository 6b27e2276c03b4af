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

import falcon

from rustforge.db.connection import end_request
from rustforge.events.signals import request_finished, request_started
from rustforge.http.limits import enforce_body_limit
from rustforge.metrics import UNMATCHED, enabled, observe_request

# Protocols whose requests may omit Host; the server's name stands in for it.
_NO_HOST_NEEDED = frozenset({"HTTP/1.0", "HTTP/0.9"})
_START = "rustforge.metrics_start"


class CoreMiddleware:
    def __init__(self, settings) -> None:
        self.max_body = settings.MAX_BODY_SIZE
        # PERF: the request metrics live here rather than in a middleware of
        # their own: falcon calls two methods fewer per request.
        self.metered = enabled()

    def process_request(self, req, resp) -> None:
        # PERF: the common GET has neither header; two dict lookups and out.
        env = req.env
        if self.metered:
            env[_START] = perf_counter()
        if "HTTP_HOST" not in env and env.get("SERVER_PROTOCOL", "HTTP/1.0") not in _NO_HOST_NEEDED:
            raise falcon.HTTPBadRequest(
                title="Missing Host header",
                description="HTTP/1.1 requests must carry a Host header (RFC 9112).")
        if "CONTENT_LENGTH" in env or "HTTP_TRANSFER_ENCODING" in env:
            enforce_body_limit(req, self.max_body)
        if request_started.receivers:
            request_started.send(req, req=req)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        failed = True
        try:
            end_request()
            if request_finished.receivers:
                request_finished.send(req, req=req, resp=resp)
            failed = False
        finally:
            start = req.env.get(_START) if self.metered else None
            if start is not None:  # what raised above becomes falcon's 500: count that
                route = req.uri_template if resource is not None else None
                observe_request(req.method, route or UNMATCHED, 500 if failed else resp.status,
                                perf_counter() - start)
