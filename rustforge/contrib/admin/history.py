"""Writing the history: what changed, by whom, on which row."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import peewee

from rustforge.contrib.admin.models import ADDITION, CHANGE, DELETION, RESTORE, LogEntry

# Values longer than this are cut in the history (a body of text is not copied whole).
VALUE_LIMIT = 200


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, peewee.Model):
        value = value._pk
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT - 1] + "…"


def snapshot(obj: Any, names: list[str]) -> dict[str, Any]:
    """The raw values of ``names`` (foreign keys as keys), to diff after a save."""
    return {name: obj.__data__.get(name) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for name, old in before.items():
        new = after.get(name)
        if _shown(old) != _shown(new):
            out.append({"field": name, "old": _shown(old), "new": _shown(new)})
    return out


def name_related(model: type[peewee.Model], changes: list[dict[str, str]]) -> None:
    """Show changed foreign keys by the rows' names ("Essays (#2)"), not bare keys;
    one query per changed foreign key."""
    for change in changes:
        field = model._meta.fields.get(change["field"])
        if not isinstance(field, peewee.ForeignKeyField):
            continue
        for side in ("old", "new"):
            key = change[side]
            if not key:
                continue
            row = field.rel_model.select().where(
                field.rel_field == field.rel_field.python_value(key)).first()
            if row is not None:
                change[side] = _shown(f"{row} (#{key})")


def log(req: Any, model_admin: Any, obj: Any, flag: int,
        changes: list[dict[str, str]] | None = None) -> LogEntry:
    user = req.context.user
    return LogEntry.create(
        user_key=str(user._pk) if getattr(user, "_pk", None) is not None else None,
        username=getattr(user, "username", "")[:150],
        app_label=model_admin.app_label, model_name=model_admin.model_name,
        object_id=str(obj._pk)[:64], object_repr=str(obj)[:200], action_flag=flag,
        change_message=json.dumps(changes or []))


def log_addition(req: Any, model_admin: Any, obj: Any,
                 changes: list[dict[str, str]] | None = None) -> LogEntry:
    return log(req, model_admin, obj, ADDITION, changes)


def log_change(req: Any, model_admin: Any, obj: Any, changes: list[dict[str, str]]) -> LogEntry:
    return log(req, model_admin, obj, CHANGE, changes)


def log_deletion(req: Any, model_admin: Any, obj: Any) -> LogEntry:
    return log(req, model_admin, obj, DELETION)


def log_restore(req: Any, model_admin: Any, obj: Any) -> LogEntry:
    return log(req, model_admin, obj, RESTORE)


def object_history(model_admin: Any, object_id: Any, limit: int = 200) -> list[LogEntry]:
    return list(LogEntry.select().where(
        (LogEntry.app_label == model_admin.app_label)
        & (LogEntry.model_name == model_admin.model_name)
        & (LogEntry.object_id == str(object_id)))
        .order_by(LogEntry.action_time.desc(), LogEntry.id.desc()).limit(limit))


def recent_actions(user: Any, limit: int = 10) -> list[LogEntry]:
    return list(LogEntry.select().where(LogEntry.user_key == str(user._pk))
                .order_by(LogEntry.action_time.desc(), LogEntry.id.desc()).limit(limit))
