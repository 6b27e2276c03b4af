"""Bulk create, update and delete: one transaction, per-item errors keyed [i].field."""

import pytest
from testproject.shop.models import Book


def new_book(n, author):
    return {"title": f"Bulk {n}", "isbn": f"97811111111{n:02d}", "price": "2.50",
            "author": author.id}


def test_bulk_create(client, catalogue):
    author = catalogue[0][0]
    response = client.post("/shop/books/bulk", json=[new_book(1, author), new_book(2, author)])
    assert response.status_code == 201, response.text
    assert [row["title"] for row in response.json["data"]] == ["Bulk 1", "Bulk 2"]
    assert Book.select().where(Book.title.startswith("Bulk")).count() == 2


def test_bulk_create_is_all_or_nothing_with_item_paths(client, catalogue):
    author = catalogue[0][0]
    items = [new_book(1, author), {"isbn": "x"}, "not an object", new_book(4, author)]
    items[3]["price"] = "lots"
    response = client.post("/shop/books/bulk", json=items)
    assert response.status_code == 422, response.text
    errors = response.json["errors"]
    assert "[1].title" in errors and "[2]" in errors and "[3].price" in errors
    assert not any(key.startswith("[0]") for key in errors)
    assert Book.select().where(Book.title.startswith("Bulk")).count() == 0


def test_bulk_create_conflict_between_items_is_409(client, catalogue):
    author = catalogue[0][0]
    twin = new_book(1, author)
    response = client.post("/shop/books/bulk", json=[twin, dict(twin)])
    assert response.status_code == 409, response.text
    assert any(key.startswith("[1].") for key in response.json["errors"])
    assert Book.select().where(Book.title.startswith("Bulk")).count() == 0


def test_bulk_update(client, catalogue):
    books = catalogue[1]
    response = client.patch("/shop/books/bulk", json=[{"id": books[0].id, "pages": 11},
                                                      {"id": books[1].id, "title": "Renamed"}])
    assert response.status_code == 200, response.text
    assert Book.get_by_id(books[0].id).pages == 11
    assert Book.get_by_id(books[1].id).title == "Renamed"
    bad = client.patch("/shop/books/bulk", json=[{"id": books[0].id, "pages": 12},
                                                 {"pages": 1}, {"id": 999999, "pages": 1},
                                                 {"id": {"$ne": 1}, "pages": 1},
                                                 {"id": books[2].id, "price": "-x"}])
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"[1].id", "[2].id", "[3].id", "[4].price"}
    assert Book.get_by_id(books[0].id).pages == 11          # rolled back


def test_bulk_delete(client, catalogue):
    books = catalogue[1]
    response = client.delete("/shop/books/bulk", json={"ids": [books[0].id, books[1].id]})
    assert response.status_code == 204, response.text
    assert Book.select().count() == 10
    missing = client.delete("/shop/books/bulk", json={"ids": [books[2].id, "nope", 10**12]})
    assert missing.status_code == 422
    assert set(missing.json["errors"]) == {"[1]", "[2]"}
    assert Book.select().count() == 10


@pytest.mark.parametrize("method, body, status", [
    ("post", {"title": "an object, not a list"}, 422),
    ("post", [], 422),
    ("post", [{}] * 21, 413),                       # max_bulk_size = 20
    ("patch", "text", 422),
    ("delete", {"ids": "1,2"}, 422),
    ("delete", [1, 2], 422),
    ("delete", {"ids": [[1]]}, 422),
])
def test_hostile_bulk_bodies(client, catalogue, method, body, status):
    response = getattr(client, method)("/shop/books/bulk", json=body)
    assert response.status_code == status, response.text
    assert Book.select().count() == 12


def test_bulk_form_bodies_and_unknown_params(client, catalogue):
    assert client.post("/shop/books/bulk", data={"title": "x"}).status_code == 422
    assert client.post("/shop/books/bulk?debug=1", json=[]).status_code == 400
    assert client.post("/shop/books/bulk", body=b"[{", headers={
        "Content-Type": "application/json"}).status_code == 400


def test_bulk_needs_the_action(client, db):
    assert client.post("/shop/authors/bulk", json=[{"name": "a"}]).status_code in (404, 405)


def test_bulk_items_are_authorized_one_by_one(client, db):
    from testproject.shop.models import Shelf

    shelf = Shelf.create(name="guarded")        # destroy needs shop.delete_shelf
    response = client.delete("/shop/shelves/bulk", json={"ids": [shelf.id]})
    assert response.status_code == 401
    assert Shelf.get_or_none(Shelf.id == shelf.id) is not None
