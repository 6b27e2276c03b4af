"""Rendering admin pages: template lookup per model, the shared context.

A project overrides any page by a template of the same path in its own
template folder; a page of one model first looks for
``admin/<app_label>/<model_name>/<page>`` then ``admin/<app_label>/<page>``,
then ``admin/<page>``.
"""

from __future__ import annotations

from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.auth.context_processors import auth
from rustforge.http.routing import reverse
from rustforge.services import services


def template_names(page: str, model_admin: Any = None) -> list[str]:
    if model_admin is None:
        return [f"admin/{page}"]
    return [f"admin/{model_admin.app_label}/{model_admin.model_name}/{page}",
            f"admin/{model_admin.app_label}/{page}", f"admin/{page}"]


def render_page(req: Any, resp: Any, page: str, context: dict[str, Any],
                model_admin: Any = None, status: Any = None) -> None:
    """Render ``admin/<page>`` (or a per-model override) into ``resp``."""
    templates = services.get("templates")
    template = templates.env.select_template(template_names(page, model_admin))
    # user, csrf_input(), csrf_token(), get_messages() (rustforge.contrib.auth.messages)
    ctx: dict[str, Any] = {
        **auth(req), "url": reverse, "site_title": settings.ADMIN_SITE_TITLE,
        "app_list": model_admin.site.app_list(req.context.user) if model_admin else [],
        "model_admin": model_admin, "admin_url": admin_url,
    }
    ctx.update(context)
    resp.content_type = "text/html; charset=utf-8"
    resp.text = templates.render(template, ctx, req)
    resp.set_header("Cache-Control", "no-store")
    if status is not None:
        resp.status = status


def admin_url(name: str, model_admin: Any = None, **params: Any) -> str:
    """``admin_url("changelist", post_admin)`` -> ``/admin/blog/post``."""
    if model_admin is not None:
        params.update(app=model_admin.app_label, model=model_admin.model_name)
    return reverse(f"admin:{name}", **params)


def redirect(to: str) -> None:
    raise falcon.HTTPSeeOther(to)
