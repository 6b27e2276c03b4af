"""Authentication and authorisation: ``rustforge.contrib.auth``.

    INSTALLED_APPS = ["rustforge.contrib.auth", ...]
    MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.auth.middleware.SessionMiddleware",
        "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
        "rustforge.contrib.auth.csrf.CsrfMiddleware",
    ]

    from rustforge.contrib.auth import login_required

    class Dashboard:
        @login_required
        def on_get(self, req, resp):
            resp.media = {"hello": req.context.user.username}

See ``docs/auth.md``.
"""

from __future__ import annotations

from typing import Any

# Names resolved on first use: importing the package stays cheap and never
# pulls in falcon for code (commands, checks) that does not need it.
_EXPORTS = {
    "authenticate": "rustforge.contrib.auth.authentication",
    "login": "rustforge.contrib.auth.authentication",
    "logout": "rustforge.contrib.auth.authentication",
    "get_user_model": "rustforge.contrib.auth.authentication",
    "set_password_and_logout_others": "rustforge.contrib.auth.authentication",
    "login_required": "rustforge.contrib.auth.hooks",
    "permission_required": "rustforge.contrib.auth.hooks",
    "staff_required": "rustforge.contrib.auth.hooks",
    "superuser_required": "rustforge.contrib.auth.hooks",
    "csrf_exempt": "rustforge.contrib.auth.csrf",
    "csrf_input": "rustforge.contrib.auth.csrf",
    "get_token": "rustforge.contrib.auth.csrf",
    "AnonymousUser": "rustforge.contrib.auth.base_user",
    "AbstractUser": "rustforge.contrib.auth.base_user",
    "grant": "rustforge.contrib.auth.permissions",
    "create_permissions": "rustforge.contrib.auth.permissions",
}

__all__ = [  # noqa: RUF022 (grouped like _EXPORTS)
    "authenticate",
    "login",
    "logout",
    "get_user_model",
    "set_password_and_logout_others",
    "login_required",
    "permission_required",
    "staff_required",
    "superuser_required",
    "csrf_exempt",
    "csrf_input",
    "get_token",
    "AnonymousUser",
    "AbstractUser",
    "grant",
    "create_permissions",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
