"""Garbage, oversize and wrongly typed input: a 4xx with an RFC 6749 body, never a 500."""

import pytest

CALLBACK = "http://127.0.0.1/callback"


@pytest.mark.parametrize("body, content_type", [
    ('{"grant_type": "client_credentials"}', "application/json"),
    ("grant_type=client_credentials", "text/plain"),
    ("", "application/x-www-form-urlencoded"),
    ("grant_type=%ZZ&code=%", "application/x-www-form-urlencoded"),
    ("grant_type=" + "a" * 5000, "application/x-www-form-urlencoded"),
    ("grant_type=authorization_code&code=" + "c" * 100_000, "application/x-www-form-urlencoded"),
    ("grant_type=authorization_code&code=\x00\x01", "application/x-www-form-urlencoded"),
    ("grant_type=client_credentials&grant_type=password", "application/x-www-form-urlencoded"),
    ("grant_type=implicit", "application/x-www-form-urlencoded"),
    ("grant_type=refresh_token&refresh_token=%00%ff%fe", "application/x-www-form-urlencoded"),
    ("grant_type=authorization_code&code=abc&redirect_uri=a&redirect_uri=b",
     "application/x-www-form-urlencoded"),
    ("\xff\xfe garbage", "application/x-www-form-urlencoded"),
    ("a=" + "&a=".join(["x"] * 900), "application/x-www-form-urlencoded"),
])
def test_token_endpoint_garbage(flow, make_oauth_app, body, content_type):
    app, secret = make_oauth_app()
    response = flow.api.post("/oauth/token", body=body.encode("utf-8", "surrogatepass"),
                             headers={"Content-Type": content_type,
                                      **flow.basic(app.client_id, secret)})
    assert 400 <= response.status_code < 500, response.text
    assert response.json["error"] in ("invalid_request", "unsupported_grant_type",
                                      "invalid_grant", "invalid_client")


@pytest.mark.parametrize("header", [
    "Basic !!!notbase64", "Basic " + "QQ==" * 3000, "Basic Og==", "Basic",
    "Basic " + "w6k6w6k=",  # "é:é"
])
def test_token_endpoint_bad_client_authentication(flow, header):
    response = flow.api.post("/oauth/token", data={"grant_type": "client_credentials"},
                             headers={"Authorization": header})
    assert response.status_code in (400, 401), response.text
    assert response.json["error"] in ("invalid_client", "invalid_request")


def test_a_bearer_token_is_no_client_authentication(flow):
    response = flow.api.post("/oauth/token", data={"grant_type": "client_credentials"},
                             headers={"Authorization": "Bearer x"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("path", ["/oauth/revoke", "/oauth/introspect"])
@pytest.mark.parametrize("body", ["token=" + "t" * 10_000, "token=%ZZ", "", "token=a&token=b",
                                  "token=x&token_type_hint=' OR 1=1 --"])
def test_revoke_and_introspect_garbage(flow, make_oauth_app, path, body):
    app, secret = make_oauth_app()
    response = flow.api.post(path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        **flow.basic(app.client_id, secret)})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "error" in response.json


@pytest.mark.parametrize("query", [
    "response_type=code&client_id=" + "x" * 5000,
    "response_type=code&client_id=%ZZ",
    "response_type=code&client_id[]=1&client_id[]=2",
    "response_type=code&client_id=%00",
    "response_type=token&client_id=abc",
    "",
    "state=" + "s" * 10_000,
    "response_type=code&client_id=abc&redirect_uri=%0d%0aSet-Cookie:x=1",
])
def test_authorize_garbage_is_an_error_page(flow, query):
    response = flow.user_client.get(f"/oauth/authorize?{query}", headers={"Accept": "text/html"})
    assert response.status_code == 400, response.text
    assert "location" not in response.headers


@pytest.mark.parametrize("field, value", [
    ("scope", "read" + " write" * 3000),
    ("scope", "<script>alert(1)</script>"),
    ("scope", "admin"),
    ("state", "<script>alert(1)</script>"),
    ("response_type", "code token"),
    ("code_challenge", "short"),
    ("code_challenge", "é" * 50),
    ("code_challenge_method", "S512"),
])
def test_authorize_bad_parameters_of_a_valid_client(flow, make_oauth_app, field, value):
    app, _ = make_oauth_app()
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK,
             "scope": "read", "state": "s", "code_challenge": flow.pkce()[1],
             "code_challenge_method": "S256", field: value}
    response = flow.authorize(query)
    assert response.status_code in (302, 400), response.text
    if response.status_code == 302:
        location = response.headers["location"]
        assert location.startswith(CALLBACK + "?")
        assert "<script>" not in location
        if field != "state":
            assert "error=" in location
    assert "<script>alert" not in response.text


