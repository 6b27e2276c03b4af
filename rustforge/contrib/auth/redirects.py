"""Where to send a browser after login: only ever somewhere on this site.

    >>> safe_next("/blog/?page=2")
    '/blog/?page=2'
    >>> [safe_next(u) for u in ("https://evil.example", "//evil.example", "/\\\\evil.example",
    ...                         "/\\t/evil.example", "javascript:alert(1)", "")]
    ['/', '/', '/', '/', '/', '/']
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def is_safe_path(url: str | None) -> bool:
    """True for a path on this site: ``/x`` but not ``//x``, ``/\\x``,
    a scheme, a host, control characters or whitespace tricks."""
    if not url or not isinstance(url, str) or len(url) > 2000:
        return False
    # Browsers drop tabs/newlines and read "\\" as "/": judge what they would see.
    if any(unicodedata.category(ch)[0] in ("C", "Z") and ch != " " for ch in url):
        return False
    if url != url.strip():
        return False
    seen = url.replace("\\", "/")
    if not seen.startswith("/") or seen.startswith("//"):
        return False
    parts = urlsplit(seen)
    return not parts.scheme and not parts.netloc


def safe_next(url: str | None, default: str = "/") -> str:
    """``url`` when it is a safe local path, else ``default``."""
    return url if url is not None and is_safe_path(url) else default
