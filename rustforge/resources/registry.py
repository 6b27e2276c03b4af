"""Resource classes by name, for ``Nested("BookResource")`` (mutual nesting).

Its own module below both ``fields`` (which looks names up) and ``resource``
(whose metaclass registers every class), so neither imports the other.
"""

from __future__ import annotations

from rustforge.exceptions import ImproperlyConfigured

_REGISTRY: dict[str, type] = {}


def register(name: str, cls: type) -> None:
    """Record ``cls`` under ``name``; the latest definition wins (a shell re-defining it)."""
    _REGISTRY[name] = cls


def lookup(name: str) -> type:
    """The Resource class called ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ImproperlyConfigured(f"Nested({name!r}): no resource class of that name") from None
