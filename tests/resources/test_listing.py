"""A list request's SQL is compiled once per shape and answers exactly what
peewee answers (rustforge.resources.listing)."""

import logging

import pytest
from tests_helpers import count_compilations, sent

LISTS = [
    "/shop/books?limit=5&offset=3",
    "/shop/books?include=author&limit=7",
    "/shop/books?order=-price&limit=4&offset=2",
    "/shop/books?status=published&order=title",
    "/shop/books?price__gte=3&price__lte=9&include=author",
    "/shop/books?author__in={a0},{a2}&order=-created",
    "/shop/books?author={a1}&published_on__isnull=true",
    "/shop/books?published_on__isnull=false",
    "/shop/books?title__icontains=book%200&include=author",  # contains: through peewee
    "/shop/authors?include=books&order=-name",  # a backref include
    "/shop/shelves?include=slots",  # soft-delete rows: through peewee
]


def _lists(client, authors):
    ids = {f"a{i}": author.id for i, author in enumerate(authors)}
    out = {}
    for url in LISTS:
        response = client.get(url.format(**ids))
        assert response.status_code == 200, (url, response.json)
        out[url] = response.json
    return out


@pytest.fixture
def shelves(catalogue):
    from testproject.shop.models import Shelf, Slot

    kept, gone = Shelf.create(name="kept"), Shelf.create(name="gone")
    Slot.create(shelf=kept, label="a1")
    Slot.create(shelf=kept, label="a2").delete_instance()
    gone.delete_instance()
    return catalogue


def test_same_answers_as_peewee(client, shelves, settings):
    authors, _books = shelves
    compiled = _lists(client, authors)
    again = _lists(client, authors)  # the second time from the compiled SQL
    settings.DATABASE_FAST_PATH = False
    plain = _lists(client, authors)
    assert compiled == again == plain
    assert compiled[LISTS[0]]["meta"] == {"count": 12, "limit": 5, "offset": 3}
    assert [b["author"]["id"] for b in compiled[LISTS[1]]["data"]] == [
        authors[n % 3].id for n in range(7)]
    assert [s["name"] for s in compiled[LISTS[-1]]["data"]] == ["kept"]
    assert [s["label"] for s in compiled[LISTS[-1]]["data"][0]["slots"]] == ["a1"]


def test_same_statements_as_peewee(client, catalogue, settings, caplog):
    url = "/shop/books?status=published&price__gte=2&include=author&order=-price&limit=3"
    client.get(url)
    caplog.set_level(logging.DEBUG, logger="peewee")

    def statements():
        found = [r.msg for r in caplog.records if r.name == "peewee"]
        caplog.clear()
        return found

    statements()
    first = client.get(url).json
    compiled = statements()
    settings.DATABASE_FAST_PATH = False
    assert client.get(url).json == first
    plain = statements()
    assert len(compiled) == 3  # count, page, authors
    assert [sent(s) for s in compiled] == [sent(s) for s in plain]


def test_compiled_once_per_shape(client, catalogue, monkeypatch):
    client.get("/shop/books?include=author&status=draft&limit=4")
    built = count_compilations(monkeypatch)
    for status, limit in (("draft", 4), ("published", 2), ("draft", 3)):
        response = client.get(f"/shop/books?include=author&status={status}&limit={limit}")
        assert response.status_code == 200
        assert {b["status"] for b in response.json["data"]} == {status}
    assert built == [1]  # only the include of 2 authors, a shape not seen before


def test_none_is_not_compiled_into_equals(client, catalogue):
    """``pages`` is nullable: a filter value of None must read ``IS NULL``."""
    from testproject.shop.models import Book

    from rustforge.resources import listing

    Book.update(pages=None).execute()
    shapes = listing.Shapes()
    query = Book.select()
    terms = [listing.Term(Book.pages, "exact", None)]
    count, rows = listing.page(shapes, query, Book, terms, [(Book.id, False)], 5, 0)
    assert count == 12 and len(rows) == 5


class _Req:
    def __init__(self, staff):
        self.staff = staff

    def get_header(self, name):
        return "yes" if self.staff and name == "X-Staff" else None


@pytest.mark.parametrize("staff", [False, True])
def test_generated_serializer_gives_what_serialize_gives(catalogue, staff):
    """Decimals, dates, a computed field behind ``when``, a foreign key's row,
    a backref list, a relation not loaded: the same dict, key for key, in order."""
    import datetime

    from testproject.shop.models import Author, Book
    from testproject.shop.resources import AuthorResource, BookResource

    from rustforge.resources import ModelResource, rowjson

    authors, _books = catalogue
    Book.update(published_on=datetime.date(2024, 2, 29)).where(Book.price > 6).execute()
    req = _Req(staff)
    books = BookResource()
    rows = list(Book.select().order_by(Book.id))
    books.load_includes(rows[:6], ["author"])  # the other six: not loaded
    fast = rowjson.serializer(books, ("author",), ModelResource)
    for row in rows:
        want = books.serialize(row, req, include=["author"])
        got = fast(row, req)
        assert got == want and list(got) == list(want)
    assert ("note" in fast(rows[0], req)) is staff
    assert fast(rows[0], req)["author"]["name"] == authors[0].name
    assert fast(rows[7], req)["author"] == authors[1].id
    assert fast(rows[7], req)["published_on"] == "2024-02-29"
    people = AuthorResource()
    found = list(Author.select().order_by(Author.id))
    people.load_includes(found, ["books"])
    fast = rowjson.serializer(people, ("books",), ModelResource)
    for author in found:
        assert fast(author, req) == people.serialize(author, req, include=["books"])
    assert [b["title"] for b in fast(found[0], req)["books"]] == [
        "Book 00", "Book 03", "Book 06", "Book 09"]


def test_an_overridden_serialize_keeps_the_generic_path(client, catalogue):
    from testproject.shop.resources import BookResource

    from rustforge.resources import ModelResource, rowjson

    class Shouting(BookResource):
        def serialize(self, obj, req=None, *, only=None, include=()):
            out = super().serialize(obj, req, only=only, include=include)
            out["title"] = out["title"].upper()
            return out

    class Dated(BookResource):
        def get_value(self, obj, name):
            return "x" if name == "title" else super().get_value(obj, name)

    assert rowjson.serializer(Shouting(), (), ModelResource) is None
    assert rowjson.serializer(Dated(), (), ModelResource) is None
    assert rowjson.serializer(BookResource(), (), ModelResource) is not None


def test_every_row_is_known_without_building_a_query(db, monkeypatch):
    from testproject.shop.models import Author, Slot

    from rustforge.resources import listing

    assert listing.selects_every_row(Slot) is False  # soft deletes: live rows only
    built = []
    monkeypatch.setattr("rustforge.db.fastpath.select_all", lambda m: built.append(m))
    assert listing.selects_every_row(Author) is True and built == []
