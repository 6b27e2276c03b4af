"""``Model.select()....count()`` counts with a plain ``COUNT(*)`` where that
gives peewee's number, and keeps peewee's subquery everywhere else."""

import logging

import peewee
import pytest
from testproject.notes.models import Note, Notebook

from rustforge.db import fastpath, get_database


@pytest.fixture
def notes(db):
    books = [Notebook.create(title=t) for t in ("a", "b", "c")]
    for n in range(7):
        Note.create(notebook=books[n % 2], text=f"note {n % 4}")
    return books


def _peewee_count(query, clear_limit=False):
    """peewee's own ``SelectBase.count``: the number every count must give."""
    return peewee.SelectBase.count.__wrapped__(query, get_database(), clear_limit)


def _queries(books):
    return {
        "all": Notebook.select(),
        "where": Note.select().where(Note.text == "note 1"),
        "ordered": Note.select().order_by(Note.text.desc()),
        "join": Note.select().join(Notebook).where(Notebook.title != "c"),
        "limit": Note.select().limit(3),
        "offset": Note.select().order_by(Note.id).offset(5),
        "distinct": Note.select().distinct(),
        "group by": Note.select().select(Note.notebook).group_by(Note.notebook),
        "having": Note.select().select(Note.notebook).group_by(Note.notebook).having(
            peewee.fn.COUNT(Note.id) > 3),
        "empty": Note.select().where(Note.notebook == books[2]),
    }


@pytest.mark.parametrize("clear_limit", [False, True])
def test_the_same_numbers_as_peewee(notes, clear_limit):
    for name, query in _queries(notes).items():
        assert query.count(clear_limit=clear_limit) == _peewee_count(query, clear_limit), name


def test_which_queries_are_counted_plainly(notes, caplog):
    caplog.set_level(logging.DEBUG, logger="peewee")
    sent = {}
    for name, query in _queries(notes).items():
        caplog.clear()
        query.count()
        sent[name] = [r.msg[0] for r in caplog.records if r.name == "peewee"]
    for name in ("all", "where", "ordered", "join", "empty"):
        assert len(sent[name]) == 1 and sent[name][0].startswith("SELECT COUNT(*) FROM "), name
        assert "_wrapped" not in sent[name][0] and "ORDER BY" not in sent[name][0]
        assert "LIMIT" not in sent[name][0]
    for name in ("limit", "offset", "distinct", "group by", "having"):
        assert '"_wrapped"' in sent[name][0], name


def test_counts_leave_the_query_as_it_was(notes):
    query = Note.select().where(Note.text == "note 1").order_by(Note.id)
    before = query.sql()
    assert query.count() == 2
    assert query.sql() == before
    assert [n.text for n in query] == ["note 1", "note 1"]


def test_clear_limit_counts_every_row(notes):
    assert Note.select().limit(2).count() == 2
    assert Note.select().limit(2).count(clear_limit=True) == 7
    assert "_wrapped" not in fastpath.count_query(Note.select().limit(2), True).sql()[0]


def test_for_update_keeps_the_subquery(notes):
    query = Note.select().where(Note.text == "note 2").for_update()
    counting = fastpath.count_query(query)
    assert type(counting) is peewee.Select  # peewee's wrapper around the query
    if not isinstance(get_database(), peewee.PostgresqlDatabase):
        return  # SQLite has no FOR UPDATE at all
    statement = get_database().get_sql_context().sql(counting).query()[0]
    assert '"_wrapped"' in statement and "FOR UPDATE" in statement
    with get_database().atomic():  # PostgreSQL refuses FOR UPDATE beside an aggregate
        assert query.count() == 2
