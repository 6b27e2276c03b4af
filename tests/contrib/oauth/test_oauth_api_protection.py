"""Bearer tokens protect APIs: require_oauth, ModelResource.required_scopes, OpenAPI."""

import datetime as dt


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_require_oauth_without_token_is_401_with_a_challenge(flow):
    response = flow.api.get("/oauthdemo/profile")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="api"'


def test_a_session_cookie_is_not_a_token(flow):
    response = flow.user_client.get("/oauthdemo/profile")
    assert response.status_code == 401


def test_unknown_expired_and_revoked_tokens_are_401_invalid_token(flow, make_oauth_app,
                                                                   oauth_token):
    from rustforge.contrib.oauth.models import AccessToken

    app, _ = make_oauth_app()
    expired = oauth_token(app, flow.user, ["read"], expires_in=-1)
    revoked = oauth_token(app, flow.user, ["read"])
    AccessToken.update(revoked_at=dt.datetime(2020, 1, 1)).where(
        AccessToken.id == AccessToken.select().order_by(AccessToken.id.desc()).first().id
    ).execute()
    for token in ("unknown", expired, revoked, "x" * 5000):
        response = flow.call(token)
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_token_of_an_inactive_user_is_refused(flow, make_oauth_app, oauth_token):
    app, _ = make_oauth_app()
    token = oauth_token(app, flow.user, ["read"])
    assert flow.call(token).status_code == 200
    type(flow.user).update(is_active=False).execute()
    assert flow.call(token).status_code == 401


def test_token_in_the_query_string_is_refused(flow, make_oauth_app, oauth_token):
    app, _ = make_oauth_app()
    token = oauth_token(app, flow.user, ["read"])
    response = flow.api.get(f"/oauthdemo/profile?access_token={token}")
    assert response.status_code == 400
    assert "Authorization header" in response.json["description"]


def test_bearer_requests_need_no_csrf_and_create_no_session(flow, make_oauth_app, oauth_token):
    from rustforge.contrib.auth.models import Session

    app, _ = make_oauth_app()
    token = oauth_token(app, flow.user, ["read", "write"])
    sessions = Session.select().count()
    # Even from a client holding a session cookie, a bearer POST without a CSRF token works
    # and is authenticated by the token, not by the cookie.
    response = flow.user_client.post("/oauthdemo/profile",
                                     headers={**bearer(token), "X-CSRFToken": ""})
    assert response.status_code == 200 and response.json["client_id"] == app.client_id
    assert "set-cookie" not in response.headers
    fresh = flow.api.post("/oauthdemo/profile", headers=bearer(token))
    assert fresh.status_code == 200 and "set-cookie" not in fresh.headers
    assert Session.select().count() == sessions


def test_model_resource_required_scopes(flow, make_oauth_app, oauth_token):
    app, _ = make_oauth_app()
    reader = oauth_token(app, flow.user, ["read"])
    writer = oauth_token(app, flow.user, ["read", "write"])
    assert flow.api.get("/oauthdemo/notebooks", headers=bearer(reader)).status_code == 200
    denied = flow.api.post("/oauthdemo/notebooks", json={"title": "Plans"},
                           headers=bearer(reader))
    assert denied.status_code == 403
    assert 'error="insufficient_scope"' in denied.headers["www-authenticate"]
    created = flow.api.post("/oauthdemo/notebooks", json={"title": "Plans"},
                            headers=bearer(writer))
    assert created.status_code == 201, created.text


def test_metadata_document(flow):
    response = flow.api.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    doc = response.json
    assert doc["issuer"] == "http://testserver"
    assert doc["token_endpoint"] == "http://testserver/oauth/token"
    assert doc["authorization_endpoint"] == "http://testserver/oauth/authorize"
    assert doc["revocation_endpoint"] == "http://testserver/oauth/revoke"
    assert doc["introspection_endpoint"] == "http://testserver/oauth/introspect"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["response_types_supported"] == ["code"]
    assert set(doc["grant_types_supported"]) == {"authorization_code", "client_credentials",
                                                 "refresh_token"}
    assert "jwks_uri" not in doc


def test_metadata_follows_the_settings(flow, settings):
    settings.OAUTH_ISSUER = "https://auth.example.com"
    settings.OAUTH_PKCE_PLAIN_ALLOWED = True
    settings.OAUTH_PASSWORD_GRANT = True
    doc = flow.api.get("/.well-known/oauth-authorization-server").json
    assert doc["issuer"] == "https://auth.example.com"
    assert set(doc["code_challenge_methods_supported"]) == {"S256", "plain"}
    assert "password" in doc["grant_types_supported"]


def test_openapi_document_has_the_oauth2_scheme_and_per_operation_scopes(flow):
    doc = flow.api.get("/api/openapi.json").json
    scheme = doc["components"]["securitySchemes"]["oauth2"]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["authorizationCode"]["tokenUrl"] == "/oauth/token"
    assert set(scheme["flows"]["clientCredentials"]["scopes"]) == {"read", "write"}
    notebooks = doc["paths"]["/oauthdemo/notebooks"]
    assert notebooks["get"]["security"] == [{"oauth2": ["read"]}, {}]
    assert notebooks["post"]["security"] == [{"oauth2": ["write"]}, {}]
