"""/healthz, /readyz and /metrics in-process: answers, bypasses, protection."""

from __future__ import annotations

import pytest

from rustforge import health


def test_healthz_answers_without_database_access(client):
    # No `db` fixture: any query would raise DatabaseAccessBlocked.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("host", ["10.1.2.3:8000", "evil.example", ""])
def test_probes_ignore_the_host_check(client, db, host):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": host}).status_code == 200
    assert client.get("/readyz", headers={"Host": host}).status_code == 200


def test_readyz_names_every_check(client, db):
    health.forget()
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json
    assert body["status"] == "ready"
    assert {"database", "migrations", "cache", "redis"} <= set(body["checks"])
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_503_naming_the_failure(client, db, settings):
    settings.CACHE_URL = "memcached://127.0.0.1:1?connect_timeout=0.2&timeout=0.2"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["failed"] == ["cache"]
    assert response.json["checks"]["cache"]["error"] == "CacheUnavailable"
    assert response.json["checks"]["database"]["ok"] is True


def test_readyz_reports_a_hung_check_as_a_timeout(client, db, settings):
    import threading

    release = threading.Event()
    health.register("slow")(lambda: release.wait(5))
    try:
        settings.READYZ_TIMEOUT = 0.2
        response = client.get("/readyz")
    finally:
        release.set()
        health._checks.pop("slow")
    assert response.status_code == 503
    assert response.json["failed"] == ["slow"]
    assert response.json["checks"]["slow"]["error"] == "Timeout"


def test_readyz_hides_error_messages_unless_debug(client, db, settings):
    health.register("broken")(lambda: (_ for _ in ()).throw(RuntimeError("db.internal:5432")))
    try:
        hidden = client.get("/readyz").json["checks"]["broken"]
        settings.DEBUG = True
        from rustforge.http import get_wsgi_application
        from rustforge.testing.client import Client

        shown = Client(get_wsgi_application()).get("/readyz").json["checks"]["broken"]
    finally:
        health._checks.pop("broken")
    assert hidden["error"] == "RuntimeError"
    assert "db.internal" in shown["error"]


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT"])
def test_probes_accept_only_get_and_head(client, method):
    response = client.request(method, "/healthz")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert client.request("HEAD", "/healthz").status_code == 200


def test_metrics_is_open_to_loopback_only_by_default(client):
    assert client.get("/metrics").status_code == 200
    response = client.get("/metrics", remote_addr="203.0.113.9")
    assert response.status_code == 403
    assert "title" in response.json


def test_metrics_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = []
    outside = "203.0.113.9"
    assert client.get("/metrics", remote_addr=outside).status_code == 403
    assert client.get("/metrics").status_code == 403  # loopback no longer listed
    bad = client.get("/metrics", remote_addr=outside,
                     headers={"Authorization": "Bearer s3cret-tokeX"})
    assert bad.status_code == 403
    assert bad.headers["www-authenticate"].startswith("Bearer")
    good = client.get("/metrics", remote_addr=outside,
                      headers={"Authorization": "Bearer s3cret-token"})
    assert good.status_code == 200
    assert good.headers["content-type"].startswith("text/plain")


def test_metrics_allowed_networks_and_spoofed_forwarding(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", remote_addr="10.2.3.4").status_code == 200
    # X-Forwarded-For from a peer that is not a trusted proxy is not believed.
    spoofed = client.get("/metrics", remote_addr="203.0.113.9",
                         headers={"X-Forwarded-For": "10.2.3.4"})
    assert spoofed.status_code == 403


def test_bad_metrics_allowed_ips_is_a_configuration_error(settings):
    from rustforge.exceptions import ImproperlyConfigured
    from rustforge.http import get_wsgi_application

    settings.METRICS_ALLOWED_IPS = ["not-an-ip"]
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_IPS"):
        get_wsgi_application()


def test_metrics_off_is_404(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics").status_code == 404


def test_metrics_path_can_be_moved(client, settings):
    settings.METRICS_PATH = "/internal/prom"
    assert client.get("/internal/prom").status_code == 200
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("authorization", [
    "Bearer", "Bearer ", "Basic czNjcmV0LXRva2Vu", "bearer s3cret-token", "Bearer s3cret-token\x00",
    "Bearer " + "A" * 8000, "Bearer s3cret-tökén", "Bearer s3cret-token s3cret-token",
])
def test_metrics_hostile_authorization_headers_are_refused(client, settings, authorization):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = []
    response = client.get("/metrics", remote_addr="203.0.113.9",
                          headers={"Authorization": authorization})
    assert response.status_code == 403


@pytest.mark.parametrize("forwarded", ["not-an-ip", "10.0.0.1, ' OR 1=1 --", "::::", "1" * 500,
                                       "10.2.3.4, 10.2.3.4, 10.2.3.4, 203.0.113.9"])
def test_metrics_garbage_forwarding_headers_are_refused_cleanly(client, settings, forwarded):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/metrics", headers={"X-Forwarded-For": forwarded})
    assert response.status_code in (200, 403)
    if response.status_code == 200:  # only when the right-most hop is an allowed address
        assert forwarded.rsplit(",", 1)[-1].strip().startswith("10.")


def test_probe_queries_are_ignored_and_never_reflected(client, db):
    response = client.get("/readyz", params={"verbose": "1", "x": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert client.get("/healthz/").status_code == 200
    assert client.get("/healthz//").status_code < 500
    assert client.get("/HEALTHZ").status_code == 404  # probes are exact paths
    head = client.request("HEAD", "/metrics")
    assert head.status_code == 200 and head.text == ""


def test_readyz_runs_the_checks_at_most_once_a_second(client, db, monkeypatch):
    calls = []
    health.register("counted")(lambda: calls.append(1))
    try:
        for _ in range(5):
            assert client.get("/readyz").status_code == 200
        assert len(calls) == 1
        from rustforge.http import probes

        monkeypatch.setattr(probes, "READYZ_REUSE_SECONDS", 0.0)
        client.get("/readyz")
        assert len(calls) == 2
    finally:
        health._checks.pop("counted")
