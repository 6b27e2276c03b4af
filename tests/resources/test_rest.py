"""ModelResource over HTTP: list, retrieve, create, update, partial update,
delete; 404, 409, 422; fields/include; computed and conditional fields."""

from testproject.shop.models import Book


def test_list_envelope_and_default_order(client, catalogue):
    response = client.get("/shop/books")
    assert response.status_code == 200
    body = response.json
    assert body["meta"] == {"count": 12, "limit": 20, "offset": 0}
    assert body["links"] == {"next": None, "prev": None}
    assert [b["title"] for b in body["data"]][:3] == ["Book 00", "Book 01", "Book 02"]
    first = body["data"][0]
    assert first["price"] == "1.00" and first["author"] == catalogue[0][0].id
    assert first["created"].endswith("Z")
    assert first["title_length"] == 7
    assert "note" not in first and "internal_note" not in first


def test_retrieve_and_404(client, catalogue):
    book = catalogue[1][5]
    response = client.get(f"/shop/books/{book.id}")
    assert response.status_code == 200
    assert response.json["isbn"] == book.isbn
    for missing in ("999999", "abc", "1.5", "99999999999999999999999", "-1"):
        response = client.get(f"/shop/books/{missing}")
        assert response.status_code == 404, missing
        assert response.json["title"] == "Not found"


def test_conditional_field_follows_the_request(client, catalogue):
    book = catalogue[1][3]
    response = client.get(f"/shop/books/{book.id}", headers={"X-Staff": "yes"})
    assert response.json["note"] == "note 3"
    assert "note" not in client.get(f"/shop/books/{book.id}").json


def test_sparse_fields_and_bad_fields(client, catalogue):
    response = client.get("/shop/books?fields=id,title_length")
    assert response.status_code == 200
    assert set(response.json["data"][0]) == {"id", "title_length"}
    response = client.get("/shop/books?fields=id,password")
    assert response.status_code == 400
    assert "password" in response.json["description"]


def test_create_201_with_location(client, catalogue):
    author = catalogue[0][0]
    response = client.post("/shop/books", json={"title": "New", "isbn": "1234567890123",
                                                "price": 9.5, "author": author.id})
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/shop/books/{response.json['id']}")
    assert response.json["price"] == "9.50" and response.json["status"] == "draft"
    assert Book.get_by_id(response.json["id"]).title == "New"


def test_create_from_an_html_form(client, catalogue):
    author = catalogue[0][0]
    response = client.post("/shop/books", data={"title": "Form", "isbn": "1", "price": "1.25",
                                                "author": str(author.id), "in_stock": "false"})
    assert response.status_code == 201, response.text
    assert response.json["in_stock"] is False


def test_create_422_and_nothing_saved(client, catalogue):
    before = Book.select().count()
    response = client.post("/shop/books", json={"title": "", "price": "1.001",
                                                "author": 424242, "created": "ignored"})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "title": ["This field is required."],
        "isbn": ["This field is required."],
        "price": ["Ensure that there are no more than 2 decimal places."],
        "author": ["Select a valid choice; author 424242 does not exist."],
    }
    assert Book.select().count() == before


def test_unique_conflict_is_409(client, catalogue):
    existing = catalogue[1][0]
    response = client.post("/shop/books", json={"title": "Other", "isbn": existing.isbn,
                                                "price": 1, "author": existing.author_id})
    assert response.status_code == 409
    assert response.json["errors"] == {"isbn": ["A Book with this isbn already exists."]}
    # A conflict mixed with invalid input is reported as a whole: 422.
    response = client.post("/shop/books", json={"title": "Other", "isbn": existing.isbn,
                                                "price": "x", "author": existing.author_id})
    assert response.status_code == 422


def test_put_replaces_patch_updates(client, catalogue):
    book = catalogue[1][2]
    response = client.patch(f"/shop/books/{book.id}", json={"pages": 120})
    assert response.status_code == 200, response.text
    assert response.json["pages"] == 120 and response.json["title"] == book.title
    response = client.put(f"/shop/books/{book.id}", json={"pages": 5})
    assert response.status_code == 422
    assert "title" in response.json["errors"]
    response = client.put(f"/shop/books/{book.id}", json={
        "title": "Renamed", "isbn": book.isbn, "price": "3", "author": book.author_id})
    assert response.status_code == 200, response.text
    assert response.json["title"] == "Renamed" and response.json["pages"] is None


def test_patch_to_a_taken_value_is_409(client, catalogue):
    a, b = catalogue[1][0], catalogue[1][1]
    response = client.patch(f"/shop/books/{b.id}", json={"isbn": a.isbn})
    assert response.status_code == 409
    assert Book.get_by_id(b.id).isbn == b.isbn


def test_delete(client, catalogue):
    book = catalogue[1][0]
    assert client.delete(f"/shop/books/{book.id}").status_code == 204
    assert client.get(f"/shop/books/{book.id}").status_code == 404
    assert client.delete(f"/shop/books/{book.id}").status_code == 404


def test_unknown_query_parameters_on_items_are_400(client, catalogue):
    book = catalogue[1][0]
    assert client.get(f"/shop/books/{book.id}?debug=1").status_code == 400
    assert client.delete(f"/shop/books/{book.id}?cascade=1").status_code == 400


def test_permission_hook_401_without_user(client, db):
    from testproject.shop.models import Shelf

    shelf = Shelf.create(name="Top")
    response = client.delete(f"/shop/shelves/{shelf.id}")
    assert response.status_code == 401
    assert Shelf.get_or_none(Shelf.id == shelf.id) is not None


def test_write_responses_honour_fields_and_include(client, catalogue):
    authors, books = catalogue
    response = client.patch(f"/shop/books/{books[0].id}?include=author&fields=id,author",
                            json={"author": authors[2].id})
    assert response.status_code == 200, response.text
    assert response.json == {"id": books[0].id, "author": {
        "id": authors[2].id, "name": "Author 2", "email": "a2@example.com"}}
    response = client.post("/shop/books?fields=isbn", json={
        "title": "F", "isbn": "42", "price": 1, "author": authors[0].id})
    assert response.status_code == 201 and response.json == {"isbn": "42"}


def test_declaration_mistakes_fail_at_import():
    import pytest
    from testproject.shop.models import Book

    from rustforge.exceptions import ImproperlyConfigured
    from rustforge.resources import ModelResource

    cases = [
        {"fields": ("id", "nope")},
        {"read_only_fields": "created"},
        {"filter_fields": {"title": ["iexact"]}},
        {"filter_fields": ["password"]},
        {"ordering_fields": ("pages",), "pagination": "cursor"},
        {"pagination": "pages"},
    ]
    for attrs in cases:
        with pytest.raises(ImproperlyConfigured):
            type("Broken", (ModelResource,), {"model": Book, **attrs})


def test_subclass_gets_its_own_form():
    from testproject.shop.resources import BookResource

    class Narrow(BookResource):
        fields = ("id", "title", "isbn", "price", "author")

    assert set(Narrow.form_class.base_fields) == {"title", "isbn", "price", "author"}
    assert "pages" in BookResource.form_class.base_fields
