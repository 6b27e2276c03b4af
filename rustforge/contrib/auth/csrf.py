"""Cross-site request forgery protection.

Unsafe requests (POST, PUT, PATCH, DELETE) a browser could send on its own
from another site must prove they come from our pages:

* the ``Origin`` header (or, on HTTPS without it, the ``Referer``) must be
  this site or one of ``CSRF_TRUSTED_ORIGINS``;
* a token must come in the form field ``csrf_token`` (``csrf_input()`` in a
  template) or the ``X-CSRFToken`` header, matching the secret in the
  ``csrftoken`` cookie. Tokens are masked with a fresh random pad every time
  they are rendered (BREACH), and the secret rotates at login.

Exempt: requests with ``Authorization: Bearer`` (not cookie-authenticated),
cookie-less requests with a body a cross-site form cannot produce (JSON API
clients), and responders marked with ``@csrf_exempt``.

    {# template #}
    <form method="post">{{ csrf_input() }} ...</form>

    // script
    fetch(url, {method: "POST", headers: {"X-CSRFToken": getCookie("csrftoken")}})
"""

from __future__ import annotations

import hmac
import logging
import secrets
import string
from typing import Any
from urllib.parse import urlsplit

import falcon
from markupsafe import Markup, escape

from rustforge.contrib.auth.bearer import is_bearer
from rustforge.http.multipart import form_field
from rustforge.http.routing import responder_for

logger = logging.getLogger("rustforge.security.csrf")

CHARS = string.ascii_letters + string.digits
SECRET_LENGTH = 32
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Bodies a cross-site <form> can send without a CORS preflight.
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
_INDEX = {c: i for i, c in enumerate(CHARS)}

__all__ = ["CsrfMiddleware", "csrf_exempt", "csrf_input", "get_token", "rotate_token"]


def _new_secret() -> str:
    return "".join(secrets.choice(CHARS) for _ in range(SECRET_LENGTH))


def _mask(secret: str) -> str:
    mask = _new_secret()
    return mask + "".join(CHARS[(_INDEX[s] + _INDEX[m]) % len(CHARS)]
                          for s, m in zip(secret, mask))


def _unmask(token: str) -> str:
    mask, cipher = token[:SECRET_LENGTH], token[SECRET_LENGTH:]
    return "".join(CHARS[(_INDEX[c] - _INDEX[m]) % len(CHARS)] for c, m in zip(cipher, mask))


def _well_formed(value: str, length: int) -> bool:
    return len(value) == length and all(c in _INDEX for c in value)


def get_token(req: Any) -> str:
    """A masked token for this request's secret (made, and the cookie set, if needed)."""
    secret = req.context.get("csrf_secret")
    if not secret:
        secret = _new_secret()
        req.context.csrf_secret = secret
        req.context.csrf_send_cookie = True
    return _mask(secret)


def rotate_token(req: Any) -> None:
    """A new secret: tokens rendered before stop working (called at login)."""
    req.context.csrf_secret = _new_secret()
    req.context.csrf_send_cookie = True


def csrf_input(req: Any) -> Markup:
    """The hidden form field carrying the token, ready for a template."""
    from rustforge.conf import settings

    return Markup('<input type="hidden" name="{}" value="{}">').format(
        escape(settings.CSRF_FIELD_NAME), get_token(req))


def csrf_exempt(responder: Any) -> Any:
    """Exempt a responder method (``on_post``) or a whole resource class."""
    responder.csrf_exempt = True
    return responder


def is_secure(req: Any, proxy_header: Any = False) -> bool:
    """HTTPS, as the server saw it or as ``SECURE_PROXY_SSL_HEADER`` says."""
    if proxy_header is False:
        from rustforge.conf import settings

        proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, value = proxy_header
        return req.env.get(name, "").lower() == value.lower()
    return req.env.get("wsgi.url_scheme") == "https"


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _matches(origin: str, pattern: str) -> bool:
    """Whether ``origin`` matches a wildcard pattern (``https://*.example.com``)."""
    scheme, _, rest = pattern.partition("://*")
    parts = urlsplit(origin)
    return parts.scheme == scheme and (
        origin.endswith(rest) and len(parts.netloc) > len(rest.lstrip(".")))


class CsrfFailure(falcon.HTTPForbidden):
    def __init__(self, reason: str) -> None:
        super().__init__(title="CSRF verification failed", description=reason)


