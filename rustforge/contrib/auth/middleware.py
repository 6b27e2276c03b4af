"""Session and request-user middleware.

    MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.auth.middleware.SessionMiddleware",
        "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
        "rustforge.contrib.auth.csrf.CsrfMiddleware",
    ]

``req.context.session`` is the session and ``req.context.user`` the user (an
``AnonymousUser`` when nobody is logged in). A request without a session
cookie costs no database query. A request carrying ``Authorization: Bearer``
is authenticated by its token (OAuth, through the backends registered with
``rustforge.contrib.auth.bearer.register_bearer_backend``), never by a cookie:
the session user is not attached, which is also what lets CSRF skip such
requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import ANONYMOUS, utcnow
from rustforge.contrib.auth.bearer import authenticate_bearer, is_bearer
from rustforge.contrib.auth.sessions import TOUCH_EVERY, Session, get_backend
from rustforge.exceptions import ImproperlyConfigured
from rustforge.http.challenges import register_challenge
from rustforge.http.client_ip import client_ip
from rustforge.signing import sign, unsign

SESSION_SALT = "session"
# Cookie name characters no cookie parser treats specially.
_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-."


class SessionMiddleware:
    def __init__(self, settings: Any) -> None:
        self.backend = get_backend()
        self.new_session = Session.bound_to(self.backend)
        self.name = settings.SESSION_COOKIE_NAME
        # The header as a browser sends this cookie alone: "<name>=<value>"
        # (None: a name falcon's parser might treat otherwise; see cookie_values).
        plain = self.name and not self.name.strip(_NAME_CHARS)
        self.prefix = f"{self.name}=" if plain else None
        self.age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        self.cookie = {"path": settings.SESSION_COOKIE_PATH,
                       "domain": settings.SESSION_COOKIE_DOMAIN,
                       "secure": bool(settings.SESSION_COOKIE_SECURE),
                       "http_only": True,
                       "same_site": settings.SESSION_COOKIE_SAMESITE,
                       "max_age": settings.SESSION_COOKIE_AGE}

    def process_request(self, req: Any, resp: Any) -> None:
        session = req.context.session = self.new_session()
        # PERF: most anonymous requests carry no Cookie header at all.
        if "HTTP_COOKIE" in req.env:
            values = self.cookie_values(req)
            if values:
                session.key = unsign(values[0], SESSION_SALT)

    def cookie_values(self, req: Any) -> list[str] | None:
        """``req.get_cookie_values(name)`` for the session cookie.

        PERF: a header that holds only this cookie, unquoted and without
        white space around its value, is what falcon's parser (about 10,000
        instructions) would read as ``[value]``; anything else is parsed by
        falcon. A test compares the two on arbitrary headers.
        """
        header = req.env["HTTP_COOKIE"]
        prefix = self.prefix
        if (prefix is not None and header.startswith(prefix) and ";" not in header
                and '"' not in header):
            value = header[len(prefix):]
            if value == value.strip():
                return [value]
        return req.get_cookie_values(self.name)

    def process_response(self, req: Any, resp: Any, resource: Any, req_succeeded: bool) -> None:
        try:
            session = req.context.session
        except AttributeError:
            return  # an earlier middleware answered before this one ran
        # PERF: an untouched session without a stored record (every anonymous
        # request) stops here, before the status is even looked at.
        if not (session.modified or session.flushed or session.record is not None):
            return
        if resp.status_code >= 500:
            return
        if session.modified:
            if not session.key and not session._data and session.record is None:
                return  # never write an empty session
            session.save(ip=client_ip(req), user_agent=req.user_agent or "")
            self.set_cookie(resp, session.key)
        elif session.flushed:
            resp.unset_cookie(self.name, path=self.cookie["path"], domain=self.cookie["domain"])
        else:
            # Sliding expiry; the store is written at most once a minute.
            record = session.record
            last = record.last_seen
            # PERF: the clock as the backend read it to check the expiry (one
            # read per request); a record made otherwise reads it here.
            now = record.checked_at or utcnow()
            if last is None or now - last >= TOUCH_EVERY:
                self.backend.touch(record, now, now + self.age)
                if last is not None:
                    self.set_cookie(resp, session.key)

    def set_cookie(self, resp: Any, key: str) -> None:
        resp.set_cookie(self.name, sign(key, SESSION_SALT), **self.cookie)


def session_challenge() -> str:
    """How to log in, for a 401's ``WWW-Authenticate``: the login form sets the session cookie.

    ``Cookie`` is not a registered scheme; its parameters follow the cookie
    authentication draft (draft-broyer-http-cookie-auth) so a client can find the form.
    """
    return (f'Cookie realm="site", form-action="{settings.LOGIN_URL}", '
            f'cookie-name="{settings.SESSION_COOKIE_NAME}"')


class AuthenticationMiddleware:
    def __init__(self) -> None:
        # Session logins exist where this middleware runs: every "log in first" 401 says so.
        register_challenge(session_challenge)

    def process_request(self, req: Any, resp: Any) -> None:
        context = req.context
        if "HTTP_AUTHORIZATION" in req.env and is_bearer(req):
            context.bearer = True
            # A token app (``register_bearer_backend``) sets the user and scopes,
            # unless a middleware before this one authenticated the request.
            if "user" not in context and not authenticate_bearer(req):
                context.user = ANONYMOUS
            return
        try:
            session = context.session
        except AttributeError:
            raise ImproperlyConfigured(
                "AuthenticationMiddleware needs SessionMiddleware before it in MIDDLEWARE"
            ) from None
        # PERF: no cookie, no key: the shared AnonymousUser, nothing looked up.
        context.user = _session_user(session) if session.key else ANONYMOUS


def _session_user(session: Session) -> Any:
    """The active user the session belongs to; else ANONYMOUS (and a session
    whose user was deleted or deactivated is ended)."""
    user_id = session.user_id
    if user_id is None:
        return ANONYMOUS
    record = session.record
    found = record.user if record is not None else None
    if found is None:
        from rustforge.contrib.auth.authentication import get_user_model

        model = get_user_model()
        found = model.get_or_none(model._meta.primary_key == user_id)
    if found is not None and found.is_active:
        return found
    session.flush()  # user deleted or deactivated: the session dies
    return ANONYMOUS
