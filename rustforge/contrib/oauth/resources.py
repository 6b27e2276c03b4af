"""The endpoints mounted at ``/oauth/`` and the server metadata.

``authorize`` is a page for people (consent, CSRF-protected); ``token``,
``revoke`` and ``introspect`` are for client software: they take
``application/x-www-form-urlencoded`` bodies and answer RFC 6749 JSON
(``{"error": ..., "error_description": ...}``) on failure, never a 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import falcon

from rustforge.conf import settings
from rustforge.contrib.auth.csrf import csrf_exempt, csrf_input
from rustforge.contrib.oauth import consent
from rustforge.contrib.oauth.jwt_tokens import issuer_claim, jwks, jwt_enabled
from rustforge.http.challenges import unauthorized
from rustforge.http.client_ip import client_ip
from rustforge.http.routing import reverse
from rustforge.http.templates import render

logger = logging.getLogger("rustforge.oauth")

# Longest value of any one parameter: codes, tokens (JWTs included), URIs, state.
MAX_PARAM_LENGTH = 4096
FORM = "application/x-www-form-urlencoded"


def get_server() -> Any:
    """The oauthlib endpoints (``server.get_server``), imported on first use.

    NOTE(memory): oauthlib is needed by the OAuth endpoints only; importing it
    here rather than when the routes load keeps it out of workers that never
    serve them.
    """
    from rustforge.contrib.oauth.server import get_server

    return get_server()


def oauth_error(resp: Any, error: str, description: str,
                status: str = falcon.HTTP_400) -> None:
    resp.status = status
    resp.content_type = falcon.MEDIA_JSON
    resp.text = json.dumps({"error": error, "error_description": description})
    resp.set_header("Cache-Control", "no-store")


def _long_value(params: dict) -> str | None:
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and len(v) > MAX_PARAM_LENGTH for v in values):
            return name
    return None


def _form_body(req: Any, resp: Any) -> str | None:
    """The urlencoded body re-encoded for oauthlib, or None after answering 400."""
    content_type = (req.content_type or "").split(";")[0].strip().lower()
    if content_type != FORM:
        oauth_error(resp, "invalid_request", f"Send the parameters as {FORM}.")
        return None
    try:
        data = req.get_media(default_when_empty={})
    except falcon.MediaMalformedError:
        oauth_error(resp, "invalid_request", "The body could not be read.")
        return None
    if not isinstance(data, dict):
        oauth_error(resp, "invalid_request", "The body could not be read.")
        return None
    long_name = _long_value(data)
    if long_name is not None:
        oauth_error(resp, "invalid_request", f"The parameter {long_name[:40]} is too long.")
        return None
    return urlencode(data, doseq=True)


def _headers(req: Any) -> dict[str, str]:
    return {name.title(): value for name, value in req.headers.items()}


def _respond(resp: Any, headers: dict, body: str | None, status: int) -> None:
    resp.status = status
    for name, value in headers.items():
        if name.lower() != "content-type":
            resp.set_header(name, value)
    resp.set_header("Cache-Control", "no-store")
    resp.content_type = falcon.MEDIA_JSON
    resp.text = body or ""


def _throttled(req: Any, resp: Any) -> bool:
    """True (after answering 429) when this client IP is over OAUTH_TOKEN_RATELIMIT."""
    if not settings.RATELIMIT_ENABLED or not settings.OAUTH_TOKEN_RATELIMIT:
        return False
    from rustforge.ratelimit import hit

    decision = hit("oauth-token", settings.OAUTH_TOKEN_RATELIMIT, client_ip(req) or "unknown")
    if decision.allowed:
        return False
    for name, value in decision.headers().items():
        resp.set_header(name, value)
    oauth_error(resp, "slow_down", "Too many requests; try again later.",
                status=falcon.HTTP_429)
    return True


def _endpoint_uri(req: Any) -> str:
    # The query string is left out: client credentials belong in the body or header.
    return req.prefix + req.path


def _client_post(req: Any, resp: Any, endpoint: Any) -> None:
    """A throttled, form-encoded client POST answered by an oauthlib endpoint
    method (``endpoint(uri, method, body, headers)``)."""
    if _throttled(req, resp):
        return
    body = _form_body(req, resp)
    if body is None:
        return
    try:
        headers, text, status = endpoint(_endpoint_uri(req), "POST", body, _headers(req))
    except ValueError:  # oauthlib refuses the encoding of a value
        oauth_error(resp, "invalid_request", "Malformed parameters.")
        return
    _respond(resp, headers, text or "{}", status)


@csrf_exempt
class TokenResource:
    """POST /oauth/token (RFC 6749 3.2)."""

    def on_post(self, req: Any, resp: Any) -> None:
        _client_post(req, resp, get_server().token.create_token_response)


@csrf_exempt
class RevokeResource:
    """POST /oauth/revoke (RFC 7009): 200 whether or not the token was known."""

    def on_post(self, req: Any, resp: Any) -> None:
        _client_post(req, resp, get_server().revocation.create_revocation_response)


@csrf_exempt
class IntrospectResource:
    """POST /oauth/introspect (RFC 7662): only for authenticated confidential clients."""

    def on_post(self, req: Any, resp: Any) -> None:
        _client_post(req, resp, get_server().introspection.create_introspect_response)


class AuthorizeResource:
    """GET /oauth/authorize shows the consent page; POST records the decision."""

    def on_get(self, req: Any, resp: Any) -> None:
        found = self._validate(req, resp)
        if found is None:
            return
        scopes, credentials = found
        user = req.context.user
        if not user.is_authenticated:
            raise falcon.HTTPFound(f"{settings.LOGIN_URL}?{urlencode({'next': req.relative_uri})}")
        app = credentials["request"].client
        if app.skip_consent or consent.remembered(user, app, scopes):
            self._issue(req, resp, scopes, user)
            return
        self._page(req, resp, "oauth/authorize.html", {
            "application": app, "scopes": consent.describe(scopes),
            "action": req.relative_uri, "redirect_uri": credentials["redirect_uri"]})

    def on_post(self, req: Any, resp: Any) -> None:
        found = self._validate(req, resp)
        if found is None:
            return
        scopes, credentials = found
        user = req.context.user
        if not user.is_authenticated:
            raise unauthorized("Log in to answer this request.", title="Log in first")
        try:
            data = req.get_media(default_when_empty={})
        except falcon.MediaMalformedError:
            data = {}
        decision = data.get("decision") if isinstance(data, dict) else None
        if decision != "allow":
            from oauthlib.oauth2.rfc6749 import errors

            denied = errors.AccessDeniedError(state=credentials.get("state"))
            raise falcon.HTTPFound(denied.in_uri(credentials["redirect_uri"]))
        consent.remember(user, credentials["request"].client, scopes)
        self._issue(req, resp, scopes, user)

    # --------------------------------------------------------------------------------
    def _validate(self, req: Any, resp: Any) -> tuple[list[str], dict] | None:
        """oauthlib's checks of the query; errors it may not redirect are shown here."""
        from oauthlib.oauth2.rfc6749 import errors

        if _long_value(req.params) is not None:
            self._error(req, resp, "invalid_request", "A parameter is too long.")
            return None
        try:
            return get_server().authorization.validate_authorization_request(
                req.uri, "GET", None, _headers(req))
        except errors.FatalClientError as exc:
            # Unknown client or redirect URI: never send the browser there.
            self._error(req, resp, exc.error, exc.description)
        except errors.OAuth2Error as exc:
            redirect_uri = getattr(exc, "redirect_uri", None)
            if not redirect_uri:
                self._error(req, resp, exc.error, exc.description)
                return None
            raise falcon.HTTPFound(exc.in_uri(redirect_uri)) from None
        except ValueError:
            self._error(req, resp, "invalid_request", "Malformed parameters.")
        return None

    def _issue(self, req: Any, resp: Any, scopes: list[str], user: Any) -> None:
        headers, _body, _status = get_server().authorization.create_authorization_response(
            req.uri, "GET", None, _headers(req), scopes=scopes, credentials={"user": user})
        location = headers.get("Location")
        if not location:
            self._error(req, resp, "server_error", "The authorization could not be completed.")
            return
        resp.set_header("Cache-Control", "no-store")
        raise falcon.HTTPFound(location)

    def _error(self, req: Any, resp: Any, error: str, description: str | None) -> None:
        self._page(req, resp, "oauth/error.html",
                   {"error": error, "description": description or ""},
                   status=falcon.HTTP_400)

    def _page(self, req: Any, resp: Any, name: str, context: dict,
              status: Any = None) -> None:
        context.update({"user": req.context.get("user"), "url": reverse,
                        "csrf_input": lambda: csrf_input(req)})
        render(req, resp, name, context, status=status)
        resp.set_header("Cache-Control", "no-store")
        # The consent page must not be framed by another site (clickjacking).
        resp.set_header("X-Frame-Options", "DENY")
        resp.set_header("Content-Security-Policy", "frame-ancestors 'none'")


