"""Cache keys: project prefix, version, and hashing of keys memcached would reject.

memcached keys are at most 250 bytes of printable ASCII without whitespace.
Rather than raising on a user-supplied key (an e-mail address with a space, a
URL with non-ASCII characters), such keys are hashed, so any string is a valid
cache key on every backend:

    >>> make_key("user:1", prefix="site", version=1)
    'site:1:user:1'
    >>> make_key("a key with spaces", prefix="", version=1)[:8]
    ':1:h:4c7'
"""

from __future__ import annotations

import hashlib
from typing import Any

MAX_KEY_LENGTH = 250


def _is_safe(key: str) -> bool:
    # Printable ASCII only: no space, no control characters, nothing above 0x7e.
    return key.isascii() and all(33 <= ord(ch) <= 126 for ch in key)


def make_key(key: Any, *, prefix: str, version: int) -> str:
    """The key sent to the server for a user-level ``key``."""
    if not isinstance(key, str):
        if isinstance(key, bytes):
            key = key.decode("utf-8", "surrogateescape")
        else:
            key = str(key)
    full = f"{prefix}:{version}:{key}"
    if len(full) <= MAX_KEY_LENGTH and _is_safe(full):
        return full
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    hashed = f"{prefix}:{version}:h:{digest}"
    if len(hashed) > MAX_KEY_LENGTH or not _is_safe(hashed):
        # A pathological prefix: hash everything.
        hashed = "h:" + hashlib.sha256(full.encode("utf-8", "surrogateescape")).hexdigest()
    return hashed
