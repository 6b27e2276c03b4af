"""``settings.RATELIMITS`` entries, validated (no falcon import: checks use this)."""

from __future__ import annotations

from typing import Any

from rustforge.exceptions import ImproperlyConfigured
from rustforge.ratelimit.keys import validate_key
from rustforge.ratelimit.rates import parse_rate


class Rule:
    """One entry of ``settings.RATELIMITS``, validated."""

    __slots__ = ("key", "methods", "name", "paths", "rate")

    def __init__(self, name: str, spec: dict) -> None:
        if not isinstance(spec, dict) or "rate" not in spec:
            raise ImproperlyConfigured(f"RATELIMITS[{name!r}] needs at least a 'rate'")
        unknown = set(spec) - {"rate", "key", "paths", "methods"}
        if unknown:
            raise ImproperlyConfigured(
                f"RATELIMITS[{name!r}]: unknown option(s) {', '.join(sorted(unknown))}")
        self.name = name
        self.rate = parse_rate(spec["rate"])
        self.key = spec.get("key", "ip")
        validate_key(self.key)
        self.paths = tuple(spec.get("paths") or ("/",))
        self.methods = frozenset(m.upper() for m in spec.get("methods") or ()) or None

    def matches(self, req: Any) -> bool:
        return ((self.methods is None or req.method in self.methods)
                and req.path.startswith(self.paths))
