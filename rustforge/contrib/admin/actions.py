"""The built-in bulk actions: delete (with a confirmation page) and restore.

An action is ``fn(model_admin, req, resp, queryset)``; the selected rows come
as a query. See ``options.action``.

NOTE: this module is on the registration path (``<app>/admin.py`` imports the
admin while the apps load, in every process, ``manage.py --help`` included), so
the web layer (falcon, Jinja2) is imported inside the actions, when one runs.
"""

from __future__ import annotations

from typing import Any

from rustforge.contrib.admin.options import action


@action(description="Delete selected rows", permissions=["delete"])
def delete_selected(model_admin: Any, req: Any, resp: Any, queryset: Any) -> Any:
    """Ask first (listing what cascades); delete when the page is confirmed."""
    from rustforge.contrib.admin.deleting import bulk_delete

    return bulk_delete(model_admin, req, resp, queryset)


@action(description="Restore selected rows", permissions=["change"])
def restore_selected(model_admin: Any, req: Any, resp: Any, queryset: Any) -> str:
    from rustforge.contrib.admin.history import log_restore
    from rustforge.db import atomic
    from rustforge.db.softdelete import RestoreConflict

    restored, refused = 0, []
    with atomic():
        for obj in queryset:
            try:
                obj.restore()
            except RestoreConflict:
                refused.append(str(obj))
                continue
            log_restore(req, model_admin, obj)
            restored += 1
    noun = model_admin.verbose_name if restored == 1 else model_admin.verbose_name_plural
    message = f"{restored} {noun} restored."
    if refused:
        message += " Not restored (a live row holds a unique value): " + ", ".join(refused[:10])
    return message


restore_selected.trash_only = True
restore_selected.soft_delete_only = True
