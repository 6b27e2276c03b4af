"""``info.context`` of every resolver: the request, its user and token scopes.

Kept apart from ``execution`` (which needs graphql-core) so that apps can
import it while their ``graphql.py`` is discovered, before any schema is built.
"""

from __future__ import annotations

from typing import Any


class _Anonymous:
    is_authenticated = False
    is_staff = False
    is_superuser = False
    pk = id = None

    def has_perm(self, perm: str) -> bool:
        return False


class Context:
    """``info.context`` in every resolver: the request, its user and token scopes."""

    def __init__(self, req: Any = None, user: Any = None, scopes: Any = None) -> None:
        self.req = req
        self.user = user if user is not None else _Anonymous()
        # A frozenset for token-authenticated requests, None otherwise (CONTRACTS: scopes).
        self.scopes = frozenset(scopes) if scopes is not None else None
        self.authorized: set = set()   # types whose read check passed in this request

    @classmethod
    def from_request(cls, req: Any) -> Context:
        ctx = req.context
        return cls(req, ctx.get("user"), ctx.get("scopes"))
