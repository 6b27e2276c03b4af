"""The admin's history: one ``LogEntry`` per addition, change, deletion or restore.

    LogEntry.select().where(LogEntry.app_label == "blog", LogEntry.object_id == "3")

The user is kept by key and name (not a foreign key), so the history of a
row outlives the account that changed it.
"""

from __future__ import annotations

import json
from typing import Any

from peewee import CharField, DateTimeField, SmallIntegerField, TextField

from rustforge.contrib.auth.base_user import utcnow
from rustforge.db import Model

ADDITION, CHANGE, DELETION, RESTORE = 1, 2, 3, 4
FLAGS = {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted", RESTORE: "Restored"}


class LogEntry(Model):
    action_time = DateTimeField(default=utcnow, index=True)
    user_key = CharField(max_length=64, null=True, index=True)
    username = CharField(max_length=150, default="")
    app_label = CharField(max_length=100)
    model_name = CharField(max_length=100)
    object_id = CharField(max_length=64)
    object_repr = CharField(max_length=200)
    action_flag = SmallIntegerField(choices=list(FLAGS.items()))
    # JSON: [{"field": ..., "old": ..., "new": ...}, ...] for a change.
    change_message = TextField(default="[]")

    class Meta:
        indexes = ((("app_label", "model_name", "object_id"), False),)

    @property
    def action(self) -> str:
        return FLAGS.get(self.action_flag, "?")

    @property
    def changes(self) -> list[dict[str, Any]]:
        try:
            value = json.loads(self.change_message or "[]")
        except ValueError:
            return []
        return value if isinstance(value, list) else []

    def __str__(self) -> str:
        return f"{self.action} {self.app_label}.{self.model_name} {self.object_repr}"
