"""Download file names: no path, header or quoting tricks survive.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> content_disposition('report"; x=1\\r\\nSet-Cookie: a=b.csv')
    'attachment; filename="report_x_1_Set-Cookie_a_b.csv"; filename*=UTF-8\\'\\'report_x_1_Set-Cookie_a_b.csv'
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 100
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_filename(wanted: str) -> str:
    """The last path part of ``wanted`` with only letters, digits, ``-``, ``_`` and ``.``;
    no leading dot, no extension kept (the format decides it); may be empty."""
    text = unicodedata.normalize("NFC", str(wanted))
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text).strip("._-")
    stem = text.rsplit(".", 1)[0] if "." in text else text
    return stem[:MAX_LENGTH].strip("._-")


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266)."""
    stem, dot, ext = name.rpartition(".")
    clean = safe_filename(stem if dot else name) or "export"
    full = f"{clean}.{_UNSAFE.sub('', ext)}" if dot else clean
    ascii_name = full.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full, safe='')}"
