"""System checks of the OAuth server's settings."""

from __future__ import annotations

from rustforge.checks import Error, Warning, positive_int_settings, register

_POSITIVE = ("OAUTH_CODE_EXPIRE_SECONDS", "OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS",
             "OAUTH_REFRESH_TOKEN_EXPIRE_SECONDS", "OAUTH_CLEANUP_BATCH_SIZE")


@register("oauth")
def check_settings(app_configs=None, **kwargs):
    from rustforge.conf import settings

    messages = positive_int_settings(_POSITIVE, "oauth.E001")
    scopes = settings.OAUTH_SCOPES
    if not isinstance(scopes, dict) or not all(
            isinstance(k, str) and k and " " not in k for k in scopes):
        messages.append(Error("OAUTH_SCOPES must map scope names (no spaces) to descriptions",
                              id="oauth.E002"))
    elif any(scope not in scopes for scope in settings.OAUTH_DEFAULT_SCOPES):
        messages.append(Error("OAUTH_DEFAULT_SCOPES names a scope missing from OAUTH_SCOPES",
                              id="oauth.E003"))
    if settings.OAUTH_ACCESS_TOKEN_FORMAT not in ("opaque", "jwt"):
        messages.append(Error('OAUTH_ACCESS_TOKEN_FORMAT must be "opaque" or "jwt"',
                              id="oauth.E004"))
    elif settings.OAUTH_ACCESS_TOKEN_FORMAT == "jwt":  # noqa: S105 - a format name
        messages.extend(_check_jwt())
    code_seconds = settings.OAUTH_CODE_EXPIRE_SECONDS
    if isinstance(code_seconds, int) and code_seconds > 600:
        messages.append(Warning("OAUTH_CODE_EXPIRE_SECONDS is over 10 minutes; RFC 6749 "
                                "recommends short-lived codes", id="oauth.W001"))
    return messages


def _check_jwt():
    from rustforge.contrib.oauth.jwt_tokens import signing_keys
    from rustforge.exceptions import ImproperlyConfigured

    try:
        keys = signing_keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="oauth.E005")]
    if not keys:
        return [Error('OAUTH_ACCESS_TOKEN_FORMAT = "jwt" needs at least one key in '
                      "OAUTH_JWT_KEYS", id="oauth.E005")]
    return []


@register("oauth", deploy=True)
def check_deploy(app_configs=None, **kwargs):
    from rustforge.conf import settings

    messages = []
    if settings.OAUTH_PASSWORD_GRANT:
        messages.append(Warning("OAUTH_PASSWORD_GRANT is on: clients see users' passwords "
                                "(RFC 9700 forbids this grant)", id="oauth.W002"))
    if settings.OAUTH_PKCE_PLAIN_ALLOWED:
        messages.append(Warning("OAUTH_PKCE_PLAIN_ALLOWED is on: a code intercepted with its "
                                "plain challenge can be redeemed", id="oauth.W003"))
    if settings.OAUTH_ISSUER and not settings.OAUTH_ISSUER.startswith("https://"):
        messages.append(Warning("OAUTH_ISSUER should be an https:// URL", id="oauth.W004"))
    return messages


@register("oauth", deploy=True)
def check_pkce_required(app_configs=None, **kwargs):
    from rustforge.conf import settings

    if not settings.OAUTH_PKCE_REQUIRED:
        return [Warning("OAUTH_PKCE_REQUIRED is off: a public client's authorization code "
                        "can be redeemed by whoever intercepts it",
                        hint="Keep OAUTH_PKCE_REQUIRED = True (RFC 9700).", id="oauth.W010")]
    return []
