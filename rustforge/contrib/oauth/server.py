"""The oauthlib endpoints of this process, built once from the settings.

    from rustforge.contrib.oauth.server import get_server
    headers, body, status = get_server().token.create_token_response(uri, "POST", body, headers)

Only the grants RustForge supports are wired: authorization code (with PKCE
checks of our own on top of oauthlib's), client credentials, refresh token
with rotation, and the password grant when ``OAUTH_PASSWORD_GRANT`` is on.
The implicit grant is never offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oauthlib.oauth2 import (
    AuthorizationEndpoint,
    BearerToken,
    IntrospectEndpoint,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749.grant_types import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
    ResourceOwnerPasswordCredentialsGrant,
)
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

from rustforge.conf import settings
from rustforge.contrib.oauth import tokens
from rustforge.contrib.oauth.validator import (
    IntrospectionValidator,
    OAuthValidator,
    check_code_challenge,
    check_code_verifier,
    claim_code,
    claim_refresh_token,
)
from rustforge.services import services


class CodeGrant(AuthorizationCodeGrant):
    """Authorization code with S256 only, unless OAUTH_PKCE_PLAIN_ALLOWED."""

    def __init__(self, validator: Any, plain_allowed: bool) -> None:
        super().__init__(validator, pre_auth=[check_code_challenge],
                         pre_token=[check_code_verifier], post_token=[claim_code])
        methods = dict(AuthorizationCodeGrant._code_challenge_methods)
        if not plain_allowed:
            methods = {"S256": code_challenge_method_s256}
        # An instance attribute: the class's dict stays as oauthlib ships it.
        self._code_challenge_methods = methods


@dataclass
class OAuthServer:
    authorization: AuthorizationEndpoint
    token: TokenEndpoint
    revocation: RevocationEndpoint
    introspection: IntrospectEndpoint
    grant_types: list[str]
    code_challenge_methods: list[str]


def build_server() -> OAuthServer:
    validator = OAuthValidator()
    bearer = BearerToken(validator, token_generator=tokens.access_token_generator,
                         refresh_token_generator=tokens.opaque_token,
                         expires_in=settings.OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS)
    code = CodeGrant(validator, settings.OAUTH_PKCE_PLAIN_ALLOWED)
    grants: dict[str, Any] = {
        "authorization_code": code,
        "client_credentials": ClientCredentialsGrant(validator),
        "refresh_token": RefreshTokenGrant(validator, issue_new_refresh_tokens=True,
                                           post_token=[claim_refresh_token]),
    }
    if settings.OAUTH_PASSWORD_GRANT:
        grants["password"] = ResourceOwnerPasswordCredentialsGrant(validator)
    token = TokenEndpoint("authorization_code", bearer, grants)
    authorization = AuthorizationEndpoint("code", bearer, {"code": code})
    return OAuthServer(
        authorization=authorization, token=token,
        revocation=RevocationEndpoint(validator, supported_token_types=(
            "access_token", "refresh_token")),
        introspection=IntrospectEndpoint(IntrospectionValidator(), supported_token_types=(
            "access_token", "refresh_token")),
        grant_types=list(grants), code_challenge_methods=list(code._code_challenge_methods))


services.register("oauth.server", build_server, settings={
    "OAUTH_PKCE_PLAIN_ALLOWED", "OAUTH_PASSWORD_GRANT", "OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS"})


def get_server() -> OAuthServer:
    """This process's endpoints (rebuilt when a setting they read changes)."""
    return services.get("oauth.server")
