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
# numeric, date, timestamp, timestamptz
_TEXT_OIDS = (1700, 1082, 1114, 1184)
_names = itertools.count(1)


def iter_chunks(query: Any, chunk_size: int = CHUNK_SIZE, *,
                server_text: bool = False) -> Iterator[list[tuple]]:
    """Lists of at most ``chunk_size`` raw row tuples of ``query`` (a peewee query).

    ``server_text``: on PostgreSQL, numeric, date and timestamp values come as
    the server's text (``7572.50``, ``2026-01-02 03:04:05``) instead of
    Decimal and datetime objects. PERF: for CSV that is what would be written
    anyway, and parsing then printing them again is most of a row's cost.
    """
    database = get_database()
    sql, params = query.sql()
    if getattr(database, "vendor", "") == "postgresql":
        yield from _postgres_chunks(database, sql, params, chunk_size, server_text)
        return
    cursor = database.execute_sql(sql, params)
    try:
        while rows := cursor.fetchmany(chunk_size):
            yield rows
    finally:
        cursor.close()


def _text_cursor(database: Any) -> Any:
    import psycopg2.extensions as ext

    cursor = database.cursor()
    as_text = ext.new_type(_TEXT_OIDS, "RF_EXPORT_TEXT", lambda value, cur: value)
    ext.register_type(as_text, cursor)
    return cursor


def _postgres_chunks(database: Any, sql: str, params: Any, chunk_size: int,
                     server_text: bool = False) -> Iterator[list[tuple]]:
    name = f"rf_export_{next(_names)}"
    hold = "" if database.in_transaction() else " WITH HOLD"
    # The name is ours (a counter) and the query is peewee's parametrised SQL.
    database.execute_sql(f"DECLARE {name} NO SCROLL CURSOR{hold} FOR {sql}", params)
    fetch = f"FETCH FORWARD {int(chunk_size)} FROM {name}"
    # The DECLARE above went through execute_sql (and its checks); the fetches
    # of a text cursor use the connection's cursor directly.
    text_cursor = _text_cursor(database) if server_text else None
    try:
        while True:
            if text_cursor is not None:
                text_cursor.execute(fetch)
                rows = text_cursor.fetchall()
            else:
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
        if text_cursor is not None:
            text_cursor.close()
