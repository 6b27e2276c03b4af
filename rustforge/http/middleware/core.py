"""The framework's own middleware, always first in the chain.

It refuses an HTTP/1.1 request without a Host header (400, RFC 9112 section
3.2), caps request bodies, sends the request signals when somebody listens,
and rolls back a transaction a responder left open. It is not listed in
``MIDDLEWARE`` because nothing works correctly without it.
"""

from __future__ import annotations

import falcon

from rustforge.db.connection import end_request
from rustforge.events.signals import request_finished, request_started
from rustforge.http.limits import enforce_body_limit

# Protocols whose requests may omit Host; the server's name stands in for it.
_NO_HOST_NEEDED = frozenset({"HTTP/1.0", "HTTP/0.9"})


class CoreMiddleware:
    def __init__(self, settings) -> None:
        self.max_body = settings.MAX_BODY_SIZE

    def process_request(self, req, resp) -> None:
        # PERF: the common GET has neither header; two dict lookups and out.
        env = req.env
        if "HTTP_HOST" not in env and env.get("SERVER_PROTOCOL", "HTTP/1.0") not in _NO_HOST_NEEDED:
            raise falcon.HTTPBadRequest(
                title="Missing Host header",
                description="HTTP/1.1 requests must carry a Host header (RFC 9112).")
        if "CONTENT_LENGTH" in env or "HTTP_TRANSFER_ENCODING" in env:
            enforce_body_limit(req, self.max_body)
        if request_started.receivers:
            request_started.send(req, req=req)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        end_request()
        if request_finished.receivers:
            request_finished.send(req, req=req, resp=resp)
