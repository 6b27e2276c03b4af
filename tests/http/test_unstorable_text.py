"""Text no database can store (NUL, lone surrogates) is a 4xx, never a 500.

PostgreSQL is where these bite (psycopg2 refuses NUL; no UTF-8 database takes
a lone surrogate): run with RUSTFORGE_TEST_DATABASE_URL pointing at one. Each
request goes through the whole stack with the ``client`` fixture.
"""

import json

import pytest
from testproject.notes.models import Notebook
from testproject.shop.models import Author, Book

JSON = {"Content-Type": "application/json"}
# JSON text as a hostile client sends it: the escapes stay escapes on the wire.
SURROGATE = "\\ud800"
NUL = "\\u0000"


def raw_json(template: str, bad: str) -> bytes:
    return template.replace("BAD", bad).encode()


@pytest.fixture
def author(db):
    return Author.create(name="Ada", email="ada@example.com")


@pytest.mark.parametrize("bad", [SURROGATE, NUL, "x\\udfffy"])
def test_resource_create_refuses_unstorable_text_with_a_field_error(client, author, bad):
    body = raw_json('{"title": "aBAD", "isbn": "1234567890123", "price": "1.00", '
                    f'"author": {author.id}}}', bad)
    response = client.post("/shop/books", body=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert list(response.json["errors"]) == ["title"]
    assert Book.select().count() == 0


@pytest.mark.parametrize("bad", [SURROGATE, NUL])
def test_resource_update_refuses_unstorable_text(client, author, bad):
    book = Book.create(title="Kept", isbn="1234567890123", price=1, author=author)
    for method in (client.patch, client.put):
        body = raw_json('{"title": "BAD", "isbn": "1234567890123", "price": "1.00", '
                        f'"author": {author.id}, "summary": "BAD"}}', bad)
        response = method(f"/shop/books/{book.id}", body=body, headers=JSON)
        assert response.status_code == 422, response.text
        assert set(response.json["errors"]) == {"title", "summary"}
    assert Book.get_by_id(book.id).title == "Kept"


def test_form_fields_refuse_unstorable_text_in_html_forms(client):
    response = client.post("/shop/orders", body=b"email=a%00@example.com&address.city=P%ED%A0%80",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    # %ED%A0%80 is a surrogate encoded as UTF-8: not UTF-8 at all, so never text.
    assert response.status_code in (400, 422), response.text
    assert "Traceback" not in response.text


def test_unvalidated_input_reaching_the_database_is_a_400_not_a_500(client, db, caplog):
    """A hand-written responder saves JSON input as it is (testproject.notes)."""
    for bad in (SURROGATE, NUL):
        response = client.post("/notes", body=raw_json('{"title": "aBAD"}', bad),
                               headers=JSON)
        if bad == NUL and db.vendor != "postgresql":
            # SQLite stores NUL: nothing to refuse there.
            assert response.status_code == 201
            continue
        assert response.status_code == 400, response.text
        assert response.json["title"] == "Invalid text"
        assert "Traceback" not in response.text
    assert any("cannot store" in r.getMessage() for r in caplog.records)
    # The connection is usable afterwards (the failed statement was rolled back).
    assert client.post("/notes", json={"title": "fine"}).status_code == 201
    assert Notebook.select().where(Notebook.title == "fine").exists()
    # Last: on PostgreSQL the failed statement aborts the test's own transaction.
    response = client.post("/notes", json={"title": "x" * 101})  # a varchar(100) column
    if db.vendor == "postgresql":
        assert response.status_code == 400, response.text  # SQLSTATE 22001


def test_nan_is_not_json(client):
    response = client.post("/echo", body=b'{"a": NaN}', headers=JSON)
    assert response.status_code == 400, response.text
    response = client.post("/echo", body=b'{"a": [1, -Infinity]}', headers=JSON)
    assert response.status_code == 400, response.text


def test_json_field_refuses_nul_and_surrogates_anywhere():
    from rustforge.forms import Form, JSONField

    class Settings(Form):
        data = JSONField()

    for value in ({"a": ["ok", "\x00"]}, {"k\ud800": 1}, ["\udc00"], "x\x00"):
        form = Settings({"data": value})
        assert not form.is_valid(), value
        assert form.errors["data"][0].endswith("are not allowed.")
    form = Settings({"data": json.dumps({"a": "\x00"})}, html=True)
    assert form.errors["data"] == ["Null characters are not allowed."]
    form = Settings({"data": "[NaN]"}, html=True)
    assert form.errors["data"] == ["Enter valid JSON."]
    assert Settings({"data": {"émoji": "😀", "n": [1, 2.5]}}).is_valid()


def test_char_field_messages():
    from rustforge.forms import CharField, Form

    class Name(Form):
        name = CharField()

    assert Name({"name": "a\ud83d"}).errors == {
        "name": ["Unpaired surrogate characters are not allowed."]}
    assert Name({"name": "a\x00"}).errors == {"name": ["Null characters are not allowed."]}
    # A correctly paired emoji arrives as one code point, not as surrogates.
    assert Name({"name": json.loads('"\\ud83d\\ude00"')}).is_valid()


def test_an_html_form_shows_hostile_input_back_without_breaking(client):
    """The order page re-renders the submitted values with the errors."""
    body = b'{"email": "a\\ud800@x.io", "address": {"city": "P\\u0000\\udc00"}}'
    response = client.post("/shop/order", body=body, content_type="application/json",
                           headers={"Accept": "text/html"})
    assert response.status_code == 422, response.text[:300]
    assert "Unpaired surrogate characters are not allowed." in response.text
    assert 'value="a\ufffd@x.io"' in response.text
