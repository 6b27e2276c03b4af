"""The outermost WSGI layer: probes, ``/metrics`` and the request id.

``/healthz`` (liveness) answers 200 without touching any dependency: the
process is alive and its WSGI stack answers. ``/readyz`` runs the readiness
checks of :mod:`rustforge.health` and answers 200, or 503 with a JSON body
naming what failed. ``/metrics`` is Prometheus' text format of
:mod:`rustforge.metrics`, for a scraper that brings ``METRICS_TOKEN`` or
comes from ``METRICS_ALLOWED_IPS``.

These paths are answered here, before falcon and every middleware: a load
balancer or a kubelet probing a pod by its IP address sends no session, no
CSRF token and a Host header ``ALLOWED_HOSTS`` does not list, and must get the
probe's answer all the same. Every other request gets its request id here
(see :mod:`rustforge.logging`), echoed in the response header.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

# The readiness checks of the cache and the queue register when their package is imported.
import rustforge.cache
import rustforge.queue  # noqa: F401
from rustforge import health, metrics
from rustforge.exceptions import ImproperlyConfigured
from rustforge.http.client_ip import client_ip
from rustforge.logging import next_request_id, reset_request_id, set_request_id, valid_request_id

Handler = Callable[[dict, Callable], Iterable[bytes]]
# /readyz answers from the last run of the checks when it is this recent.
READYZ_REUSE_SECONDS = 1.0
_NO_STORE = ("Cache-Control", "no-store")


def _answer(start_response: Callable, status: str, body: bytes, content_type: str,
            extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), _NO_STORE]
    start_response(status, headers + (extra or []))
    return [body]


def _json(start_response: Callable, status: str, data: dict, method: str,
          extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = json.dumps(data).encode()
    answer = _answer(start_response, status, body, "application/json", extra)
    return [b""] if method == "HEAD" else answer


def _networks(entries: list[str]) -> list[Any]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"METRICS_ALLOWED_IPS entry {entry!r} is not an IP address or CIDR network"
            ) from None
    return networks


class ProbeMiddleware:
    """WSGI wrapper around the whole application (``get_wsgi_application``).

    ``static`` is the static files' application (WhiteNoise) and ``static_prefix``
    the paths it answers (``""``: every path; it hands on what it does not
    serve). PERF: the choice is made here, not in a WSGI layer of its own.
    """

    def __init__(self, app: Handler, settings: Any, static: Handler | None = None,
                 static_prefix: str = "", app_sends_id: bool = False) -> None:
        self.app = app
        # ``app`` appends the request id header itself (RustForge's falcon
        # application: rustforge.http.response) from the context variable.
        self.app_sends_id = app_sends_id
        self.static = static or app
        # PERF: the applications' bound __call__ methods: calling an instance
        # goes through its type's __call__ slot (an argument tuple, a lookup).
        self._call_app: Handler = getattr(app, "__call__", app)  # noqa: B004
        self._call_static: Handler = getattr(self.static, "__call__", self.static)  # noqa: B004
        self.static_prefix = static_prefix if static is not None else ""
        self.debug = settings.DEBUG
        self.paths: dict[str, Handler] = {}
        for path, handler in ((settings.HEALTHZ_PATH, self.healthz),
                              (settings.READYZ_PATH, self.readyz),
                              (settings.METRICS_PATH, self.metrics)):
            if path:
                self.paths[path] = handler
                self.paths[path.rstrip("/") + "/"] = handler
        self.token = (settings.METRICS_TOKEN or "").encode()
        self.allowed = _networks(list(settings.METRICS_ALLOWED_IPS))
        header = settings.REQUEST_ID_HEADER
        self.id_header = header
        self.id_env = "HTTP_" + header.upper().replace("-", "_") if header else ""
        self._ready: tuple[float, str, dict] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        handler = self.paths.get(path)
        if handler is not None:
            method = environ.get("REQUEST_METHOD", "GET")
            if method not in ("GET", "HEAD"):
                return _json(start_response, "405 Method Not Allowed",
                             {"title": "Method not allowed", "allowed": ["GET", "HEAD"]}, "GET",
                             [("Allow", "GET, HEAD")])
            return handler(environ, start_response)
        direct = not path.startswith(self.static_prefix)
        id_env = self.id_env
        if not id_env:
            return (self._call_app if direct else self._call_static)(environ, start_response)
        rid = environ.get(id_env)
        if rid is None or not valid_request_id(rid):
            rid = environ[id_env] = next_request_id()  # what the app reads is what the logs carry
        environ["rustforge.request_id"] = rid
        token = set_request_id(rid)
        try:
            if direct and self.app_sends_id:
                # PERF: falcon appends the header, last, as start() below does
                # (rustforge.http.response): no closure and no frame around
                # start_response for every request that reaches falcon.
                return self._call_app(environ, start_response)
            return (self._call_app if direct else self._call_static)(
                environ, self.start_with_id(start_response, rid))
        finally:
            reset_request_id(token)

    def start_with_id(self, start_response: Callable, rid: str) -> Callable:
        """``start_response`` that appends the request id header (last)."""
        pair = (self.id_header, rid)
        if self.app_sends_id:
            # Static files' paths: WhiteNoise hands what it does not serve on
            # to falcon, which has appended the header already.
            def start(status: str, headers: list, exc_info: Any = None) -> Any:
                if not headers or headers[-1] != pair:
                    headers.append(pair)
                return start_response(status, headers, exc_info)
        else:
            def start(status: str, headers: list, exc_info: Any = None) -> Any:
                headers.append(pair)
                return start_response(status, headers, exc_info)

        return start

    # --- the probes ---------------------------------------------------------------
    def healthz(self, environ: dict, start_response: Callable) -> list[bytes]:
        return _json(start_response, "200 OK", {"status": "ok"}, environ["REQUEST_METHOD"])

    def readyz(self, environ: dict, start_response: Callable) -> list[bytes]:
        # The probe is unauthenticated and its database check opens a connection:
        # one run per second and process answers any number of callers.
        now = time.monotonic()
        cached = self._ready
        if cached is None or now - cached[0] >= READYZ_REUSE_SECONDS:
            results = health.run()
            ready = all(r.ok for r in results)
            data: dict[str, Any] = {"status": "ready" if ready else "unavailable",
                    "checks": {r.name: r.as_dict(verbose=self.debug) for r in results}}
            if not ready:
                data["failed"] = [r.name for r in results if not r.ok]
            cached = self._ready = (time.monotonic(),
                                    "200 OK" if ready else "503 Service Unavailable", data)
        return _json(start_response, cached[1], cached[2], environ["REQUEST_METHOD"])

    def metrics(self, environ: dict, start_response: Callable) -> list[bytes]:
        if not metrics.enabled():
            return _json(start_response, "404 Not Found",
                         {"title": "Not found", "description": "METRICS_ENABLED is off."}, "GET")
        if not self.may_scrape(environ):
            extra = [("WWW-Authenticate", 'Bearer realm="metrics"')] if self.token else []
            refusal = json.dumps({"title": "Forbidden", "description":
                                  "Send the metrics token or scrape from an allowed address."})
            return _answer(start_response, "403 Forbidden", refusal.encode(), "application/json",
                           extra)
        body, content_type = metrics.exposition()
        answer = _answer(start_response, "200 OK", body, content_type)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else answer

    def may_scrape(self, environ: dict) -> bool:
        if self.token:
            sent = environ.get("HTTP_AUTHORIZATION", "")
            if sent.startswith("Bearer ") and hmac.compare_digest(
                    sent[7:].strip().encode(), self.token):
                return True
        if self.allowed:
            try:
                address = ipaddress.ip_address(client_ip(environ))
            except ValueError:
                return False
            return any(address in network for network in self.allowed)
        return False


def wrap_probes(app: Handler, static: Handler | None = None,
                static_prefix: str = "", app_sends_id: bool = False) -> ProbeMiddleware:
    from rustforge.conf import settings

    return ProbeMiddleware(app, settings, static, static_prefix, app_sends_id)


def _not_found(environ: dict, start_response: Callable) -> list[bytes]:
    return _answer(start_response, "404 Not Found", b'{"title": "Not found"}',
                   "application/json")


def serve_metrics(host: str, port: int) -> Any:
    """Serve the probes and ``/metrics`` of a process that has no web server (``rqworker``).

    A daemon thread with the standard library's WSGI server; the same
    protection as the site's (``METRICS_TOKEN``, ``METRICS_ALLOWED_IPS``).
    Returns the server (``shutdown()`` stops it).
    """
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from rustforge.forking import no_fork

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    probes = wrap_probes(_not_found)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        # rq forks a work horse for each job meanwhile: a fork in the middle of a
        # scrape (a lazy import, a metric's lock) would leave the horse waiting
        # forever for a lock this thread held.
        with no_fork():
            return probes(environ, start_response)

    server = make_server(host, port, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="metrics-server", daemon=True)
    thread.start()
    return server
