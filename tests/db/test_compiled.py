"""A query compiled once answers exactly what peewee answers, with new values each call."""

import datetime
import logging

import peewee
import pytest
from testproject.notes.models import Note, Notebook
from tests_helpers import sent

from rustforge.db.compiled import CompiledQuery


@pytest.fixture
def sql_log(caplog):
    caplog.set_level(logging.DEBUG, logger="peewee")

    def statements():
        return [r.msg for r in caplog.records if r.name == "peewee"]
    return statements


class CountingBuild:
    """``build(title, since)``: notes of a notebook, with the notebook joined."""

    def __init__(self):
        self.calls = 0

    def __call__(self, title, since):
        self.calls += 1
        return (Note.select(Note, Notebook).join(Notebook)
                .where((Notebook.title == title) & (Note.created >= since))
                .order_by(Note.id))


def compiled(build):
    return CompiledQuery(Note, build, converters=(Notebook.title.db_value,
                                                  Note.created.db_value))


def _notes(titles=("a", "b")):
    old = datetime.datetime(2020, 1, 1)
    for title in titles:
        book = Notebook.create(title=title)
        Note.create(notebook=book, text=f"{title} old", created=old)
        Note.create(notebook=book, text=f"{title} new", created=datetime.datetime(2024, 5, 1))


def test_built_once_and_run_with_new_values(db):
    _notes()
    build = CountingBuild()
    query = compiled(build)
    since = datetime.datetime(2023, 1, 1)
    assert [n.text for n in query.execute("a", since)] == ["a new"]
    assert [n.text for n in query.execute("b", datetime.datetime(2000, 1, 1))] == [
        "b old", "b new"]
    assert query.first("nobody", since) is None
    assert build.calls == 1  # compiled once; peewee would build three query objects


def test_same_sql_params_and_rows_as_peewee(db, sql_log):
    _notes()
    build = CountingBuild()
    since = datetime.datetime(2023, 1, 1)
    start = len(sql_log())
    fast = list(compiled(build).execute("a", since))
    slow = list(build("a", since))
    assert sent(sql_log()[start]) == sent(sql_log()[start + 1])  # the very same statement
    assert [type(n) for n in fast] == [Note]
    assert [n.__data__ for n in fast] == [n.__data__ for n in slow]
    # The joined notebook is where peewee puts it: no query to reach it.
    assert fast[0].__rel__["notebook"].__data__ == slow[0].notebook.__data__
    assert isinstance(fast[0].created, datetime.datetime)


def test_values_are_converted_like_the_field_does(db):
    _notes(("x",))
    # A date-time passed as the field would store it, and a title as given.
    query = compiled(CountingBuild())
    assert len(list(query.execute("x", datetime.datetime(2024, 1, 1)))) == 1


def test_setting_off_leaves_every_call_to_peewee(db, settings):
    _notes(("s",))
    build = CountingBuild()
    query = compiled(build)
    query.first("s", datetime.datetime(2000, 1, 1))
    settings.DATABASE_FAST_PATH = False
    assert query.first("s", datetime.datetime(2000, 1, 1)).text == "s old"
    assert query.first("s", datetime.datetime(2000, 1, 1)).text == "s old"
    assert build.calls == 3  # compiled once, then built by peewee on every call


def test_a_node_as_value_goes_through_peewee(db):
    _notes(("n",))
    build = CountingBuild()
    query = compiled(build)
    query.first("n", datetime.datetime(2000, 1, 1))
    rows = list(query.execute(peewee.fn.LOWER("N"), datetime.datetime(2000, 1, 1)))
    assert [r.text for r in rows] == ["n old", "n new"]
    assert build.calls == 2


def test_scoped_models_are_never_compiled(db, monkeypatch):
    _notes(("t",))
    monkeypatch.setattr(Notebook, "_scope_fields", ("title",), raising=False)
    build = CountingBuild()
    query = compiled(build)
    for _ in range(3):
        assert query.first("t", datetime.datetime(2000, 1, 1)).text == "t old"
    assert build.calls == 4  # one probe at compile time, then peewee each call


def test_another_database_compiles_again(db, tmp_path):
    _notes(("main",))
    build = CountingBuild()
    query = compiled(build)
    assert query.first("main", datetime.datetime(2000, 1, 1)) is not None
    other = peewee.SqliteDatabase(str(tmp_path / "other.db"))
    with other.bind_ctx([Note, Notebook]):
        other.create_tables([Notebook, Note])
        assert query.first("main", datetime.datetime(2000, 1, 1)) is None
    other.close()
    assert query.first("main", datetime.datetime(2000, 1, 1)) is not None
    assert build.calls == 3


def test_first_tuple_matches_peewee_tuples(db, settings):
    _notes(("p",))
    build = CountingBuild()
    query = compiled(build)
    since = datetime.datetime(2000, 1, 1)
    fast = query.first_tuple("p", since)
    assert fast == build("p", since).tuples().first()
    assert isinstance(fast[3], datetime.datetime)  # python_value applied (SQLite stores text)
    assert query.first_tuple("nobody", since) is None
    assert build.calls == 2
    settings.DATABASE_FAST_PATH = False
    assert query.first_tuple("p", since) == fast


def test_raw_rows_are_the_driver_rows_of_objects(db, settings, sql_log):
    _notes(("r", "q"))
    plain = CompiledQuery(Note, lambda since: Note.select().where(Note.created >= since)
                          .order_by(Note.id), converters=(Note.created.db_value,))
    since = datetime.datetime(2000, 1, 1)
    raw = plain.raw_rows(since)
    built = plain.objects(since)
    names = [f.name for f in Note._meta.sorted_fields]
    assert [dict(zip(names, (f.python_value(v) for f, v in zip(Note._meta.sorted_fields, row))))
            for row in raw] == [n.__data__ for n in built]
    assert sent(sql_log()[-1]) == sent(sql_log()[-2])
    start = len(sql_log())
    assert compiled(CountingBuild()).raw_rows("r", since) is None  # a join: not one model's rows
    settings.DATABASE_FAST_PATH = False
    assert plain.raw_rows(since) is None
    assert len(sql_log()) == start  # nothing run when the answer is None
