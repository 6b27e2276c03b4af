"""Rate limits: rates, the sliding window, the responder decorator, the middleware."""

import pytest

from rustforge.exceptions import ImproperlyConfigured
from rustforge.ratelimit import Rate, hit, parse_rate, reset


@pytest.fixture(autouse=True)
def fresh_cache(locmem_cache):
    return locmem_cache


@pytest.mark.parametrize("text, rate", [
    ("100/m", Rate(100, 60)), ("5/s", Rate(5, 1)), ("1000/h", Rate(1000, 3600)),
    ("10/d", Rate(10, 86400)), ("20/10m", Rate(20, 600)), ("3 / minute", Rate(3, 60)),
    ("7/hours", Rate(7, 3600)),
])
def test_parse_rate(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "100", "a/m", "5/fortnight", "0/m", "5/0s", "-1/m"])
def test_bad_rates_are_clear_errors(text):
    with pytest.raises(ImproperlyConfigured, match="invalid rate"):
        parse_rate(text)


def test_limit_then_refuse_then_window_slides():
    now = 1_000_040.0  # 20 s into a 60 s window (windows start at multiples of 60)
    results = [hit("t", "3/m", "k", now=now) for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.remaining for r in results] == [2, 1, 0, 0, 0]
    refused = results[-1]
    assert refused.retry_after > 0
    assert refused.headers()["Retry-After"] == str(refused.retry_after)
    assert refused.headers()["RateLimit-Policy"] == "3;w=60"
    # Refused hits are not counted: the wait does not grow while a client insists.
    assert hit("t", "3/m", "k", now=now).retry_after == refused.retry_after
    # Next window, 30 s in: the previous 3 hits weigh half (1.5), so one more fits.
    later = now + 70
    assert hit("t", "3/m", "k", now=later).allowed
    assert not hit("t", "3/m", "k", now=later).allowed
    # After the retry-after, the client is let through again.
    assert hit("t", "3/m", "k", now=now + refused.retry_after + 120).allowed


def test_retry_after_is_when_a_hit_fits_again():
    now = 1_000_020.0 + 50  # 50 s into the window
    for _ in range(3):
        hit("r", "3/m", "k", now=now)
    refused = hit("r", "3/m", "k", now=now)
    wait = refused.retry_after
    assert not hit("r", "3/m", "k", now=now + wait - 1).allowed
    assert hit("r", "3/m", "k", now=now + wait).allowed


def test_keys_and_names_are_separate_budgets():
    assert hit("a", "1/m", "x").allowed
    assert not hit("a", "1/m", "x").allowed
    assert hit("a", "1/m", "y").allowed
    assert hit("b", "1/m", "x").allowed


def test_reset_forgets_hits():
    hit("login", "1/m", "ada")
    assert not hit("login", "1/m", "ada").allowed
    reset("login", "1/m", "ada")
    assert hit("login", "1/m", "ada").allowed


def test_dummy_cache_fails_open_or_closed(settings):
    from rustforge.cache import create_cache

    dummy = create_cache("dummy://")
    assert hit("d", "1/m", "k", cache=dummy).allowed
    assert hit("d", "1/m", "k", cache=dummy).unavailable
    settings.RATELIMIT_FAIL_OPEN = False
    refused = hit("d", "1/m", "k", cache=dummy)
    assert not refused.allowed and refused.unavailable


# Through the framework ----------------------------------------------------------------------
def test_responder_decorator(client):
    for remaining in ("2", "1", "0"):
        response = client.get("/worklog/limited")
        assert response.status_code == 200
        assert response.headers["ratelimit-remaining"] == remaining
        assert response.headers["ratelimit-limit"] == "3"
    refused = client.get("/worklog/limited")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.json["title"] == "Too many requests"
    assert "3 per minute" in refused.json["description"]
    # Another client has its own budget.
    assert client.get("/worklog/limited", remote_addr="10.9.9.9").status_code == 200


