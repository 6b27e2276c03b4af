"""Relay-style connections: ``edges { cursor node }``, ``nodes``, ``pageInfo``,
paged forward with ``first`` and ``after``.

Rows are ordered by primary key and the cursor is that key (keyset paging:
stable under inserts, no OFFSET scans).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from rustforge.forms.errors import ValidationError

MAX_CURSOR_LENGTH = 200


class PageInfo:
    __slots__ = ("endCursor", "hasNextPage", "hasPreviousPage", "startCursor")

    def __init__(self, nodes: list, has_next: bool, has_previous: bool) -> None:
        self.hasNextPage = has_next
        self.hasPreviousPage = has_previous
        self.startCursor = encode_cursor(nodes[0]._pk) if nodes else None
        self.endCursor = encode_cursor(nodes[-1]._pk) if nodes else None


class Edge:
    __slots__ = ("node",)

    def __init__(self, node: Any) -> None:
        self.node = node

    @property
    def cursor(self) -> str:
        return encode_cursor(self.node._pk)


class Connection:
    """One page of rows; attribute names are the GraphQL field names."""

    __slots__ = ("has_next", "has_previous", "nodes")

    def __init__(self, nodes: list, has_next: bool, has_previous: bool) -> None:
        self.nodes = nodes
        self.has_next = has_next
        self.has_previous = has_previous

    @property
    def edges(self) -> list[Edge]:
        return [Edge(node) for node in self.nodes]

    @property
    def pageInfo(self) -> PageInfo:
        return PageInfo(self.nodes, self.has_next, self.has_previous)


def encode_cursor(key: Any) -> str:
    raw = json.dumps([key], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, clean: Any) -> Any:
    """The key in ``cursor``, cleaned by ``clean`` (the primary key's form field)."""
    from graphql import GraphQLError

    bad = GraphQLError("The cursor is not one this API handed out.",
                       extensions={"code": "BAD_USER_INPUT", "argument": "after"})
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise bad
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(values, list) or len(values) != 1:
        raise bad
    try:
        return clean(values[0])
    except (ValidationError, TypeError, ValueError):  # a forged cursor
        raise bad from None


def page_size(first: int | None) -> int:
    """``first`` checked against GRAPHQL_MAX_PAGE_SIZE (default: GRAPHQL_PAGE_SIZE)."""
    from rustforge.conf import settings

    if first is None:
        return settings.GRAPHQL_PAGE_SIZE
    top = settings.GRAPHQL_MAX_PAGE_SIZE
    if not 0 <= first <= top:
        from graphql import GraphQLError

        raise GraphQLError(f"first must be between 0 and {top}.",
                           extensions={"code": "BAD_USER_INPUT", "argument": "first"})
    return first
