import falcon
import pytest
from testproject.notes.models import Note, Notebook

from rustforge.http import get_or_404


def test_found_by_expression_filter_or_query(db):
    book = Notebook.create(title="one")
    assert get_or_404(Notebook, Notebook.id == book.id) == book
    assert get_or_404(Notebook, title="one") == book
    assert get_or_404(Notebook.select().where(Notebook.title.startswith("o")), id=book.id) == book


@pytest.mark.parametrize("kwargs", [{"id": 10**9}, {"id": "abc"}, {"title": "nope"}])
def test_missing_or_unconvertible_is_404(db, kwargs):
    Notebook.create(title="one")
    with pytest.raises(falcon.HTTPNotFound) as caught:
        get_or_404(Notebook, description="no such notebook", **kwargs)
    assert caught.value.description == "no such notebook"


def test_through_a_relation(db):
    book = Notebook.create(title="one")
    note = Note.create(notebook=book, text="hi")
    assert get_or_404(Note, notebook__title="one") == note
    with pytest.raises(falcon.HTTPNotFound):
        get_or_404(Note, notebook__title="two")


def test_unconvertible_query_parameter_through_a_responder_is_404(client, db):
    book = Notebook.create(title="one")
    assert client.get(f"/notes/{book.id}").status_code == 200
    for bad in ("abc", "1.5", ""):
        assert client.get("/notes/by-id", params={"id": bad}).status_code == 404
    assert client.get("/notes/by-id", params={"id": str(book.id)}).json["title"] == "one"