def test_falcon_before_hook(client):
    first = client.get("/worklog/hooked")
    assert first.status_code == 200 and first.headers["ratelimit-remaining"] == "1"
    assert client.get("/worklog/hooked").status_code == 200
    refused = client.get("/worklog/hooked")
    assert refused.status_code == 429 and "retry-after" in refused.headers


def test_browsers_get_an_html_429(client):
    for _ in range(3):
        client.get("/worklog/limited")
    refused = client.get("/worklog/limited", headers={"Accept": "text/html"})
    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert "<html" in refused.text.lower() or "<!doctype" in refused.text.lower()


def test_forwarded_for_only_from_trusted_proxies(client, settings):
    spoof = {"X-Forwarded-For": "1.1.1.1"}
    for i in range(3):
        headers = {"X-Forwarded-For": f"2.2.2.{i}"}  # untrusted peer: header ignored
        assert client.get("/worklog/limited", headers=headers).status_code == 200
    assert client.get("/worklog/limited", headers=spoof).status_code == 429
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for i in range(3):  # behind our proxy each forwarded client has its own budget
        assert client.get("/worklog/limited", headers=spoof).status_code == 200
    assert client.get("/worklog/limited", headers=spoof).status_code == 429
    assert client.get("/worklog/limited",
                      headers={"X-Forwarded-For": "3.3.3.3"}).status_code == 200


def test_user_key(client):
    ada, bob = {"X-Test-User": "1"}, {"X-Test-User": "2"}
    assert client.post("/worklog/limited", headers=ada).status_code == 200
    assert client.post("/worklog/limited", headers=ada).status_code == 200
    assert client.post("/worklog/limited", headers=ada).status_code == 429
    assert client.post("/worklog/limited", headers=bob).status_code == 200  # same IP


def test_disabled(client, settings):
    settings.RATELIMIT_ENABLED = False
    for _ in range(5):
        assert client.get("/worklog/limited").status_code == 200


@pytest.fixture
def limited_app(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "rustforge.ratelimit.RateLimitMiddleware"]
    settings.RATELIMITS = {
        "plain": {"rate": "2/m", "paths": ["/worklog/plain"]},
        "posts": {"rate": "1/m", "paths": ["/worklog/entries"], "methods": ["POST"]},
    }


def test_middleware_rules(limited_app, client):
    assert client.get("/worklog/plain").headers["ratelimit-remaining"] == "1"
    assert client.get("/worklog/plain").status_code == 200
    assert client.get("/worklog/plain").status_code == 429
    assert client.get("/worklog/cached").status_code == 200  # no rule matches
    assert "ratelimit-limit" not in client.get("/worklog/cached").headers
    assert client.get("/no/such/page").status_code == 404  # unrouted: not counted


@pytest.mark.parametrize("rules, message", [
    ({"x": {"paths": ["/"]}}, "needs at least a 'rate'"),
    ({"x": {"rate": "1/m", "path": "/"}}, "unknown option"),
    ({"x": {"rate": "1/m", "key": "cookie"}}, "rate limit key"),
    ({"x": {"rate": "lots"}}, "invalid rate"),
])
def test_bad_rules_fail_at_startup(settings, rules, message):
    from rustforge.ratelimit import RateLimitMiddleware

    settings.RATELIMITS = rules
    with pytest.raises(ImproperlyConfigured, match=message):
        RateLimitMiddleware(settings)


def test_cache_outage_fails_open_or_closed_over_http(client, settings):
    from rustforge.cache import create_cache
    from rustforge.services import services

    with services.override("cache", create_cache("dummy://")):
        for _ in range(5):
            response = client.get("/worklog/limited")
            assert response.status_code == 200
        settings.RATELIMIT_FAIL_OPEN = False
        refused = client.get("/worklog/limited")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert refused.json["title"] == "Rate limiter unavailable"
