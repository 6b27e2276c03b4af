"""Login throttling per username and per client IP; X-Forwarded-For cannot dodge it."""

import time

import pytest

from rustforge.http.client_ip import client_ip, is_trusted_proxy

PASSWORD = "correct horse battery staple"


def attempt(client, username, password="wrong", **kwargs):
    if "csrftoken" not in client.cookies:
        client.get("/accounts/login")
    return client.post("/accounts/login", data={
        "username": username, "password": password,
        "csrf_token": client.cookies["csrftoken"]}, **kwargs)


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 3
    settings.LOGIN_THROTTLE_IP_LIMIT = 5
    settings.LOGIN_THROTTLE_WINDOW = 60
    return settings


def test_per_username_after_n_failures_even_the_right_password(client, make_user, limits):
    make_user("ada")
    for _ in range(3):
        assert attempt(client, "ada").status_code == 400
    blocked = attempt(client, "ada", PASSWORD)
    assert blocked.status_code == 429
    assert 55 <= int(blocked.headers["retry-after"]) <= 60
    assert blocked.json["title"] == "Too many failed attempts"
    # Spelling the name differently is the same username.
    assert attempt(client, " ADA ", PASSWORD).status_code == 429


def test_per_username_counts_across_addresses(app, make_user, limits):
    from rustforge.testing.client import Client

    make_user("ada")
    for n in range(3):
        assert attempt(Client(app, remote_addr=f"198.51.100.{n}"), "ada").status_code == 400
    assert attempt(Client(app, remote_addr="198.51.100.77"), "ada", PASSWORD).status_code == 429


def test_per_ip_across_usernames(client, make_user, limits):
    make_user("zed")
    for n in range(5):
        assert attempt(client, f"guess{n}").status_code == 400
    assert attempt(client, "zed", PASSWORD).status_code == 429


def test_spoofed_forwarded_for_does_not_reset_the_ip_counter(client, make_user, limits):
    make_user("zed")
    for n in range(5):
        response = attempt(client, f"guess{n}",
                           headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert response.status_code == 400
    spoofed = attempt(client, "zed", PASSWORD, headers={"X-Forwarded-For": "203.0.113.99"})
    assert spoofed.status_code == 429


def test_behind_a_trusted_proxy_clients_are_told_apart(app, make_user, limits):
    from rustforge.testing.client import Client

    limits.TRUSTED_PROXIES = ["10.0.0.0/8"]
    make_user("zed")
    proxy = Client(app, remote_addr="10.0.0.5")
    for n in range(5):
        attempt(proxy, f"guess{n}", headers={"X-Forwarded-For": "203.0.113.1"})
    assert attempt(proxy, "zed", PASSWORD,
                   headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    # Another client behind the same proxy is not punished...
    assert attempt(proxy, "zed", PASSWORD,
                   headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 303
    # ...and the blocked one cannot escape by prepending a fake hop.
    proxy.cookies.clear()
    assert attempt(proxy, "zed", PASSWORD,
                   headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.1"}).status_code == 429


def test_success_resets_the_username_counter(client, make_user, limits):
    make_user("ada")
    for _ in range(2):
        attempt(client, "ada")
    assert attempt(client, "ada", PASSWORD).status_code == 303
    client.cookies.clear()
    for _ in range(2):
        assert attempt(client, "ada").status_code == 400
    client.cookies.clear()
    assert attempt(client, "ada", PASSWORD).status_code == 303


def test_window_passes(client, make_user, limits):
    limits.LOGIN_THROTTLE_WINDOW = 2
    make_user("ada")
    for _ in range(3):
        attempt(client, "ada")
    assert attempt(client, "ada", PASSWORD).status_code == 429
    time.sleep(2.2)
    assert attempt(client, "ada", PASSWORD).status_code == 303


def test_throttled_browser_gets_an_html_page(client, make_user, limits):
    for _ in range(3):
        attempt(client, "ada")
    page = attempt(client, "ada", headers={"Accept": "text/html"})
    assert page.status_code == 429
    assert "Too many failed attempts" in page.text and "Retry-After" in page.headers


def test_failed_login_signal(client, db, limits):
    from rustforge.events.signals import user_login_failed

    seen = []

    def receiver(sender, username, **kwargs):
        seen.append(username)

    user_login_failed.connect(receiver)
    try:
        attempt(client, "nobody")
    finally:
        user_login_failed.disconnect(receiver)
    assert seen == ["nobody"]


# client_ip ---------------------------------------------------------------------------------
@pytest.mark.parametrize("remote,forwarded,proxies,expected", [
    ("203.0.113.9", "1.1.1.1", [], "203.0.113.9"),
    ("203.0.113.9", "1.1.1.1", ["10.0.0.0/8"], "203.0.113.9"),
    ("10.0.0.2", "6.6.6.6, 203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
    ("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.7"),
    ("10.0.0.2", "garbage, 203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
    ("10.0.0.2", "203.0.113.7, garbage", ["10.0.0.0/8"], "10.0.0.2"),
    ("::1", "[2001:db8::1]:443", ["::1"], "2001:db8::1"),
    ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
    ("::ffff:10.0.0.2", "198.51.100.4:5555", ["10.0.0.0/8"], "198.51.100.4"),
])
def test_client_ip(settings, remote, forwarded, proxies, expected):
    settings.TRUSTED_PROXIES = proxies
    env = {"REMOTE_ADDR": remote}
    if forwarded:
        env["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(env) == expected


def test_bad_trusted_proxy_setting_is_a_clear_error(settings):
    from rustforge.exceptions import ImproperlyConfigured

    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES entry"):
        client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1"})
    assert not is_trusted_proxy("not-an-ip", ["10.0.0.0/8"])


def test_cache_outage_falls_back_to_counting_in_the_process(client, make_user, limits, memcached,
                                                            caplog):
    """memcached stops mid-attack: logins keep answering, and the failures are
    still counted (in this process) instead of the limit vanishing."""
    from rustforge.cache import create_cache
    from rustforge.contrib.auth import throttle
    from rustforge.services import services

    make_user("ada")
    shared = create_cache(memcached.url, prefix="t", default_timeout=60)
    with services.override("cache", shared):
        assert attempt(client, "ada").status_code == 400  # counted in memcached
        memcached.stop()
        throttle._local["cache"] = None  # a fresh process-local store for this test
        with caplog.at_level("WARNING", logger="rustforge.auth"):
            statuses = [attempt(client, "ada").status_code for _ in range(4)]
        # The first failure after the stop is the one that finds the cache down.
        assert statuses[:3] == [400, 400, 400]
        assert statuses[3] == 429
        assert attempt(client, "ada", PASSWORD).status_code == 429
        assert "counted in this process only" in caplog.text
