"""Testing helpers: the in-process client (the fixtures live in ``plugin``)."""

from rustforge.testing.client import Client

__all__ = ["Client"]
