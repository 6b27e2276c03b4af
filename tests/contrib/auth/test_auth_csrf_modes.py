"""Where the CSRF secret lives: the session (the default with sessions) or the
cookie; misconfigured trusted origins are reported by ``check``."""

import pytest

from rustforge.contrib.auth.csrf import SECRET_LENGTH, uses_sessions
from rustforge.exceptions import ImproperlyConfigured

PLANTED = "A" * SECRET_LENGTH  # a secret the attacker chose and set as a cookie


@pytest.fixture
def victim(client, make_user, login):
    login(client, make_user("victim"))
    del client.default_headers["X-CSRFToken"]
    return client


def forge(victim):
    """A cookie planted for the site (a sibling subdomain or a plain-http
    response), then a cross-site POST that carries no Origin header."""
    victim.cookies["csrftoken"] = PLANTED
    return victim.post("/authdemo/transfer", data={"amount": "10", "csrf_token": PLANTED})


def test_session_mode_is_the_default_with_sessions(settings):
    assert settings.CSRF_USE_SESSIONS is None
    assert uses_sessions(settings)  # the auth middleware stack of these tests
    settings.MIDDLEWARE = ["rustforge.contrib.auth.csrf.CsrfMiddleware"]
    assert not uses_sessions(settings)


def test_a_planted_cookie_cannot_ride_a_session(victim):
    response = forge(victim)
    assert response.status_code == 403, response.text
    assert response.json["description"] == "CSRF token incorrect."


@pytest.fixture
def cookie_mode(settings):
    settings.CSRF_USE_SESSIONS = False  # before the application is built


def test_cookie_mode_keeps_the_double_submit_limits(cookie_mode, victim):
    """The documented limit of cookie mode: the same forgery goes through."""
    assert forge(victim).status_code == 200


def test_tokens_rotate_at_login(app, client, make_user, login):
    client.get("/accounts/login")
    before = client.get("/authdemo/transfer").text.split('name="csrf_token" value="')[1][:64]
    login(client, make_user("ada"))
    del client.default_headers["X-CSRFToken"]
    response = client.post("/authdemo/transfer", data={"amount": "1", "csrf_token": before})
    assert response.status_code == 403
    fresh = client.get("/authdemo/transfer").text.split('name="csrf_token" value="')[1][:64]
    response = client.post("/authdemo/transfer", data={"amount": "1", "csrf_token": fresh})
    assert response.status_code == 200, response.text


def test_scripts_still_read_a_token_from_the_cookie(victim):
    """With a session the cookie carries a masked token, never the secret."""
    victim.get("/authdemo/transfer")
    token = victim.cookies["csrftoken"]
    assert len(token) == 2 * SECRET_LENGTH
    response = victim.post("/authdemo/transfer", data={"amount": "1"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.text


def test_anonymous_visitors_cost_no_session(client, db):
    response = client.get("/accounts/login")
    assert "sessionid" not in response.cookies
    assert len(response.cookies["csrftoken"].value) == SECRET_LENGTH


def test_an_anonymous_session_keeps_the_tokens_already_rendered(client, db):
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    assert client.post("/authdemo/cart", data={"item": "a", "csrf_token": token}
                       ).status_code < 300
    assert "sessionid" in client.cookies
    response = client.post("/authdemo/cart", data={"item": "b", "csrf_token": token})
    assert response.status_code < 300, response.text


def test_a_large_multipart_upload_carries_its_token(victim):
    """The CSRF check reads multipart bodies with the application's limits."""
    token = victim.get("/authdemo/transfer").text.split('name="csrf_token" value="')[1][:64]
    boundary = "rfcsrf"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; "
            f'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode() + b"x" * 1_500_000 + f"\r\n--{boundary}--\r\n".encode()
    response = victim.post("/shop/documents", body=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.text[:300]
    assert response.json["size"] == 1_500_000


def test_session_mode_without_sessions_is_a_configuration_error(settings):
    from rustforge.contrib.auth.checks import check_csrf
    from rustforge.contrib.auth.csrf import CsrfMiddleware

    settings.CSRF_USE_SESSIONS = True
    settings.MIDDLEWARE = ["rustforge.contrib.auth.csrf.CsrfMiddleware"]
    assert [m.id for m in check_csrf(None)] == ["auth.E005"]
    with pytest.raises(ImproperlyConfigured, match="CSRF_USE_SESSIONS"):
        CsrfMiddleware(settings)


def test_cookie_mode_with_sessions_is_a_deploy_warning(settings):
    from rustforge.checks import run_checks

    assert "auth.W012" not in {m.id for m in run_checks(include_deploy=True)}
    settings.CSRF_USE_SESSIONS = False
    assert "auth.W012" in {m.id for m in run_checks(include_deploy=True)}


@pytest.mark.parametrize("entry", ["example.com", "app.example.com:8443", "*.example.com",
                                   "https://", "https://example.com/path", "ftp://x.example"])
def test_a_trusted_origin_without_scheme_is_reported(settings, entry):
    from rustforge.contrib.auth.checks import check_csrf

    settings.CSRF_TRUSTED_ORIGINS = [entry]
    messages = check_csrf(None)
    assert [m.id for m in messages] == ["auth.E006"], entry
    assert "https://" in messages[0].hint


def test_well_formed_trusted_origins_pass(settings):
    from rustforge.contrib.auth.checks import check_csrf

    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "http://localhost:8000",
                                     "https://*.example.com", "https://example.com/"]
    assert check_csrf(None) == []


def test_check_command_fails_on_a_schemeless_origin(run_cli, rustforge_bin, tmp_path):
    (tmp_path / "badorigins.py").write_text(
        "from testproject.settings import *\nCSRF_TRUSTED_ORIGINS = ['app.example.com']\n")
    from pathlib import Path

    tests_dir = Path(__file__).resolve().parents[2]
    result = run_cli([rustforge_bin, "check"],
                     env={"RUSTFORGE_SETTINGS_MODULE": "badorigins",
                          "PYTHONPATH": f"{tmp_path}:{tests_dir}"})
    assert result.returncode != 0
    assert "auth.E006" in result.stdout + result.stderr
    assert "https://app.example.com" in result.stdout + result.stderr


def test_the_middleware_logs_the_entry_it_cannot_use(settings, caplog):
    from rustforge.contrib.auth.csrf import CsrfMiddleware

    settings.CSRF_TRUSTED_ORIGINS = ["app.example.com", "https://ok.example.com",
                                     "*.example.com", "https://*.example.com"]
    CsrfMiddleware(settings)
    logged = [r.getMessage() for r in caplog.records if r.name == "rustforge.security.csrf"]
    assert len(logged) == 2, logged
    assert "'app.example.com'" in logged[0] and "https://app.example.com" in logged[0]
