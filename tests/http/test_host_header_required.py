"""RFC 9112 section 3.2: an HTTP/1.1 request without Host is a 400; HTTP/1.0
may omit it (the server's name stands in)."""

import io
import json
import sys

import pytest


def call(app, protocol, host=None):
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": "/echo", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": protocol,
               "SERVER_NAME": "testserver", "wsgi.input": io.BytesIO(b""),
               "wsgi.errors": sys.stderr}
    setup_testing_defaults(environ)
    environ.pop("HTTP_HOST")  # setup_testing_defaults makes one up
    if host is not None:
        environ["HTTP_HOST"] = host
    status = {}
    body = b"".join(app(environ, lambda s, h, e=None: status.setdefault("s", s)))
    return int(status["s"].split()[0]), body


def test_http_1_1_without_host_is_400(app):
    status, body = call(app, "HTTP/1.1")
    assert status == 400
    assert json.loads(body)["title"] == "Missing Host header"


@pytest.mark.parametrize("protocol,host", [("HTTP/1.1", "testserver"), ("HTTP/1.0", None),
                                           ("HTTP/1.0", "testserver")])
def test_with_host_or_on_http_1_0_it_is_served(app, protocol, host):
    status, _ = call(app, protocol, host)
    assert status == 200


def test_even_without_the_security_middleware(app, settings):
    settings.MIDDLEWARE = []
    status, _ = call(app, "HTTP/1.1")
    assert status == 400
