"""Sessions in the cache (``SESSION_ENGINE = "cache"``), e.g. memcached.

Each session is one cache entry that expires by itself; a per-user index
entry lists the user's session hashes so they can be listed and revoked.
A cache eviction logs the user out, which is the trade-off of this engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rustforge.conf import settings
from rustforge.contrib.auth.base_user import utcnow
from rustforge.contrib.auth.sessions import SessionRecord

_FIELDS = ("data", "user_id", "created_at", "last_seen", "expires_at", "ip", "user_agent")


def _cache():
    from rustforge.cache import caches

    return caches[settings.SESSION_CACHE_ALIAS]


def _key(key_hash: str) -> str:
    return f"auth:session:{key_hash}"


def _index(user_id: Any) -> str:
    return f"auth:user-sessions:{user_id}"


def _pack(record: SessionRecord) -> dict:
    packed = {name: getattr(record, name) for name in _FIELDS}
    for name in ("created_at", "last_seen", "expires_at"):
        packed[name] = packed[name].isoformat() if packed[name] else None
    return packed


def _unpack(key_hash: str, packed: dict) -> SessionRecord:
    values = dict(packed)
    for name in ("created_at", "last_seen", "expires_at"):
        values[name] = dt.datetime.fromisoformat(values[name]) if values.get(name) else None
    return SessionRecord(key_hash=key_hash, **values)


class CacheBackend:
    def load(self, key_hash: str) -> SessionRecord | None:
        packed = _cache().get(_key(key_hash))
        if not isinstance(packed, dict):
            return None
        record = _unpack(key_hash, packed)
        now = record.checked_at = utcnow()  # reused by the sliding expiry
        if record.expires_at and record.expires_at <= now:
            return None
        return record

    def save(self, record: SessionRecord) -> None:
        cache = _cache()
        timeout = settings.SESSION_COOKIE_AGE
        cache.set(_key(record.key_hash), _pack(record), timeout=timeout)
        if record.user_id is not None:
            index = list(cache.get(_index(record.user_id)) or [])
            if record.key_hash not in index:
                index.append(record.key_hash)
                cache.set(_index(record.user_id), index, timeout=timeout)

    def touch(self, record: SessionRecord, now: dt.datetime, expires_at: dt.datetime) -> None:
        record.last_seen, record.expires_at = now, expires_at
        _cache().set(_key(record.key_hash), _pack(record), timeout=settings.SESSION_COOKIE_AGE)

    def delete(self, key_hash: str) -> None:
        _cache().delete(_key(key_hash))

    def for_user(self, user_id: Any) -> list[SessionRecord]:
        cache = _cache()
        index = list(cache.get(_index(user_id)) or [])
        found = cache.get_many([_key(h) for h in index]) if index else {}
        records = [_unpack(h, found[_key(h)]) for h in index if isinstance(found.get(_key(h)), dict)]
        records = [r for r in records if r.user_id == user_id and
                   (r.expires_at is None or r.expires_at > utcnow())]
        live = [r.key_hash for r in records]
        if live != index:
            cache.set(_index(user_id), live, timeout=settings.SESSION_COOKIE_AGE)
        return sorted(records, key=lambda r: r.last_seen or utcnow(), reverse=True)

    def delete_for_user(self, user_id: Any, keep: str | None = None) -> int:
        cache = _cache()
        index = list(cache.get(_index(user_id)) or [])
        doomed = [h for h in index if h != keep]
        for key_hash in doomed:
            cache.delete(_key(key_hash))
        cache.set(_index(user_id), [h for h in index if h == keep],
                  timeout=settings.SESSION_COOKIE_AGE)
        return len(doomed)

    def clear_expired(self) -> int:
        return 0  # the cache expires entries by itself
