"""Reading a query's rows in chunks, with memory that does not grow with the row count.

PostgreSQL: a server-side cursor (``DECLARE ... CURSOR`` and ``FETCH FORWARD``
in chunks). peewee keeps psycopg2 in autocommit mode and issues ``BEGIN``
itself, and psycopg2 refuses its own named cursors in autocommit mode, so the
cursor is declared with plain SQL. Inside a transaction it is an ordinary
cursor that lives until the transaction ends; outside one it is declared
``WITH HOLD`` (the server keeps the result after the implicit commit) so that
a background job can commit its progress while it reads.

SQLite: the sqlite3 cursor already steps through the result lazily.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from rustforge.db import get_database

CHUNK_SIZE = 2000
_names = itertools.count(1)


def iter_chunks(query: Any, chunk_size: int = CHUNK_SIZE) -> Iterator[list[tuple]]:
    """Lists of at most ``chunk_size`` raw row tuples of ``query`` (a peewee query)."""
    database = get_database()
    sql, params = query.sql()
    if getattr(database, "vendor", "") == "postgresql":
        yield from _postgres_chunks(database, sql, params, chunk_size)
        return
    cursor = database.execute_sql(sql, params)
    try:
        while rows := cursor.fetchmany(chunk_size):
            yield rows
    finally:
        cursor.close()


def _postgres_chunks(database: Any, sql: str, params: Any,
                     chunk_size: int) -> Iterator[list[tuple]]:
    name = f"rf_export_{next(_names)}"
    hold = "" if database.in_transaction() else " WITH HOLD"
    # The name is ours (a counter) and the query is peewee's parametrised SQL.
    database.execute_sql(f"DECLARE {name} NO SCROLL CURSOR{hold} FOR {sql}", params)
    fetch = f"FETCH FORWARD {int(chunk_size)} FROM {name}"
    try:
        while True:
            cursor = database.execute_sql(fetch)
            rows = cursor.fetchall()
            cursor.close()
            if not rows:
                return
            yield rows
    finally:
        # A rolled-back transaction has dropped the cursor already.
        with contextlib.suppress(Exception):
            if hold or database.in_transaction():
                database.execute_sql(f"CLOSE {name}").close()
