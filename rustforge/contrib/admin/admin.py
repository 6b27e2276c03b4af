"""The admin's own history in the admin: a read-only list of every logged action.

Imported while the apps load (see ``actions``): the web layer only inside methods.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from rustforge.contrib.admin.models import LogEntry
from rustforge.contrib.admin.options import ModelAdmin, display
from rustforge.contrib.admin.sites import site


class LogEntryAdmin(ModelAdmin):
    list_display = ["action_time", "username", "action_flag", "app_label", "model_name",
                    "object_link"]
    list_display_links = ["action_time"]
    search_fields = ["username", "object_repr", "object_id", "model_name"]
    list_filter = ["action_flag", "action_time"]
    ordering = ["-action_time"]
    fields = ["action_time", "username", "action_flag", "app_label", "model_name", "object_id",
              "object_repr", "changes_text"]
    readonly_fields = fields

    def has_permission(self, user: Any, action: str) -> bool:
        """Looking only: the history is written by the admin, never edited."""
        return action == "view" and super().has_permission(user, "view")

    @display(description="Object")
    def object_link(self, entry: LogEntry) -> Any:
        from rustforge.contrib.admin.pages import admin_url

        target = self.site.model_admin(entry.app_label, entry.model_name)
        if target is None or entry.action_flag == 3:
            return entry.object_repr
        url = admin_url("object", target, pk=entry.object_id, view="change")
        return Markup('<a href="{}">{}</a>').format(url, entry.object_repr)

    @display(description="What changed")
    def changes_text(self, entry: LogEntry) -> str:
        return "; ".join(f"{c.get('field')}: {c.get('old')} → {c.get('new')}"
                         for c in entry.changes) or "—"


site.register(LogEntry, LogEntryAdmin)
