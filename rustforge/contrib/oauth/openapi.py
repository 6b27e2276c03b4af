"""The OAuth2 security scheme in the OpenAPI document of ``rustforge.contrib.api``."""

from __future__ import annotations

from rustforge.conf import settings
from rustforge.http.routing import reverse


def security_scheme() -> dict:
    """Authorization code (PKCE) and client credentials flows, with every known scope."""
    scopes = dict(settings.OAUTH_SCOPES)
    token_url = reverse("oauth:token")
    return {"type": "oauth2", "flows": {
        "authorizationCode": {"authorizationUrl": reverse("oauth:authorize"),
                              "tokenUrl": token_url, "refreshUrl": token_url,
                              "scopes": scopes},
        "clientCredentials": {"tokenUrl": token_url, "scopes": scopes},
    }}