def test_consent_post_without_csrf_token_is_refused(flow, make_oauth_app):
    app, _ = make_oauth_app()
    query = (f"response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={flow.pkce()[1]}&code_challenge_method=S256")
    response = flow.user_client.post(f"/oauth/authorize?{query}", data={"decision": "allow"},
                                     headers={"Origin": "http://testserver", "X-CSRFToken": ""})
    assert response.status_code == 403
    assert "location" not in response.headers


def test_consent_post_from_another_site_is_refused(flow, make_oauth_app):
    app, _ = make_oauth_app()
    query = (f"response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={flow.pkce()[1]}&code_challenge_method=S256")
    path = f"/oauth/authorize?{query}"
    page = flow.user_client.get(path, headers={"Accept": "text/html"})
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = flow.user_client.post(path, data={"csrf_token": token, "decision": "allow"},
                                     headers={"Origin": "https://evil.test"})
    assert response.status_code == 403


def test_consent_page_cannot_be_framed(flow, make_oauth_app):
    app, _ = make_oauth_app()
    query = (f"response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={flow.pkce()[1]}&code_challenge_method=S256")
    page = flow.user_client.get(f"/oauth/authorize?{query}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_anonymous_user_is_sent_to_the_login_page(client, db, make_oauth_app, flow):
    from rustforge.testing.client import Client

    app, _ = make_oauth_app()
    stranger = Client(client.app)
    query = (f"response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={flow.pkce()[1]}&code_challenge_method=S256")
    response = stranger.get(f"/oauth/authorize?{query}", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response.headers["location"].startswith("/accounts/login?next=%2Foauth%2Fauthorize")


def test_denied_consent_redirects_with_access_denied(flow, make_oauth_app):
    from rustforge.contrib.oauth.models import Grant

    app, _ = make_oauth_app()
    query = {"response_type": "code", "client_id": app.client_id, "scope": "read",
             "state": "st", "code_challenge": flow.pkce()[1], "code_challenge_method": "S256"}
    response = flow.authorize(query, decision="deny")
    assert response.status_code == 302
    assert response.headers["location"] == f"{CALLBACK}?error=access_denied&state=st"
    assert Grant.select().count() == 0


def test_consent_is_remembered_for_the_same_scopes(flow, make_oauth_app):
    app, _ = make_oauth_app()
    challenge = flow.pkce()[1]
    query = (f"/oauth/authorize?response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={challenge}&code_challenge_method=S256")
    assert flow.user_client.get(query, headers={"Accept": "text/html"}).status_code == 200
    flow.code(app, challenge=challenge, scope="read")
    again = flow.user_client.get(query, headers={"Accept": "text/html"})
    assert again.status_code == 302 and "code=" in again.headers["location"]
    # A wider request asks again.
    wider = flow.user_client.get(query.replace("scope=read", "scope=read+write"),
                                 headers={"Accept": "text/html"})
    assert wider.status_code == 200 and "Change your data" in wider.text


def test_skip_consent_clients_get_a_code_at_once(flow, make_oauth_app):
    app, _ = make_oauth_app("First party", skip_consent=True)
    query = (f"/oauth/authorize?response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={flow.pkce()[1]}&code_challenge_method=S256&state=a")
    response = flow.user_client.get(query, headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response.headers["location"].startswith(CALLBACK + "?code=")


def test_token_endpoint_is_throttled_per_client_ip(flow, make_oauth_app, settings):
    settings.OAUTH_TOKEN_RATELIMIT = "3/m"
    app, secret = make_oauth_app()
    statuses = [flow.token({"grant_type": "client_credentials"}, app.client_id,
                           "wrong" if n % 2 else secret).status_code for n in range(4)]
    assert statuses == [200, 401, 200, 429]
    response = flow.token({"grant_type": "client_credentials"}, app.client_id, secret)
    assert response.status_code == 429 and response.json["error"] == "slow_down"
    assert int(response.headers["retry-after"]) > 0
    # Revocation and introspection share the budget: a guesser gains nothing by switching.
    assert flow.api.post("/oauth/introspect", data={"token": "x"},
                         headers=flow.basic(app.client_id, secret)).status_code == 429


def test_anonymous_consent_post_is_a_401_that_says_how_to_log_in(client, db, make_oauth_app,
                                                                  flow):
    from rustforge.contrib.oauth.models import Grant
    from rustforge.testing.client import Client

    app, _ = make_oauth_app()
    stranger = Client(client.app)
    stranger.get("/accounts/login")
    query = (f"response_type=code&client_id={app.client_id}&scope=read"
             f"&code_challenge={flow.pkce()[1]}&code_challenge_method=S256")
    response = stranger.post(f"/oauth/authorize?{query}", json={"decision": "allow"},
                             headers={"X-CSRFToken": stranger.cookies.get("csrftoken", "")})
    assert response.status_code == 401
    assert response.json["title"] == "Log in first"
    offered = response.headers["www-authenticate"]
    assert 'form-action="/accounts/login"' in offered and 'Bearer realm="api"' in offered
    assert Grant.select().count() == 0
