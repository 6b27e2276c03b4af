"""cache_response on a real responder, through the framework's app."""

import pytest
from testproject.worklog.resources import CachedPage


@pytest.fixture(autouse=True)
def fresh(locmem_cache):
    CachedPage.calls = 0


def test_second_request_is_served_from_cache(client):
    first = client.get("/worklog/cached")
    second = client.get("/worklog/cached")
    assert first.status_code == second.status_code == 200
    assert first.json == second.json == {"calls": 1, "user": None, "lang": None}
    assert second.headers["content-type"].startswith("application/json")
    assert second.headers["cache-control"] == "public, max-age=60"
    assert second.headers["vary"] == "Accept-Language"


def test_query_string_and_vary_headers_make_different_entries(client):
    client.get("/worklog/cached?page=1")
    client.get("/worklog/cached?page=2")
    client.get("/worklog/cached?page=2", headers={"Accept-Language": "fr"})
    assert client.get("/worklog/cached?page=2", headers={"Accept-Language": "fr"}).json == {
        "calls": 3, "user": None, "lang": "fr"}


def test_signed_in_users_never_share_a_page(client):
    anon = client.get("/worklog/cached")
    ada = client.get("/worklog/cached", headers={"X-Test-User": "1"})
    bob = client.get("/worklog/cached", headers={"X-Test-User": "2"})
    ada_again = client.get("/worklog/cached", headers={"X-Test-User": "1"})
    assert [anon.json["user"], ada.json["user"], bob.json["user"]] == [None, 1, 2]
    assert ada_again.json == ada.json
    assert ada.headers["cache-control"] == "private, max-age=60"
    assert "Cookie" in ada.headers["vary"]


def test_errors_and_cookies_are_not_cached(client):
    assert client.get("/worklog/cached?fail=1").status_code == 503
    assert client.get("/worklog/cached?fail=1").json["calls"] == 2
    client.get("/worklog/cached?cookie=1")
    assert client.get("/worklog/cached?cookie=1").json["calls"] == 4

