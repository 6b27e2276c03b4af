"""Count the SQL statements a piece of code runs (N+1 detection).

    def test_list_is_not_n_plus_one(client, db, count_queries):
        with count_queries() as queries:
            client.get("/api/posts?include=author")
        assert len(queries) == 3, queries.statements

The statements run for real; they are only recorded on the way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest


class QueryLog(list):
    """The SQL strings run inside the block (``len()`` is the count)."""

    @property
    def statements(self) -> str:
        return "\n".join(self)


@contextlib.contextmanager
def capture_queries(database: Any = None) -> Iterator[QueryLog]:
    """Record every statement ``database`` (default: the project's) executes."""
    from rustforge.db import get_database

    db = database or get_database()
    log = QueryLog()
    original = db.execute_sql

    def recording(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        log.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = recording
    try:
        yield log
    finally:
        del db.execute_sql  # back to the class's method


@pytest.fixture
def count_queries(db):
    """``with count_queries() as q: ...`` then ``len(q)``."""
    return capture_queries
