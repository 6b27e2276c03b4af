"""The framework's own middleware, always first in the chain.

It caps request bodies, sends the request signals when somebody listens, and
rolls back a transaction a responder left open. It is not listed in
``MIDDLEWARE`` because nothing works correctly without it.
"""

from __future__ import annotations

from rustforge.db.connection import end_request
from rustforge.events.signals import request_finished, request_started
from rustforge.http.limits import enforce_body_limit


class CoreMiddleware:
    def __init__(self, settings) -> None:
        self.max_body = settings.MAX_BODY_SIZE

    def process_request(self, req, resp) -> None:
        # PERF: the common GET has neither header; two dict lookups and out.
        env = req.env
        if "CONTENT_LENGTH" in env or "HTTP_TRANSFER_ENCODING" in env:
            enforce_body_limit(req, self.max_body)
        if request_started.receivers:
            request_started.send(req, req=req)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        end_request()
        if request_finished.receivers:
            request_finished.send(req, req=req, resp=resp)
