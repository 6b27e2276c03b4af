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


def test_csv_values_read_the_same_on_every_database(db):
    """On PostgreSQL, CSV takes decimals, dates and datetimes as the server's text; they
    must read exactly like the Python values written on SQLite."""
    import csv
    import datetime
    import decimal
    import io

    from testproject.ledger.models import Entry

    from rustforge.contrib.export import Column, Exporter
    from rustforge.contrib.export.render import write

    class Times(Exporter):
        name = "times"
        model = Entry
        columns = ["amount", "booked_on", "created", "cleared"]

    Entry.create(description="t", amount=decimal.Decimal("-1234.50"),
                 booked_on=datetime.date(2026, 2, 3),
                 created=datetime.datetime(2026, 2, 3, 4, 5, 6), cleared=True)
    out = io.BytesIO()
    write(out, Times(), "csv", Times().select({}))
    rows = list(csv.reader(io.StringIO(out.getvalue().decode())))
    assert rows[1] == ["-1234.50", "2026-02-03", "2026-02-03 04:05:06", "true"]

    class Formatted(Times):
        name = "formatted"
        columns = [Column("amount", format=lambda a: a * 2), "created"]

    out = io.BytesIO()
    write(out, Formatted(), "csv", Formatted().select({}))
    assert out.getvalue().decode().splitlines()[1] == "-2469.00,2026-02-03 04:05:06"


def test_a_stream_runs_in_the_context_of_its_request(db):
    """The body is iterated after the middleware has left the request's ambient context
    (a tenant, say): the stream enters it again, through the job-context carriers."""
    import contextlib
    import contextvars

    from rustforge.contrib.export.render import in_transaction
    from rustforge.queue import context

    current = contextvars.ContextVar("probe", default=None)

    @contextlib.contextmanager
    def enter(value):
        token = current.set(value)
        try:
            yield
        finally:
            current.reset(token)

    seen = []

    def body():
        seen.append(current.get())
        yield b"x"

    context.register("probe", capture=current.get, enter=enter)
    try:
        token = current.set("tenant-a")
        streamed = in_transaction(body())  # in the responder
        current.reset(token)               # the middleware leaves the request
        assert list(streamed) == [b"x"]
    finally:
        context.unregister("probe")
    assert seen == ["tenant-a"] and current.get() is None
