"""Cross-site request forgery protection.

Unsafe requests (POST, PUT, PATCH, DELETE) a browser could send on its own
from another site must prove they come from our pages:

* the ``Origin`` header (or, on HTTPS without it, the ``Referer``) must be
  this site or one of ``CSRF_TRUSTED_ORIGINS``;
* a token must come in the form field ``csrf_token`` (``csrf_input()`` in a
  template) or the ``X-CSRFToken`` header, matching the secret. Tokens are
  masked with a fresh random pad every time they are rendered (BREACH), and
  the secret rotates at login.

Where the secret lives (``CSRF_USE_SESSIONS``):

* session mode (the default when ``SessionMiddleware`` comes before this
  middleware): in the server-side session. The ``csrftoken`` cookie then only
  carries a masked token to scripts, for this host only, and is never
  compared with anything: a cookie planted by a sibling subdomain or a
  plain-http response proves nothing.
* cookie mode: in the ``csrftoken`` cookie itself ("double submit"). Whoever
  can set a cookie for the site can plant a secret of their own and forge
  requests that carry no ``Origin`` header; use it only without sessions.

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

from rustforge.conf import settings
from rustforge.contrib.auth.bearer import is_bearer
from rustforge.events.signals import setting_changed
from rustforge.http.multipart import form_field
from rustforge.http.routing import responder_for

logger = logging.getLogger("rustforge.security.csrf")

CHARS = string.ascii_letters + string.digits
SECRET_LENGTH = 32
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Bodies a cross-site <form> can send without a CORS preflight.
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
_UNREAD = object()

# The session key of the secret in session mode.
SESSION_KEY = "_csrf_secret"
_SESSION_MIDDLEWARE = "rustforge.contrib.auth.middleware.SessionMiddleware"
_CSRF_MIDDLEWARE = "rustforge.contrib.auth.csrf.CsrfMiddleware"

__all__ = ["CsrfMiddleware", "csrf_exempt", "csrf_input", "get_token", "rotate_token",
           "uses_sessions"]


def uses_sessions(settings: Any) -> bool:
    """Whether the secret lives in the session (``CSRF_USE_SESSIONS``; None:
    when ``SessionMiddleware`` comes before ``CsrfMiddleware``)."""
    if settings.CSRF_USE_SESSIONS is not None:
        return bool(settings.CSRF_USE_SESSIONS)
    stack = list(settings.MIDDLEWARE)
    return (_SESSION_MIDDLEWARE in stack and _CSRF_MIDDLEWARE in stack
            and stack.index(_SESSION_MIDDLEWARE) < stack.index(_CSRF_MIDDLEWARE))


# PERF: the character arithmetic below runs on bytes in C (``translate`` and one
# big-int addition or subtraction), not one Python step per character.
_ASCII = CHARS.encode()
_INDEX_OF = bytes.maketrans(_ASCII, bytes(range(len(CHARS))))  # char -> its index
_INDEX_PLUS = bytes.maketrans(_ASCII, bytes(range(len(CHARS), 2 * len(CHARS))))
_CHAR_OF = bytes(_ASCII[v % len(CHARS)] for v in range(256))  # v -> CHARS[v % 62]
# Random bytes from 248 = 4 * 62 up would make the first characters likelier.
_UNEVEN = bytes(range(256 - 256 % len(CHARS), 256))


def _new_secret() -> str:
    """SECRET_LENGTH characters of CHARS, each uniformly random."""
    found = b""
    while len(found) < SECRET_LENGTH:
        found += secrets.token_bytes(SECRET_LENGTH + 8).translate(_CHAR_OF, _UNEVEN)
    return found[:SECRET_LENGTH].decode()


def _mask(secret: str) -> str:
    """A fresh random pad, then each character of ``secret`` shifted by the pad's."""
    mask = _new_secret()
    # Digit by digit no sum exceeds 122, so the addition never carries.
    total = (int.from_bytes(secret.encode().translate(_INDEX_OF), "big")
             + int.from_bytes(mask.encode().translate(_INDEX_OF), "big"))
    return mask + total.to_bytes(SECRET_LENGTH, "big").translate(_CHAR_OF).decode()


def _unmask(token: str) -> str:
    """The secret of a well-formed masked token (see ``_mask``)."""
    mask, cipher = token[:SECRET_LENGTH].encode(), token[SECRET_LENGTH:].encode()
    # Each digit of the first number (index + 62) exceeds the second's: no borrow.
    rest = (int.from_bytes(cipher.translate(_INDEX_PLUS), "big")
            - int.from_bytes(mask.translate(_INDEX_OF), "big"))
    return rest.to_bytes(SECRET_LENGTH, "big").translate(_CHAR_OF).decode()


def _well_formed(value: str, length: int) -> bool:
    # isalnum() of an ASCII string: letters and digits, exactly CHARS.
    return len(value) == length and value.isascii() and value.isalnum()


_mode: list[bool] = []  # uses_sessions(settings), once read; emptied when settings change


def _use_sessions() -> bool:
    if not _mode:
        _mode.append(uses_sessions(settings))
    return _mode[0]


def _forget_mode(sender: Any, names: frozenset[str], **kwargs: Any) -> None:
    if "*" in names or "CSRF_USE_SESSIONS" in names or "MIDDLEWARE" in names:
        _mode.clear()


setting_changed.connect(_forget_mode, weak=False)


