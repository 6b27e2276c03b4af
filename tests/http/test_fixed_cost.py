"""The request path's short cuts answer exactly as the plain path would.

* ``CoreMiddleware.first_of`` runs a ``SecurityMiddleware`` that comes first
  in ``MIDDLEWARE`` inside the core middleware's methods;
* the request id header of a response falcon makes is appended by
  ``rustforge.http.response.Response`` instead of a ``start_response`` wrapper;
* request ids come from a chain of C iterators.

Each test answers the same requests through the short cut and through the
plain path (falcon calling both middleware, the probes layer's wrapper) and
compares status, every header in order, and body.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
from types import SimpleNamespace

import falcon
import pytest

from rustforge.conf import global_settings
from rustforge.http.errors import handle_uncaught, serialize_error
from rustforge.http.middleware.core import CoreMiddleware
from rustforge.http.middleware.security import SecurityMiddleware
from rustforge.http.probes import ProbeMiddleware
from rustforge.http.response import Response, response_type


def _settings(**overrides):
    names = {name: getattr(global_settings, name) for name in dir(global_settings)
             if name.isupper()}
    names.update(SECRET_KEY="x" * 50, ALLOWED_HOSTS=["testserver"])
    names.update(overrides)
    return SimpleNamespace(**names)


class Page:
    def on_get(self, req, resp):
        resp.media = {"path": req.path, "id": req.env.get("rustforge.request_id")}

    def on_post(self, req, resp):
        resp.media = {"length": len(req.bounded_stream.read())}


class Cookies:
    def on_get(self, req, resp):
        resp.set_cookie("flavour", "oat")
        resp.append_header("Set-Cookie", "raw=1; Path=/")
        resp.append_header("Vary", "Accept")
        resp.text = "cookies"


class Boom:
    def on_get(self, req, resp):
        raise RuntimeError("boom")


class Later:
    """A middleware after SecurityMiddleware: its headers meet the security ones."""

    def process_request(self, req, resp):
        if req.get_header("X-Refuse"):
            raise falcon.HTTPForbidden(title="refused")

    def process_response(self, req, resp, resource, req_succeeded):
        resp.set_header("X-Frame-Options", "SAMEORIGIN")
        resp.set_header("X-Later", "1")


def _falcon_app(settings, fast: bool, later: bool):
    security = SecurityMiddleware(settings)
    chain = [security] + ([Later()] if later else [])
    if fast:
        core, rest = CoreMiddleware.first_of(settings, chain)
        assert core.security is security and rest == chain[1:]
        middleware, response = [core, *rest], response_type(settings.REQUEST_ID_HEADER)
    else:
        middleware, response = [CoreMiddleware(settings), *chain], falcon.Response
    app = falcon.App(middleware=middleware, independent_middleware=True,
                     response_type=response)
    app.add_route("/page", Page())
    app.add_route("/cookies", Cookies())
    app.add_route("/boom", Boom())
    app.set_error_serializer(serialize_error)
    app.add_error_handler(Exception, handle_uncaught)
    return app


def _static(app):
    """WhiteNoise's part: answers /static/, hands every other path on."""

    def static(environ, start_response):
        if not environ["PATH_INFO"].startswith("/static/"):
            return app(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/css"), ("Content-Length", "3")])
        return [b"a{}"]

    return static


def _wsgi(settings, fast: bool, later: bool = True, static_prefix: str | None = None):
    app = _falcon_app(settings, fast, later)
    static = _static(app) if static_prefix is not None else None
    return ProbeMiddleware(app, settings, static, static_prefix or "", app_sends_id=fast)


REQUESTS = [
    {},
    {"PATH_INFO": "/cookies"},
    {"PATH_INFO": "/nowhere"},
    {"PATH_INFO": "/boom"},
    {"REQUEST_METHOD": "HEAD"},
    {"REQUEST_METHOD": "OPTIONS"},
    {"HTTP_HOST": "testserver:8000"},
    {"HTTP_HOST": "TestServer."},
    {"HTTP_HOST": "evil.example"},
    {"HTTP_HOST": "app.example.com"},
    {"HTTP_HOST": "example.com"},
    {"HTTP_HOST": ""},
    {"HTTP_HOST": "bad host"},
    {"HTTP_HOST": None},
    {"HTTP_HOST": None, "SERVER_PROTOCOL": "HTTP/1.0"},
    {"HTTP_HOST": None, "SERVER_PROTOCOL": "HTTP/1.0", "SERVER_NAME": "example.com"},
    {"wsgi.url_scheme": "https"},
    {"HTTP_X_FORWARDED_PROTO": "https"},
    {"HTTP_X_FORWARDED_PROTO": "https", "PATH_INFO": "/cookies", "QUERY_STRING": "a=1"},
    {"HTTP_X_REFUSE": "1"},
    {"HTTP_X_REQUEST_ID": "trace-7"},
    {"HTTP_X_REQUEST_ID": "bad id"},
    {"HTTP_X_TRACE": "t-1"},
    {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "5", "body": b"hello"},
    {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "999999999", "body": b"x"},
    {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "nan", "body": b"x"},
    {"REQUEST_METHOD": "POST", "HTTP_TRANSFER_ENCODING": "chunked", "body": b"abc"},
    {"PATH_INFO": "/static/site.css"},
    {"PATH_INFO": "/healthz"},
    {"PATH_INFO": "/static/site.css", "HTTP_HOST": "evil.example"},
]


def _call(app, request: dict):
    request = dict(request)
    body = request.pop("body", b"")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/page", "QUERY_STRING": "",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
               "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr}
    environ.update(request)
    environ = {k: v for k, v in environ.items() if v is not None}
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, list(headers)

    content = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], content


