"""Server-side sessions: the cookie carries only a signed random key.

    session = req.context.session
    session["cart"] = [3, 5]          # saved after the responder, cookie set
    session.cycle_key()               # new key, same data (done at login)
    session.flush()                   # gone, cookie deleted (done at logout)

Records live in the database (``SESSION_ENGINE = "db"``) or in the cache
(``"cache"``). Stores hold the SHA-256 of the key, never the key itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from rustforge.conf import settings

__all__ = ["TOUCH_EVERY", "Session", "SessionRecord", "get_backend", "hash_key", "new_key"]

# Sliding expiry writes a session at most once a minute, not on every request.
TOUCH_EVERY = dt.timedelta(seconds=60)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class SessionRecord:
    """What a backend stores for one session."""

    key_hash: str
    # The session's values; or, as loaded from the database, their JSON text,
    # decoded by ``decoded()`` when the session is first read or written.
    data: dict | str = field(default_factory=dict)
    user_id: Any = None
    created_at: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    ip: str = ""
    user_agent: str = ""
    # The user row, when the backend could load it with the session (db engine).
    user: Any = field(default=None, repr=False, compare=False)
    # When the backend checked the expiry at load time: the clock read of the
    # request, which the sliding expiry reuses (PERF: one read per request).
    checked_at: dt.datetime | None = field(default=None, repr=False, compare=False)

    @property
    def public_id(self) -> str:
        """What a user sees (and revokes by) in their session list."""
        return self.key_hash[:20]

    def fill(self, now: dt.datetime, ip: str, user_agent: str) -> None:
        """Before a save: what a record lacks (its start, the client's address
        and user agent) comes from this request."""
        self.created_at = self.created_at or now
        self.ip = self.ip or ip
        self.user_agent = self.user_agent or user_agent

    def decoded(self) -> dict:
        """A copy of the session's values (JSON text that is not an object: none)."""
        data = self.data
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                data = {}
            if not isinstance(data, dict):
                data = {}
            self.data = data
        return dict(data)


def get_backend():
    """The backend named by ``SESSION_ENGINE`` (``"db"`` or ``"cache"``)."""
    engine = settings.SESSION_ENGINE
    if engine == "db":
        from rustforge.contrib.auth.sessions.db import DatabaseBackend

        return DatabaseBackend()
    if engine == "cache":
        from rustforge.contrib.auth.sessions.cache import CacheBackend

        return CacheBackend()
    from rustforge.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SESSION_ENGINE must be 'db' or 'cache', not {engine!r}")


class Session(MutableMapping):
    """A dict-like session, loaded on first access and saved when modified.

    PERF: nothing is asked of the backend until something reads the session
    (``user_id`` fetches the record, the mapping decodes its values), and
    every attribute starts as a class default (see ``bound_to``).
    """

    key: str | None = None
    record: SessionRecord | None = None
    modified = False
    flushed = False
    # Set when the key changed: the old record must go and the cookie change.
    cycled = False
    _fetched = False  # the backend was asked for the record (or there was no key)
    _data: dict | None = None  # the values, once decoded

    def __init__(self, backend: Any, key: str | None = None) -> None:
        self.backend = backend
        self.key = key

    @classmethod
    def bound_to(cls, backend: Any) -> Callable[[], Session]:
        """A subclass whose sessions use ``backend``: ``new()`` is an empty
        session without a key, ``new(); s.key = key`` one with a key.

        PERF: a request without a session cookie (most anonymous ones) pays
        for its session object only in C, about half of what running
        ``__init__`` costs.
        """
        return type(cls.__name__, (cls,), {"backend": backend, "__init__": object.__init__,
                                           "__module__": cls.__module__})

    # Loading ---------------------------------------------------------------------------
    def _fetch(self) -> SessionRecord | None:
        """The stored record, asked of the backend once per request."""
        if not self._fetched:
            self._fetched = True
            if self.key:
                record = self.backend.load(hash_key(self.key))
                if record is None:
                    self.key = None  # unknown or expired: a new key is made on save
                else:
                    self.record = record
        return self.record

    def _load(self) -> dict:
        data = self._data
        if data is None:
            record = self._fetch()
            data = self._data = record.decoded() if record is not None else {}
        return data

    @property
    def user_id(self) -> Any:
        record = self._fetch()
        return record.user_id if record is not None else None

    @property
    def is_empty(self) -> bool:
        return not self.key and not self._load()

    # Mapping ---------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        return self._load()[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._load()[name] = value
        self.modified = True

    def __delitem__(self, name: str) -> None:
        del self._load()[name]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def get(self, name: str, default: Any = None) -> Any:
        # PERF: Mapping.get goes through __getitem__ and a KeyError when missing.
        return self._load().get(name, default)

    # Lifecycle ---------------------------------------------------------------------------
    def set_user(self, user_id: Any) -> None:
        self._fetch()
        if self.record is None:
            self.record = SessionRecord(key_hash="")
        if self.record.user_id != user_id:
            self.record.user = None
        self.record.user_id = user_id
        self.modified = True

    def cycle_key(self) -> None:
        """Keep the data under a fresh key; the old key stops working at once."""
        data = self._load()
        if self.key:
            self.backend.delete(hash_key(self.key))
        self.key = None
        self._data = data
        self.modified = True
        self.cycled = True

    def flush(self) -> None:
        """Delete the session everywhere; the cookie is removed on the response."""
        if self.key:
            self.backend.delete(hash_key(self.key))
        self.key = None
        self._fetched = True
        self._data = {}
        self.record = None
        self.modified = False
        self.flushed = True

    def save(self, ip: str = "", user_agent: str = "") -> None:
        """Write the session (making a key if it has none)."""
        data = self._load()
        if not self.key:
            self.key = new_key()
        now = utcnow()
        record = self.record or SessionRecord(key_hash="")
        record.key_hash = hash_key(self.key)
        record.data = data
        record.last_seen = now
        record.expires_at = now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        if self.cycled:
            record.created_at, record.ip, record.user_agent = now, ip[:45], user_agent[:255]
        else:
            record.fill(now, ip[:45], user_agent[:255])
        self.record = record
        self.backend.save(record)
        self.modified = False
        self.flushed = False


def utcnow() -> dt.datetime:
    from rustforge.contrib.auth.base_user import utcnow as _now

    return _now()
