"""A threaded development server on the standard library's wsgiref."""

from __future__ import annotations

import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 resets connections of a burst of
    # concurrent clients (a page's assets, the concurrency tests).
    request_queue_size = 64


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"[{self.log_date_time_string()}] {format % args}\n")


def serve(app, host: str, port: int, ready_message: str | None = None) -> None:
    with make_server(host, port, app, server_class=ThreadingWSGIServer,
                     handler_class=QuietHandler) as server:
        if ready_message:
            print(ready_message, flush=True)
        server.serve_forever()


def make_threaded_server(app, host: str, port: int) -> ThreadingWSGIServer:
    """A server not yet serving (the test ``live_server`` runs it in a thread)."""
    return make_server(host, port, app, server_class=ThreadingWSGIServer,
                       handler_class=QuietHandler)
