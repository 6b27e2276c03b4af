"""createapplication, listapplications, cleartokens, the periodic job and the checks."""

import datetime as dt

import pytest

from rustforge.checks import run_checks
from rustforge.management import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog_name="manage.py")
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_createapplication_prints_the_secret_once_and_stores_its_digest(db, capsys):
    from rustforge.contrib.oauth.models import Application

    code, out, err = run(["createapplication", "Billing", "--redirect-uri",
                          "https://billing.example/cb", "--scope", "read", "--scope", "write",
                          "--grant-type", "authorization_code", "--grant-type",
                          "client_credentials"], capsys)
    assert code == 0, err
    lines = dict(line.split(":", 1) for line in out.splitlines() if line.startswith("client_"))
    client_id, secret = lines["client_id"].strip(), lines["client_secret"].strip()
    app = Application.get(Application.client_id == client_id)
    assert app.check_secret(secret) and secret not in app.client_secret_digest
    assert app.scope_list == ["read", "write"]
    assert app.grant_type_list == ["authorization_code", "client_credentials"]

    code, out, err = run(["listapplications"], capsys)
    assert code == 0 and client_id in out and "Billing" in out
    assert "https://billing.example/cb" in out and secret not in out


def test_createapplication_public_client_has_no_secret(db, capsys):
    code, out, err = run(["createapplication", "SPA", "--type", "public", "--redirect-uri",
                          "http://localhost:5173/cb"], capsys)
    assert code == 0, err
    assert "client_secret" not in out


@pytest.mark.parametrize("argv, message", [
    (["--redirect-uri", "http://evil.example/cb"], "must use https"),
    (["--redirect-uri", "https://a.example/cb#x"], "fragment"),
    (["--redirect-uri", "https://user@a.example/cb"], "user information"),
    (["--redirect-uri", "https://*.example/cb"], "wildcards"),
    (["--redirect-uri", "/relative"], "absolute"),
    ([], "needs at least one redirect URI"),
    (["--redirect-uri", "https://a.example/cb", "--scope", "admin"], "not in OAUTH_SCOPES"),
    (["--redirect-uri", "https://a.example/cb", "--grant-type", "implicit"], "grant types"),
    (["--type", "public", "--grant-type", "client_credentials"], "public client"),
    (["--redirect-uri", "https://a.example/cb", "--owner", "nobody"], "no user named"),
])
def test_createapplication_refuses_bad_registrations_in_one_line(db, capsys, argv, message):
    code, _out, err = run(["createapplication", "Bad", *argv], capsys)
    assert code != 0
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_listapplications_when_there_are_none(db, capsys):
    code, out, _ = run(["listapplications"], capsys)
    assert code == 0 and "No OAuth clients." in out


def make_rows(app, user):
    from rustforge.contrib.oauth import tokens
    from rustforge.contrib.oauth.models import AccessToken, Grant, RefreshToken

    now = dt.datetime(2030, 1, 1)
    past = dt.datetime(2000, 1, 1)
    for _ in range(5):
        tokens.issue(app, user, ["read"], expires_in=-10)    # expired
    live = tokens.issue(app, user, ["read"])
    revoked = tokens.issue(app, user, ["read"])
    AccessToken.update(revoked_at=past).where(
        AccessToken.token_digest == tokens.digests.digest(revoked)).execute()
    common = {"application": app, "user": user._pk, "scopes": "read", "family": "f"}
    RefreshToken.create(token_digest="a" * 64, expires_at=past, **common)
    RefreshToken.create(token_digest="b" * 64, expires_at=now, used_at=past, **common)
    Grant.create(code_digest="c" * 64, redirect_uri="https://x.example/cb", expires_at=past,
                 **common)
    Grant.create(code_digest="d" * 64, redirect_uri="https://x.example/cb", expires_at=now,
                 **common)
    return live


def test_cleartokens_deletes_in_batches_with_progress(db, capsys, make_user, make_oauth_app):
    from rustforge.contrib.oauth.models import AccessToken, Grant, RefreshToken

    make_rows(make_oauth_app()[0], make_user("ada"))
    code, out, err = run(["cleartokens", "--batch-size", "2"], capsys)
    assert code == 0, err
    assert "access tokens: 2 deleted so far" in out and "access tokens: 6 deleted so far" in out
    assert "Deleted 6 access tokens, 1 refresh tokens, 1 authorization codes." in out
    assert AccessToken.select().count() == 1
    # A used refresh token still in date stays: it is how a replay is recognised.
    assert RefreshToken.select().count() == 1 and Grant.select().count() == 1
    code, _, err = run(["cleartokens", "--batch-size", "0"], capsys)
    assert code != 0 and "Traceback" not in err


def test_the_periodic_job_clears_tokens(db, make_user, make_oauth_app, jobs):
    from rustforge.contrib.oauth.jobs import clear_expired_tokens
    from rustforge.contrib.oauth.models import AccessToken
    from rustforge.queue.periodic import discover

    live = make_rows(make_oauth_app()[0], make_user("ada"))
    assert "rustforge.contrib.oauth.jobs.clear_expired_tokens" in discover()
    clear_expired_tokens.enqueue()
    assert jobs.names() == ["rustforge.contrib.oauth.jobs.clear_expired_tokens"]
    [counts] = jobs.run_all()
    assert counts["access tokens"] == 6
    assert AccessToken.select().count() == 1 and live


def ids(messages):
    return {m.id for m in messages if m.id and m.id.startswith("oauth.")}


@pytest.mark.parametrize("name, value, expected", [
    ("OAUTH_CODE_EXPIRE_SECONDS", 0, "oauth.E001"),
    ("OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS", "long", "oauth.E001"),
    ("OAUTH_SCOPES", {"two words": "x"}, "oauth.E002"),
    ("OAUTH_DEFAULT_SCOPES", ["admin"], "oauth.E003"),
    ("OAUTH_ACCESS_TOKEN_FORMAT", "paseto", "oauth.E004"),
    ("OAUTH_ACCESS_TOKEN_FORMAT", "jwt", "oauth.E005"),
    ("OAUTH_CODE_EXPIRE_SECONDS", 3600, "oauth.W001"),
])
def test_settings_are_checked(settings, name, value, expected):
    assert not ids(run_checks())
    setattr(settings, name, value)
    assert expected in ids(run_checks())


def test_deploy_checks(settings):
    assert not ids(run_checks(include_deploy=True))
    settings.OAUTH_PASSWORD_GRANT = True
    settings.OAUTH_PKCE_PLAIN_ALLOWED = True
    settings.OAUTH_ISSUER = "http://auth.example.com"
    assert {"oauth.W002", "oauth.W003", "oauth.W004"} <= ids(run_checks(include_deploy=True))
