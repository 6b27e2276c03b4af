"""Secrets at rest and in logs: the tables hold digests only, the logs hold nothing."""

import logging

from rustforge.db import get_database

CALLBACK = "http://127.0.0.1/callback"
TABLES = ["oauth_application", "oauth_grant", "oauth_access_token", "oauth_refresh_token",
          "oauth_consent"]


def every_stored_value():
    db = get_database()
    values = []
    for table in TABLES:
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')  # noqa: S608 - fixed names
        for row in cursor.fetchall():
            values.extend(str(value) for value in row)
    return "\n".join(values)


def test_tokens_codes_and_secrets_are_stored_as_keyed_digests(flow, make_oauth_app):
    from rustforge.contrib.oauth import digests
    from rustforge.contrib.oauth.models import AccessToken, Application, Grant, RefreshToken

    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    pair = flow.exchange(app, secret, code, verifier).json
    refreshed = flow.token({"grant_type": "refresh_token",
                            "refresh_token": pair["refresh_token"]}, app.client_id, secret).json
    stored = every_stored_value()
    for raw in (secret, code, pair["access_token"], pair["refresh_token"],
                refreshed["access_token"], refreshed["refresh_token"]):
        assert raw not in stored
    assert Application.get().client_secret_digest == digests.digest(secret)
    assert Grant.get().code_digest == digests.digest(code)
    assert {t.token_digest for t in AccessToken.select()} == {
        digests.digest(pair["access_token"]), digests.digest(refreshed["access_token"])}
    assert RefreshToken.select().where(
        RefreshToken.token_digest == digests.digest(refreshed["refresh_token"])).count() == 1
    # Keyed: a plain SHA-256 of the token (a rainbow table's guess) is not what is stored.
    import hashlib

    assert hashlib.sha256(secret.encode()).hexdigest() not in stored


def test_rotating_secret_key_keeps_tokens_valid_through_the_fallbacks(flow, make_oauth_app,
                                                                     settings):
    app, secret = make_oauth_app()
    token = flow.tokens(app, secret)["access_token"]
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-that-is-long-enough-0123456789"
    assert flow.call(token).status_code == 401  # without the fallback: unknown
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert flow.call(token).status_code == 200
    ok = flow.token({"grant_type": "client_credentials"}, app.client_id, secret)
    assert ok.status_code == 200
    # New tokens use the new key.
    from rustforge.contrib.oauth import digests
    from rustforge.contrib.oauth.models import AccessToken

    newest = AccessToken.select().order_by(AccessToken.id.desc()).first()
    assert newest.token_digest == digests.digest(ok.json["access_token"])


def test_no_secret_or_token_reaches_the_logs(flow, make_oauth_app, caplog):
    caplog.set_level(logging.DEBUG)
    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    pair = flow.exchange(app, secret, code, verifier).json
    replay = flow.exchange(app, secret, code, verifier)
    assert replay.status_code == 400
    flow.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
               app.client_id, secret)
    flow.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
               app.client_id, secret)
    flow.call(pair["access_token"])
    text = caplog.text
    assert "revoked" in text  # the replay was logged ...
    for raw in (secret, code, verifier, pair["access_token"], pair["refresh_token"]):
        assert raw not in text  # ... without what was replayed


def test_token_issued_signal(flow, make_oauth_app):
    from rustforge.events.signals import oauth_token_issued

    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, kwargs))

    oauth_token_issued.connect(receiver)
    try:
        app, secret = make_oauth_app()
        flow.tokens(app, secret, scope="read")
        flow.token({"grant_type": "client_credentials"}, app.client_id, secret)
    finally:
        oauth_token_issued.disconnect(receiver)
    assert [kwargs["grant_type"] for _, kwargs in seen] == ["authorization_code",
                                                            "client_credentials"]
    first, second = seen[0][1], seen[1][1]
    assert seen[0][0].id == app.id and first["application"].id == app.id
    assert first["user"].username == "ada" and first["scopes"] == ["read"]
    assert second["user"] is None and second["scopes"] == ["read"]  # OAUTH_DEFAULT_SCOPES
