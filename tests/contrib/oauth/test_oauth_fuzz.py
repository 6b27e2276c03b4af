"""Random parameters at the token, revocation, introspection and authorize endpoints:
every answer is a 4xx (or a 2xx/302 where the input happens to be valid), never a 500."""

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAMES = st.sampled_from(["grant_type", "code", "redirect_uri", "client_id", "client_secret",
                         "refresh_token", "scope", "code_verifier", "token", "token_type_hint",
                         "username", "password", "response_type", "state", "code_challenge",
                         "code_challenge_method"])
VALUES = st.one_of(st.text(max_size=80), st.sampled_from([
    "authorization_code", "client_credentials", "refresh_token", "password", "code",
    "S256", "plain", "read write", "http://127.0.0.1/callback", "\x00", "%", "é" * 10]))
PARAMS = st.lists(st.tuples(NAMES, VALUES), max_size=8)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(params=PARAMS, path=st.sampled_from(["/oauth/token", "/oauth/revoke",
                                             "/oauth/introspect"]))
def test_token_endpoints_never_fail(flow, params, path):
    body = urlencode(params).encode("utf-8", "surrogatepass")
    response = flow.api.post(path, body=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "error" in response.json


@FUZZ
@given(params=PARAMS)
def test_authorize_never_fails(flow, params):
    query = urlencode(params, errors="surrogatepass")
    response = flow.user_client.get(f"/oauth/authorize?{query}",
                                    headers={"Accept": "text/html"})
    assert response.status_code in (200, 302, 400), response.text


@FUZZ
@given(params=PARAMS, data=st.data())
def test_a_real_clients_requests_never_fail(flow, make_oauth_app, params, data):
    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    real = {"client_id": app.client_id, "redirect_uri": "http://127.0.0.1/callback",
            "code_challenge": challenge, "code_verifier": verifier, "response_type": "code"}
    chosen = data.draw(st.lists(st.sampled_from(sorted(real)), max_size=5, unique=True))
    mixed = params + [(name, real[name]) for name in chosen]
    response = flow.api.post("/oauth/token", body=urlencode(mixed, errors="surrogatepass"),
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      **flow.basic(app.client_id, secret)})
    assert response.status_code < 500, response.text
    page = flow.user_client.get("/oauth/authorize?" + urlencode(mixed, errors="surrogatepass"),
                                headers={"Accept": "text/html"})
    assert page.status_code in (200, 302, 400), page.text
    if page.status_code == 302:
        assert page.headers["location"].startswith("http://127.0.0.1/callback?")
