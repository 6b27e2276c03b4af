"""Deleting from the admin: the confirmation page, then the deletion and its history.

A soft-delete model's rows go to the trash (restorable); other rows are
deleted for good, with what the database cascades. Rows protected by a
foreign key without ``on_delete`` are refused with the list of protectors.
"""

from __future__ import annotations

from typing import Any

import falcon
import peewee

from rustforge.contrib.admin.deletion import plan
from rustforge.contrib.admin.history import log_deletion
from rustforge.contrib.admin.pages import admin_url, render_page
from rustforge.contrib.auth import messages
from rustforge.db import atomic

# A bulk deletion lists at most this many of the selected rows on its page.
LISTED = 50


def deletion_plan(model_admin: Any, queryset: peewee.ModelSelect) -> Any:
    pk = model_admin.model._meta.primary_key
    keys = queryset.select(pk)
    return plan(model_admin.model, keys, soft=model_admin.soft_delete)


def confirm_page(model_admin: Any, req: Any, resp: Any, queryset: Any, *, count: int,
                 form_action: str, hidden: list[tuple[str, str]]) -> Any:
    deletion = deletion_plan(model_admin, queryset)
    objects = [str(o) for o in queryset.limit(LISTED)]
    render_page(req, resp, "delete_confirmation.html", {
        "objects": objects, "count": count, "plan": deletion, "form_action": form_action,
        "hidden": hidden, "title": f"Delete {model_admin.verbose_name_plural}?",
        "soft": model_admin.soft_delete,
    }, model_admin, status=falcon.HTTP_409 if deletion.protected else None)
    return resp


def delete_rows(model_admin: Any, req: Any, queryset: Any) -> int:
    """Delete every row of ``queryset`` through ``model_admin.delete_model`` (logged)."""
    count = 0
    with atomic():
        for obj in list(queryset):
            model_admin.delete_model(req, obj)
            log_deletion(req, model_admin, obj)
            count += 1
    return count


def bulk_delete(model_admin: Any, req: Any, resp: Any, queryset: Any) -> Any:
    """The ``delete_selected`` action: a confirmation page first, the deletion on "yes"."""
    data = req.context.admin_post
    count = queryset.count()
    if data.get("confirm") != "yes":
        hidden = [("action", "delete_selected")]
        hidden += [("_selected", str(v)) for v in data.get("_selected_list", [])]
        if data.get("select_across") == "1":
            hidden.append(("select_across", "1"))
        return confirm_page(model_admin, req, resp, queryset, count=count,
                            form_action=admin_url("changelist", model_admin)
                            + req.context.admin_back, hidden=hidden)
    if deletion_plan(model_admin, queryset).protected:
        raise falcon.HTTPConflict(title="Cannot delete",
                                  description="Other rows still refer to these rows.")
    deleted = delete_rows(model_admin, req, queryset)
    noun = model_admin.verbose_name if deleted == 1 else model_admin.verbose_name_plural
    messages.success(req, f"{deleted} {noun} deleted." + (" They are in the trash." if
                                               model_admin.soft_delete and deleted else ""))
    return None


__all__ = ["admin_url", "bulk_delete", "confirm_page", "delete_rows", "deletion_plan"]
