"""The connection lifecycle promised by rustforge.db: lazy, kept per thread,
no ping per request, open transactions rolled back at request end, dead
connections replaced. Runs on SQLite and on PostgreSQL."""

import os

import psycopg2
import pytest
from testproject.notes.models import Notebook

from rustforge.db import get_database
from rustforge.services import services


def _observer(url):
    """A separate PostgreSQL session that watches the application's session."""
    from rustforge.db.backends import parse_url

    _, name, kwargs = parse_url(url)
    conn = psycopg2.connect(dbname=name, **kwargs)
    conn.autocommit = True
    return conn


def test_a_route_without_queries_never_connects(client):
    services.reset("db")
    for _ in range(5):
        assert client.get("/").status_code == 200
    assert not services.is_created("db")


def test_nothing_connects_at_import_or_app_build(app):
    services.reset("db")
    _ = app.wrapped  # build the application: settings, apps, routes, templates
    assert not services.is_created("db")


def test_leaked_raw_transaction_is_rolled_back_at_request_end(client, transactional_db):
    response = client.post("/notes/leaky", json={"title": "leaked"})
    assert response.status_code == 200
    db = get_database()
    assert not db.in_transaction()
    if db.vendor == "sqlite":
        assert not db.connection().in_transaction
    else:
        assert db.connection().get_transaction_status() == 0  # idle
    assert not Notebook.select().where(Notebook.title == "leaked").exists()
    # The connection itself was kept and still works.
    assert client.post("/notes", json={"title": "kept"}).status_code == 201
    assert Notebook.get(Notebook.title == "kept")


def test_leaked_atomic_block_is_rolled_back_at_request_end(client, transactional_db):
    assert client.post("/notes/leaky-atomic", json={"title": "leaked"}).status_code == 200
    db = get_database()
    assert db.transaction_depth() == 0
    assert not Notebook.select().where(Notebook.title == "leaked").exists()


def test_connection_is_kept_across_requests(client, transactional_db):
    first = client.get("/notes/connection").json["backend"]
    for _ in range(5):
        assert client.get("/notes/connection").json["backend"] == first


@pytest.mark.sqlite_only
def test_no_statement_is_sent_for_requests_without_queries_sqlite(client, transactional_db):
    client.get("/notes/connection")
    statements = []
    get_database().connection().set_trace_callback(statements.append)
    try:
        for _ in range(20):
            assert client.get("/").status_code == 200
        assert statements == []  # no ping, no BEGIN/ROLLBACK, nothing
        client.get("/notes/connection")
        assert statements == ["SELECT 1"]
    finally:
        get_database().connection().set_trace_callback(None)


@pytest.mark.postgres_only
def test_no_statement_is_sent_for_requests_without_queries_postgres(
        client, transactional_db, test_database_url):
    backend = client.get("/notes/connection").json["backend"]
    watch = _observer(test_database_url)
    try:
        def activity():
            with watch.cursor() as cur:
                cur.execute("SELECT state_change, query FROM pg_stat_activity WHERE pid = %s",
                            (backend,))
                return cur.fetchone()

        before = activity()
        for _ in range(20):
            assert client.get("/").status_code == 200
        assert activity() == before  # the session saw no statement at all
        client.get("/notes/connection")
        assert activity() != before
    finally:
        watch.close()


@pytest.mark.postgres_only
def test_connection_killed_server_side_is_replaced(client, transactional_db, test_database_url):
    backend = client.get("/notes/connection").json["backend"]
    watch = _observer(test_database_url)
    try:
        with watch.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (backend,))
            assert cur.fetchone()[0] is True
    finally:
        watch.close()
    response = client.get("/notes/connection")
    assert response.status_code == 200
    assert response.json["backend"] != backend
    assert client.post("/notes", json={"title": "after the kill"}).status_code == 201


@pytest.mark.postgres_only
def test_connection_killed_inside_a_transaction_is_not_replayed(transactional_db,
                                                                test_database_url):
    import peewee

    db = get_database()
    backend = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with pytest.raises((peewee.OperationalError, peewee.InterfaceError)), db.atomic():
        Notebook.create(title="half done")
        watch = _observer(test_database_url)
        with watch.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (backend,))
        watch.close()
        Notebook.create(title="never replayed on a new connection")
    # The next statement outside a transaction gets a fresh connection.
    assert db.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != backend
    assert Notebook.select().count() == 0


