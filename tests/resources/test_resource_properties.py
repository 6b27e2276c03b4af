"""Property: whatever JSON or form body is posted to a ModelResource, the
answer is never a 5xx, and a rejected body changes nothing."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testproject.shop.models import Author, Book

FIELDS = ["title", "isbn", "price", "pages", "author", "status", "published_on", "in_stock",
          "summary", "created", "id", "deleted_at"]

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats()
                | st.text(max_size=30) | st.sampled_from(["1", "-1", "1.005", "NaN", "1e309",
                                                          "2024-02-30", "9" * 40, "\x00",
                                                          "draft", "published"]))
json_values = st.recursive(json_scalars, lambda children: st.lists(children, max_size=3)
                           | st.dictionaries(st.text(max_size=5), children, max_size=3),
                           max_leaves=8)
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values,
                         max_size=8) | json_values
form_keys = st.sampled_from(FIELDS + ["items[0]", "a.b", "title[x]", "[]", "price[]"]) | \
    st.text(max_size=10)
form_bodies = st.lists(st.tuples(form_keys, st.text(max_size=20)), max_size=10)

SETTINGS = settings(max_examples=120, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def _check(response, before):
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert Book.select().count() == before
        assert "title" in response.json


@SETTINGS
@given(body=bodies, method=st.sampled_from(["POST", "PUT", "PATCH"]))
def test_arbitrary_json_never_5xx(client, catalogue, body, method):
    before = Book.select().count()
    target = "/shop/books" if method == "POST" else f"/shop/books/{catalogue[1][0].id}"
    response = client.request(method, target, body=json.dumps(body),
                              content_type="application/json")
    _check(response, before)


@SETTINGS
@given(pairs=form_bodies, method=st.sampled_from(["POST", "PATCH"]))
def test_arbitrary_form_bodies_never_5xx(client, catalogue, pairs, method):
    before = Book.select().count()
    target = "/shop/books" if method == "POST" else f"/shop/books/{catalogue[1][1].id}"
    response = client.request(method, target, data=pairs)
    _check(response, before)


@SETTINGS
@given(raw=st.binary(max_size=200), ctype=st.sampled_from([
    "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "text/plain", ""]))
def test_arbitrary_bytes_never_5xx(client, catalogue, raw, ctype):
    before = Book.select().count()
    response = client.post("/shop/books", body=raw, content_type=ctype or None)
    _check(response, before)


@SETTINGS
@given(params=st.dictionaries(st.sampled_from(["limit", "offset", "order", "fields", "include",
                                               "author", "author__in", "price__gte",
                                               "status", "title__icontains", "cursor",
                                               "published_on__isnull"]) | st.text(max_size=8),
                              st.text(max_size=20), max_size=4))
def test_arbitrary_query_strings_never_5xx(client, catalogue, params):
    for path in ("/shop/books", "/shop/cursor-books", "/shop/authors"):
        response = client.get(path, params=params)
        assert response.status_code in (200, 400), (path, params, response.text)


def test_catalogue_fixture_is_used():
    assert Author is not None
