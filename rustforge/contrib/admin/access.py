"""Who may open an admin page: active staff, and per model the auth permissions.

Anonymous browsers are sent to ``LOGIN_URL`` (``?next=`` the page); a
logged-in user who is not staff, or lacks the model permission, gets 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import falcon

from rustforge.conf import settings
from rustforge.contrib.admin.options import ModelAdmin
from rustforge.contrib.admin.sites import site
from rustforge.contrib.auth.base_user import ANONYMOUS
from rustforge.forms import ValidationError
from rustforge.http.challenges import unauthorized
from rustforge.http.errors import wants_html


def staff_user(req: Any) -> Any:
    """The logged-in staff user, or the right refusal."""
    user = req.context.get("user") or ANONYMOUS
    if not user.is_authenticated:
        if wants_html(req) and req.method in ("GET", "HEAD"):
            raise falcon.HTTPFound(f"{settings.LOGIN_URL}?{urlencode({'next': req.relative_uri})}")
        raise unauthorized("Log in as a staff member.")
    if not (user.is_active and user.is_staff):
        raise falcon.HTTPForbidden(title="Staff only",
                                   description="The admin is for staff members.")
    return user


def model_admin_for(app: str, model: str) -> ModelAdmin:
    model_admin = site.model_admin(app, model)
    if model_admin is None:
        raise falcon.HTTPNotFound(title="No such model",
                                  description=f"{app}.{model} is not in the admin.")
    return model_admin


def require(model_admin: ModelAdmin, user: Any, action: str) -> None:
    if not model_admin.has_permission(user, action):
        raise falcon.HTTPForbidden(
            title="Permission denied",
            description=f"You need the permission {model_admin.perm(action)}.")


def parse_key(model_admin: ModelAdmin, raw: str) -> Any:
    """A primary key from the URL or a form (a malformed one matches nothing: 404)."""
    from rustforge.forms.models import form_field_for  # NOTE(memory): model forms on first use

    try:
        return form_field_for(model_admin.opts.primary_key, include_pk=True).clean(raw)
    except ValidationError:
        raise falcon.HTTPNotFound(title="No such row",
                                  description="That key is not valid here.") from None


def get_object(model_admin: ModelAdmin, req: Any, raw_key: str) -> tuple[Any, bool]:
    """``(row, in_trash)`` through ``get_queryset`` (so a narrowed admin cannot be
    walked around by typing another key); 404 when it is not there."""
    key = parse_key(model_admin, raw_key)
    pk = model_admin.opts.primary_key
    obj = model_admin.get_queryset(req).where(pk == key).first()
    if obj is not None:
        return obj, False
    if model_admin.soft_delete:
        obj = model_admin.get_deleted_queryset(req).where(pk == key).first()
        if obj is not None:
            return obj, True
    raise falcon.HTTPNotFound(title="No such row",
                              description=f"No {model_admin.verbose_name} with that key.")