def _answers(app, monkeypatch, requests=REQUESTS):
    counter = itertools.count()
    monkeypatch.setattr("rustforge.http.probes.next_request_id",
                        lambda: f"{next(counter):032x}")
    # every request twice: the second meets the Host cache the first filled
    return [_call(app, request) for request in requests for _ in range(2)]


SETTINGS = [
    {},
    {"ALLOWED_HOSTS": ["*"]},
    {"ALLOWED_HOSTS": [".example.com", "TESTSERVER"]},
    {"ALLOWED_HOSTS": [], "DEBUG": True},
    {"ALLOWED_HOSTS": [], "DEBUG": False},
    {"SECURE_CONTENT_TYPE_NOSNIFF": False, "X_FRAME_OPTIONS": "", "SECURE_REFERRER_POLICY": "",
     "SECURE_CROSS_ORIGIN_OPENER_POLICY": ""},
    {"X_FRAME_OPTIONS": "SAMEORIGIN", "SECURE_REFERRER_POLICY": "no-referrer"},
    {"SECURE_HSTS_SECONDS": 3600},
    {"SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
     "SECURE_HSTS_PRELOAD": True, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")},
    {"SECURE_SSL_REDIRECT": True},
    {"SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "HTTPS"),
     "ALLOWED_HOSTS": ["*"]},
    {"REQUEST_ID_HEADER": ""},
    {"REQUEST_ID_HEADER": "X-Trace", "MAX_BODY_SIZE": 4},
    {"HEALTHZ_PATH": "", "SECURE_HSTS_SECONDS": 60, "SECURE_SSL_REDIRECT": True},
]


@pytest.mark.parametrize("overrides", SETTINGS, ids=lambda o: ",".join(o) or "defaults")
@pytest.mark.parametrize("static_prefix", [None, "/static/", ""])
@pytest.mark.parametrize("later", [True, False])
def test_the_short_cuts_answer_as_the_plain_path(overrides, static_prefix, later, monkeypatch):
    settings = _settings(**overrides)
    fast = _answers(_wsgi(settings, True, later, static_prefix), monkeypatch)
    plain = _answers(_wsgi(settings, False, later, static_prefix), monkeypatch)
    assert fast == plain
    # the comparison saw what it is about
    assert any(status.startswith("200") for status, _, _ in plain)
    assert any(status.startswith("400") for status, _, _ in plain)
    name = settings.REQUEST_ID_HEADER
    for request, (_, headers, _) in zip([r for r in REQUESTS for _ in range(2)], plain):
        sent = [h for h, _ in headers if h == name]
        if request.get("PATH_INFO") == "/healthz" and settings.HEALTHZ_PATH:
            assert sent == []
        elif name:
            assert sent == [name] and headers[-1][0] == name


def test_core_takes_only_a_security_middleware_that_comes_first():
    settings = _settings()
    security, other = SecurityMiddleware(settings), object()
    core, rest = CoreMiddleware.first_of(settings, [other, security])
    assert core.security is None and rest == [other, security]

    class Custom(SecurityMiddleware):
        pass

    custom = Custom(settings)
    core, rest = CoreMiddleware.first_of(settings, [custom])
    assert core.security is None and rest == [custom]
    core, rest = CoreMiddleware.first_of(settings, [])
    assert core.security is None and rest == []


def test_response_headers_are_falcons_with_the_id_last():
    from rustforge.logging import request_id

    assert response_type("") is response_type(None) is falcon.Response
    ours_type = response_type("X-Trace")
    assert issubclass(ours_type, Response) and ours_type.id_header == "X-Trace"
    for rid in (None, "abc"):
        ours, theirs = ours_type(), falcon.Response()
        for resp in (ours, theirs):
            resp.set_header("X-One", "1")
            resp.append_header("Vary", "Accept")
            resp.append_header("Vary", "Cookie")
            resp.append_header("Set-Cookie", "raw=1")
            resp.set_cookie("a", "b", max_age=10)
            resp.unset_cookie("c")
        with request_id(rid):
            expected = theirs._wsgi_headers("application/json")
            assert ours._wsgi_headers("application/json") == expected + (
                [("X-Trace", rid)] if rid else [])
            assert ours_type()._wsgi_headers() == falcon.Response()._wsgi_headers() + (
                [("X-Trace", rid)] if rid else [])


def test_the_whole_application_sends_the_same_headers_both_ways(settings, monkeypatch):
    """get_wsgi_application's own stack, short cuts on and off."""
    from rustforge.http import app as app_module
    from rustforge.http import get_wsgi_application, probes

    requests = [{"PATH_INFO": "/echo"}, {"PATH_INFO": "/items/500"},
                {"PATH_INFO": "/echo", "HTTP_HOST": "evil.example"},
                {"PATH_INFO": "/nowhere", "HTTP_X_REQUEST_ID": "trace-1"},
                {"PATH_INFO": "/echo", "HTTP_HOST": None},
                {"PATH_INFO": "/boom"}]
    fast = _answers(get_wsgi_application(), monkeypatch, requests)
    monkeypatch.setattr(app_module, "response_type", lambda name: falcon.Response)
    monkeypatch.setattr(CoreMiddleware, "first_of",
                        classmethod(lambda cls, settings, chain: (cls(settings), chain)))
    original = probes.wrap_probes
    monkeypatch.setattr(probes, "wrap_probes",
                        lambda app, static=None, prefix="", app_sends_id=False:
                        original(app, static, prefix))
    plain = _answers(get_wsgi_application(), monkeypatch, requests)
    assert fast == plain
    assert [status[:3] for status, _, _ in fast[::2]] == ["200", "404", "400", "404", "400",
                                                          "500"]
    assert all(headers[-1][0] == "X-Request-ID" for _, headers, _ in fast)


def test_request_ids_from_the_chain_look_like_the_function():
    from rustforge.logging import new_request_id, next_request_id

    ids = [next_request_id() for _ in range(200)]
    assert len(set(ids)) == 200
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert re.fullmatch(r"[0-9a-f]{32}", new_request_id())


def test_request_ids_from_the_chain_are_the_functions():
    """The chain draws from random's shared generator (reseeded in forked workers)
    exactly as new_request_id() does."""
    import random

    from rustforge.logging import new_request_id, next_request_id

    state = random.getstate()
    try:
        random.seed(7)
        chained = [next_request_id() for _ in range(3)]
        random.seed(7)
        assert chained == [new_request_id() for _ in range(3)]
    finally:
        random.setstate(state)


JSON_VALUES = [{"message": "Hello, World!"}, [], {}, "plain", "ünïcode ✓ \u2028", 1, -2.5, None,
               True, float("nan"), float("inf"), 10**30, {"a": [1, {"b": None}], "é": "\x00"},
               {1: "int key", None: "none key", 2.5: "float key", False: "bool key"},
               [{"id": i, "randomNumber": i * 7} for i in range(20)]]


def test_json_responses_are_json_dumps(settings):
    """The kept encoder writes what falcon's default (json.dumps, ensure_ascii=False) writes."""
    import json

    from rustforge.http import create_app

    handler = create_app().resp_options.media_handlers[falcon.MEDIA_JSON]
    for value in JSON_VALUES:
        expected = json.dumps(value, ensure_ascii=False).encode()
        assert handler.serialize(value, falcon.MEDIA_JSON) == expected
    circular: list = []
    circular.append(circular)
    for bad in (circular, {"x": object()}, {(1, 2): "tuple key"}, {1j}):
        with pytest.raises(Exception) as ours:
            handler.serialize(bad, falcon.MEDIA_JSON)
        with pytest.raises(Exception) as theirs:
            json.dumps(bad, ensure_ascii=False)
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))
