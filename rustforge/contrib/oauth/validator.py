"""The oauthlib ``RequestValidator``: every check of the protocol that is ours.

oauthlib parses requests and shapes responses; whether a client, a code, a
redirect URI or a token is acceptable is decided here, against the database.
Each method reads or writes the models in ``models.py``; secrets are compared
as keyed digests (``digests.py``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from oauthlib.oauth2 import RequestValidator
from oauthlib.oauth2.rfc6749 import errors

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.oauth import digests, tokens
from rustforge.contrib.oauth.models import (
    AUTHORIZATION_CODE,
    PASSWORD,
    Application,
    Grant,
    RefreshToken,
)

logger = logging.getLogger("rustforge.oauth")

# RFC 7636 4.1: 43 to 128 characters of the unreserved set.
PKCE_VALUE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
MAX_CLIENT_ID = 64
MAX_SECRET = 256


def _basic_credentials(request: Any) -> tuple[str, str] | None:
    """``(client_id, secret)`` from ``Authorization: Basic`` (RFC 6749 2.3.1), or None."""
    auth = request.headers.get("Authorization", "")
    if auth[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def _application(client_id: Any) -> Application | None:
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID:
        return None
    return Application.get_or_none(Application.client_id == client_id)


class OAuthValidator(RequestValidator):
    # Clients -------------------------------------------------------------------------
    def client_authentication_required(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if _basic_credentials(request) is not None or request.client_secret:
            return True
        app = _application(request.client_id)
        # An unknown client "requires" authentication: it then fails as invalid_client.
        return app is None or not app.is_public

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        basic = _basic_credentials(request)
        if basic is not None:
            if request.client_secret:
                return False  # RFC 6749 2.3: one authentication method per request
            client_id, secret = basic
            if request.client_id and request.client_id != client_id:
                return False
        else:
            client_id, secret = request.client_id, request.client_secret
        if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET:
            return False
        app = _application(client_id)
        if app is None or app.is_public or not app.check_secret(secret):
            return False
        request.client = app
        request.client_id = app.client_id
        return True

    def authenticate_client_id(self, client_id: str, request: Any, *args: Any,
                               **kwargs: Any) -> bool:
        app = _application(client_id)
        if app is None or not app.is_public:
            return False  # a confidential client must prove itself
        request.client = app
        return True

    def validate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        app = _application(client_id)
        if app is None:
            return False
        request.client = app
        return True

    def validate_grant_type(self, client_id: str, grant_type: str, client: Any, request: Any,
                            *args: Any, **kwargs: Any) -> bool:
        if grant_type == PASSWORD and not settings.OAUTH_PASSWORD_GRANT:
            return False
        return grant_type in client.grant_type_list

    def validate_response_type(self, client_id: str, response_type: str, client: Any,
                               request: Any, *args: Any, **kwargs: Any) -> bool:
        return response_type == "code" and AUTHORIZATION_CODE in client.grant_type_list

    # Redirect URIs: exact string match, nothing else -----------------------------------
    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any,
                              *args: Any, **kwargs: Any) -> bool:
        app = request.client or _application(client_id)
        return app is not None and redirect_uri in app.redirect_uri_list

    def get_default_redirect_uri(self, client_id: str, request: Any, *args: Any,
                                 **kwargs: Any) -> str | None:
        app = request.client or _application(client_id)
        uris = app.redirect_uri_list if app is not None else []
        return uris[0] if len(uris) == 1 else None

    # Scopes --------------------------------------------------------------------------
    def validate_scopes(self, client_id: str, scopes: list[str], client: Any, request: Any,
                        *args: Any, **kwargs: Any) -> bool:
        allowed = set(client.scope_list) & set(settings.OAUTH_SCOPES)
        return bool(scopes) and all(scope in allowed for scope in scopes)

    def get_default_scopes(self, client_id: str, request: Any, *args: Any,
                           **kwargs: Any) -> list[str]:
        app = request.client or _application(client_id)
        allowed = set(app.scope_list) if app is not None else set()
        return [s for s in settings.OAUTH_DEFAULT_SCOPES if s in allowed]

    # Authorization codes -------------------------------------------------------------
    def is_pkce_required(self, client_id: str, request: Any) -> bool:
        app = request.client or _application(client_id)
        return bool(settings.OAUTH_PKCE_REQUIRED or app is None or app.is_public)

    def save_authorization_code(self, client_id: str, code: dict, request: Any, *args: Any,
                                **kwargs: Any) -> None:
        Grant.create(
            code_digest=digests.digest(code["code"]), application=request.client,
            user=request.user._pk, redirect_uri=request.redirect_uri,
            redirect_uri_given=not getattr(request, "using_default_redirect_uri", False),
            scopes=" ".join(request.scopes), code_challenge=request.code_challenge or "",
            code_challenge_method=(request.code_challenge_method or "plain")
            if request.code_challenge else "",
            family=tokens.new_family(),
            expires_at=utcnow() + dt.timedelta(seconds=settings.OAUTH_CODE_EXPIRE_SECONDS))

    def _grant(self, code: Any, request: Any) -> Grant | None:
        cached = getattr(request, "_rf_grant", None)
        if cached is not None:
            return cached
        if not isinstance(code, str) or not code or len(code) > 256:
            return None
        grant = Grant.get_or_none(Grant.code_digest.in_(digests.lookup_digests(code)))
        request._rf_grant = grant
        return grant

    def validate_code(self, client_id: str, code: str, client: Any, request: Any,
                      *args: Any, **kwargs: Any) -> bool:
        grant = self._grant(code, request)
        if grant is None or grant.application_id != client.id:
            return False
        if grant.redeemed_at is not None:
            # RFC 6749 4.1.2: a code used twice revokes what it was exchanged for.
            tokens.revoke_family(grant.family, reason="authorization code replayed")
            return False
        if grant.expires_at <= utcnow():
            return False
        request.user = grant.user
        request.scopes = grant.scope_list
        return True

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        grant = self._grant(code, request)
        return grant.code_challenge or None if grant is not None else None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        grant = self._grant(code, request)
        return grant.code_challenge_method or None if grant is not None else None

    def confirm_redirect_uri(self, client_id: str, code: str, redirect_uri: str, client: Any,
                             request: Any, *args: Any, **kwargs: Any) -> bool:
        grant = self._grant(code, request)
        if grant is None:
            return False
        if grant.redirect_uri_given and request.using_default_redirect_uri:
            return False  # RFC 6749 4.1.3: given at authorization, so required here
        return redirect_uri == grant.redirect_uri

    def invalidate_authorization_code(self, client_id: str, code: str, request: Any,
                                      *args: Any, **kwargs: Any) -> None:
        """Nothing left to do: the code was claimed before the token was made."""

    # Tokens --------------------------------------------------------------------------
    def save_bearer_token(self, token: dict, request: Any, *args: Any, **kwargs: Any) -> None:
        tokens.save_issued(token, request)

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        found = tokens.find_access_token(token)
        if found is None or not found.is_active():
            return False
        request.client, request.user = found.application, found.user
        request.scopes = found.scope_list
        return all(scope in request.scopes for scope in scopes)

    def _refresh(self, refresh_token: Any, request: Any) -> RefreshToken | None:
        cached = getattr(request, "_rf_refresh", None)
        if cached is not None:
            return cached
        found = tokens.find_refresh_token(refresh_token)
        request._rf_refresh = found
        return found

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any,
                               *args: Any, **kwargs: Any) -> bool:
        found = self._refresh(refresh_token, request)
        if found is None or found.application_id != client.id:
            return False
        if found.used_at is not None:
            # A rotated token came back: someone holds a copy. End the whole family.
            tokens.revoke_family(found.family, reason="refresh token reused")
            return False
        if found.revoked_at is not None or found.expires_at <= utcnow():
            return False
        request.user = found.user
        return True

    def get_original_scopes(self, refresh_token: str, request: Any, *args: Any,
                            **kwargs: Any) -> list[str]:
        found = self._refresh(refresh_token, request)
        return found.scope_list if found is not None else []

    def is_within_original_scope(self, request_scopes: list[str], refresh_token: str,
                                 request: Any, *args: Any, **kwargs: Any) -> bool:
        return False

    def rotate_refresh_token(self, request: Any) -> bool:
        return True

    # Password grant (off unless OAUTH_PASSWORD_GRANT) --------------------------------
    def validate_user(self, username: str, password: str, client: Any, request: Any,
                      *args: Any, **kwargs: Any) -> bool:
        from rustforge.contrib.auth.authentication import authenticate

        if not settings.OAUTH_PASSWORD_GRANT:
            return False
        if not isinstance(password, str) or len(password) > settings.PASSWORD_MAX_LENGTH:
            return False
        user = authenticate(None, username or "", password)
        if user is None:
            return False
        request.user = user
        return True

    # Revocation and introspection ----------------------------------------------------
    def revoke_token(self, token: str, token_type_hint: str | None, request: Any,
                     *args: Any, **kwargs: Any) -> None:
        tokens.revoke_for_client(token, token_type_hint, request.client)

    def introspect_token(self, token: str, token_type_hint: str | None, request: Any,
                         *args: Any, **kwargs: Any) -> dict | None:
        return tokens.introspect(token, token_type_hint, request.client)


class IntrospectionValidator(OAuthValidator):
    """Introspection always needs an authenticated (confidential) client (RFC 7662 2.1)."""

    def client_authentication_required(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        return True


def check_code_verifier(request: Any) -> None:
    """A token request's ``code_verifier`` is 43-128 unreserved characters (RFC 7636 4.1)."""
    verifier = request.code_verifier
    if verifier is not None and not PKCE_VALUE.fullmatch(verifier):
        raise errors.InvalidRequestError(
            description="code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.",
            request=request)


