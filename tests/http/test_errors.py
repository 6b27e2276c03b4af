"""Error responses: JSON for API clients, HTML for browsers, tracebacks only with DEBUG."""

import logging

import pytest

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_unexpected_exception_with_debug_off_hides_everything(client, settings, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.ERROR, logger="rustforge.request"):
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/json")
    assert response.json == {"title": "500 Internal Server Error"}
    assert "kaboom" not in response.text and "Traceback" not in response.text
    # ... but the operator sees it in the log, with the request line.
    assert "GET /boom failed" in caplog.text
    assert "kaboom: secret detail" in caplog.text


def test_unexpected_exception_for_a_browser_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/boom", headers=BROWSER)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>500 Internal Server Error</h1>" in response.text
    assert "kaboom" not in response.text and "Traceback" not in response.text


def test_debug_page_for_a_browser_shows_the_traceback(client, settings):
    settings.DEBUG = True
    response = client.get("/boom", headers=BROWSER)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "RuntimeError: kaboom: secret detail" in response.text
    assert "Traceback (most recent call last)" in response.text
    assert "resources.py" in response.text
    assert "DEBUG" in response.text


def test_debug_json_for_an_api_client_carries_the_traceback(client, settings):
    settings.DEBUG = True
    body = client.get("/boom").json
    assert body["description"] == "RuntimeError: kaboom: secret detail"
    assert any("Traceback" in line for line in body["traceback"])


def test_debug_page_escapes_html(client, settings):
    settings.DEBUG = True
    response = client.get("/items/999", headers=BROWSER)
    assert response.status_code == 404
    assert "item 999 does not exist" in response.text
    assert "<script" not in client.get("/<script>alert(1)</script>", headers=BROWSER).text


@pytest.mark.parametrize("headers,kind", [
    ({}, "application/json"),
    ({"Accept": "application/json"}, "application/json"),
    ({"Accept": "*/*"}, "application/json"),
    (BROWSER, "text/html"),
    ({"Accept": "text/html"}, "text/html"),
    ({"Accept": "application/json, text/html;q=0.5"}, "application/json"),
])
def test_not_found_negotiates_html_or_json(client, headers, kind):
    response = client.get("/does-not-exist", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(kind)
    assert "Accept" in response.headers["vary"]
    if kind == "text/html":
        assert "<h1>404 Not Found</h1>" in response.text
    else:
        assert response.json["title"] == "404 Not Found"


def test_method_not_allowed_is_405_with_allow(client):
    response = client.delete("/echo")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]


def test_http_error_description_reaches_the_client(client):
    response = client.get("/items/101")
    assert response.json == {"title": "404 Not Found", "description": "item 101 does not exist"}


def test_security_headers_on_errors_too(client):
    response = client.get("/does-not-exist")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_head_is_answered_like_get_without_a_body(client):
    get = client.get("/")
    head = client.head("/")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert client.head("/items/7").status_code == 200
    assert client.head("/items/999").status_code == 404
    assert "HEAD" in client.delete("/echo").headers["allow"]


def test_unreachable_database_is_503_with_retry_after(client, settings, monkeypatch, caplog):
    from rustforge.db.backends import gate

    settings.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/nothing"
    monkeypatch.setattr(gate, "blocked", False)
    response = client.get("/notes")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json["description"] == "The database is unavailable; try again shortly."
    assert "database unavailable" in caplog.text and "Traceback" not in caplog.text
    assert client.get("/").status_code == 200  # pages without queries are unaffected


def test_sql_error_on_a_working_connection_stays_a_500(client, transactional_db):
    from testproject.notes.models import Notebook

    assert client.get("/notes").status_code == 200
    saved = Notebook._meta.table_name
    Notebook._meta.set_table_name("rf_missing_probe")
    try:
        # "no such table" / "relation does not exist" is a bug to fix, not an outage.
        assert client.get("/notes").status_code == 500
    finally:
        Notebook._meta.set_table_name(saved)
    assert transactional_db.is_connection_usable()
    assert client.get("/notes").status_code == 200
