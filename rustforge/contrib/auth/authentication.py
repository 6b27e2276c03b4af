"""Logging users in and out.

    from rustforge.contrib.auth import authenticate, login, logout

    class LoginApi:
        def on_post(self, req, resp):
            data = req.get_media()
            user = authenticate(req, data["username"], data["password"])
            if user is None:
                raise falcon.HTTPUnauthorized(title="Wrong username or password")
            login(req, user)

``authenticate`` costs one password verification whether or not the
username exists, so response times do not reveal which accounts exist.
"""

from __future__ import annotations

from typing import Any

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import ANONYMOUS, utcnow
from rustforge.events.signals import user_logged_in, user_logged_out, user_login_failed

__all__ = ["authenticate", "get_user_model", "login", "logout", "set_password_and_logout_others"]

_model_cache: dict[str, type] = {}


def get_user_model() -> type[Any]:
    """The model named by ``AUTH_USER_MODEL``."""
    name = settings.AUTH_USER_MODEL
    model = _model_cache.get(name)
    if model is None:
        from rustforge.apps import apps

        apps.populate()  # a no-op once loaded (and during ready(), models are in)
        try:
            model = apps.get_model(name)
        except LookupError as exc:
            from rustforge.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"AUTH_USER_MODEL {name!r}: {exc}") from None
        _model_cache[name] = model
    return model


def authenticate(req: Any, username: str, password: str) -> Any | None:
    """The active user with these credentials, or None (``user_login_failed`` sent)."""
    from rustforge.contrib.auth.passwords import dummy_verify

    model = get_user_model()
    user = None
    if isinstance(username, str) and isinstance(password, str) and username:
        user = model.get_or_none(model.username == model.normalize_username(username))
    if user is None:
        dummy_verify()
    elif user.check_password(password) and user.is_active:
        return user
    if user_login_failed.receivers:
        user_login_failed.send(req, req=req, username=username)
    return None


def login(req: Any, user: Any) -> None:
    """Attach ``user`` to the session under a new key (no session fixation)."""
    from rustforge.contrib.auth.csrf import rotate_token

    session = req.context.session
    if session.user_id is not None and session.user_id != user._pk:
        session.flush()  # another user's data must not leak into this login
    session.cycle_key()
    session.set_user(user._pk)
    rotate_token(req)
    model = type(user)
    user.last_login = utcnow()
    model.update(last_login=user.last_login).where(
        model._meta.primary_key == user._pk).execute()
    req.context.user = user
    if user_logged_in.receivers:
        user_logged_in.send(req, req=req, user=user)


def logout(req: Any) -> None:
    """Destroy the session (server side too) and forget the user."""
    user = req.context.get("user", ANONYMOUS)
    if user_logged_out.receivers:
        user_logged_out.send(req, req=req, user=user)
    session = req.context.get("session")
    if session is not None:
        session.flush()
    req.context.user = ANONYMOUS


def set_password_and_logout_others(req: Any | None, user: Any, raw: str) -> None:
    """Change the password and end every other session of the user.

    With a request whose session belongs to ``user``, that session survives
    under a fresh key; without one (reset by e-mail, command line) all go.
    """
    from rustforge.contrib.auth.sessions import get_backend

    user.set_password(raw)
    model = type(user)
    model.update(password=user.password).where(model._meta.primary_key == user._pk).execute()
    session = req.context.get("session") if req is not None else None
    if session is not None and session.key and session.user_id == user._pk:
        # The current session lives on under a new key, written after the
        # responder, so deleting every stored session of the user spares it.
        session.cycle_key()
        session.set_user(user._pk)
    get_backend().delete_for_user(user._pk)
