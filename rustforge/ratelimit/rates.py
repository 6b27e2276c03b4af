"""Rates such as ``"100/m"``: how many hits per how long.

    >>> parse_rate("100/m")
    Rate(limit=100, period=60)
    >>> parse_rate("5/10s")
    Rate(limit=5, period=10)
    >>> parse_rate("1000/h").policy
    '1000;w=3600'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rustforge.exceptions import ImproperlyConfigured

_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
          "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


class Rate(NamedTuple):
    limit: int
    period: int

    @property
    def policy(self) -> str:
        """The ``RateLimit-Policy`` value: ``"<limit>;w=<seconds>"``."""
        return f"{self.limit};w={self.period}"


@lru_cache(maxsize=256)
def parse_rate(rate: str) -> Rate:
    """``"<count>/<unit>"`` or ``"<count>/<n><unit>"``; units s, m, h, d (or words)."""
    match = _RATE.match(rate.lower()) if isinstance(rate, str) else None
    unit = match and (_UNITS.get(match.group(3)) or _UNITS.get(match.group(3).rstrip("s")))
    if not match or not unit:
        raise ImproperlyConfigured(
            f"invalid rate {rate!r}: use '<count>/<unit>' such as '100/m', '5/s' or '20/10m'")
    limit, multiplier = int(match.group(1)), int(match.group(2) or 1)
    if limit < 1 or multiplier < 1:
        raise ImproperlyConfigured(f"invalid rate {rate!r}: count and period must be positive")
    return Rate(limit, multiplier * unit)
