"""Hostile or broken input gets a 4xx with a useful body, never a 500 or a traceback."""

import io
import json
import sys

import pytest

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def assert_clean_4xx(response, status):
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    assert "File \"" not in response.text
    body = response.json
    assert body["title"]
    return body


def call_wsgi(app, path_info: str, query: str = "", host: str = "testserver"):
    """Call the WSGI app with a raw (latin-1 decoded, as PEP 3333 says) environ."""
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path_info, "QUERY_STRING": query, "HTTP_HOST": host,
               "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr}
    setup_testing_defaults(environ)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return int(captured["status"].split()[0]), captured["headers"], body


def test_body_over_the_cap_is_413_before_reading(client, settings):
    settings.MAX_BODY_SIZE = 1000
    response = client.post("/echo", body=b"x" * 5000, headers=JSON)
    body = assert_clean_4xx(response, 413)
    assert "1000 bytes" in body["description"]


def test_body_under_the_cap_is_accepted(client, settings):
    settings.MAX_BODY_SIZE = 1000
    response = client.post("/echo", json={"a": "x" * 500})
    assert response.status_code == 200
    assert response.json["media"]["a"] == "x" * 500


def test_chunked_body_over_the_cap_is_413(app, settings):
    """In-process: a chunked body (no Content-Length) is read up to the cap only."""
    from wsgiref.util import setup_testing_defaults

    settings.MAX_BODY_SIZE = 1000
    stream = io.BytesIO(b"[" + b"1," * 2_000_000 + b"1]")
    environ = {"PATH_INFO": "/echo", "REQUEST_METHOD": "POST", "HTTP_HOST": "testserver",
               "CONTENT_TYPE": "application/json", "HTTP_TRANSFER_ENCODING": "chunked",
               "wsgi.input": stream}
    setup_testing_defaults(environ)
    environ.pop("CONTENT_LENGTH", None)
    status = {}
    body = b"".join(app(environ, lambda s, h, e=None: status.setdefault("s", s)))
    assert status["s"].startswith("413")
    assert stream.tell() <= 1001  # never read past the cap
    assert b"Traceback" not in body


def test_ten_thousand_form_fields_is_400(client):
    body = "&".join(f"f{i}=1" for i in range(10_000))
    response = client.post("/echo", body=body, headers=FORM)
    assert "1000 fields" in assert_clean_4xx(response, 400)["description"]


def test_form_at_the_field_limit_is_accepted(client, settings):
    body = "&".join(f"f{i}=1" for i in range(1000))
    response = client.post("/echo", body=body, headers=FORM)
    assert response.status_code == 200
    assert len(response.json["media"]) == 1000


def test_ten_thousand_multipart_parts_is_400(client):
    parts = "".join(f'--B\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\n1\r\n'
                    for i in range(10_000))
    response = client.post("/echo", body=parts + "--B--\r\n",
                           headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert_clean_4xx(response, 400)


@pytest.mark.parametrize("doc", [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 100_000 + "1" + "}" * 100_000,
    "[" * 100_000,  # unbalanced, too
])
def test_deeply_nested_json_is_400(client, doc):
    response = client.post("/echo", body=doc, headers=JSON)
    assert "nest" in assert_clean_4xx(response, 400)["title"].lower()


def test_nesting_inside_strings_does_not_count(client):
    doc = json.dumps({"text": "[" * 5000})
    response = client.post("/echo", body=doc, headers=JSON)
    assert response.status_code == 200
    assert response.json["media"]["text"] == "[" * 5000


@pytest.mark.parametrize("body", ["{bad", '{"a": 1', "", "nul\x00l", '"\\ud800"x'])
def test_malformed_json_is_400(client, body):
    response = client.post("/echo", body=body, headers=JSON)
    assert_clean_4xx(response, 400)


def test_invalid_utf8_in_json_body_is_400(client):
    assert_clean_4xx(client.post("/echo", body=b'{"a": "\xff\xfe"}', headers=JSON), 400)


def test_invalid_utf8_in_form_body_is_400(client):
    assert_clean_4xx(client.post("/echo", body=b"a=%ff%fe&b=\xfe", headers=FORM), 400)


def test_wrong_content_type_is_415(client):
    response = client.post("/echo", body="hello", headers={"Content-Type": "text/plain"})
    assert "text/plain" in assert_clean_4xx(response, 415)["description"]


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_bad_content_length_is_400(app, length):
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": "/echo", "REQUEST_METHOD": "POST", "HTTP_HOST": "testserver",
               "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": length,
               "wsgi.input": io.BytesIO(b"{}")}
    setup_testing_defaults(environ)
    status = {}
    body = b"".join(app(environ, lambda s, h, e=None: status.setdefault("s", s)))
    assert status["s"].startswith("400"), body
    assert b"Content-Length" in body


@pytest.mark.parametrize("host", ["evil.example.com", "a b", "testserver/../x", "",
                                  "testserver:99999999", "[::1", "x" * 300])
def test_bad_or_missing_host_is_400(app, host):
    status, _, body = call_wsgi(app, "/", host=host)
    assert status == 400
    assert b"Host" in body and b"Traceback" not in body


def test_missing_host_header_entirely_is_400(app):
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": "/", "REQUEST_METHOD": "GET", "SERVER_NAME": "",
               "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    environ["SERVER_NAME"] = ""
    status = {}
    b"".join(app(environ, lambda s, h, e=None: status.setdefault("s", s)))
    assert status["s"].startswith("400")


def test_host_cache_is_bounded(app):
    for i in range(400):
        assert call_wsgi(app, "/", host=f"h{i}.evil.test")[0] == 400
    assert call_wsgi(app, "/", host="testserver")[0] == 200


def test_invalid_utf8_in_path_is_4xx(app):
    # PEP 3333: PATH_INFO carries the raw bytes decoded as latin-1.
    status, _, body = call_wsgi(app, b"/items/\xff\xfe".decode("latin-1"))
    assert 400 <= status < 500 and b"Traceback" not in body
    status, _, body = call_wsgi(app, b"/ech\xc3".decode("latin-1"))
    assert 400 <= status < 500


def test_invalid_utf8_in_query_is_handled(app):
    status, _, body = call_wsgi(app, "/echo", query="q=%ff%fe&r=\udcff".encode(
        "utf-8", "surrogateescape").decode("latin-1"))
    assert status in (200, 400), body
    assert b"Traceback" not in body


def test_route_field_of_the_wrong_type_is_404(client):
    assert client.get("/items/abc").status_code == 404
    assert client.get("/items/7").json == {"id": 7}


@pytest.mark.parametrize("doc,too_deep", [
    (b'["a\\"[[[[[[[[", 1]', False),         # an escaped quote does not end the string
    (b'["a\\\\", [[[[[[[[1]]]]]]]]]', True),  # an escaped backslash does
    (b'{"k": "}}}}", "v": [[[[[[[[[[0]]]]]]]]]]}', True),
])
def test_depth_scanner_understands_strings(doc, too_deep):
    from rustforge.http.limits import json_depth_exceeds

    assert json_depth_exceeds(doc, 5) is too_deep
