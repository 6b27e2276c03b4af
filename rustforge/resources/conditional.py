"""Conditional requests on ``ModelResource`` items: ``ETag``, ``If-None-Match``, ``If-Match``.

Every item response carries an ``ETag``: a digest of the row's stored
columns, so it changes whenever the row does. A client that sends it back

* in ``If-None-Match`` on ``GET`` gets ``304 Not Modified`` (no body) while the
  row is unchanged;
* in ``If-Match`` on ``PUT``/``PATCH``/``DELETE`` (and restore) gets
  ``412 Precondition Failed`` if somebody changed the row in between, instead
  of silently overwriting their change.

The comparison and the write happen under a row lock (``SELECT ... FOR
UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two clients
holding the same ETag cannot both win. ``require_if_match = True`` on a
resource makes the header mandatory on writes (``428`` without it).

The ETag identifies the row's own columns: a computed field reading other
tables, or an ``?include=``d related row, does not change it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import falcon
import peewee


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def etag_for(obj: peewee.Model) -> str:
    """The strong ETag (quoted) of ``obj``'s stored columns."""
    data = obj.__data__
    names = sorted(obj._meta.fields)
    blob = json.dumps([[n, _plain(data.get(n))] for n in names], default=str,
                      separators=(",", ":"))
    return '"' + hashlib.sha256(blob.encode()).hexdigest()[:32] + '"'


def stored_etag(obj: peewee.Model) -> str:
    """The ETag of ``obj`` as stored (read again: after a write, the values in
    memory may differ in type or scale from what a later read returns)."""
    model = type(obj)
    select = getattr(model, "with_deleted", model.select)
    fresh = select().where(model._meta.primary_key == obj._pk).first()
    return etag_for(fresh if fresh is not None else obj)


def _bare(tag: str) -> str:
    return tag.strip().removeprefix("W/").strip('"')


def not_modified(req: falcon.Request, etag: str) -> bool:
    """``If-None-Match`` matches (weak comparison, ``*`` included)."""
    header = req.get_header("If-None-Match")
    if not header:
        return False
    tags = [t for t in header.split(",") if t.strip()]
    return any(t.strip() == "*" or _bare(t) == _bare(etag) for t in tags)


def check_if_match(req: falcon.Request, obj: peewee.Model, *, required: bool) -> None:
    """412 when ``If-Match`` does not name ``obj``'s current ETag (strong comparison)."""
    header = req.get_header("If-Match")
    if not header:
        if required:
            raise falcon.HTTPPreconditionRequired(
                title="Precondition required",
                description="Send If-Match with the ETag of the row you read, so a change "
                            "made meanwhile by somebody else is not overwritten.")
        return
    current = etag_for(obj)
    tags = [t.strip() for t in header.split(",") if t.strip()]
    # Strong comparison (RFC 9110): a weak tag never matches.
    if any(t == "*" or (not t.startswith("W/") and t == current) for t in tags):
        return
    raise falcon.HTTPPreconditionFailed(
        title="Precondition failed",
        description="The row was changed since you read it (If-Match does not name its "
                    "current ETag). Fetch it again, then retry.",
        headers={"ETag": current})


def _resolved(db: Any) -> Any:
    resolve = getattr(db, "_resolve", None)
    return resolve() if resolve is not None else getattr(db, "obj", db)


@contextlib.contextmanager
def write_transaction(model: type[peewee.Model]) -> Iterator[bool]:
    """A transaction for read-check-write; yields True when rows should be
    selected ``FOR UPDATE`` (PostgreSQL). On SQLite the transaction takes the
    write lock at once (``BEGIN IMMEDIATE``) when it is the outermost one."""
    db = _resolved(model._meta.database)
    if isinstance(db, peewee.SqliteDatabase) and not db.in_transaction():
        with db.atomic(lock_type="IMMEDIATE"):
            yield False
        return
    with db.atomic():
        yield bool(getattr(db, "for_update", False))
