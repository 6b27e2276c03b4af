"""The account pages mounted at ``/accounts/``.

HTML forms for browsers; the login, logout, ``me`` and sessions endpoints
also speak JSON to scripts (send ``Content-Type: application/json`` or
``Accept: application/json``). Templates live under ``templates/auth/`` and a
project overrides one by putting a file of the same path in its own
template folder.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.auth import messages, throttle, totp
from rustforge.contrib.auth.authentication import (
    authenticate,
    get_user_model,
    login,
    logout,
    set_password_and_logout_others,
)
from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.auth.context_processors import auth
from rustforge.contrib.auth.csrf import get_token, rotate_token
from rustforge.contrib.auth.hooks import login_required
from rustforge.contrib.auth.passwords import (
    PasswordValidationError,
    password_help_texts,
    validate_password,
)
from rustforge.contrib.auth.redirects import safe_next
from rustforge.contrib.auth.sessions import get_backend, hash_key
from rustforge.events.signals import password_reset_mail_failed
from rustforge.forms.text import unstorable_reason
from rustforge.http.errors import wants_html
from rustforge.http.multipart import form_parts
from rustforge.http.routing import reverse
from rustforge.http.templates import render

logger = logging.getLogger("rustforge.auth")

# A password typed at the login page is good for this long while the second
# factor is asked for.
TWO_FACTOR_PENDING_SECONDS = 300
_PENDING = "_auth_2fa_pending"


# Helpers ---------------------------------------------------------------------------------
def wants_json(req: Any) -> bool:
    content_type = (req.content_type or "").split(";")[0].strip().lower()
    return content_type == "application/json" or not wants_html(req) and bool(
        req.accept and "json" in req.accept)


def form(req: Any) -> dict[str, str]:
    """The submitted fields (urlencoded, multipart text fields or JSON) as strings."""
    content_type = (req.content_type or "").split(";")[0].strip().lower()
    if content_type not in ("application/x-www-form-urlencoded", "application/json",
                            "multipart/form-data"):
        raise falcon.HTTPUnsupportedMediaType(
            description="Send the form urlencoded, as multipart or as JSON.")
    try:
        if content_type == "multipart/form-data":
            data: Any = {part.name: part.get_text() or ""
                         for part in form_parts(req) if part.filename is None}
        else:
            data = req.get_media(default_when_empty={})
    except (falcon.MediaMalformedError, UnicodeDecodeError):
        raise falcon.HTTPBadRequest(title="Malformed body",
                                    description="The form could not be read.") from None
    if not isinstance(data, dict):
        raise falcon.HTTPBadRequest(title="Malformed body", description="Expected an object.")
    out = {}
    for name, value in data.items():
        if isinstance(value, list):
            value = value[0] if value else ""
        value = value if isinstance(value, str) else ("" if value is None else str(value))
        # Refused here, before any view queries with it or builds a cache key
        # from it: PostgreSQL cannot take NUL, no database a lone surrogate.
        # ("next" is never stored: safe_next() turns any control character into
        # the default target, and the login goes on.)
        reason = unstorable_reason(value) if name != "next" else None
        if reason is not None:
            raise falcon.HTTPBadRequest(title="Invalid text",
                                        description=f"Field {name[:50]!r}: {reason}")
        out[name] = value
    return out


def page(req: Any, resp: Any, name: str, context: dict | None = None,
         status: Any = None) -> None:
    ctx = {**auth(req), "url": reverse}
    ctx.update(context or {})
    render(req, resp, name, ctx, status=status)
    resp.set_header("Cache-Control", "no-store")


def redirect(to: str) -> None:
    raise falcon.HTTPSeeOther(to)


def _throttled(req: Any, key: str, scope: str = "login") -> None:
    wait = throttle.retry_after(req, key, scope)
    if wait:
        raise falcon.HTTPTooManyRequests(
            title="Too many failed attempts",
            description=f"Try again in {wait} seconds.", retry_after=wait)


def new_password_errors(new1: str, new2: str, user) -> list[str]:
    """Why a new password (typed twice) cannot be set; empty when it can."""
    if new1 != new2:
        return ["The two new passwords do not match."]
    try:
        validate_password(new1, user)
    except PasswordValidationError as exc:
        return list(exc.messages)
    return []


# Login / logout --------------------------------------------------------------------------

class LoginPage:
    def on_get(self, req: Any, resp: Any) -> None:
        next_url = safe_next(req.get_param("next"), settings.LOGIN_REDIRECT_URL)
        if req.context.user.is_authenticated and wants_html(req):
            redirect(next_url)
        page(req, resp, "auth/login.html", {"next": next_url, "error": None, "username": ""})

    def on_post(self, req: Any, resp: Any) -> None:
        data = form(req)
        username, password = data.get("username", "")[:150], data.get("password", "")
        next_url = safe_next(data.get("next") or req.get_param("next"),
                             settings.LOGIN_REDIRECT_URL)
        _throttled(req, username)
        user = None
        if username and password and len(password) <= settings.PASSWORD_MAX_LENGTH:
            user = authenticate(req, username, password)
        if user is None:
            throttle.record_failure(req, username)
            message = "Wrong username or password."
            if wants_json(req):
                raise falcon.HTTPBadRequest(title="Login failed", description=message)
            page(req, resp, "auth/login.html",
                 {"next": next_url, "error": message, "username": username},
                 status=falcon.HTTP_400)
            return
        throttle.record_success(req, username)
        if _has_second_factor(user):
            session = req.context.session
            session.cycle_key()
            session[_PENDING] = {"user": user._pk, "next": next_url, "at": time.time()}
            # A session starts here: its own CSRF secret, not the cookie's.
            rotate_token(req)
            if wants_json(req):
                resp.media = {"second_factor_required": True, "csrf_token": get_token(req),
                              "verify_url": reverse("auth:login-verify")}
                resp.status = falcon.HTTP_202
                return
            redirect(reverse("auth:login-verify"))
        login(req, user)
        if wants_json(req):
            resp.media = {"user": user.to_public_dict(), "csrf_token": get_token(req)}
            return
        redirect(next_url)


def _has_second_factor(user: Any) -> bool:
    from rustforge.contrib.auth.models import TOTPDevice

    return TOTPDevice.select().where((TOTPDevice.user == user._pk)
                                     & (TOTPDevice.confirmed == True)).exists()


class LoginVerifyPage:
    """Second step of a login with two factors: a TOTP or a recovery code."""

    def _pending(self, req: Any) -> tuple[Any, dict]:
        pending = req.context.session.get(_PENDING)
        if not isinstance(pending, dict) or time.time() - pending.get("at", 0) \
                > TWO_FACTOR_PENDING_SECONDS:
            if wants_json(req):
                raise falcon.HTTPBadRequest(title="No login in progress",
                                            description="Log in with your password first.")
            redirect(settings.LOGIN_URL)
        model = get_user_model()
        user = model.get_or_none(model._meta.primary_key == pending["user"])
        if user is None or not user.is_active:
            redirect(settings.LOGIN_URL)
        return user, pending

    def on_get(self, req: Any, resp: Any) -> None:
        self._pending(req)
        page(req, resp, "auth/login_verify.html", {"error": None})

    def on_post(self, req: Any, resp: Any) -> None:
        user, pending = self._pending(req)
        key = f"2fa:{user._pk}"
        _throttled(req, key)
        code = form(req).get("code", "").strip()
        if not (code and _check_second_factor(user, code)):
            throttle.record_failure(req, key)
            if wants_json(req):
                raise falcon.HTTPBadRequest(title="Wrong code")
            page(req, resp, "auth/login_verify.html", {"error": "That code is not valid."},
                 status=falcon.HTTP_400)
            return
        throttle.record_success(req, key)
        del req.context.session[_PENDING]
        login(req, user)
        if wants_json(req):
            resp.media = {"user": user.to_public_dict(), "csrf_token": get_token(req)}
            return
        redirect(safe_next(pending.get("next"), settings.LOGIN_REDIRECT_URL))


def _check_second_factor(user: Any, code: str) -> bool:
    from rustforge.contrib.auth.models import RecoveryCode, TOTPDevice
    from rustforge.db import atomic

    device = TOTPDevice.get_or_none((TOTPDevice.user == user._pk)
                                    & (TOTPDevice.confirmed == True))
    if device is None:
        return False
    digits = "".join(code.split())
    secret = device.plain_secret()
    if digits.isdigit() and secret is not None:
        step = totp.verify(secret, digits, device.last_step)
        if step is None:
            return False
        # Conditional update: two concurrent requests cannot both spend one code.
        return TOTPDevice.update(last_step=step).where(
            (TOTPDevice.id == device.id) & (TOTPDevice.last_step < step)).execute() == 1
    with atomic():
        return RecoveryCode.update(used_at=utcnow()).where(
            (RecoveryCode.user == user._pk)
            & (RecoveryCode.code_hash == totp.hash_recovery_code(code))
            & (RecoveryCode.used_at.is_null())).execute() == 1


class LogoutPage:
    def on_get(self, req: Any, resp: Any) -> None:
        # Logging out is a POST (a link or an <img> must not log anyone out).
        page(req, resp, "auth/logout.html", {"done": False})

    def on_post(self, req: Any, resp: Any) -> None:
        logout(req)
        if wants_json(req):
            resp.media = {"logged_out": True}
            return
        redirect(safe_next(req.get_param("next"), settings.LOGOUT_REDIRECT_URL))


@login_required
class MeResource:
    """``GET /accounts/me``: who is logged in (JSON)."""

    def on_get(self, req: Any, resp: Any) -> None:
        resp.media = req.context.user.to_public_dict()


# Passwords --------------------------------------------------------------------------------
@login_required
class PasswordChangePage:
    def on_get(self, req: Any, resp: Any) -> None:
        page(req, resp, "auth/password_change.html",
             {"errors": [], "help_texts": password_help_texts()})

    def on_post(self, req: Any, resp: Any) -> None:
        user = req.context.user
        data = form(req)
        key = f"change:{user._pk}"
        _throttled(req, key)
        errors = []
        old = data.get("old_password", "")
        new1, new2 = data.get("new_password1", ""), data.get("new_password2", "")
        if len(old) > settings.PASSWORD_MAX_LENGTH or not user.check_password(old):
            throttle.record_failure(req, key)
            errors.append("Your old password was entered incorrectly.")
        else:
            errors.extend(new_password_errors(new1, new2, user))
        if errors:
            page(req, resp, "auth/password_change.html",
                 {"errors": errors, "help_texts": password_help_texts()},
                 status=falcon.HTTP_400)
            return
        set_password_and_logout_others(req, user, new1)
        page(req, resp, "auth/password_change_done.html")


class PasswordResetPage:
    def on_get(self, req: Any, resp: Any) -> None:
        page(req, resp, "auth/password_reset.html")

    def on_post(self, req: Any, resp: Any) -> None:
        email = form(req).get("email", "").strip()[:254]
        _throttled(req, f"reset:{email.lower()}", scope="reset")
        if email:
            # Counted like a failure so the form cannot flood a mailbox.
            throttle.record_failure(req, f"reset:{email.lower()}", scope="reset")
            model = get_user_model()
            for user in model.select().where(
                    (model.email == email) & (model.is_active == True)):
                if user.has_usable_password():
                    _send_reset_email_or_report(req, user)
        # The same answer whether or not the address is known, and whatever
        # the mail server does.
        redirect(reverse("auth:password-reset-done"))


def _send_reset_email_or_report(req: Any, user: Any) -> None:
    """Send (or queue) the reset mail; a failure is the operator's to see.

    A 500 here would tell a stranger which addresses have accounts (only known
    ones reach the mail server), so the page answers as for any address, the
    error is logged and ``password_reset_mail_failed`` is sent.
    """
    try:
        send_reset_email(req, user)
    except Exception as exc:  # noqa: BLE001 - any failure: SMTP, DNS, TLS, the queue
        logger.error("password reset mail for user %s could not be sent: %s: %s",
                     user._pk, type(exc).__name__, exc)
        if password_reset_mail_failed.receivers:
            password_reset_mail_failed.send(req, req=req, user=user, exception=exc)


def send_reset_email(req: Any, user: Any) -> None:
    from rustforge.contrib.auth.tokens import encode_uid, make_token
    from rustforge.http.templates import render_to_string

    path = reverse("auth:password-reset-confirm", uid=encode_uid(user._pk),
                   token=make_token(user))
    # Not req.forwarded_scheme: any client can send X-Forwarded-Proto, and a
    # reset link downgraded to http:// would leak its token. The Host header
    # was checked against ALLOWED_HOSTS by SecurityMiddleware.
    from rustforge.contrib.auth.csrf import is_secure

    scheme = "https" if is_secure(req) else "http"
    link = f"{scheme}://{req.env.get('HTTP_HOST') or req.host}{path}"
    context = {"user": user, "link": link, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    subject = render_to_string("auth/password_reset_subject.txt", context).strip()
    body = render_to_string("auth/password_reset_email.txt", context)
    from rustforge.contrib.auth.mailing import deliver

    deliver(subject, body, user.email)


class PasswordResetDonePage:
    def on_get(self, req: Any, resp: Any) -> None:
        page(req, resp, "auth/password_reset_done.html")


class PasswordResetConfirmPage:
    def _user(self, uid: str, token: str) -> Any:
        from rustforge.contrib.auth.tokens import check_token, decode_uid

        pk = decode_uid(uid)
        if pk is None:
            return None
        model = get_user_model()
        user = model.get_or_none(model._meta.primary_key == pk)
        if user is None or not user.is_active or not check_token(user, token):
            return None
        return user

    def on_get(self, req: Any, resp: Any, uid: str, token: str) -> None:
        user = self._user(uid, token)
        if user is None:
            page(req, resp, "auth/password_reset_confirm.html", {"valid": False},
                 status=falcon.HTTP_400)
            return
        page(req, resp, "auth/password_reset_confirm.html",
             {"valid": True, "errors": [], "help_texts": password_help_texts()})

    def on_post(self, req: Any, resp: Any, uid: str, token: str) -> None:
        user = self._user(uid, token)
        if user is None:
            page(req, resp, "auth/password_reset_confirm.html", {"valid": False},
                 status=falcon.HTTP_400)
            return
        data = form(req)
        new1, new2 = data.get("new_password1", ""), data.get("new_password2", "")
        errors = new_password_errors(new1, new2, user)
        if errors:
            page(req, resp, "auth/password_reset_confirm.html",
                 {"valid": True, "errors": errors, "help_texts": password_help_texts()},
                 status=falcon.HTTP_400)
            return
        set_password_and_logout_others(None, user, new1)
        page(req, resp, "auth/password_reset_complete.html")


# Sessions -----------------------------------------------------------------------------------
@login_required
class SessionsPage:
    """The user's own sessions; any of them can be ended from here."""

    def on_get(self, req: Any, resp: Any) -> None:
        session = req.context.session
        current = hash_key(session.key) if session.key else None
        records = get_backend().for_user(req.context.user._pk)
        rows = [{"id": r.public_id, "current": r.key_hash == current, "ip": r.ip,
                 "user_agent": r.user_agent,
                 "created_at": r.created_at.isoformat() if r.created_at else None,
                 "last_seen": r.last_seen.isoformat() if r.last_seen else None}
                for r in records]
        if wants_json(req):
            resp.media = {"sessions": rows}
            return
        page(req, resp, "auth/sessions.html", {"sessions": rows})

    def on_post_revoke(self, req: Any, resp: Any, sid: str) -> None:
        session = req.context.session
        backend = get_backend()
        current = hash_key(session.key) if session.key else None
        target = next((r for r in backend.for_user(req.context.user._pk)
                       if r.public_id == sid), None)
        if target is None:
            raise falcon.HTTPNotFound(title="No such session",
                                      description="It has ended already or is not yours.")
        if target.key_hash == current:
            logout(req)
        else:
            backend.delete(target.key_hash)
        if wants_json(req):
            resp.media = {"revoked": sid}
            return
        if target.key_hash != current:
            messages.success(req, "The session was ended.")
        redirect(reverse("auth:sessions") if target.key_hash != current
                 else settings.LOGIN_URL)


