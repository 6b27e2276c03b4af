"""Model signals: per instance (save/delete) and per bulk query."""

import pytest
from testproject.notes.models import Note, Notebook

from rustforge.events import signals


@pytest.fixture
def received():
    seen = []

    def receiver(sender, signal, **kwargs):
        seen.append((signal.name, sender.__name__, kwargs))

    names = ("pre_save", "post_save", "pre_delete", "post_delete",
             "post_bulk_update", "post_bulk_delete", "post_bulk_insert")
    for name in names:
        getattr(signals, name).connect(receiver)
    yield seen
    for name in names:
        getattr(signals, name).disconnect(receiver)


def test_save_and_delete_send_instance_signals_only(db, received):
    book = Notebook.create(title="a")
    book.title = "b"
    book.save()
    book.delete_instance()
    assert [(name, kw.get("created")) for name, _, kw in received] == [
        ("pre_save", True), ("post_save", True),
        ("pre_save", False), ("post_save", False),
        ("pre_delete", None), ("post_delete", None),
    ]


def test_bulk_queries_send_one_signal_each(db, received):
    Notebook.insert_many([{"title": "x"}, {"title": "y"}, {"title": "z"}]).execute()
    changed = Notebook.update(title=Notebook.title.concat("!")).where(
        Notebook.title != "z").execute()
    deleted = Notebook.delete().where(Notebook.title == "z").execute()
    names = [(name, model) for name, model, _ in received]
    assert names == [("post_bulk_insert", "Notebook"), ("post_bulk_update", "Notebook"),
                     ("post_bulk_delete", "Notebook")]
    assert received[1][2]["result"] == changed == 2
    assert received[2][2]["result"] == deleted == 1
    assert sorted(n.title for n in Notebook.select()) == ["x!", "y!"]


def test_cascading_delete_instance_sends_no_bulk_signal(db, received):
    book = Notebook.create(title="with notes")
    Note.create(notebook=book, text="n")
    received.clear()
    book.delete_instance(recursive=True)
    assert [name for name, _, _ in received] == ["pre_delete", "post_delete"]
