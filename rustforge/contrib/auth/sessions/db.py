"""Sessions in the ``auth_session`` table (the embedded default)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peewee import JOIN, Case, fn

from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.auth.models import Session as SessionModel
from rustforge.contrib.auth.sessions import SessionRecord
from rustforge.db.compiled import CompiledQuery
from rustforge.db.conversions import HEX_DIGITS, instance_builder, literal_text

_new_record = object.__new__


def _record(row: Any) -> SessionRecord:
    """A record from a Session row; its data stays JSON text until the session reads it."""
    return SessionRecord(key_hash=row.key_hash, data=row.data, user_id=row.user_id,
                         created_at=row.created_at, last_seen=row.last_seen,
                         expires_at=row.expires_at, ip=row.ip, user_agent=row.user_agent)


# The Session columns every request with a session needs. The others are the
# key (the one looked up) and what only a session list or a save asks for:
# created_at, ip and user_agent, read when first asked for (StoredRecord).
_EAGER = ("data", "user", "last_seen", "expires_at")
_LAZY = ("created_at", "ip", "user_agent")


def _user_columns(user_model: Any) -> tuple[list, int | None]:
    """The user model's columns the lookup reads, and where its primary key
    goes back in (None: the key is read too).

    PERF: psycopg2 turns each column into a Python object (about 4,000
    instructions a column): the user's key is the session's ``user_id``
    whenever the join found the user, which a column that is never NULL
    tells (``username``), so the key itself is not read.
    """
    fields = user_model._meta.sorted_fields
    at = _position(fields, user_model._meta.primary_key)
    rest = [f for f in fields if f is not user_model._meta.primary_key]
    if at is None or not any(not f.null for f in rest):
        return list(fields), None
    return rest, at


def _position(fields: list, field: Any) -> int | None:
    # By identity: a field's == builds an expression, which is always true.
    return next((i for i, f in enumerate(fields) if f is field), None)


def _session_with_user(key_hash: Any) -> Any:
    user_model = SessionModel.user.rel_model
    columns, _ = _user_columns(user_model)
    return (SessionModel.select(*(getattr(SessionModel, name) for name in _EAGER), *columns)
            .join(user_model, JOIN.LEFT_OUTER,
                  on=(SessionModel.user == user_model._meta.primary_key))
            .where(SessionModel.key_hash == key_hash)
            .limit(1))


class _Lookup:
    """The session-and-user query of one pair of models, and how to read its row."""

    __slots__ = ("by_key", "marker", "models", "pk_at", "rest", "user")

    def __init__(self, session_model: Any, user_model: Any) -> None:
        self.models = (session_model, user_model)
        # PERF: the key hash (a hex digest, checked) is written into the
        # statement as psycopg2 would quote it, instead of psycopg2 adapting
        # a string parameter (about 8,000 instructions); the same statement.
        self.by_key = CompiledQuery(
            session_model, _session_with_user,
            converters=(literal_text(session_model.key_hash.db_value, 64, HEX_DIGITS),))
        columns, self.pk_at = _user_columns(user_model)
        # A user column that is NULL only when the join found no user: one
        # that is never NULL, or the key itself when it is read.
        if self.pk_at is None:
            found = _position(columns, user_model._meta.primary_key)
        else:
            found = next(i for i, f in enumerate(columns) if not f.null)
        # No key among the columns (a composite one): no user is built from the row.
        self.marker = None if found is None else len(_EAGER) + found
        self.rest = len(_EAGER)
        self.user = instance_builder(user_model)


class StoredRecord(SessionRecord):
    """A record as ``DatabaseBackend.load`` read it: ``created_at``, ``ip`` and
    ``user_agent`` are read from the table when first asked for (all three in
    one query), or left to the database when the record is saved unread.

    PERF: every request with a session reads its record; only the session
    list and a save need these three columns.
    """

    # The key hash the row was read by, and the model it lives in.
    _stored: tuple[str, Any]
    # Set by fill() on an unread record: (now, ip, user_agent) for the save to apply.
    pending_fill: tuple[dt.datetime, str, str] | None = None

    def _read_lazy(self) -> None:
        key_hash, model = self._stored
        row = (model.select(*(getattr(model, name) for name in _LAZY))
               .where(model.key_hash == key_hash).tuples().first())
        values = self.__dict__
        for name, value in zip(_LAZY, row or (None, "", "")):
            values.setdefault(name, value)
        self.pending_fill = None

    def fill(self, now: dt.datetime, ip: str, user_agent: str) -> None:
        values = self.__dict__
        if not any(name in values for name in _LAZY):
            self.pending_fill = (now, ip, user_agent)  # the save fills them in SQL
            return
        if not all(name in values for name in _LAZY):
            self._read_lazy()
        super().fill(now, ip, user_agent)


def _lazy_column(name: str) -> property:
    def get(record: StoredRecord) -> Any:
        values = record.__dict__
        if name not in values:
            record._read_lazy()
        return values[name]

    def set_(record: StoredRecord, value: Any) -> None:
        record.__dict__[name] = value

    return property(get, set_, doc=f"The session's ``{name}``, read on first access.")


for _name in _LAZY:
    setattr(StoredRecord, _name, _lazy_column(_name))


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
        data, user_id, seen, expires = row[:4]
        now = utcnow()
        if expires is None or expires <= now:
            return None
        # PERF: made without running the dataclass __init__ (whose lazy
        # columns would be set); the same attributes.
        record = _new_record(StoredRecord)
        record.__dict__.update(key_hash=key_hash, data=data, user_id=user_id, last_seen=seen,
                               expires_at=expires, user=None, checked_at=now,
                               _stored=(key_hash, Session))
        marker = lookup.marker
        if user_id is not None and marker is not None and row[marker] is not None:
            values = row[lookup.rest:]
            at = lookup.pk_at
            if at is not None:
                values = (*values[:at], user_id, *values[at:])
            record.user = lookup.user(values)
        return record

    def save(self, record: SessionRecord) -> None:
        Session = self.model
        values: dict[str, Any] = {
            "user": record.user_id, "data": json.dumps(record.data, default=str),
            "last_seen": record.last_seen, "expires_at": record.expires_at}
        pending = getattr(record, "pending_fill", None)
        if pending is None:
            values.update(created_at=record.created_at, ip=record.ip,
                          user_agent=record.user_agent)
            update = values
        else:
            # created_at, ip and user_agent were never read: the stored row keeps
            # its own and fills only what it lacks, as SessionRecord.fill would.
            now, ip, agent = pending
            values.update(created_at=now, ip=ip, user_agent=agent)
            update = {**values,
                      "created_at": fn.COALESCE(Session.created_at, now),
                      "ip": Case(None, [(Session.ip == "", ip)], Session.ip),
                      "user_agent": Case(None, [(Session.user_agent == "", agent)],
                                         Session.user_agent)}
        (Session.insert(key_hash=record.key_hash, **values)
         .on_conflict(conflict_target=[Session.key_hash], update=update).execute())
        if pending is not None:
            record.pending_fill = None  # type: ignore[attr-defined]

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