def test_fork_child_never_uses_the_parents_connection(transactional_db):
    """The child of a fork gets its own connection; the parent's keeps working."""
    db = get_database()
    before = Notebook.create(title="parent").id
    parent_conn = db.connection()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            child_db = get_database()
            same = child_db.connection() is parent_conn
            count = Notebook.select().count()
            os.write(write, f"{int(same)} {count}".encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    result = os.read(read, 100).decode()
    os.close(read)
    assert result == "0 1", result
    # The parent's connection survived the child's exit.
    assert db.connection() is parent_conn
    assert Notebook.get_by_id(before).title == "parent"


def test_statements_keep_peewee_hooks_logging_and_errors(db, caplog):
    """The one-frame execute path behaves as peewee's: statements are logged,
    query hooks see them, driver errors arrive as peewee's exceptions."""
    import logging

    import peewee

    from rustforge.db import get_database

    database = get_database()
    caplog.set_level(logging.DEBUG, logger="peewee")
    assert database.execute_sql("SELECT 1").fetchone()[0] == 1
    assert ("SELECT 1", None) in [r.msg for r in caplog.records if r.name == "peewee"]
    seen = []
    database.query_hooks.append(lambda event: seen.append(event.sql))
    try:
        database.execute_sql("SELECT 2")
    finally:
        database.query_hooks.clear()
    assert seen == ["SELECT 2"]
    with pytest.raises(peewee.DatabaseError), database.atomic():
        database.execute_sql("SELECT * FROM no_such_table_here")


def test_a_kept_cursor_serves_statements_read_at_once(transactional_db):
    """``reuse_cursor=True`` runs on one cursor per connection on PostgreSQL
    (psycopg2's cursors hold their rows on the client) and on a new cursor
    on SQLite; a new connection, or a closed cursor, gets a new one."""
    import peewee

    db = get_database()
    first = db.execute_sql("SELECT 1", [], True)
    assert first.fetchone()[0] == 1
    second = db.execute_sql("SELECT 2", [], True)
    assert second.fetchone()[0] == 2
    assert db.execute_sql("SELECT 3", []) is not second  # the default: a new cursor
    if db.vendor == "sqlite":
        assert second is not first
        return
    assert second is first
    second.close()  # somebody closed it: replaced
    third = db.execute_sql("SELECT 4", [], True)
    assert third is not first and third.fetchone()[0] == 4
    with pytest.raises(peewee.ProgrammingError):  # a driver error leaves it usable
        db.execute_sql("SELECT * FROM no_such_table_here", [], True)
    assert db.execute_sql("SELECT 5", [], True).fetchone()[0] == 5
    db.discard_connection()  # a new connection: a new cursor
    fourth = db.execute_sql("SELECT 6", [], True)
    assert fourth is not third and fourth.fetchone()[0] == 6
    assert fourth.connection is db.connection()


def test_lookups_and_saves_between_the_rows_of_an_open_query(transactional_db):
    """The fast path's statements never run on a cursor someone still reads."""
    from rustforge.db.compiled import CompiledQuery

    books = [Notebook.create(title=f"book {i}") for i in range(4)]
    by_title = CompiledQuery(Notebook, lambda t: Notebook.select().where(Notebook.title > t)
                             .order_by(Notebook.id), converters=[Notebook.title.db_value])
    streams = [Notebook.select().order_by(Notebook.id).iterator(),
               iter(Notebook.select().order_by(Notebook.id).execute()),
               iter(by_title.execute(""))]
    for rows in streams:
        seen = []
        for row in rows:
            other = Notebook.get_by_id(books[-1 - len(seen)].id)
            other.title = other.title  # a save between two rows
            assert other.save() == 1
            assert by_title.scalar("") is not None and by_title.objects("book 2")
            seen.append(row.title)
        assert seen == [b.title for b in books]
