"""Pagination bounds, cursor pages, filtering and ordering only on declared
fields: everything else is a 400 and never reaches SQL."""

import pytest

from rustforge.testing.queries import capture_queries


def titles(response):
    return [b["title"] for b in response.json["data"]]


def test_limit_offset_pages_and_links(client, catalogue):
    response = client.get("/shop/books?limit=5&offset=5")
    assert response.status_code == 200
    assert titles(response) == [f"Book {n:02d}" for n in range(5, 10)]
    assert response.json["meta"] == {"count": 12, "limit": 5, "offset": 5}
    links = response.json["links"]
    assert "offset=10" in links["next"] and "limit=5" in links["next"]
    assert "offset" not in links["prev"]
    last = client.get("/shop/books?limit=5&offset=10")
    assert len(last.json["data"]) == 2 and last.json["links"]["next"] is None
    beyond = client.get("/shop/books?offset=500")
    assert beyond.status_code == 200 and beyond.json["data"] == []


@pytest.mark.parametrize("query", ["limit=0", "limit=51", "limit=-1", "limit=abc",
                                   "limit=1e3", "offset=-1", "offset=x", "limit=1&limit=2",
                                   "limit=99999999999999999999"])
def test_pagination_bounds(client, catalogue, query):
    response = client.get(f"/shop/books?{query}")
    assert response.status_code == 400, query
    assert response.json["title"] == "Invalid pagination" or "once" in response.json[
        "description"]


def test_max_page_size_is_accepted(client, catalogue):
    assert client.get("/shop/books?limit=50").status_code == 200


@pytest.mark.parametrize("query", [
    "order=password", "order=id;drop table shop_book", "order=-internal_note",
    "order=id,,summary", "order=title--", "order=(select 1)", "order=isbn",
])
def test_order_injection_attempts_are_400(client, catalogue, query):
    with capture_queries() as queries:
        response = client.get(f"/shop/books?{query}")
    assert response.status_code == 400, query
    assert response.json["title"] == "Invalid order"
    assert queries == []  # rejected before any SQL
    assert client.get("/shop/books?limit=1").json["meta"]["count"] == 12  # table intact


def test_ordering_on_declared_fields(client, catalogue):
    response = client.get("/shop/books?order=-price&limit=3")
    assert titles(response) == ["Book 11", "Book 10", "Book 09"]
    response = client.get("/shop/books?order=title&limit=2")
    assert titles(response) == ["Book 00", "Book 01"]


@pytest.mark.parametrize("query,status", [
    ("password=x", 400), ("internal_note=note 1", 400), ("title=Book 01", 400),
    ("status__gt=a", 400), ("author__in=1;drop", 400), ("price__gte=cheap", 400),
    ("price__gte=1e999", 400), ("author=abc", 400), ("status=lost", 400),
    ("published_on__isnull=maybe", 400), ("author__in=" + ",".join(["1"] * 101), 400),
    ("title__icontains=" + "x" * 201, 400), ("title__icontains=a%00b", 400),
])
def test_filter_injection_and_bad_values_are_400(client, catalogue, query, status):
    with capture_queries() as queries:
        response = client.get(f"/shop/books?{query}")
    assert response.status_code == status, (query, response.text)
    assert queries == []


def test_filters_on_declared_fields(client, catalogue):
    authors = catalogue[0]
    response = client.get(f"/shop/books?author={authors[1].id}")
    assert titles(response) == ["Book 01", "Book 04", "Book 07", "Book 10"]
    response = client.get(f"/shop/books?author__in={authors[0].id},{authors[2].id}"
                          f"&status=published")
    assert titles(response) == ["Book 03", "Book 05", "Book 09", "Book 11"]
    response = client.get("/shop/books?price__gte=5&price__lte=6.5")
    assert titles(response) == ["Book 04", "Book 05"]
    response = client.get("/shop/books?title__icontains=OK 1")
    assert titles(response) == ["Book 10", "Book 11"]
    response = client.get("/shop/books?published_on__isnull=true")
    assert response.json["meta"]["count"] == 12


def test_cursor_pagination_walks_every_row_once(client, catalogue):
    seen, url, pages = [], "/shop/cursor-books?limit=5&order=-price", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        seen += titles(response)
        url = response.json["links"]["next"]
        pages += 1
    assert pages == 3
    assert seen == [f"Book {n:02d}" for n in range(11, -1, -1)]


def test_cursor_stable_when_rows_are_inserted(client, catalogue):
    from testproject.shop.models import Book

    first = client.get("/shop/cursor-books?limit=4")
    Book.create(title="Book -1", isbn="x1", price=0, author=catalogue[0][0])
    second = client.get(first.json["links"]["next"])
    assert titles(second) == ["Book 04", "Book 05", "Book 06", "Book 07"]


@pytest.mark.parametrize("cursor", ["garbage", "W10", "eyJhIjoxfQ", "WyJ4Il0",
                                    "WzEsMl0", "%00"])
def test_bad_cursors_are_400(client, catalogue, cursor):
    response = client.get(f"/shop/cursor-books?cursor={cursor}")
    assert response.status_code == 400
    assert response.json["title"] == "Invalid cursor"


def test_pagination_styles_do_not_mix(client, catalogue):
    assert client.get("/shop/cursor-books?offset=3").status_code == 400
    assert client.get("/shop/books?cursor=abc").status_code == 400


def test_include_loads_relations_without_n_plus_one(client, catalogue):
    client.get("/shop/books")  # warm the app and connection
    with capture_queries() as plain:
        client.get("/shop/books?limit=12")
    with capture_queries() as included:
        response = client.get("/shop/books?limit=12&include=author")
    assert len(plain) == 2  # COUNT + page
    assert len(included) == 3, included.statements  # + one query for every author
    assert response.json["data"][0]["author"] == {"id": catalogue[0][0].id,
                                                  "name": "Author 0",
                                                  "email": "a0@example.com"}
    with capture_queries() as backrefs:
        response = client.get("/shop/authors?include=books")
    assert len(backrefs) == 3, backrefs.statements
    assert [len(a["books"]) for a in response.json["data"]] == [4, 4, 4]


def test_nested_output_never_queries_lazily(client, catalogue):
    # Without ?include the author stays a key: serializing must not touch the relation.
    with capture_queries() as queries:
        response = client.get("/shop/books?limit=12")
    assert all(isinstance(b["author"], int) for b in response.json["data"])
    assert len(queries) == 2


def test_unknown_include_is_400(client, catalogue):
    response = client.get("/shop/books?include=reviews")
    assert response.status_code == 400
    assert "author" in response.json["description"]


@pytest.mark.parametrize("raw", ["author", " author", "author ", "author,", ",author", "",
                                 "author,author", "author,books", "books", " ", "nope",
                                 "auth", ["author"]])
def test_include_of_one_name_reads_as_the_split_list(raw):
    """The shortcut for ``?include=<one name>`` answers what splitting it answers."""
    import falcon

    from rustforge.resources.query import parse_include, split_list

    allowed = ["author", "books"]

    def split(raw):
        names = split_list(raw, "include")
        if [n for n in names if n not in allowed]:
            raise falcon.HTTPBadRequest()
        return list(dict.fromkeys(names))

    try:
        expected = split(raw)
    except falcon.HTTPBadRequest:
        with pytest.raises(falcon.HTTPBadRequest):
            parse_include({"include": raw}, allowed)
    else:
        assert parse_include({"include": raw}, allowed) == expected
