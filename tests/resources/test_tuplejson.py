"""A list page serialized straight from the driver's rows gives what the
instances give, byte for byte, with the same statements
(rustforge.resources.tuplejson)."""

import datetime
import decimal
import json
import logging

import falcon
import falcon.testing
import pytest
from testproject.catalog.models import Node
from testproject.ledger.models import Account, Entry
from testproject.shop.models import Author, Book
from testproject.shop.resources import AuthorResource, BookResource
from tests_helpers import sent

from rustforge.resources import ModelResource, Nested, computed, tuplejson


class PlainAuthorResource(ModelResource):
    model = Author
    fields = ("id", "name", "email")


class PlainBookResource(ModelResource):
    """Every column of Book (decimal, dates, a nullable int, a boolean, choices)."""

    model = Book
    filter_fields = {"author": ["exact", "in"], "status": ["exact"], "price": ["gte"],
                     "published_on": ["isnull"], "title": ["icontains"]}
    ordering_fields = ("id", "title", "price", "created")
    author = Nested(PlainAuthorResource)
    writer = Nested(PlainAuthorResource, attr="author")  # a name that is not a field


class AccountResource(ModelResource):
    model = Account


class EntryResource(ModelResource):
    model = Entry
    fields = ("id", "description", "amount", "booked_on", "account", "cleared")
    ordering_fields = ("id",)
    account = Nested(AccountResource)


class NodeResource(ModelResource):
    """Bytes, a UUID, a decimal and a time: values JSON cannot hold as they come."""

    model = Node
    ordering_fields = ("id",)
    parent = Nested("NodeResource")


@pytest.fixture
def books(catalogue):
    authors, _books = catalogue
    Book.update(published_on=datetime.date(2024, 2, 29), pages=321).where(
        Book.price > 6).execute()
    Book.update(summary="caf\u00e9 \u2603 \"quoted\"\n").where(Book.price < 3).execute()
    return authors


@pytest.fixture
def entries(db):
    accounts = [Account.create(name=f"Account {i}", owner_id=i or None) for i in range(3)]
    for n in range(9):
        Entry.create(account=accounts[n % 3] if n % 4 else None, description=f"entry {n}",
                     amount=decimal.Decimal(n) / 4, booked_on=datetime.date(2024, 1, n + 1),
                     cleared=bool(n % 2))
    return accounts


def _answer(resource, query, settings=None):
    req = falcon.testing.create_req(path="/things", query_string=query)
    resp = falcon.Response()
    resource.on_get_collection(req, resp)
    return resp.media


def _both(resource, query, monkeypatch, caplog):
    """(media from rows, media from instances, statements of each)."""
    caplog.set_level(logging.DEBUG, logger="peewee")
    _answer(resource, query)  # compiled SQL from here on

    def run():
        caplog.clear()
        media = _answer(resource, query)
        return media, [sent(r.msg) for r in caplog.records if r.name == "peewee"]

    fast, fast_sql = run()
    with monkeypatch.context() as patch:
        patch.setattr(tuplejson, "rows_serializer", lambda *args: None)
        slow, slow_sql = run()
    return fast, slow, fast_sql, slow_sql


BOOK_QUERIES = [
    "", "include=author", "include=writer", "include=author,writer&limit=5&offset=2",
    "include=writer,author&order=-price", "include=author&status=published&price__gte=4",
    "include=author&author__in={a0},{a2}&order=-created", "published_on__isnull=true",
    "include=author&offset=50", "include=author&title__icontains=book%200",
]


@pytest.mark.parametrize("query", BOOK_QUERIES)
def test_same_json_and_statements_as_instances(books, query, monkeypatch, caplog):
    query = query.format(**{f"a{i}": a.id for i, a in enumerate(books)})
    fast, slow, fast_sql, slow_sql = _both(PlainBookResource(), query, monkeypatch, caplog)
    assert json.dumps(fast) == json.dumps(slow)  # same keys, same order, same values
    assert fast_sql == slow_sql


def test_the_rows_path_is_taken(books, monkeypatch, caplog):
    made = []
    original = tuplejson.RowsPlan.data

    def data(self, *args):
        made.append(1)
        return original(self, *args)

    monkeypatch.setattr(tuplejson.RowsPlan, "data", data)
    fast, slow, _, _ = _both(PlainBookResource(), "include=author,writer", monkeypatch, caplog)
    assert made and fast == slow
    row = fast["data"][-1]
    assert row["price"] == "12.00" and row["published_on"] == "2024-02-29"
    assert row["author"] == row["writer"] == {"id": books[2].id, "name": books[2].name,
                                              "email": books[2].email}
    assert row["created"].endswith("Z") and row["pages"] == 321 and row["in_stock"] is True
    assert row["author"] == fast["data"][-4]["author"]
    assert row["author"] is not fast["data"][-4]["author"]  # a dict of its own per row