# Two-factor authentication --------------------------------------------------------------------
@login_required
class TwoFactorPage:
    def on_get(self, req: Any, resp: Any) -> None:
        from rustforge.contrib.auth.models import RecoveryCode

        user = req.context.user
        left = RecoveryCode.select().where((RecoveryCode.user == user._pk)
                                           & RecoveryCode.used_at.is_null()).count()
        page(req, resp, "auth/two_factor.html",
             {"enabled": _has_second_factor(user), "codes_left": left, "error": None})

    def on_post_setup(self, req: Any, resp: Any) -> None:
        """Start (or restart) enrolment: a new secret, not active until confirmed."""
        from rustforge.contrib.auth.models import TOTPDevice

        user = req.context.user
        if _has_second_factor(user):
            raise falcon.HTTPConflict(title="Two-factor authentication is already on",
                                      description="Turn it off first to enrol a new device.")
        secret = totp.new_secret()
        TOTPDevice.delete().where(TOTPDevice.user == user._pk).execute()
        device = TOTPDevice(user=user._pk, confirmed=False)
        device.set_secret(secret)  # encrypted at rest
        device.save(force_insert=True)
        page(req, resp, "auth/two_factor_setup.html", {
            "secret": secret, "error": None,
            "uri": totp.provisioning_uri(secret, user.username, settings.TOTP_ISSUER)})

    def on_post_confirm(self, req: Any, resp: Any) -> None:
        from rustforge.contrib.auth.models import RecoveryCode, TOTPDevice
        from rustforge.db import atomic

        user = req.context.user
        device = TOTPDevice.get_or_none((TOTPDevice.user == user._pk)
                                        & (TOTPDevice.confirmed == False))
        if device is None:
            redirect(reverse("auth:two-factor"))
        secret = device.plain_secret()
        if secret is None:  # the key that encrypted it is gone: enrol again
            redirect(reverse("auth:two-factor"))
        step = totp.verify(secret, form(req).get("code", ""), device.last_step)
        if step is None:
            page(req, resp, "auth/two_factor_setup.html", {
                "secret": secret, "error": "That code is not valid; check the clock "
                "of your device and try the next one.",
                "uri": totp.provisioning_uri(secret, user.username, settings.TOTP_ISSUER)},
                 status=falcon.HTTP_400)
            return
        codes = [totp.new_recovery_code() for _ in range(settings.TOTP_RECOVERY_CODES)]
        with atomic():
            TOTPDevice.update(confirmed=True, last_step=step).where(
                TOTPDevice.id == device.id).execute()
            RecoveryCode.delete().where(RecoveryCode.user == user._pk).execute()
            RecoveryCode.insert_many([{"user": user._pk, "code_hash": totp.hash_recovery_code(c)}
                                      for c in codes]).execute()
        # Shown once; only hashes are kept.
        page(req, resp, "auth/two_factor_codes.html", {"codes": codes})

    def on_post_disable(self, req: Any, resp: Any) -> None:
        from rustforge.contrib.auth.models import RecoveryCode, TOTPDevice
        from rustforge.db import atomic

        user = req.context.user
        key = f"change:{user._pk}"
        _throttled(req, key)
        password = form(req).get("password", "")
        if len(password) > settings.PASSWORD_MAX_LENGTH or not user.check_password(password):
            throttle.record_failure(req, key)
            page(req, resp, "auth/two_factor.html",
                 {"enabled": _has_second_factor(user), "codes_left": None,
                  "error": "Your password was entered incorrectly."}, status=falcon.HTTP_400)
            return
        with atomic():
            TOTPDevice.delete().where(TOTPDevice.user == user._pk).execute()
            RecoveryCode.delete().where(RecoveryCode.user == user._pk).execute()
        messages.success(req, "Two-factor authentication is off.")
        redirect(reverse("auth:two-factor"))
