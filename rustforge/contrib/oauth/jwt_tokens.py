"""Signed JWT access tokens (RFC 9068) and the JWKS that verifies them.

    OAUTH_ACCESS_TOKEN_FORMAT = "jwt"
    OAUTH_JWT_KEYS = [{"kid": "2026-12", "private_key": open("oauth-2026-12.pem").read()},
                      {"kid": "2026-06", "private_key": ...}]    # still published

The first key signs; every key's public half is served at ``/oauth/jwks.json``
so a resource server on another machine verifies tokens offline. Rotate by
putting a new key first and dropping the old one once the last token it
signed has expired. The tokens are stored (as digests) like opaque ones, so
this server still revokes and introspects them. Needs PyJWT with cryptography
(``pip install rustforge[jwt]``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from rustforge.conf import settings
from rustforge.exceptions import ImproperlyConfigured

_cache: dict[str, Any] = {}


def _jwt() -> Any:
    try:
        import jwt
    except ImportError:
        raise ImproperlyConfigured(
            'OAUTH_ACCESS_TOKEN_FORMAT = "jwt" needs PyJWT: pip install "rustforge[jwt]"'
        ) from None
    return jwt


def jwt_enabled() -> bool:
    """True when access tokens are JWTs (OAUTH_ACCESS_TOKEN_FORMAT = "jwt")."""
    return settings.OAUTH_ACCESS_TOKEN_FORMAT == "jwt"  # noqa: S105 - a format name


def signing_keys() -> list[tuple[str, Any]]:
    """``[(kid, private_key), ...]`` loaded from OAUTH_JWT_KEYS (cached per value)."""
    fingerprint = json.dumps(settings.OAUTH_JWT_KEYS, sort_keys=True, default=str)
    if _cache.get("fingerprint") != fingerprint:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        loaded = []
        for entry in settings.OAUTH_JWT_KEYS:
            try:
                kid, pem = entry["kid"], entry["private_key"]
                key = load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, None)
            except (KeyError, TypeError, ValueError) as exc:
                raise ImproperlyConfigured(
                    f"OAUTH_JWT_KEYS: each entry needs a kid and a PEM private_key ({exc})"
                ) from None
            loaded.append((str(kid), key))
        _cache.clear()
        _cache["fingerprint"], _cache["keys"] = fingerprint, loaded
    return _cache["keys"]


def issuer_claim(uri: str | None = None) -> str:
    """OAUTH_ISSUER, else the origin of ``uri`` (the request's), else empty."""
    if settings.OAUTH_ISSUER:
        return settings.OAUTH_ISSUER.rstrip("/")
    if uri:
        parts = urlsplit(uri)
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def make_access_token(request: Any) -> str:
    """An RFC 9068 access token for an oauthlib token request."""
    jwt = _jwt()
    keys = signing_keys()
    if not keys:
        raise ImproperlyConfigured('OAUTH_ACCESS_TOKEN_FORMAT = "jwt" needs OAUTH_JWT_KEYS')
    kid, key = keys[0]
    now = dt.datetime.now(dt.UTC)
    issuer = issuer_claim(request.uri)
    client = request.client
    user = request.user
    claims = {
        "iss": issuer, "aud": issuer, "client_id": client.client_id,
        "sub": str(user._pk) if user is not None else client.client_id,
        "scope": " ".join(request.scopes or []), "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + settings.OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS,
    }
    return jwt.encode(claims, key, algorithm=settings.OAUTH_JWT_ALGORITHM,
                      headers={"kid": kid, "typ": "at+jwt"})


def jwks() -> dict:
    """The JSON Web Key Set of every configured key's public half."""
    jwt = _jwt()
    keys = []
    for kid, key in signing_keys():
        algorithm = jwt.get_algorithm_by_name(settings.OAUTH_JWT_ALGORITHM)
        jwk = algorithm.to_jwk(key.public_key(), as_dict=True)
        jwk.update({"kid": kid, "use": "sig", "alg": settings.OAUTH_JWT_ALGORITHM})
        keys.append(jwk)
    return {"keys": keys}
