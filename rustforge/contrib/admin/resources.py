"""The admin pages: dashboard, list pages with bulk actions, autocomplete.

The add, change, delete and history pages of one row are in ``editing``.
Every page is for active staff; every model page checks the model permission.
"""

from __future__ import annotations

from typing import Any

import falcon

from rustforge.conf import settings
from rustforge.contrib.admin.access import model_admin_for, require, staff_user
from rustforge.contrib.admin.history import recent_actions
from rustforge.contrib.admin.pages import admin_url, redirect, render_page
from rustforge.contrib.admin.sites import site
from rustforge.contrib.auth import messages
from rustforge.forms import ValidationError
from rustforge.forms.http import read_request

# NOTE(memory): the list machinery (changelist, filters, counting) and model
# form fields are imported by the pages that use them, on the first admin
# request, not into every worker at start-up (docs/architecture.md).

AUTOCOMPLETE_RESULTS = 20


def post_data(req: Any) -> dict[str, Any]:
    """The submitted form (urlencoded or multipart) as a dict."""
    data, _html = read_request(req)
    if not isinstance(data, dict):
        raise falcon.HTTPBadRequest(title="Malformed body", description="Expected a form.")
    return data


class Dashboard:
    def on_get(self, req: Any, resp: Any) -> None:
        user = staff_user(req)
        render_page(req, resp, "index.html", {
            "app_list": site.app_list(user), "recent": recent_actions(user),
            "links": site.links_for(user), "title": settings.ADMIN_SITE_TITLE})


class ChangeListPage:
    def on_get(self, req: Any, resp: Any, app: str, model: str) -> None:
        from rustforge.contrib.admin.changelist import ChangeList

        user = staff_user(req)
        model_admin = model_admin_for(app, model)
        require(model_admin, user, "view")
        changelist = ChangeList(model_admin, req)
        if changelist.trash:
            require(model_admin, user, "change")
        changelist.run(req)
        actions = model_admin.actions_for(user, trash=changelist.trash)
        render_page(req, resp, "change_list.html", {
            "cl": changelist, "actions": actions, "perms": model_admin.permissions_of(user),
            "title": model_admin.verbose_name_plural.capitalize(),
            "object_url": lambda obj: admin_url("object", model_admin, pk=obj._pk,
                                                view="change"),
        }, model_admin)

    def on_post(self, req: Any, resp: Any, app: str, model: str) -> None:
        """Run a bulk action on the selected rows (or every row of the list)."""
        from rustforge.contrib.admin.changelist import ChangeList
        from rustforge.contrib.admin.filters import BadParameter
        from rustforge.forms.models import form_field_for

        user = staff_user(req)
        model_admin = model_admin_for(app, model)
        require(model_admin, user, "view")
        changelist = ChangeList(model_admin, req)
        # Back to this list with its (validated) parameters: built from the route, so
        # nothing in the request can point the browser elsewhere.
        back = admin_url("changelist", model_admin) + changelist.url().rstrip("?")
        data = post_data(req)
        name = data.get("action")
        actions = model_admin.actions_for(user, trash=changelist.trash)
        if not isinstance(name, str) or name not in actions:
            raise BadParameter("Choose one of the actions offered on the page.")
        function, _text = actions[name]
        query = changelist.filtered_query(req)
        selected = data.get("_selected", [])
        selected = selected if isinstance(selected, list) else [selected]
        if data.get("select_across") != "1":
            pk = model_admin.opts.primary_key
            key = form_field_for(pk, include_pk=True)
            try:
                keys = [key.clean(v) for v in selected]
            except ValidationError:
                raise BadParameter("A selected key is not valid.") from None
            if not keys:
                messages.warning(req, "Select some rows first; nothing was changed.")
                redirect(back)
            query = query.where(pk.in_(keys))
        data["_selected_list"] = selected
        req.context.admin_post = data
        req.context.admin_back = changelist.url().rstrip("?")
        result = function(req, resp, query)
        if result is resp:
            return  # the action answered itself (a confirmation page, a download)
        if isinstance(result, str) and result:
            messages.success(req, result)
        redirect(back)


class AutocompletePage:
    """``?field=<fk>&q=<words>``: rows of the related model for a foreign-key input,
    searched with the related model's admin ``search_fields`` (JSON)."""

    def on_get(self, req: Any, resp: Any, app: str, model: str) -> None:
        from rustforge.contrib.admin.changelist import search
        from rustforge.contrib.admin.filters import BadParameter

        user = staff_user(req)
        model_admin = model_admin_for(app, model)
        if not (model_admin.has_permission(user, "add")
                or model_admin.has_permission(user, "change")):
            require(model_admin, user, "change")
        name = req.get_param("field") or ""
        field = model_admin.opts.fields.get(name)
        if name not in model_admin.form_field_names() or not hasattr(field, "rel_model"):
            raise BadParameter("field must name a foreign key of the form.")
        related = site.admin_for(field.rel_model)
        if related is None or not related.search_fields:
            raise falcon.HTTPNotFound(
                title="No autocomplete",
                description=f"Register {field.rel_model.__name__} in the admin with "
                            "search_fields to search it.")
        text = req.get_param("q") or ""
        if len(text) > settings.ADMIN_SEARCH_MAX_LENGTH:
            raise BadParameter("The search is too long.")
        rows = search(related.get_queryset(req), related, text).order_by(field.rel_field).limit(AUTOCOMPLETE_RESULTS)
        key = field.rel_field.name
        resp.media = {"results": [{"id": str(getattr(r, key)), "text": str(r)} for r in rows]}
        resp.set_header("Cache-Control", "no-store")