def check_code_challenge(request: Any) -> dict:
    """An authorization request's ``code_challenge`` has the same shape (RFC 7636 4.2)."""
    challenge = request.code_challenge
    if challenge is not None and not PKCE_VALUE.fullmatch(challenge):
        raise errors.InvalidRequestError(
            description="code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.",
            request=request)
    return {}


def claim_code(request: Any) -> None:
    """The last check of a code exchange: no verifier for a code issued without a
    challenge, then the code is claimed atomically; of two concurrent
    redemptions exactly one gets past this line."""
    grant = request._rf_grant
    if not grant.code_challenge and request.code_verifier is not None:
        raise errors.InvalidGrantError(
            description="This code was issued without a code_challenge.", request=request)
    claimed = (Grant.update(redeemed_at=utcnow())
               .where((Grant.id == grant.id) & Grant.redeemed_at.is_null(True)).execute())
    if claimed != 1:
        tokens.revoke_family(grant.family, reason="authorization code replayed")
        raise errors.InvalidGrantError(request=request)
    request.oauth_family = grant.family


def claim_refresh_token(request: Any) -> None:
    """Mark the presented refresh token used (atomically: a racing copy loses and
    revokes the family) before the new pair is issued."""
    found = request._rf_refresh
    now = utcnow()
    claimed = (RefreshToken.update(used_at=now)
               .where((RefreshToken.id == found.id) & RefreshToken.used_at.is_null(True)
                      & RefreshToken.revoked_at.is_null(True)).execute())
    if claimed != 1:
        tokens.revoke_family(found.family, reason="refresh token reused")
        raise errors.InvalidGrantError(request=request)
    if found.access_token_id is not None:
        tokens.revoke_access_token_ids([found.access_token_id])
    request.oauth_family = found.family