def _cookie_secret(req: Any) -> str | None:
    """The secret the ``csrftoken`` cookie carries (cookie mode, or a visitor
    without a session), or the one this request made to send in it."""
    context = req.context
    secret: Any = getattr(context, "csrf_secret", _UNREAD)
    if secret is _UNREAD:
        secret = None
        if "HTTP_COOKIE" in req.env:
            for value in req.get_cookie_values(settings.CSRF_COOKIE_NAME) or ():
                if _well_formed(value, SECRET_LENGTH):
                    secret = value
                    break
        context.csrf_secret = secret
    return secret


def _live_session(req: Any) -> Any:
    """The request's session in session mode when it exists or is being made."""
    if not _use_sessions():
        return None
    session = getattr(req.context, "session", None)
    if session is None:
        return None
    session.get(SESSION_KEY)  # loads it: an unknown or expired key is dropped
    return session if (session.key or session.modified) else None


def _secret(req: Any) -> str | None:
    """This request's secret: the session's when there is a session (a cookie
    never stands in for it then), else the cookie's."""
    session = _live_session(req)
    if session is not None:
        value = session.get(SESSION_KEY)
        return value if isinstance(value, str) and _well_formed(value, SECRET_LENGTH) else None
    return _cookie_secret(req)


def _store(req: Any, secret: str) -> None:
    session = _live_session(req)
    if session is not None:
        session[SESSION_KEY] = secret  # saved with the session
    else:
        req.context.csrf_secret = secret
    req.context.csrf_send_cookie = True


def get_token(req: Any) -> str:
    """A masked token for this request's secret (made, and stored, if needed)."""
    secret = _secret(req)
    if not secret:
        secret = _new_secret()
        _store(req, secret)
    elif _use_sessions():
        req.context.csrf_send_cookie = True  # scripts' copy follows the session's secret
    return _mask(secret)


def rotate_token(req: Any) -> None:
    """A new secret: tokens rendered before stop working (called at login)."""
    _store(req, _new_secret())


def csrf_input(req: Any) -> Markup:
    """The hidden form field carrying the token, ready for a template."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        escape(settings.CSRF_FIELD_NAME), get_token(req))


def csrf_exempt(responder: Any) -> Any:
    """Exempt a responder method (``on_post``) or a whole resource class."""
    responder.csrf_exempt = True
    return responder


def is_secure(req: Any, proxy_header: Any = False) -> bool:
    """HTTPS, as the server saw it or as ``SECURE_PROXY_SSL_HEADER`` says."""
    if proxy_header is False:
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
        for entry in trusted:
            if ("*" in entry and "://*." not in entry) or (
                    "*" not in entry and _origin_of(entry) is None):
                # Never matches an Origin header; `check` reports it (auth.E006).
                logger.warning("CSRF_TRUSTED_ORIGINS entry %r is not an origin (scheme and "
                               "host, e.g. 'https://%s'): ignored", entry,
                               entry.split("://")[-1])
        self.trusted_wild = [p for p in trusted if "*" in p]
        self.proxy_header = settings.SECURE_PROXY_SSL_HEADER
        self.use_sessions = uses_sessions(settings)
        if self.use_sessions and _SESSION_MIDDLEWARE not in settings.MIDDLEWARE:
            from rustforge.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"CSRF_USE_SESSIONS = True needs {_SESSION_MIDDLEWARE!r} before "
                "CsrfMiddleware in MIDDLEWARE (or set CSRF_USE_SESSIONS = False)")
        self.cookie = {"path": "/", "domain": settings.SESSION_COOKIE_DOMAIN,
                       "secure": bool(settings.CSRF_COOKIE_SECURE), "http_only": False,
                       "same_site": "Lax", "max_age": 31_449_600}
        if self.use_sessions:
            # This host only: no sibling subdomain reads the token it carries.
            self.cookie.update(domain=None)

    def is_secure(self, req: Any) -> bool:
        return is_secure(req, self.proxy_header)

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
        secret = _secret(req)
        if not secret:
            return ("CSRF secret not set: load the form's page first."
                    if _live_session(req) is not None else "CSRF cookie not set.")
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
        # PERF: a request that neither carried a cookie nor touched CSRF
        # (most anonymous API calls) stops at these two checks. The cookie
        # is read, and the secret looked for, only when they can matter.
        send = getattr(req.context, "csrf_send_cookie", False)
        # A cookie-side secret comes from the request's cookie or from _store(),
        # which also asks for the cookie to be sent.
        if self.use_sessions and (send or "HTTP_COOKIE" in req.env):
            self.adopt_cookie_secret(req)
        if send:
            secret = _secret(req)
            if secret is None:
                return
            # With a session, scripts get a masked token (the secret stays on
            # the server); without one, the cookie is the secret.
            value = _mask(secret) if _live_session(req) is not None else secret
            resp.set_cookie(self.cookie_name, value, **self.cookie)
            resp.append_header("Vary", "Cookie")

    def adopt_cookie_secret(self, req: Any) -> None:
        """An anonymous session made by this request keeps the cookie's secret,
        so the tokens already in the visitor's pages go on working. Never for
        a session with a user: login rotates the secret into the session, and
        a cookie (perhaps planted) must not stand in for it."""
        session = getattr(req.context, "session", None)
        if session is None:
            return
        # user_id first: it loads the session, which drops an unknown or expired key.
        if session.user_id is not None or not (session.key or session.modified):
            return
        secret = _cookie_secret(req)
        if secret and not session.get(SESSION_KEY):
            session[SESSION_KEY] = secret
