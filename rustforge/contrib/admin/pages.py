"""Rendering admin pages: template lookup per model, the shared context, messages.

A project overrides any page by a template of the same path in its own
template folder; a page of one model first looks for
``admin/<app_label>/<model_name>/<page>`` then ``admin/<app_label>/<page>``,
then ``admin/<page>``.
"""

from __future__ import annotations

from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.auth.csrf import csrf_input, get_token
from rustforge.http.routing import reverse
from rustforge.services import services

_MESSAGES = "_admin_messages"


def template_names(page: str, model_admin: Any = None) -> list[str]:
    if model_admin is None:
        return [f"admin/{page}"]
    return [f"admin/{model_admin.app_label}/{model_admin.model_name}/{page}",
            f"admin/{model_admin.app_label}/{page}", f"admin/{page}"]


def flash(req: Any, text: str, level: str = "success") -> None:
    """A message shown on the next admin page (kept in the session)."""
    session = req.context.get("session")
    if session is None:
        return
    messages = list(session.get(_MESSAGES) or [])
    messages.append({"text": str(text)[:500], "level": level})
    session[_MESSAGES] = messages[-5:]


def pop_messages(req: Any) -> list[dict[str, str]]:
    session = req.context.get("session")
    if session is None or not session.get(_MESSAGES):
        return []
    messages = session.pop(_MESSAGES)
    return messages if isinstance(messages, list) else []


def render_page(req: Any, resp: Any, page: str, context: dict[str, Any],
                model_admin: Any = None, status: Any = None) -> None:
    """Render ``admin/<page>`` (or a per-model override) into ``resp``."""
    templates = services.get("templates")
    template = templates.env.select_template(template_names(page, model_admin))
    ctx: dict[str, Any] = {
        "user": req.context.get("user"), "csrf_input": lambda: csrf_input(req),
        "csrf_token": lambda: get_token(req), "url": reverse,
        "site_title": settings.ADMIN_SITE_TITLE, "messages": pop_messages(req),
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
