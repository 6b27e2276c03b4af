"""GraphQL test fixtures.

    def test_posts(graphql_query, db):
        result = graphql_query("{ posts { nodes { title } } }")
        assert result.status_code == 200
        assert result.json["data"]["posts"]["nodes"] == []
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def graphql_query(client: Any) -> Callable[..., Any]:
    """``graphql_query(query, variables=None, operation_name=None, headers=None)``:
    a POST to ``/graphql`` through the test ``client``; the response."""

    def send(query: str, variables: dict | None = None, operation_name: str | None = None,
             headers: dict | None = None, path: str = "/graphql") -> Any:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        return client.post(path, json=body, headers=headers or {})

    return send
