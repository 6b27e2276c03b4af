"""Text a database cannot store: the one check every text input goes through.

PostgreSQL refuses a NUL character in ``text`` and ``jsonb`` (psycopg2 raises
``ValueError`` before the query is sent), and no UTF-8 database can store a
lone surrogate (``"\\ud800"``, which ``json.loads`` happily produces from
``"\\ud800"`` in a JSON body): the driver fails to encode it. Either way the
request would end in a 500, so text fields refuse such input with a field
error, and the auth views refuse it before they query or build cache keys.

    >>> unstorable_reason("Ada"), unstorable_reason("A\\x00da"), unstorable_reason("\\ud800")
    (None, 'Null characters are not allowed.', 'Unpaired surrogate characters are not allowed.')
    >>> unstorable_reason({"ok": ["fine", {"k\\x00": 1}]})
    'Null characters are not allowed.'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["NUL_MESSAGE", "SURROGATE", "SURROGATE_MESSAGE", "is_storable", "printable", "unstorable_reason"]

NUL_MESSAGE = "Null characters are not allowed."
SURROGATE_MESSAGE = "Unpaired surrogate characters are not allowed."

# A lone surrogate (also searched by the text fields' short path).
SURROGATE = re.compile("[\ud800-\udfff]")


def _text_reason(value: str) -> str | None:
    if "\x00" in value:
        return NUL_MESSAGE
    # PERF: ASCII text (the common case) cannot hold a surrogate; isascii() is O(1)
    # on CPython's compact strings, the regex scan only runs for the rest.
    if not value.isascii() and SURROGATE.search(value):
        return SURROGATE_MESSAGE
    return None


def unstorable_reason(value: Any) -> str | None:
    """Why ``value`` (a string, or JSON made of dicts, lists and scalars) cannot
    be stored as text, or None when it can."""
    if isinstance(value, str):
        return _text_reason(value)
    # A stack, not recursion: any nesting depth is checked without RecursionError.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            reason = _text_reason(item)
            if reason:
                return reason
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


def is_storable(value: Any) -> bool:
    """True when ``value`` holds no NUL and no lone surrogate."""
    return unstorable_reason(value) is None


def printable(text: str) -> str:
    """``text`` with NUL and lone surrogates replaced by U+FFFD, so that a
    page showing hostile input back (a form with its errors) can be encoded.

    >>> printable("a\\x00b\\ud800") == "a\\ufffdb\\ufffd"
    True
    """
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not text.isascii():
        text = SURROGATE.sub("\ufffd", text)
    return text
