"""Rows come from a server-side cursor on PostgreSQL, chunk by chunk, and it is closed after."""

import pytest

from rustforge.contrib.export.rows import iter_chunks


def open_cursors(database):
    return [row[0] for row in database.execute_sql(
        "SELECT name FROM pg_cursors WHERE name LIKE %s", ["rf_export_%"]).fetchall()]


def make_entries(count):
    from testproject.ledger.models import Entry

    Entry.insert_many([{"description": f"E{n}", "amount": n, "booked_on": "2026-01-01"}
                       for n in range(count)]).execute()
    return Entry.select(Entry.id, Entry.description).order_by(Entry.id)


@pytest.mark.postgres_only
def test_named_cursor_inside_a_transaction(db):
    query = make_entries(25)
    chunks = iter_chunks(query, chunk_size=10)
    first = next(chunks)
    assert len(first) == 10
    assert len(open_cursors(db)) == 1  # the rest waits on the server
    rest = list(chunks)
    assert [len(c) for c in rest] == [10, 5]
    assert open_cursors(db) == []


@pytest.mark.postgres_only
def test_held_cursor_outside_a_transaction_survives_commits(transactional_db):
    from testproject.ledger.models import Entry

    query = make_entries(25)
    assert not transactional_db.in_transaction()
    chunks = iter_chunks(query, chunk_size=10)
    next(chunks)
    # A background job commits its progress between chunks: the WITH HOLD cursor lives on.
    Entry.update(memo="progress").where(Entry.id == 1).execute()
    assert [len(c) for c in chunks] == [10, 5]
    assert open_cursors(transactional_db) == []


@pytest.mark.postgres_only
def test_abandoned_stream_closes_its_cursor(db):
    chunks = iter_chunks(make_entries(25), chunk_size=10)
    next(chunks)
    chunks.close()  # the client went away
    assert open_cursors(db) == []


def test_sqlite_or_postgres_gives_every_row_once(db):
    rows = [row for chunk in iter_chunks(make_entries(2345), chunk_size=1000) for row in chunk]
    assert len(rows) == 2345 and len({row[0] for row in rows}) == 2345
