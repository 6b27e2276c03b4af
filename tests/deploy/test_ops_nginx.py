"""nginx (Debian's package) in front of gunicorn, with deploy/nginx.conf.

nginx runs from a temporary folder on a free port; gunicorn with
deploy/gunicorn.conf.py and two sync workers.
"""

from __future__ import annotations

import http.client
import os
import socket

import pytest
from deploy_support import free_port
from nginx_support import Nginx, require_nginx, site_for
from ops_support import ops_project, start_gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from deploy_support import fresh_schema

    url = os.environ.get("RUSTFORGE_TEST_DATABASE_URL")
    if url:
        url = fresh_schema(url, "rf_ops_nginx")
    project = ops_project(tmp_path_factory.mktemp("nginx"), url)
    project.manage("collectstatic")
    return project


@pytest.fixture
def stack(site, tmp_path):
    require_nginx()
    server = start_gunicorn(site, tmp_path / "metrics")
    port = free_port()
    nginx = Nginx(tmp_path / "nginx", site_for([server.port], port, site.root / "staticfiles"),
                  port).start()
    yield server, nginx
    nginx.stop()
    server.stop()


def get(port: int, path: str, headers: dict | None = None, method: str = "GET",
        body: bytes | None = None, timeout: float = 10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_a_request_through_nginx(stack):
    _, nginx = stack
    status, headers, body = get(nginx.port, "/probe/version")
    assert status == 200, (body, nginx.log())
    assert body == b'{"version": "v1"}'
    # nginx's $request_id reached the app, which logged with it and sent it back.
    assert len(headers["x-request-id"]) == 32
    status, headers, body = get(nginx.port, "/static/probe/hello.css")
    assert status == 200 and b"#b7410e" in body
    assert headers["cache-control"] == "public, immutable"  # nginx served it, not the app
    assert get(nginx.port, "/healthz")[0] == 200
    assert get(nginx.port, "/metrics")[0] == 200  # from this host
    too_big = get(nginx.port, "/probe/items", method="POST", body=b"x" * (4 * 1024 * 1024),
                  headers={"Content-Type": "application/json"})
    assert too_big[0] == 413  # refused by nginx before any worker saw it


def slow_client(port: int) -> socket.socket:
    """A client that sends half a request and then nothing (a slow mobile link)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"POST /probe/items HTTP/1.1\r\nHost: localhost\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na")
    return sock


def test_slow_clients_do_not_starve_the_sync_workers(stack):
    server, nginx = stack
    # Directly, two slow clients hold both sync workers: a third request waits.
    held = [slow_client(server.port) for _ in range(2)]
    try:
        with pytest.raises(OSError):  # socket.timeout is an OSError
            get(server.port, "/probe/version", timeout=3)
    finally:
        for sock in held:
            sock.close()
    assert get(server.port, "/probe/version")[0] == 200
    # Through nginx, which reads whole requests before passing them on, twenty
    # slow clients hold nothing but nginx connections.
    held = [slow_client(nginx.port) for _ in range(20)]
    try:
        for _ in range(5):
            assert get(nginx.port, "/probe/version", timeout=3)[0] == 200
    finally:
        for sock in held:
            sock.close()