class MetadataResource:
    """GET /.well-known/oauth-authorization-server (RFC 8414)."""

    def on_get(self, req: Any, resp: Any) -> None:
        server = get_server()
        issuer = issuer_claim(req.prefix)
        base = req.prefix
        auth_methods = ["client_secret_basic", "client_secret_post"]
        document = {
            "issuer": issuer,
            "authorization_endpoint": base + reverse("oauth:authorize"),
            "token_endpoint": base + reverse("oauth:token"),
            "revocation_endpoint": base + reverse("oauth:revoke"),
            "introspection_endpoint": base + reverse("oauth:introspect"),
            "scopes_supported": list(settings.OAUTH_SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": server.grant_types,
            "token_endpoint_auth_methods_supported": [*auth_methods, "none"],
            "revocation_endpoint_auth_methods_supported": [*auth_methods, "none"],
            "introspection_endpoint_auth_methods_supported": auth_methods,
            "code_challenge_methods_supported": server.code_challenge_methods,
        }
        if jwt_enabled():
            document["jwks_uri"] = base + reverse("oauth:jwks")
        resp.media = document
        resp.set_header("Cache-Control", "public, max-age=3600")


class JWKSResource:
    """GET /oauth/jwks.json: the public keys of JWT access tokens."""

    def on_get(self, req: Any, resp: Any) -> None:
        if not jwt_enabled():
            raise falcon.HTTPNotFound(title="No JWKS",
                                      description="This server issues opaque access tokens.")
        resp.media = jwks()
        resp.set_header("Cache-Control", "public, max-age=300")
