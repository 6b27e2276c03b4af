"""check --deploy: the ids, what trips them, --fail-level and --silence."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rustforge.checks import run_checks
from rustforge.contrib.ops.checks.security import weak_secret
from rustforge.management.commands.check import command as check_command

STRONG = "kq3JH8s0-Vd1xPzW7uYtR2mN5bLcE9aFgT4hQ6jK"

HARDENED = {
    "DEBUG": False, "SECRET_KEY": STRONG, "ALLOWED_HOSTS": ["example.com"],
    "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True, "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
    "STATIC_ROOT": "/srv/static", "EMAIL_URL": "smtp://mail.example.com:587",
    "GRAPHQL_INTROSPECTION": False,
    # Shared backends; nothing connects to them here (see `offline`).
    "DATABASE_URL": "postgresql://app@db.internal:5432/site",
    "CACHE_URL": "memcached://cache.internal:11211",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "STORAGE_BACKEND": "myproject.storage.S3Storage",
}


@pytest.fixture
def offline(monkeypatch):
    """Reachability is tested on its own; here no check may touch a server."""
    from rustforge import health

    monkeypatch.setattr(health, "run", lambda *a, **k: [])
    monkeypatch.setenv("WEB_CONCURRENCY", "1")


def deploy_ids(**overrides) -> set[str]:
    import contextlib

    from rustforge.conf import settings

    with settings.override(**overrides) if overrides else contextlib.nullcontext():
        return {m.id for m in run_checks(include_deploy=True)}


# Settings-only checks: (overrides, id expected). Reachability is tested separately.
TRIPS = [
    ({"DEBUG": True}, "security.W001"),
    ({"SECRET_KEY": "short"}, "security.W003"),
    ({"SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 4}, "security.W004"),
    ({"SECRET_KEY": "a" * 50}, "security.W004"),
    ({"SECRET_KEY_FALLBACKS": ["old"]}, "security.W005"),
    ({"SECRET_KEY_FALLBACKS": [STRONG]}, "security.W006"),
    ({"ALLOWED_HOSTS": ["*"]}, "security.W007"),
    ({"SECURE_HSTS_SECONDS": 0}, "security.W008"),
    ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": False}, "security.W009"),
    ({"SECURE_HSTS_PRELOAD": False}, "security.W010"),
    ({"SECURE_SSL_REDIRECT": False}, "security.W011"),
    ({"SECURE_PROXY_SSL_HEADER": None}, "security.W012"),
    ({"MIDDLEWARE": []}, "security.E013"),
    ({"SECURE_CONTENT_TYPE_NOSNIFF": False}, "security.W014"),
    ({"X_FRAME_OPTIONS": ""}, "security.W015"),
    ({"SECURE_REFERRER_POLICY": "unsafe-url"}, "security.W016"),
    ({"SECURE_CROSS_ORIGIN_OPENER_POLICY": ""}, "security.W017"),
    ({"MIDDLEWARE": ["rustforge.http.middleware.SecurityMiddleware",
                     "rustforge.contrib.auth.middleware.SessionMiddleware"]}, "security.E018"),
    ({"SESSION_COOKIE_SAMESITE": "None"}, "security.W019"),
    ({"CSRF_COOKIE_NAME": "sessionid"}, "security.E020"),
    ({"CSRF_TRUSTED_ORIGINS": ["http://partner.example"]}, "security.W021"),
    ({"TRUSTED_PROXIES": ["0.0.0.0/0"]}, "security.W022"),
    ({"METRICS_ALLOWED_IPS": ["0.0.0.0/0"]}, "security.W023"),
    ({"METRICS_TOKEN": "abc"}, "security.W024"),
    ({"SESSION_COOKIE_SECURE": False}, "auth.W010"),
    ({"CSRF_COOKIE_SECURE": False}, "auth.W011"),
    ({"PASSWORD_ARGON2": {"memory_cost": 1024, "rounds": 1, "parallelism": 1}}, "auth.W020"),
    ({"PASSWORD_SCHEMES": ["pbkdf2_sha256"]}, "auth.W021"),
    ({"PASSWORD_VALIDATORS": []}, "auth.W022"),
    ({"OAUTH_PKCE_REQUIRED": False}, "oauth.W010"),
    ({"OAUTH_PKCE_PLAIN_ALLOWED": True}, "oauth.W003"),
    ({"CACHE_URL": "locmem://"}, "cache.W001"),
    ({"REDIS_URL": ""}, "queue.W001"),
    ({"EMAIL_URL": "console://"}, "mail.W001"),
    ({"GRAPHQL_INTROSPECTION": True}, "graphql.W001"),
    ({"DATABASE_URL": "sqlite:///prod.db"}, "ops.W001"),
    ({"SESSION_ENGINE": "cache", "CACHE_URL": "locmem://"}, "ops.E002"),
    ({"RATELIMITS": {"api": {"rate": "10/m"}}, "CACHE_URL": "locmem://"}, "ops.W003"),
    ({"STATIC_ROOT": None}, "ops.W004"),
    ({"STORAGE_BACKEND": "rustforge.storage.FileSystemStorage"}, "ops.W020"),
    ({"MAX_BODY_SIZE": 500 * 1024 * 1024}, "ops.W005"),
    ({"MAX_FORM_FIELDS": 1_000_000}, "ops.W006"),
    ({"CACHE_URL": "memcached://127.0.0.1:11211?timeout=60"}, "ops.W007"),
    ({"REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_SOCKET_TIMEOUT": None}, "ops.W008"),
    ({"EMAIL_TIMEOUT": 0}, "ops.W009"),
    ({"TIME_ZONE": "Mars/Olympus"}, "ops.E010"),
]


def test_at_least_thirty_deploy_checks_each_with_a_hint(offline):
    from rustforge.conf import settings as live

    seen = {}
    for overrides, _ in TRIPS:
        with live.override(**{**HARDENED, **overrides}):
            for message in run_checks(include_deploy=True):
                seen.setdefault(message.id, message)
    assert len({i for i in seen if i and i.split(".")[1][0] in "EW"}) >= 30
    # (The OAuth app's older messages are its own to word.)
    hintless = [i for i, m in seen.items() if not m.hint and m.level >= 30
                and i not in ("oauth.W002", "oauth.W003", "oauth.W004")]
    assert not hintless


@pytest.mark.parametrize(("overrides", "check_id"), TRIPS, ids=[t[1] for t in TRIPS])
def test_each_check_trips_and_the_hardened_settings_do_not(offline, overrides, check_id):
    # Other installed apps (the test project has many) may report their own.
    assert not deploy_ids(**HARDENED) & {check_id for _, check_id in TRIPS}
    assert check_id in deploy_ids(**{**HARDENED, **overrides})


def test_weak_secret():
    assert weak_secret(STRONG) is None
    assert "distinct" in weak_secret("ab" * 30)
    assert "placeholder" in weak_secret("change-me-please-0123456789abcdefghij")


def test_metrics_dir_checks(offline, tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert "ops.I012" in deploy_ids(**HARDENED)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    assert "ops.E013" in deploy_ids(**HARDENED)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    ids = deploy_ids(**HARDENED)
    assert not {"ops.I012", "ops.E013", "ops.E014"} & ids
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    assert "ops.I012" not in deploy_ids(**HARDENED)


def test_unreachable_services_are_errors(db):
    hardened = {k: v for k, v in HARDENED.items() if "_URL" not in k}
    ids = deploy_ids(**hardened, READYZ_TIMEOUT=3,
                     CACHE_URL="memcached://127.0.0.1:1?connect_timeout=0.2&timeout=0.2",
                     REDIS_URL="redis://127.0.0.1:1/0", REDIS_CONNECT_TIMEOUT=0.2)
    assert {"ops.E016", "ops.E017"} <= ids
    assert "ops.E015" not in ids


def test_pending_migrations_are_an_error(db, monkeypatch):
    from rustforge import health
    from rustforge.db import migrations

    health.forget()
    monkeypatch.setattr(migrations, "pending", lambda: ["blog.002_tags"])
    try:
        ids = deploy_ids(**{k: v for k, v in HARDENED.items() if "_URL" not in k})
    finally:
        health.forget()
    assert "ops.W018" in ids


def invoke(*args):
    return CliRunner().invoke(check_command, list(args))


def test_fail_level_and_silence(offline, settings):
    for name, value in HARDENED.items():
        setattr(settings, name, value)
    settings.SECURE_HSTS_PRELOAD = False  # one warning: security.W010
    plain = invoke("--deploy", "--tag", "security")
    assert plain.exit_code == 0, plain.output
    assert "security.W010" in plain.output
    strict = invoke("--deploy", "--tag", "security", "--fail-level", "warning")
    assert strict.exit_code == 1
    assert "1 issue(s) at level WARNING" in strict.output
    silenced = invoke("--deploy", "--tag", "security", "--fail-level", "WARNING",
                      "--silence", "security.W010")
    assert silenced.exit_code == 0, silenced.output
    assert "security.W010" not in silenced.output
    settings.SILENCED_CHECKS = ["security.W010"]
    assert invoke("--deploy", "--tag", "security", "--fail-level", "WARNING").exit_code == 0


def test_bad_fail_level_is_a_usage_error():
    result = invoke("--fail-level", "LOUD")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