class CsrfMiddleware:
    def __init__(self, settings: Any) -> None:
        self.cookie_name = settings.CSRF_COOKIE_NAME
        self.header = "HTTP_" + settings.CSRF_HEADER_NAME.upper().replace("-", "_")
        self.field = settings.CSRF_FIELD_NAME
        trusted = [p.lower().rstrip("/") for p in settings.CSRF_TRUSTED_ORIGINS]
        # Exact origins are normalised once here, not on every checked request.
        self.trusted_exact = {_origin_of(p) for p in trusted if "*" not in p} - {None}
        self.trusted_wild = [p for p in trusted if "*" in p]
        self.proxy_header = settings.SECURE_PROXY_SSL_HEADER
        self.cookie = {"path": "/", "domain": settings.SESSION_COOKIE_DOMAIN,
                       "secure": bool(settings.CSRF_COOKIE_SECURE), "http_only": False,
                       "same_site": "Lax", "max_age": 31_449_600}

    def is_secure(self, req: Any) -> bool:
        return is_secure(req, self.proxy_header)

    def process_request(self, req: Any, resp: Any) -> None:
        secret = None
        if "HTTP_COOKIE" in req.env:
            for value in req.get_cookie_values(self.cookie_name) or ():
                if _well_formed(value, SECRET_LENGTH):
                    secret = value
                    break
        req.context.csrf_secret = secret

    def process_resource(self, req: Any, resp: Any, resource: Any, params: dict) -> None:
        if req.method in SAFE_METHODS or resource is None:
            return
        if getattr(resource, "csrf_exempt", False) or getattr(
                responder_for(req, resource), "csrf_exempt", False):
            return
        if is_bearer(req):
            return
        content_type = (req.content_type or "").split(";")[0].strip().lower()
        if "HTTP_COOKIE" not in req.env and content_type not in SIMPLE_TYPES:
            return  # no ambient credentials and not a body a foreign form can send
        reason = self.reject_reason(req, content_type)
        if reason:
            logger.warning("CSRF failure on %s %s: %s", req.method, req.path, reason)
            raise CsrfFailure(reason)

    def own_origin(self, req: Any) -> str | None:
        scheme = "https" if self.is_secure(req) else "http"
        return _origin_of(f"{scheme}://{req.env.get('HTTP_HOST', '')}")

    def trusted_origin(self, origin: str, req: Any) -> bool:
        origin = origin.lower().rstrip("/")
        if origin == self.own_origin(req):
            return True
        if origin in self.trusted_exact:
            return True
        return any(_matches(origin, pattern) for pattern in self.trusted_wild)

    def reject_reason(self, req: Any, content_type: str) -> str | None:
        origin = req.env.get("HTTP_ORIGIN")
        if origin is not None:
            normal = _origin_of(origin)
            if normal is None or not self.trusted_origin(normal, req):
                return f"Origin {origin!r} is not this site or a trusted origin."
        elif self.is_secure(req):
            referer = req.env.get("HTTP_REFERER")
            if not referer:
                return "Referer checking failed: no Referer on an HTTPS request."
            ref_origin = _origin_of(referer)
            if ref_origin is None or not ref_origin.startswith("https://"):
                return "Referer checking failed: the Referer is not a secure URL."
            if not self.trusted_origin(ref_origin, req):
                return f"Referer checking failed: {ref_origin} is not a trusted origin."
        secret = req.context.get("csrf_secret")
        if not secret:
            return "CSRF cookie not set."
        token = req.env.get(self.header)
        if not token and content_type == "application/x-www-form-urlencoded":
            form = req.get_media(default_when_empty={})
            value = form.get(self.field) if isinstance(form, dict) else None
            token = value[0] if isinstance(value, list) and value else value
        elif not token and content_type == "multipart/form-data":
            token = form_field(req, self.field)  # the parts are kept for the responder
        if not token:
            return "CSRF token missing."
        if not isinstance(token, str):
            return "CSRF token has an invalid format."
        if _well_formed(token, 2 * SECRET_LENGTH):
            token = _unmask(token)
        elif not _well_formed(token, SECRET_LENGTH):
            return "CSRF token has an invalid format."
        if not hmac.compare_digest(token, secret):
            return "CSRF token incorrect."
        return None

    def process_response(self, req: Any, resp: Any, resource: Any, req_succeeded: bool) -> None:
        if req.context.get("csrf_send_cookie"):
            resp.set_cookie(self.cookie_name, req.context.csrf_secret, **self.cookie)
            resp.append_header("Vary", "Cookie")
