"""Cache keys: project prefix, version, and hashing of keys memcached would reject.

memcached keys are at most 250 bytes of printable ASCII without whitespace.
Rather than raising on a user-supplied key (an e-mail address with a space, a
URL with non-ASCII characters), such keys are hashed, so any string is a valid
cache key on every backend:

    >>> make_key("user:1", prefix="site", version=1)
    'site:1:user:1'
    >>> make_key("a key with spaces", prefix="", version=1)[:8]
    ':1:h:4c7'

Key scopes: an app whose data is partitioned (tenancy) registers a function
returning the current partition's name, or None outside one. Every cache key
made while it returns a name lives under ``<prefix>@<name>``, so two tenants
never read each other's entries while code keeps writing ``cache.get("stats")``:

    add_key_scope(lambda: "acme")
    scoped_prefix("site")              # 'site@acme'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

MAX_KEY_LENGTH = 250

_scopes: list[Callable[[], str | None]] = []


def add_key_scope(scope: Callable[[], str | None]) -> None:
    """Register ``scope()`` (idempotent): the name of the current key space, or None."""
    if scope not in _scopes:
        _scopes.append(scope)


def remove_key_scope(scope: Callable[[], str | None]) -> None:
    if scope in _scopes:
        _scopes.remove(scope)


def scoped_prefix(prefix: str) -> str:
    """``prefix`` extended by the names the registered key scopes return now."""
    if not _scopes:  # PERF: the common case, one list test per key
        return prefix
    names = [name for name in (scope() for scope in _scopes) if name]
    return f"{prefix}@{'@'.join(names)}" if names else prefix


# Anything but printable ASCII: space, control characters, everything above 0x7e.
_UNSAFE = re.compile(r"[^\x21-\x7e]")


def _is_safe(key: str) -> bool:
    return _UNSAFE.search(key) is None


def make_key(key: Any, *, prefix: str, version: int) -> str:
    """The key sent to the server for a user-level ``key``."""
    if not isinstance(key, str):
        if isinstance(key, bytes):
            key = key.decode("utf-8", "surrogateescape")
        else:
            key = str(key)
    full = f"{prefix}:{version}:{key}"
    # Keys that look like a hashed key are hashed too, so no raw key can be
    # crafted to land on the hashed form of another (cache poisoning).
    if len(full) <= MAX_KEY_LENGTH and _is_safe(full) and not key.startswith("h:"):
        return full
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    hashed = f"{prefix}:{version}:h:{digest}"
    if len(hashed) > MAX_KEY_LENGTH or not _is_safe(hashed):
        # A pathological prefix: hash everything.
        hashed = "h:" + hashlib.sha256(full.encode("utf-8", "surrogateescape")).hexdigest()
    return hashed