def test_null_keys_decimals_and_dates(entries, monkeypatch, caplog):
    for query in ("include=account", "include=account&order=id&limit=4&offset=1", ""):
        fast, slow, fast_sql, slow_sql = _both(EntryResource(), query, monkeypatch, caplog)
        assert json.dumps(fast) == json.dumps(slow) and fast_sql == slow_sql
    fast = _answer(EntryResource(), "include=account")
    assert [e["account"] for e in fast["data"]][:2] == [None, {
        "id": entries[1].id, "name": "Account 1", "owner_id": 1}]
    assert fast["data"][1]["amount"] == "0.25" and fast["data"][1]["booked_on"] == "2024-01-02"


def test_values_converted_for_json_and_a_related_row_per_row(db, monkeypatch, caplog):
    import uuid

    root = Node.create(name="root", payload=b"\x00\xffbin", token=uuid.UUID(int=7),
                       weight=decimal.Decimal("1.5"), opens=datetime.time(9, 30))
    for n in range(4):
        Node.create(name=f"leaf {n}", parent=root if n % 2 else None, weight=n,
                    payload=bytes([n]) if n else None)
    for query in ("include=parent", "include=parent&order=-id&limit=3"):
        fast, slow, fast_sql, slow_sql = _both(NodeResource(), query, monkeypatch, caplog)
        assert json.dumps(fast) == json.dumps(slow) and fast_sql == slow_sql
    leaves = _answer(NodeResource(), "include=parent")["data"]
    assert leaves[2]["parent"] == leaves[0] | {"parent": None}
    assert leaves[2]["parent"]["weight"] == "1.500" and leaves[0]["opens"] == "09:30:00"
    assert leaves[2]["parent"] is not leaves[4]["parent"]  # each row's own


def test_related_rows_through_peewee_and_a_row_not_found(books, monkeypatch, caplog):
    """An author's select() that is not every row (like a soft-delete model's live
    rows) reads the include through peewee; a post whose author it does not
    find keeps the bare key."""
    gone = books[1].id

    @classmethod
    def live(cls, *fields):
        return super(Author, cls).select(*fields).where(Author.id != gone)

    monkeypatch.setattr(Author, "select", live)
    fast, slow, fast_sql, slow_sql = _both(PlainBookResource(), "include=author,writer",
                                           monkeypatch, caplog)
    assert json.dumps(fast) == json.dumps(slow) and fast_sql == slow_sql
    assert [b["author"] for b in fast["data"]][:3] == [
        {"id": books[0].id, "name": books[0].name, "email": books[0].email}, gone,
        {"id": books[2].id, "name": books[2].name, "email": books[2].email}]
    assert "writer" not in fast["data"][1]


def test_fast_path_off(books, monkeypatch, caplog, settings):
    fast, _, fast_sql, _ = _both(PlainBookResource(), "include=author&limit=4", monkeypatch,
                                 caplog)
    settings.DATABASE_FAST_PATH = False
    off, slow, off_sql, slow_sql = _both(PlainBookResource(), "include=author&limit=4",
                                         monkeypatch, caplog)
    assert json.dumps(off) == json.dumps(slow) == json.dumps(fast)
    assert off_sql == slow_sql == fast_sql


class Counted(PlainBookResource):
    @computed({"type": "integer"})
    def title_length(self, obj):
        return len(obj.title)


class Loading(PlainBookResource):
    def load_includes(self, rows, include):
        super().load_includes(rows, include)


class Shouting(PlainAuthorResource):
    def serialize(self, obj, req=None, *, only=None, include=()):
        return {"name": obj.name.upper()}


class ShoutingBooks(PlainBookResource):
    author = Nested(Shouting)


class OtherModel(PlainBookResource):
    author = Nested(AccountResource)


def test_what_keeps_the_instances(db):
    plan = tuplejson.rows_serializer
    assert plan(PlainBookResource(), ("author", "writer"), ModelResource) is not None
    assert plan(PlainAuthorResource(), (), ModelResource) is not None
    assert plan(BookResource(), (), ModelResource) is None  # computed fields
    assert plan(Counted(), (), ModelResource) is None
    assert plan(Loading(), ("author",), ModelResource) is None
    assert plan(ShoutingBooks(), ("author",), ModelResource) is None
    assert plan(ShoutingBooks(), (), ModelResource) is not None
    assert plan(OtherModel(), ("author",), ModelResource) is None
    assert plan(AuthorResource(), ("books",), ModelResource) is None  # a backref


class PublishedOnly(PlainBookResource):
    def get_query(self, req):
        return Book.select().where(Book.status == "published")


class EveryBook(PlainBookResource):
    def get_query(self, req):
        return Book.select()


def test_an_own_get_query_is_asked(books, monkeypatch, caplog):
    media = _answer(PublishedOnly(), "include=author&limit=4")
    assert media["meta"]["count"] == 6 and {b["status"] for b in media["data"]} == {"published"}
    fast, slow, fast_sql, slow_sql = _both(EveryBook(), "include=author&limit=4", monkeypatch,
                                           caplog)
    assert fast == slow == _answer(PlainBookResource(), "include=author&limit=4")
    assert fast_sql == slow_sql
