"""System checks of the auth app."""

from __future__ import annotations

from rustforge.checks import Error, Warning, register

_SESSION = "rustforge.contrib.auth.middleware.SessionMiddleware"
_AUTH = "rustforge.contrib.auth.middleware.AuthenticationMiddleware"
_CSRF = "rustforge.contrib.auth.csrf.CsrfMiddleware"


@register("auth")
def check_middleware(app_configs, **kwargs):
    from rustforge.conf import settings

    stack = list(settings.MIDDLEWARE)
    messages = []
    if _AUTH in stack and (_SESSION not in stack or stack.index(_SESSION) > stack.index(_AUTH)):
        messages.append(Error("AuthenticationMiddleware needs SessionMiddleware before it",
                              hint=f"Add {_SESSION!r} before {_AUTH!r} in MIDDLEWARE.",
                              id="auth.E001"))
    if _SESSION in stack and _CSRF not in stack:
        messages.append(Warning("sessions are on but CsrfMiddleware is not in MIDDLEWARE",
                                hint=f"Add {_CSRF!r} after the auth middleware.",
                                id="auth.W002"))
    return messages


@register("auth")
def check_csrf(app_configs, **kwargs):
    from urllib.parse import urlsplit

    from rustforge.conf import settings

    messages = []
    stack = list(settings.MIDDLEWARE)
    if settings.CSRF_USE_SESSIONS and _CSRF in stack and (
            _SESSION not in stack or stack.index(_SESSION) > stack.index(_CSRF)):
        messages.append(Error("CSRF_USE_SESSIONS is on but SessionMiddleware does not come "
                              "before CsrfMiddleware",
                              hint=f"Add {_SESSION!r} before {_CSRF!r} in MIDDLEWARE, or set "
                                   "CSRF_USE_SESSIONS = False.", id="auth.E005"))
    for origin in settings.CSRF_TRUSTED_ORIGINS:
        text = origin if isinstance(origin, str) else repr(origin)
        try:
            parts = urlsplit(text.replace("*.", "x.", 1))
            bad = parts.scheme not in ("http", "https") or not parts.hostname \
                or parts.path not in ("", "/") or parts.query or parts.fragment
        except ValueError:
            bad = True
        if bad:
            # Such an entry never matches an Origin header: dropped silently, it
            # would leave the operator wondering why their front end gets 403.
            bare = text.split("://")[-1].strip("/")
            messages.append(Error(
                f"CSRF_TRUSTED_ORIGINS entry {text!r} is not an origin (scheme and host)",
                hint=f"Write it with its scheme, e.g. 'https://{bare}' "
                     f"(or 'https://*.{bare}' for every subdomain).", id="auth.E006"))
    return messages


@register("auth")
def check_messages(app_configs, **kwargs):
    """A wrong type here would make every ``messages.add()`` fail at run time."""
    from rustforge.conf import settings

    def number(value: object, low: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= low

    bad = [name for name, low in (("MESSAGE_LEVEL", 0), ("MESSAGE_MAX_COUNT", 1),
                                  ("MESSAGE_MAX_LENGTH", 1))
           if not number(getattr(settings, name), low)]
    tags = settings.MESSAGE_TAGS
    if not (isinstance(tags, dict) and all(number(k, 0) and isinstance(v, str)
                                           for k, v in tags.items())):
        bad.append("MESSAGE_TAGS")
    return [Error(f"{name} = {getattr(settings, name)!r} is not valid",
                  hint="MESSAGE_LEVEL: a level number such as 20 (info); MESSAGE_MAX_COUNT and "
                       "MESSAGE_MAX_LENGTH: positive integers; MESSAGE_TAGS: {level: 'css-class'}.",
                  id="auth.E007") for name in bad]


@register("auth")
def check_user_model(app_configs, **kwargs):
    from rustforge.contrib.auth.authentication import get_user_model
    from rustforge.contrib.auth.base_user import AbstractUser
    from rustforge.exceptions import ImproperlyConfigured

    try:
        model = get_user_model()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="auth.E003")]
    if not issubclass(model, AbstractUser):
        return [Error(f"{model.__name__} does not subclass AbstractUser",
                      hint="Custom user models must keep the AbstractUser contract.",
                      id="auth.E004")]
    return []


@register("security", deploy=True)
def check_cookies(app_configs, **kwargs):
    from rustforge.conf import settings

    messages = []
    if not settings.SESSION_COOKIE_SECURE:
        messages.append(Warning("SESSION_COOKIE_SECURE is off: session cookies travel over HTTP",
                                hint="Set SESSION_COOKIE_SECURE = True behind HTTPS.",
                                id="auth.W010"))
    if not settings.CSRF_COOKIE_SECURE:
        messages.append(Warning("CSRF_COOKIE_SECURE is off", hint="Set CSRF_COOKIE_SECURE = True.",
                                id="auth.W011"))
    if settings.CSRF_USE_SESSIONS is False and _SESSION in settings.MIDDLEWARE:
        messages.append(Warning(
            "CSRF secrets live in a cookie although sessions are on (CSRF_USE_SESSIONS = False)",
            hint="Anyone who can set a cookie for the site (a sibling subdomain, a plain-http "
                 "response) can forge requests that carry no Origin header; leave "
                 "CSRF_USE_SESSIONS at None or True.", id="auth.W012"))
    return messages


# OWASP's floor for argon2id: 19 MiB of memory with 2 passes (or more memory, fewer passes).
ARGON2_MIN_MEMORY_KIB = 19 * 1024
ARGON2_MIN_ROUNDS = 2


@register("security", deploy=True)
def check_password_hashing(app_configs, **kwargs):
    from rustforge.conf import settings

    messages = []
    params = settings.PASSWORD_ARGON2 or {}
    memory = int(params.get("memory_cost", 0) or 0)
    rounds = int(params.get("rounds", 0) or 0)
    if settings.PASSWORD_SCHEMES[:1] == ["argon2"] and (
            memory < ARGON2_MIN_MEMORY_KIB or rounds < ARGON2_MIN_ROUNDS):
        messages.append(Warning(
            f"PASSWORD_ARGON2 is weak (memory_cost={memory} KiB, rounds={rounds})",
            hint=f"Use at least memory_cost={ARGON2_MIN_MEMORY_KIB}, rounds="
                 f"{ARGON2_MIN_ROUNDS} (the default is 65536, 3).", id="auth.W020"))
    elif settings.PASSWORD_SCHEMES[:1] != ["argon2"]:
        messages.append(Warning(f"new passwords are hashed with {settings.PASSWORD_SCHEMES[:1]}",
                                hint="Put 'argon2' first in PASSWORD_SCHEMES.", id="auth.W021"))
    if not settings.PASSWORD_VALIDATORS:
        messages.append(Warning("PASSWORD_VALIDATORS is empty: any password is accepted",
                                hint="Keep the default validators.", id="auth.W022"))
    return messages
