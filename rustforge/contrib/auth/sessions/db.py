"""Sessions in the ``auth_session`` table (the embedded default)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peewee import JOIN

from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.auth.models import Session as SessionModel
from rustforge.contrib.auth.sessions import SessionRecord
from rustforge.db.compiled import CompiledQuery
from rustforge.db.conversions import instance_builder


def _record(row: Any) -> SessionRecord:
    """A record from a Session row; its data stays JSON text until the session reads it."""
    return SessionRecord(key_hash=row.key_hash, data=row.data, user_id=row.user_id,
                         created_at=row.created_at, last_seen=row.last_seen,
                         expires_at=row.expires_at, ip=row.ip, user_agent=row.user_agent)


def _session_with_user(key_hash: Any) -> Any:
    user_model = SessionModel.user.rel_model
    return (SessionModel.select(SessionModel, user_model)
            .join(user_model, JOIN.LEFT_OUTER,
                  on=(SessionModel.user == user_model._meta.primary_key))
            .where(SessionModel.key_hash == key_hash)
            .limit(1))


class _Lookup:
    """The session-and-user query of one pair of models, and how to read its row."""

    __slots__ = ("by_key", "models", "positions", "split", "user")

    def __init__(self, session_model: Any, user_model: Any) -> None:
        self.models = (session_model, user_model)
        self.by_key = CompiledQuery(session_model, _session_with_user,
                                    converters=(session_model.key_hash.db_value,))
        names = [f.name for f in session_model._meta.sorted_fields]
        self.positions = tuple(names.index(name) for name in _COLUMNS)
        self.split = len(names)
        self.user = instance_builder(user_model)


# The Session columns a record is made of, in SessionRecord's order.
_COLUMNS = ("key_hash", "data", "user", "created_at", "last_seen", "expires_at", "ip",
            "user_agent")


class DatabaseBackend:
    def __init__(self) -> None:
        self._lookup: _Lookup | None = None

    model = SessionModel

    def load(self, key_hash: str) -> SessionRecord | None:
        # PERF: one query for the session and its user, so the request-user
        # middleware needs no second round trip; built and compiled once
        # (every logged-in request runs it), not per request, and read as
        # plain values rather than through peewee's join row mapping. The
        # expiry is checked here rather than in SQL: the key (unique) finds
        # the row either way, and a date parameter costs psycopg2 more to
        # write into the statement than the comparison costs in Python.
        Session = self.model
        lookup = self._lookup
        if lookup is None or lookup.models != (Session, Session.user.rel_model):
            # AUTH_USER_MODEL may be swapped in tests
            lookup = self._lookup = _Lookup(Session, Session.user.rel_model)
        row = lookup.by_key.first_tuple(key_hash)
        if row is None:
            return None
        key, data, user_id, created, seen, expires, ip, agent = map(row.__getitem__,
                                                                    lookup.positions)
        if expires is None or expires <= utcnow():
            return None
        record = SessionRecord(key, data, user_id, created, seen, expires, ip, agent)
        if user_id is not None:
            record.user = lookup.user(row[lookup.split:])
        return record

    def save(self, record: SessionRecord) -> None:
        Session = self.model
        values = {"user": record.user_id, "data": json.dumps(record.data, default=str),
                  "last_seen": record.last_seen, "expires_at": record.expires_at,
                  "created_at": record.created_at, "ip": record.ip,
                  "user_agent": record.user_agent}
        (Session.insert(key_hash=record.key_hash, **values)
         .on_conflict(conflict_target=[Session.key_hash], update=values).execute())

    def touch(self, record: SessionRecord, now: dt.datetime, expires_at: dt.datetime) -> None:
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
