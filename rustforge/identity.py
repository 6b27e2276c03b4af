"""Who is asking: the canonical form of a username, and the signed-in user's key.

Username spelling
-----------------

One function, used wherever a username is stored, looked up or counted (the
user lookup at login, ``create_user``, ``createsuperuser`` and the login
throttle's key), so no spelling can reach an account under one form and be
counted under another:

* NFKC folds compatibility characters: full-width ``ａｄａ``, the ligature
  ``ﬁ``, superscripts;
* ``casefold()`` folds case, including ``ß`` -> ``ss`` and the Greek final
  sigma, which ``lower()`` leaves alone;
* NFKC again, because case folding can leave a string unnormalised;
* surrounding white space is dropped.

    >>> normalize_username("  ＡＤＡ ") == normalize_username("ada") == "ada"
    True
    >>> normalize_username("Straße") == normalize_username("STRASSE")
    True

The request's user
------------------
``request_user_key(req)`` is the signed-in user's primary key as text (None
for anonymous requests, or when no authentication middleware set
``req.context.user``). Per-user cache entries and per-user rate limits both
key on it, whatever the user model calls its primary key.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["normalize_username", "request_user_key"]


def normalize_username(username: str) -> str:
    """The canonical form of ``username`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", username).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def request_user_key(req: Any) -> str | None:
    """The signed-in user's primary key as text; None when anonymous."""
    user = getattr(req.context, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    key = getattr(user, "_pk", None)  # a peewee model's primary key, whatever its name
    if key is None:
        key = getattr(user, "id", None)
    return None if key is None else str(key)
