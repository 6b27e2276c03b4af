"""The fast path's shortcuts (pk lookups and saves in one frame, the query
log's level read from the logger's cache) behave like the general path and
like peewee."""

import logging

import peewee
import pytest
from testproject.notes.models import Note, Notebook

from rustforge.db import fastpath, get_database
from rustforge.events import signals


def _general_get(model, pk):
    """get_by_id() through the plan (no shortcut in FastPathMixin.get_by_id)."""
    return fastpath.get_by_id(model, pk)


def test_lookup_shortcut_matches_the_general_path(db):
    book = Notebook.create(title="frames")
    fast, general = Notebook.get_by_id(book.id), _general_get(Notebook, book.id)
    assert fast.__data__ == general.__data__ and fast._dirty == general._dirty == set()
    with pytest.raises(Notebook.DoesNotExist) as fast_error:
        Notebook.get_by_id(987654)
    with pytest.raises(Notebook.DoesNotExist) as general_error:
        _general_get(Notebook, 987654)
    assert str(fast_error.value) == str(general_error.value)


def test_lookup_shortcut_follows_the_database_the_model_is_bound_to(db, tmp_path):
    book = Notebook.create(title="bound")
    assert Notebook.get_by_id(book.id).title == "bound"  # the plan is compiled now
    other = peewee.SqliteDatabase(str(tmp_path / "other.db"))
    with other.bind_ctx([Notebook]):
        other.create_tables([Notebook])
        Notebook.create(id=book.id, title="elsewhere")
        assert Notebook.get_by_id(book.id).title == "elsewhere"
    assert Notebook.get_by_id(book.id).title == "bound"


@pytest.fixture
def received():
    seen = []

    def receiver(sender, signal, **kwargs):
        seen.append((signal.name, kwargs.get("created")))

    names = ("pre_save", "post_save", "post_bulk_update")
    for name in names:
        getattr(signals, name).connect(receiver)
    yield seen
    for name in names:
        getattr(signals, name).disconnect(receiver)


def _both_saves(make):
    """(result, _dirty after, row after) of save() and of peewee's own save
    for two instances in the same state."""
    outcomes = []
    for save in (lambda obj: obj.save(), lambda obj: peewee.Model.save(obj)):
        obj = make()
        result = save(obj)
        outcomes.append((result, set(obj._dirty), _row(type(obj), obj.id)))
    return outcomes


def _row(model, pk):
    return model.select().where(model._meta.primary_key == pk).dicts().get()


def test_save_of_a_fetched_row_is_peewees_save(db, received):
    book = Notebook.create(title="saved")

    def fetched_with_key_marked_dirty():
        obj = Notebook.get_by_id(book.id)
        obj.id = book.id  # the key stays in _dirty after peewee's save
        obj.title = "changed"
        return obj

    fast, slow = _both_saves(fetched_with_key_marked_dirty)
    assert fast == slow == (1, {"id"}, {"id": book.id, "title": "changed"})
    del received[:]
    Notebook.get_by_id(book.id).save()
    # An instance's UPDATE is no bulk query: only the instance's signals.
    assert received == [("pre_save", False), ("post_save", False)]


def test_save_takes_the_id_of_a_related_row_saved_since(db):
    note = Note.create(notebook=Notebook.create(title="old"), text="x")
    titles = iter(["new", "newer"])  # titles are unique

    def moved_to_a_notebook_saved_later():
        obj = Note.get_by_id(note.id)
        obj.notebook = book = Notebook(title=next(titles))  # no id yet
        book.save()
        return obj

    (fast_rows, fast_dirty, fast_row), (slow_rows, slow_dirty, slow_row) = _both_saves(
        moved_to_a_notebook_saved_later)
    assert (fast_rows, fast_dirty) == (slow_rows, slow_dirty) == (1, set())
    assert Notebook.get_by_id(fast_row["notebook"]).title == "new"
    assert Notebook.get_by_id(slow_row["notebook"]).title == "newer"


def test_save_with_columns_in_another_order_or_only_the_key(db):
    book = Notebook.create(title="order")
    built = Notebook(title="built", id=book.id)  # __data__: title first, then the key
    assert list(built.__data__) == ["title", "id"]
    assert built.save() == 1
    assert _row(Notebook, book.id)["title"] == "built"
    key_only = Notebook(id=book.id)
    with pytest.raises(ValueError, match="no data to save"):
        key_only.save()


def test_statements_are_logged_once_the_level_allows_it(db, caplog):
    book = Notebook.create(title="logged")
    logger = logging.getLogger("peewee")

    def logged_lookups():
        start = len(caplog.records)
        Notebook.get_by_id(book.id)
        get_database().execute_sql("SELECT 1")
        return [r for r in caplog.records[start:] if r.name == "peewee"]

    caplog.set_level(logging.WARNING, logger="peewee")
    assert logged_lookups() == []
    assert logger._cache.get(logging.DEBUG) is False  # the answer the statements read
    caplog.set_level(logging.DEBUG, logger="peewee")
    assert len(logged_lookups()) == 2
    logging.disable(logging.DEBUG)
    try:
        assert logged_lookups() == []
    finally:
        logging.disable(logging.NOTSET)
    assert len(logged_lookups()) == 2
