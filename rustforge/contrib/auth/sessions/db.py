"""Sessions in the ``auth_session`` table (the embedded default)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peewee import JOIN

from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.auth.sessions import SessionRecord
from rustforge.db.compiled import CompiledQuery
from rustforge.db.conversions import instance_builder

# Sliding expiry writes at most once a minute per session, not on every request.
TOUCH_EVERY = dt.timedelta(seconds=60)


def _record(row: Any) -> SessionRecord:
    """A record from a Session row, or from a dict of its field values."""
    get: Any = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    try:
        data = json.loads(get("data"))
    except ValueError:
        data = {}
    user_id = get("user") if isinstance(row, dict) else row.user_id
    return SessionRecord(key_hash=get("key_hash"), data=data, user_id=user_id,
                         created_at=get("created_at"), last_seen=get("last_seen"),
                         expires_at=get("expires_at"), ip=get("ip"),
                         user_agent=get("user_agent"))


def _session_with_user(key_hash: Any, now: Any) -> Any:
    from rustforge.contrib.auth.models import Session

    user_model = Session.user.rel_model
    return (Session.select(Session, user_model)
            .join(user_model, JOIN.LEFT_OUTER, on=(Session.user == user_model._meta.primary_key))
            .where((Session.key_hash == key_hash) & (Session.expires_at > now))
            .limit(1))


class DatabaseBackend:
    def __init__(self) -> None:
        self._by_key: CompiledQuery | None = None
        self._by_key_for: tuple = ()

    @property
    def model(self):
        from rustforge.contrib.auth.models import Session

        return Session

    def load(self, key_hash: str) -> SessionRecord | None:
        # PERF: one query for the session and its user, so the request-user
        # middleware needs no second round trip; built and compiled once
        # (every logged-in request runs it), not per request, and read as
        # plain values rather than through peewee's join row mapping.
        Session = self.model
        user_model = Session.user.rel_model
        models = (Session, user_model)  # AUTH_USER_MODEL may be swapped in tests
        by_key = self._by_key
        if by_key is None or self._by_key_for != models:
            by_key = self._by_key = CompiledQuery(
                Session, _session_with_user,
                converters=(Session.key_hash.db_value, Session.expires_at.db_value))
            self._by_key_for = models
        row = by_key.first_tuple(key_hash, utcnow())
        if row is None:
            return None
        names = [f.name for f in Session._meta.sorted_fields]
        split = len(names)
        values = dict(zip(names, row[:split]))
        record = _record(values)
        if values["user"] is not None:
            record.user = instance_builder(user_model)(row[split:])
        return record

    def save(self, record: SessionRecord) -> None:
        Session = self.model
        values = {"user": record.user_id, "data": json.dumps(record.data, default=str),
                  "last_seen": record.last_seen, "expires_at": record.expires_at,
                  "created_at": record.created_at, "ip": record.ip,
                  "user_agent": record.user_agent}
        (Session.insert(key_hash=record.key_hash, **values)
         .on_conflict(conflict_target=[Session.key_hash], update=values).execute())

    def touch(self, record: SessionRecord, expires_at: dt.datetime) -> None:
        now = utcnow()
        if record.last_seen and now - record.last_seen < TOUCH_EVERY:
            return
        Session = self.model
        Session.update(last_seen=now, expires_at=expires_at).where(
            Session.key_hash == record.key_hash).execute()

    def delete(self, key_hash: str) -> None:
        Session = self.model
        Session.delete().where(Session.key_hash == key_hash).execute()

    def for_user(self, user_id: Any) -> list[SessionRecord]:
        Session = self.model
        rows = (Session.select().where((Session.user == user_id)
                                       & (Session.expires_at > utcnow()))
                .order_by(Session.last_seen.desc()))
        return [_record(row) for row in rows]

    def delete_for_user(self, user_id: Any, keep: str | None = None) -> int:
        Session = self.model
        query = Session.delete().where(Session.user == user_id)
        if keep:
            query = query.where(Session.key_hash != keep)
        return query.execute()

    def clear_expired(self) -> int:
        Session = self.model
        return Session.delete().where(Session.expires_at <= utcnow()).execute()
