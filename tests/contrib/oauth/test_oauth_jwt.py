"""JWT access tokens (RFC 9068) verified offline with the published JWKS; key rotation."""

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def rsa_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def pems():
    return {"2026-06": rsa_pem(), "2026-12": rsa_pem()}


@pytest.fixture
def jwt_settings(settings, pems):
    settings.OAUTH_ACCESS_TOKEN_FORMAT = "jwt"
    settings.OAUTH_JWT_KEYS = [{"kid": "2026-06", "private_key": pems["2026-06"]}]
    return settings


def verify_offline(token, jwks, issuer="http://testserver"):
    """What a resource server on another machine does: no call to the database."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
    return jwt.decode(token, key, algorithms=["RS256"], audience=issuer, issuer=issuer)


def test_jwt_access_token_verifies_offline_with_the_jwks(flow, make_oauth_app, jwt_settings):
    app, secret = make_oauth_app()
    pair = flow.tokens(app, secret, scope="read")
    token = pair["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "at+jwt" and header["kid"] == "2026-06"
    jwks = flow.api.get("/oauth/jwks.json").json
    assert [k["kid"] for k in jwks["keys"]] == ["2026-06"]
    assert all("d" not in k for k in jwks["keys"])  # public halves only
    claims = verify_offline(token, jwks)
    assert claims["client_id"] == app.client_id and claims["scope"] == "read"
    assert claims["sub"] == str(flow.user.id) and claims["exp"] > claims["iat"]
    # This server still checks it against its store: revocation works for JWTs too.
    assert flow.call(token).status_code == 200
    flow.api.post("/oauth/revoke", data={"token": token},
                  headers=flow.basic(app.client_id, secret))
    assert flow.call(token).status_code == 401
    meta = flow.api.get("/.well-known/oauth-authorization-server").json
    assert meta["jwks_uri"] == "http://testserver/oauth/jwks.json"


def test_key_rotation_keeps_tokens_in_date_valid(flow, make_oauth_app, jwt_settings, pems):
    app, secret = make_oauth_app()
    old = flow.token({"grant_type": "client_credentials"}, app.client_id, secret).json
    jwt_settings.OAUTH_JWT_KEYS = [{"kid": "2026-12", "private_key": pems["2026-12"]},
                                   {"kid": "2026-06", "private_key": pems["2026-06"]}]
    new = flow.token({"grant_type": "client_credentials"}, app.client_id, secret).json
    assert jwt.get_unverified_header(new["access_token"])["kid"] == "2026-12"
    jwks = flow.api.get("/oauth/jwks.json").json
    assert [k["kid"] for k in jwks["keys"]] == ["2026-12", "2026-06"]
    for token in (old["access_token"], new["access_token"]):
        assert verify_offline(token, jwks)["client_id"] == app.client_id
        assert flow.call(token).status_code == 200
    # Once the old key is dropped, its tokens no longer verify offline.
    jwt_settings.OAUTH_JWT_KEYS = jwt_settings.OAUTH_JWT_KEYS[:1]
    with pytest.raises(StopIteration):
        verify_offline(old["access_token"], flow.api.get("/oauth/jwks.json").json)


def test_a_tampered_jwt_is_refused(flow, make_oauth_app, jwt_settings, pems):
    app, secret = make_oauth_app()
    token = flow.token({"grant_type": "client_credentials"}, app.client_id, secret).json[
        "access_token"]
    forged = jwt.encode({"client_id": app.client_id, "scope": "read write"},
                        rsa_pem(), algorithm="RS256", headers={"kid": "2026-06"})
    assert flow.call(forged).status_code == 401
    with pytest.raises(jwt.InvalidSignatureError):
        verify_offline(forged, flow.api.get("/oauth/jwks.json").json)
    assert flow.call(token).status_code == 200


def test_es256_keys(flow, make_oauth_app, settings):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    settings.OAUTH_ACCESS_TOKEN_FORMAT = "jwt"
    settings.OAUTH_JWT_ALGORITHM = "ES256"
    settings.OAUTH_JWT_KEYS = [{"kid": "ec1", "private_key": pem}]
    app, secret = make_oauth_app()
    token = flow.token({"grant_type": "client_credentials"}, app.client_id, secret).json[
        "access_token"]
    jwks = flow.api.get("/oauth/jwks.json").json
    assert jwks["keys"][0]["kty"] == "EC"
    claims = jwt.decode(token, jwt.PyJWK(jwks["keys"][0]), algorithms=["ES256"],
                        audience="http://testserver")
    assert claims["client_id"] == app.client_id


def test_jwks_is_404_with_opaque_tokens(flow):
    assert flow.api.get("/oauth/jwks.json").status_code == 404
