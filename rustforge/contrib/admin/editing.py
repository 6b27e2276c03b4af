"""Pages of one row: add, change (read-only without the change permission),
delete with confirmation, history, restore from the trash, and the extra
``object_views`` a ``ModelAdmin`` declares.

After a save the browser goes to a page of the admin named by route, never
to a URL taken from the request (no open redirect).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import falcon

from rustforge.contrib.admin.access import get_object, model_admin_for, require, staff_user
from rustforge.contrib.admin.history import (
    log_addition,
    log_change,
    log_deletion,
    log_restore,
    object_history,
)
from rustforge.contrib.admin.pages import admin_url, redirect, render_page
from rustforge.contrib.admin.resources import post_data
from rustforge.contrib.auth import messages
from rustforge.db import atomic
from rustforge.db.softdelete import RestoreConflict

if TYPE_CHECKING:
    from rustforge.contrib.admin.editform import ChangeForm

# NOTE(memory): the change form (inlines, formsets, model forms) and the deletion
# plan are imported on the first request that needs them, not into every worker.

BUILT_IN_VIEWS = ("change", "delete", "history", "restore")


def _after_save(req: Any, model_admin: Any, obj: Any, data: dict[str, Any]) -> None:
    if "_continue" in data:
        redirect(admin_url("object", model_admin, pk=obj._pk, view="change"))
    if "_addanother" in data:
        redirect(admin_url("add", model_admin))
    redirect(admin_url("changelist", model_admin))


class AddPage:
    def on_get(self, req: Any, resp: Any, app: str, model: str) -> None:
        from rustforge.contrib.admin.editform import ChangeForm

        model_admin = model_admin_for(app, model)
        require(model_admin, staff_user(req), "add")
        form = ChangeForm(model_admin, req, None)
        self.render(req, resp, model_admin, form)

    def render(self, req: Any, resp: Any, model_admin: Any, form: ChangeForm,
               status: Any = None) -> None:
        render_page(req, resp, "change_form.html", {
            "form": form, "obj": None, "adding": True, "editable": True, "trash": False,
            "perms": model_admin.permissions_of(req.context.user),
            "title": f"Add {model_admin.verbose_name}"}, model_admin, status=status)

    def on_post(self, req: Any, resp: Any, app: str, model: str) -> None:
        from rustforge.contrib.admin.editform import ChangeForm, SaveFailed

        model_admin = model_admin_for(app, model)
        require(model_admin, staff_user(req), "add")
        data = post_data(req)
        form = ChangeForm(model_admin, req, None, data)
        if not form.is_valid():
            self.render(req, resp, model_admin, form, status=falcon.HTTP_400)
            return
        try:
            with atomic():  # the row and its inline rows, or nothing
                obj = form.save(change=False)
                log_addition(req, model_admin, obj, form.inline_changes)
        except SaveFailed:  # a conflict found while saving: errors are on the forms
            self.render(req, resp, model_admin, form, status=falcon.HTTP_400)
            return
        messages.success(req, f'The {model_admin.verbose_name} "{obj}" was added.')
        _after_save(req, model_admin, obj, data)


class ObjectPage:
    """``/<app>/<model>/<pk>/<view>``: change, delete, history, restore or an object view."""

    def on_get(self, req: Any, resp: Any, app: str, model: str, pk: str, view: str) -> None:
        from rustforge.contrib.admin.editform import ChangeForm

        model_admin = model_admin_for(app, model)
        user = staff_user(req)
        require(model_admin, user, "view")
        obj, trash = get_object(model_admin, req, pk)
        if view == "change":
            form = ChangeForm(model_admin, req, obj, editable=not trash and
                              model_admin.has_permission(user, "change"))
            self.render_change(req, resp, model_admin, obj, form, trash)
        elif view == "delete":
            require(model_admin, user, "delete")
            self.render_delete(req, resp, model_admin, obj)
        elif view == "history":
            render_page(req, resp, "object_history.html", {
                "obj": obj, "entries": object_history(model_admin, obj._pk),
                "title": f"History: {obj}"}, model_admin)
        elif view == "restore":
            redirect(admin_url("object", model_admin, pk=obj._pk, view="change"))
        else:
            self.object_view(req, resp, model_admin, user, obj, view)

    def on_post(self, req: Any, resp: Any, app: str, model: str, pk: str, view: str) -> None:
        model_admin = model_admin_for(app, model)
        user = staff_user(req)
        require(model_admin, user, "view")
        obj, trash = get_object(model_admin, req, pk)
        if view == "change":
            require(model_admin, user, "change")
            if trash:
                raise falcon.HTTPConflict(title="In the trash",
                                          description="Restore the row before changing it.")
            self.save_change(req, resp, model_admin, obj)
        elif view == "delete":
            require(model_admin, user, "delete")
            self.delete(req, resp, model_admin, obj, trash)
        elif view == "restore":
            require(model_admin, user, "change")
            self.restore(req, model_admin, obj, trash)
        elif view == "history":
            raise falcon.HTTPMethodNotAllowed(["GET"])
        else:
            self.object_view(req, resp, model_admin, user, obj, view)

    # Change -----------------------------------------------------------------------------
    def render_change(self, req: Any, resp: Any, model_admin: Any, obj: Any,
                      form: ChangeForm, trash: bool, status: Any = None) -> None:
        user = req.context.user
        editable = model_admin.has_permission(user, "change") and not trash
        render_page(req, resp, "change_form.html", {
            "form": form, "obj": obj, "adding": False, "editable": editable, "trash": trash,
            "perms": model_admin.permissions_of(user),
            "object_links": [(admin_url("object", model_admin, pk=obj._pk, view=name), text)
                             for name, text in model_admin.object_links],
            "title": f"{'Change' if editable else 'View'} {model_admin.verbose_name}",
        }, model_admin, status=status)

    def save_change(self, req: Any, resp: Any, model_admin: Any, obj: Any) -> None:
        from rustforge.contrib.admin.editform import ChangeForm, SaveFailed

        data = post_data(req)
        form = ChangeForm(model_admin, req, obj, data)
        if not form.is_valid():
            self.render_change(req, resp, model_admin, obj, form, False, falcon.HTTP_400)
            return
        try:
            with atomic():  # the row and its inline rows, or nothing
                saved = form.save(change=True)
                changes = form.changes + form.inline_changes
                if changes:
                    log_change(req, model_admin, saved, changes)
        except SaveFailed:
            self.render_change(req, resp, model_admin, obj, form, False, falcon.HTTP_400)
            return
        messages.success(req, f'The {model_admin.verbose_name} "{saved}" was changed.'
              if changes else "Nothing was changed.")
        _after_save(req, model_admin, saved, data)

    # Delete and restore -----------------------------------------------------------------------
    def render_delete(self, req: Any, resp: Any, model_admin: Any, obj: Any) -> None:
        from rustforge.contrib.admin.deleting import deletion_plan

        query = model_admin.model.select().where(model_admin.opts.primary_key == obj._pk) \
            if not model_admin.soft_delete else model_admin.model.with_deleted().where(
                model_admin.opts.primary_key == obj._pk)
        deletion = deletion_plan(model_admin, query)
        render_page(req, resp, "delete_confirmation.html", {
            "objects": [str(obj)], "count": 1, "plan": deletion, "hidden": [],
            "form_action": admin_url("object", model_admin, pk=obj._pk, view="delete"),
            "title": f"Delete {model_admin.verbose_name}?", "soft": model_admin.soft_delete,
        }, model_admin, status=falcon.HTTP_409 if deletion.protected else None)

    def delete(self, req: Any, resp: Any, model_admin: Any, obj: Any, trash: bool) -> None:
        from rustforge.contrib.admin.deleting import deletion_plan

        data = post_data(req)
        if data.get("confirm") != "yes":
            self.render_delete(req, resp, model_admin, obj)
            return
        if trash:
            raise falcon.HTTPConflict(title="Already deleted",
                                      description="This row is in the trash already.")
        query = model_admin.model.select().where(model_admin.opts.primary_key == obj._pk)
        if deletion_plan(model_admin, query).protected:
            raise falcon.HTTPConflict(title="Cannot delete",
                                      description="Other rows still refer to this row.")
        with atomic():
            model_admin.delete_model(req, obj)
            log_deletion(req, model_admin, obj)
        messages.success(req, f'The {model_admin.verbose_name} "{obj}" was deleted.')
        redirect(admin_url("changelist", model_admin))

    def restore(self, req: Any, model_admin: Any, obj: Any, trash: bool) -> None:
        if not trash:
            raise falcon.HTTPConflict(title="Not deleted",
                                      description="This row is not in the trash.")
        try:
            with atomic():
                obj.restore()
                log_restore(req, model_admin, obj)
        except RestoreConflict as exc:
            raise falcon.HTTPConflict(title="Cannot restore", description=str(exc)) from None
        messages.success(req, f'The {model_admin.verbose_name} "{obj}" was restored.')
        redirect(admin_url("object", model_admin, pk=obj._pk, view="change"))

    # Extra views ---------------------------------------------------------------------------
    def object_view(self, req: Any, resp: Any, model_admin: Any, user: Any, obj: Any,
                    view: str) -> None:
        method = model_admin.object_views.get(view)
        if method is None:
            raise falcon.HTTPNotFound(title="No such page",
                                      description=f"{view[:50]!r} is not a page of this row.")
        require(model_admin, user, "change")
        getattr(model_admin, method)(req, resp, obj)


__all__ = ["BUILT_IN_VIEWS", "AddPage", "ObjectPage"]
