"""Request metrics: count and latency by route template, method and status.

Added first in the chain by the application factory when ``METRICS_ENABLED``
is on, so its clock covers every other middleware. The route is falcon's
template (``/posts/{id}``), never the raw path: a path is chosen by the
client, and every distinct label value would be a new time series.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

from rustforge.metrics import observe_request

_START = "rustforge.metrics_start"
UNMATCHED = "<unmatched>"


class MetricsMiddleware:
    def process_request(self, req: Any, resp: Any) -> None:
        req.env[_START] = perf_counter()

    def process_response(self, req: Any, resp: Any, resource: Any, req_succeeded: bool) -> None:
        start = req.env.get(_START)
        if start is None:
            return
        route = req.uri_template if resource is not None else None
        observe_request(req.method, route or UNMATCHED, resp.status_code,
                        perf_counter() - start)
