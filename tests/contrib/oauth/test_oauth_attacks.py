"""Each attack on the authorization server fails, and fails the way RFC 6749 says."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

CALLBACK = "http://127.0.0.1/callback"


def query_of(response):
    return parse_qs(urlsplit(response.headers["location"]).query)


def authorize_query(app, **overrides):
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK,
             "scope": "read", "state": "s1", "code_challenge": "x" * 43,
             "code_challenge_method": "S256"}
    query.update(overrides)
    return {k: v for k, v in query.items() if v is not None}


# Redirect URIs ---------------------------------------------------------------------------
@pytest.mark.parametrize("uri", [
    "http://127.0.0.1/callback/",
    "http://127.0.0.1/callback/../evil",
    "http://127.0.0.1/callbackx",
    "http://127.0.0.1/callback?next=https://evil.test",
    "http://127.0.0.1/callback#fragment",
    "http://127.0.0.1/CALLBACK",
    "HTTP://127.0.0.1/callback",
    "http://evil.test@127.0.0.1/callback",
    "http://127.0.0.1@evil.test/callback",
    "http://127.0.0.1.evil.test/callback",
    "http://127.0.0.1:80/callback",
    "https://127.0.0.1/callback",
    "http://127.0.0.1/cal%6Cback",
    "//127.0.0.1/callback",
    "javascript:alert(1)//http://127.0.0.1/callback",
])
def test_redirect_uri_variants_are_an_error_page_never_a_redirect(flow, make_oauth_app, uri):
    app, _ = make_oauth_app()
    response = flow.authorize(authorize_query(app, redirect_uri=uri))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "invalid_request" in response.text or "mismatch" in response.text.lower()


def test_unknown_client_is_an_error_page(flow):
    response = flow.authorize({"response_type": "code", "client_id": "nobody",
                               "redirect_uri": CALLBACK})
    assert response.status_code == 400 and "location" not in response.headers
    assert "Invalid client_id" in response.text


def test_missing_redirect_uri_with_several_registered_is_an_error_page(flow, make_oauth_app):
    app, _ = make_oauth_app(redirect_uris=[CALLBACK, "http://127.0.0.1/other"])
    response = flow.authorize(authorize_query(app, redirect_uri=None))
    assert response.status_code == 400 and "location" not in response.headers


def test_redirect_uri_left_out_at_authorization_uses_the_only_one(flow, make_oauth_app):
    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge, redirect_uri=None)
    # Given at the token endpoint or not, it is the registered one.
    assert flow.exchange(app, secret, code, verifier).status_code == 200


def test_redirect_uri_given_at_authorization_is_required_at_the_token_endpoint(
        flow, make_oauth_app):
    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    response = flow.token({"grant_type": "authorization_code", "code": code,
                           "code_verifier": verifier}, app.client_id, secret)
    assert response.status_code == 400
    assert response.json["error"] in ("invalid_request", "invalid_grant")


# Codes -----------------------------------------------------------------------------------
def test_code_replay_fails_and_revokes_the_tokens_it_gave(flow, make_oauth_app):
    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    first = flow.exchange(app, secret, code, verifier)
    assert first.status_code == 200
    access, refresh = first.json["access_token"], first.json["refresh_token"]
    assert flow.call(access).status_code == 200

    replay = flow.exchange(app, secret, code, verifier)
    assert replay.status_code == 400 and replay.json["error"] == "invalid_grant"
    assert flow.call(access).status_code == 401
    refreshed = flow.token({"grant_type": "refresh_token", "refresh_token": refresh},
                           app.client_id, secret)
    assert refreshed.status_code == 400 and refreshed.json["error"] == "invalid_grant"


def test_another_clients_code_is_refused(flow, make_oauth_app):
    victim, _ = make_oauth_app("Victim")
    thief, thief_secret = make_oauth_app("Thief")
    verifier, challenge = flow.pkce()
    code = flow.code(victim, challenge=challenge)
    response = flow.exchange(thief, thief_secret, code, verifier)
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_expired_code_is_refused(flow, make_oauth_app):
    from rustforge.contrib.oauth.models import Grant

    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    Grant.update(expires_at=dt.datetime(2000, 1, 1)).execute()
    response = flow.exchange(app, secret, code, verifier)
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_codes_live_sixty_seconds_by_default(flow, make_oauth_app):
    from rustforge.contrib.oauth.models import Grant

    app, _ = make_oauth_app()
    flow.code(app, challenge=flow.pkce()[1])
    grant = Grant.get()
    assert 55 <= (grant.expires_at - grant.created_at).total_seconds() <= 61


# PKCE ------------------------------------------------------------------------------------
def test_pkce_missing_verifier(flow, make_oauth_app):
    app, secret = make_oauth_app()
    code = flow.code(app, challenge=flow.pkce()[1])
    response = flow.exchange(app, secret, code)
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_pkce_wrong_verifier(flow, make_oauth_app):
    app, secret = make_oauth_app()
    code = flow.code(app, challenge=flow.pkce()[1])
    response = flow.exchange(app, secret, code, flow.pkce()[0])
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


@pytest.mark.parametrize("verifier", ["short", "x" * 129, "é" * 50, "a b" * 20])
def test_pkce_verifier_shape_is_checked(flow, make_oauth_app, verifier):
    app, secret = make_oauth_app()
    code = flow.code(app, challenge=flow.pkce()[1])
    response = flow.exchange(app, secret, code, verifier)
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_pkce_downgrade_to_plain_is_refused(flow, make_oauth_app):
    app, _ = make_oauth_app()
    verifier, _challenge = flow.pkce()
    for method in ("plain", None):  # no method means plain (RFC 7636 4.3)
        response = flow.authorize(authorize_query(app, code_challenge=verifier,
                                                  code_challenge_method=method))
        assert response.status_code == 302
        assert query_of(response)["error"] == ["invalid_request"]
        assert query_of(response)["state"] == ["s1"]


def test_plain_works_only_when_configured(flow, make_oauth_app, settings):
    settings.OAUTH_PKCE_PLAIN_ALLOWED = True
    app, secret = make_oauth_app()
    verifier, _ = flow.pkce()
    code = flow.code(app, challenge=verifier, method="plain")
    assert flow.exchange(app, secret, code, verifier).status_code == 200


def test_verifier_on_a_code_issued_without_challenge_is_refused(flow, make_oauth_app,
                                                                settings):
    settings.OAUTH_PKCE_REQUIRED = False  # a confidential client may skip PKCE
    app, secret = make_oauth_app()
    code = flow.code(app)
    response = flow.exchange(app, secret, code, flow.pkce()[0])
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"
    # Without the verifier the same kind of code works.
    assert flow.exchange(app, secret, flow.code(app)).status_code == 200


def test_pkce_is_required_by_default_even_for_confidential_clients(flow, make_oauth_app):
    app, _ = make_oauth_app()
    response = flow.authorize(authorize_query(app, code_challenge=None,
                                              code_challenge_method=None))
    assert response.status_code == 302
    assert query_of(response)["error"] == ["invalid_request"]


def test_public_client_without_pkce_is_refused(flow, make_oauth_app, settings):
    settings.OAUTH_PKCE_REQUIRED = False  # public clients need PKCE regardless
    app, _ = make_oauth_app("SPA", client_type="public")
    response = flow.authorize(authorize_query(app, code_challenge=None,
                                              code_challenge_method=None))
    assert response.status_code == 302
    assert query_of(response)["error"] == ["invalid_request"]


def test_public_client_with_pkce_needs_no_secret(flow, make_oauth_app):
    app, _ = make_oauth_app("SPA", client_type="public")
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    response = flow.token({"grant_type": "authorization_code", "code": code,
                           "redirect_uri": CALLBACK, "code_verifier": verifier},
                          client_id=app.client_id)
    assert response.status_code == 200
    assert flow.call(response.json["access_token"]).status_code == 200


# Client authentication -------------------------------------------------------------------
def test_wrong_or_missing_client_secret(flow, make_oauth_app):
    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    wrong = flow.exchange(app, secret[:-1] + ("A" if secret[-1] != "A" else "B"), code,
                          verifier)
    assert wrong.status_code == 401 and wrong.json["error"] == "invalid_client"
    missing = flow.token({"grant_type": "authorization_code", "code": code,
                          "redirect_uri": CALLBACK, "code_verifier": verifier},
                         client_id=app.client_id)
    assert missing.status_code == 401 and missing.json["error"] == "invalid_client"
    # The code survived both failures: a failed client authentication burns nothing.
    assert flow.exchange(app, secret, code, verifier).status_code == 200


def test_client_credentials_need_a_confidential_client(flow, make_oauth_app):
    app, secret = make_oauth_app()
    ok = flow.token({"grant_type": "client_credentials", "scope": "read"}, app.client_id,
                    secret)
    assert ok.status_code == 200 and ok.json["scope"] == "read"
    bad = flow.token({"grant_type": "client_credentials"}, app.client_id, "nope")
    assert bad.status_code == 401
    public, _ = make_oauth_app("SPA", client_type="public")
    response = flow.token({"grant_type": "client_credentials"}, client_id=public.client_id)
    assert response.status_code == 401 and response.json["error"] == "invalid_client"


def test_grant_type_not_registered_for_the_client(flow, make_oauth_app):
    app, secret = make_oauth_app(grant_types=["authorization_code"])
    response = flow.token({"grant_type": "client_credentials"}, app.client_id, secret)
    assert response.status_code == 400 and response.json["error"] == "unauthorized_client"


def test_password_grant_is_off_by_default(flow, make_oauth_app, settings):
    app, secret = make_oauth_app(grant_types=["password"])
    data = {"grant_type": "password", "username": "ada",
            "password": "correct horse battery staple"}
    response = flow.token(data, app.client_id, secret)
    assert response.status_code == 400 and response.json["error"] == "unsupported_grant_type"
    settings.OAUTH_PASSWORD_GRANT = True
    assert flow.token(data, app.client_id, secret).status_code == 200
    data["password"] = "wrong"
    assert flow.token(data, app.client_id, secret).json["error"] == "invalid_grant"


# Scopes and refresh ----------------------------------------------------------------------
def test_scope_beyond_the_clients_is_refused_at_authorization(flow, make_oauth_app):
    app, _ = make_oauth_app(scopes=["read"])
    response = flow.authorize(authorize_query(app, scope="read write"))
    assert response.status_code == 302 and query_of(response)["error"] == ["invalid_scope"]


def test_scope_escalation_on_refresh_is_refused(flow, make_oauth_app):
    app, secret = make_oauth_app()
    pair = flow.tokens(app, secret, scope="read")
    response = flow.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"],
                           "scope": "read write"}, app.client_id, secret)
    assert response.status_code == 400 and response.json["error"] == "invalid_scope"
    # Narrowing is fine.
    ok = flow.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"],
                     "scope": "read"}, app.client_id, secret)
    assert ok.status_code == 200 and ok.json["scope"] == "read"


def test_refresh_token_reuse_after_rotation_revokes_the_family(flow, make_oauth_app):
    app, secret = make_oauth_app()
    first = flow.tokens(app, secret)
    second = flow.token({"grant_type": "refresh_token",
                         "refresh_token": first["refresh_token"]}, app.client_id, secret).json
    assert flow.call(second["access_token"]).status_code == 200
    assert flow.call(first["access_token"]).status_code == 401  # retired at rotation

    reuse = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                       app.client_id, secret)
    assert reuse.status_code == 400 and reuse.json["error"] == "invalid_grant"
    # The thief's replay ended the legitimate holder's tokens too.
    assert flow.call(second["access_token"]).status_code == 401
    after = flow.token({"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
                       app.client_id, secret)
    assert after.status_code == 400


def test_another_clients_refresh_token_is_refused(flow, make_oauth_app):
    victim, secret = make_oauth_app("Victim")
    thief, thief_secret = make_oauth_app("Thief")
    pair = flow.tokens(victim, secret)
    response = flow.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
                          thief.client_id, thief_secret)
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"
    assert flow.call(pair["access_token"]).status_code == 200


# Revocation and introspection ------------------------------------------------------------
def test_revoking_another_clients_token_does_nothing(flow, make_oauth_app):
    victim, secret = make_oauth_app("Victim")
    thief, thief_secret = make_oauth_app("Thief")
    pair = flow.tokens(victim, secret)
    for token in (pair["access_token"], pair["refresh_token"]):
        response = flow.api.post("/oauth/revoke", data={"token": token},
                                 headers=flow.basic(thief.client_id, thief_secret))
        assert response.status_code == 200  # RFC 7009: say nothing
    assert flow.call(pair["access_token"]).status_code == 200


def test_revoking_a_refresh_token_ends_its_access_tokens(flow, make_oauth_app):
    app, secret = make_oauth_app()
    pair = flow.tokens(app, secret)
    response = flow.api.post("/oauth/revoke", data={"token": pair["refresh_token"],
                                                   "token_type_hint": "refresh_token"},
                             headers=flow.basic(app.client_id, secret))
    assert response.status_code == 200
    assert flow.call(pair["access_token"]).status_code == 401


def test_unknown_token_revocation_is_200_but_bad_client_is_401(flow, make_oauth_app):
    app, secret = make_oauth_app()
    ok = flow.api.post("/oauth/revoke", data={"token": "never-issued"},
                       headers=flow.basic(app.client_id, secret))
    assert ok.status_code == 200
    bad = flow.api.post("/oauth/revoke", data={"token": "never-issued"},
                        headers=flow.basic(app.client_id, "wrong"))
    assert bad.status_code == 401 and bad.json["error"] == "invalid_client"


def test_introspection_needs_an_authenticated_client(flow, make_oauth_app):
    app, secret = make_oauth_app()
    public, _ = make_oauth_app("SPA", client_type="public")
    pair = flow.tokens(app, secret)
    anonymous = flow.api.post("/oauth/introspect", data={"token": pair["access_token"]})
    assert anonymous.status_code == 401 and anonymous.json["error"] == "invalid_client"
    as_public = flow.api.post("/oauth/introspect", data={"token": pair["access_token"],
                                                        "client_id": public.client_id})
    assert as_public.status_code == 401
    assert "active" not in anonymous.text


def test_introspection_of_other_clients_tokens_needs_the_introspection_flag(
        flow, make_oauth_app):
    app, secret = make_oauth_app("Billing")
    other, other_secret = make_oauth_app("Curious")
    resource_server, rs_secret = make_oauth_app("API gateway", introspection=True)
    token = flow.tokens(app, secret)["access_token"]

    def look(client, client_secret):
        return flow.api.post("/oauth/introspect", data={"token": token},
                             headers=flow.basic(client.client_id, client_secret)).json

    assert look(other, other_secret) == {"active": False}
    seen = look(resource_server, rs_secret)
    assert seen["active"] is True and seen["client_id"] == app.client_id
    assert seen["sub"] == str(flow.user.id) and seen["token_type"] == "Bearer"


def test_introspection_of_expired_revoked_and_unknown_tokens(flow, make_oauth_app):
    from rustforge.contrib.oauth.models import AccessToken

    app, secret = make_oauth_app()
    first = flow.tokens(app, secret)["access_token"]
    second = flow.tokens(app, secret)["access_token"]
    AccessToken.update(expires_at=dt.datetime(2000, 1, 1)).where(
        AccessToken.id == AccessToken.select().order_by(AccessToken.id).first().id).execute()
    flow.api.post("/oauth/revoke", data={"token": second},
                  headers=flow.basic(app.client_id, secret))
    for token in (first, second, "unknown"):
        seen = flow.api.post("/oauth/introspect", data={"token": token},
                             headers=flow.basic(app.client_id, secret))
        assert seen.status_code == 200 and seen.json == {"active": False}
    assert flow.call(first).status_code == 401


def test_no_refresh_token_for_a_client_without_the_refresh_grant(flow, make_oauth_app):
    from rustforge.contrib.oauth.models import RefreshToken

    app, secret = make_oauth_app(grant_types=["authorization_code"])
    verifier, challenge = flow.pkce()
    response = flow.exchange(app, secret, flow.code(app, challenge=challenge), verifier)
    assert response.status_code == 200 and "refresh_token" not in response.json
    assert RefreshToken.select().count() == 0
