"""on_commit(), enqueue_on_commit() and on-commit receivers inside nested atomic() blocks.

A callback registered inside a savepoint that rolls back must never run, even
when the outer transaction commits; one registered in a released savepoint runs
with the outer commit.
"""

import pytest

from rustforge.db import atomic, on_commit
from rustforge.events import Signal


class Boom(Exception):
    pass


def test_callbacks_of_a_rolled_back_savepoint_are_dropped(transactional_db):
    ran = []
    with atomic():
        on_commit(lambda: ran.append("outer"))
        with pytest.raises(Boom), atomic():
            on_commit(lambda: ran.append("inner, rolled back"))
            raise Boom
        with atomic():
            on_commit(lambda: ran.append("inner, released"))
        assert ran == []
    assert ran == ["outer", "inner, released"]


def test_two_levels_of_nesting(transactional_db):
    ran = []
    with atomic():
        on_commit(lambda: ran.append(1))
        with atomic():
            on_commit(lambda: ran.append(2))
            with pytest.raises(Boom), atomic():
                on_commit(lambda: ran.append(3))
                raise Boom
            on_commit(lambda: ran.append(4))
        with pytest.raises(Boom), atomic():
            on_commit(lambda: ran.append(5))
            with atomic():  # released into a savepoint that then rolls back
                on_commit(lambda: ran.append(6))
            raise Boom
    assert ran == [1, 2, 4]


def test_manual_savepoint_rollback_keeps_earlier_callbacks(transactional_db):
    ran = []
    with atomic(), atomic() as sp:
        on_commit(lambda: ran.append("before"))
        sp.commit()  # release and start again: "before" is kept
        on_commit(lambda: ran.append("after"))
        sp.rollback()
    assert ran == ["before"]


def test_enqueue_on_commit_in_a_rolled_back_savepoint(jobs, transactional_db):
    from testproject.worklog.jobs import record

    with atomic():
        record.enqueue_on_commit("kept")
        with pytest.raises(Boom), atomic():
            record.enqueue_on_commit("dropped")
            raise Boom
    assert [j.args for j in jobs.jobs] == [("kept",)]


def test_receivers_in_a_rolled_back_savepoint(jobs, transactional_db):
    signal = Signal("savepoint-test")
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs["text"])

    signal.connect(receiver, on_commit=True)
    with atomic():
        signal.send(None, text="kept")
        with pytest.raises(Boom), atomic():
            signal.send(None, text="dropped")
            raise Boom
    assert seen == ["kept"]
