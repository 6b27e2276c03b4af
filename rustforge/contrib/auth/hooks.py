"""Responder hooks: who may call a responder.

    from rustforge.contrib.auth import login_required, permission_required, staff_required

    class Dashboard:
        @login_required
        def on_get(self, req, resp): ...

    @permission_required("blog.change_post")      # every responder of the class
    class PostEditor:
        def on_get(self, req, resp, id): ...
        def on_post(self, req, resp, id): ...

Browsers (HTML) that are not logged in are redirected to ``LOGIN_URL`` with
``?next=`` the page they asked for; API clients get 401 JSON. A logged-in
user without the permission gets 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import falcon

from rustforge.conf import settings
from rustforge.http.challenges import unauthorized
from rustforge.http.errors import wants_html

__all__ = ["login_required", "permission_required", "staff_required", "superuser_required"]


def _user(req: Any) -> Any:
    from rustforge.contrib.auth.base_user import ANONYMOUS

    return req.context.get("user", ANONYMOUS)


def _deny_anonymous(req: Any) -> None:
    if wants_html(req) and req.method in ("GET", "HEAD"):
        query = urlencode({"next": req.relative_uri})
        raise falcon.HTTPFound(f"{settings.LOGIN_URL}?{query}")
    raise unauthorized("Log in to access this resource.")


def _require_login(req: Any, resp: Any, resource: Any, params: dict) -> None:
    if not _user(req).is_authenticated:
        _deny_anonymous(req)


def _require(allowed: Any, title: str, description: str | None = None) -> Any:
    """A hook: anonymous users are denied, users failing ``allowed(user)`` get 403."""

    def check(req: Any, resp: Any, resource: Any, params: dict) -> None:
        user = _user(req)
        if not user.is_authenticated:
            _deny_anonymous(req)
        if not allowed(user):
            raise falcon.HTTPForbidden(title=title, description=description)

    return falcon.before(check)


login_required = falcon.before(_require_login)
staff_required = _require(lambda user: user.is_active and user.is_staff, "Staff only",
                          "This resource is for staff members.")
superuser_required = _require(lambda user: user.is_active and user.is_superuser,
                              "Superusers only")


def permission_required(*perms: str) -> Any:
    """Require every one of ``perms`` (``"app_label.codename"``)."""
    if not perms or not all(isinstance(p, str) and "." in p for p in perms):
        raise ValueError('permission_required takes names like "blog.change_post"')
    return _require(lambda user: user.has_perms(perms), "Permission denied",
                    "You need the permission " + ", ".join(perms) + ".")
