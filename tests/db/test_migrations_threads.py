"""Replaying migrations fakes the queries of its own thread only: another thread (a web
request, a job, a `migrate --tenants` worker) reaches the database meanwhile."""

import threading
from unittest import mock

import peewee
import pytest

from rustforge.db import get_database
from rustforge.db.migrations.state import fake_queries

pytestmark = pytest.mark.usefixtures("db")

# peewee's own execute_sql (the project's database takes a faster path of its own).
plain = peewee.SqliteDatabase(":memory:")


class Probe(peewee.Model):
    """A plain peewee model: its select() is the one the replay fakes."""


def test_a_replay_fakes_nothing_in_other_threads():
    originals = (peewee.Database.__dict__["execute_sql"], peewee.Model.__dict__["select"])
    inside, leave = threading.Event(), threading.Event()
    seen = {}

    def replay():
        with fake_queries():
            seen["rows"] = plain.execute_sql("SELECT 1").fetchall()
            seen["select"] = Probe.select()
            inside.set()
            leave.wait(30)

    thread = threading.Thread(target=replay)
    thread.start()
    try:
        assert inside.wait(30)
        # Meanwhile, in this thread: real SQL, real queries.
        assert plain.execute_sql("SELECT 40 + 2").fetchone() == (42,)
        assert get_database().execute_sql("SELECT 40 + 2").fetchone() == (42,)
        assert isinstance(Probe.select(), peewee.ModelSelect)
    finally:
        leave.set()
        thread.join(30)
    assert seen["rows"] == [] and isinstance(seen["select"], mock.MagicMock)
    assert (peewee.Database.__dict__["execute_sql"], peewee.Model.__dict__["select"]) == originals


def test_replays_in_two_threads_at_once_each_stay_fake_until_both_end():
    first_in, second_done, leave = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with fake_queries():
            first_in.set()
            assert second_done.wait(30)
            seen["first"] = plain.execute_sql("SELECT 1").fetchall()  # still fake
            leave.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert first_in.wait(30)
        with fake_queries():
            seen["second"] = plain.execute_sql("SELECT 1").fetchall()
        second_done.set()
        while "first" not in seen and thread.is_alive():
            thread.join(0.01)
        assert plain.execute_sql("SELECT 40 + 2").fetchone() == (42,)
    finally:
        second_done.set()
        leave.set()
        thread.join(30)
    assert seen == {"first": [], "second": []}
