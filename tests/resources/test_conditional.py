"""ETag, If-None-Match (304) and If-Match (412 on a stale write) on ModelResource items."""

import threading
import time

import pytest
from testproject.shop.models import Book, Shelf

from rustforge.events import signals


def test_get_has_an_etag_and_if_none_match_gives_304(client, catalogue):
    book = catalogue[1][0]
    first = client.get(f"/shop/books/{book.id}")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    again = client.get(f"/shop/books/{book.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.text == ""
    weak = client.get(f"/shop/books/{book.id}", headers={"If-None-Match": f"W/{etag}, \"x\""})
    assert weak.status_code == 304
    assert client.get(f"/shop/books/{book.id}",
                      headers={"If-None-Match": '"other"'}).status_code == 200
    client.patch(f"/shop/books/{book.id}", json={"pages": 99})
    changed = client.get(f"/shop/books/{book.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_writes_answer_the_new_etag(client, catalogue):
    book = catalogue[1][0]
    etag = client.get(f"/shop/books/{book.id}").headers["ETag"]
    patched = client.patch(f"/shop/books/{book.id}", json={"pages": 7},
                           headers={"If-Match": etag})
    assert patched.status_code == 200, patched.text
    assert patched.headers["ETag"] == client.get(f"/shop/books/{book.id}").headers["ETag"]
    created = client.post("/shop/books", json={"title": "New", "isbn": "9781234567897",
                                               "price": "3.00", "author": catalogue[0][0].id})
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == client.get(created.headers["Location"]).headers["ETag"]


def test_stale_if_match_is_412_and_nothing_changes(client, catalogue):
    book = catalogue[1][0]
    etag = client.get(f"/shop/books/{book.id}").headers["ETag"]
    assert client.patch(f"/shop/books/{book.id}", json={"pages": 1},
                        headers={"If-Match": etag}).status_code == 200
    stale = client.patch(f"/shop/books/{book.id}", json={"pages": 2},
                         headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["title"] == "Precondition failed"
    assert stale.headers["ETag"] != etag
    assert Book.get_by_id(book.id).pages == 1
    put = client.put(f"/shop/books/{book.id}", json={"title": "x"}, headers={"If-Match": etag})
    assert put.status_code == 412
    assert client.delete(f"/shop/books/{book.id}", headers={"If-Match": etag}).status_code == 412
    assert Book.get_or_none(Book.id == book.id) is not None
    # Weak tags never match If-Match (strong comparison); "*" matches any row.
    current = client.get(f"/shop/books/{book.id}").headers["ETag"]
    assert client.patch(f"/shop/books/{book.id}", json={"pages": 3},
                        headers={"If-Match": f"W/{current}"}).status_code == 412
    assert client.patch(f"/shop/books/{book.id}", json={"pages": 3},
                        headers={"If-Match": "*"}).status_code == 200


@pytest.mark.parametrize("header", ['garbage', '"', ', ,', '"a" "b"', "W/", "x" * 5000,
                                    '"\' OR 1=1 --"'])
def test_hostile_if_match_is_412_never_500(client, catalogue, header):
    book = catalogue[1][0]
    response = client.patch(f"/shop/books/{book.id}", json={"pages": 5},
                            headers={"If-Match": header})
    assert response.status_code == 412
    assert client.get(f"/shop/books/{book.id}",
                      headers={"If-None-Match": header}).status_code == 200


def test_require_if_match_is_428_without_it(client, db):
    shelf = Shelf.create(name="versioned")
    response = client.patch(f"/shop/versioned-shelves/{shelf.id}", json={"room": "b"})
    assert response.status_code == 428
    assert "If-Match" in response.json["description"]
    etag = client.get(f"/shop/versioned-shelves/{shelf.id}").headers["ETag"]
    ok = client.patch(f"/shop/versioned-shelves/{shelf.id}", json={"room": "b"},
                      headers={"If-Match": etag})
    assert ok.status_code == 200
    assert client.delete(f"/shop/versioned-shelves/{shelf.id}").status_code == 428


def test_two_writers_with_the_same_etag_one_wins(client, transactional_db):
    """Both read the row before either writes; the row lock makes the second see
    the first's write and answer 412 instead of overwriting it."""
    shelf = Shelf.create(name="contested")
    etag = client.get(f"/shop/versioned-shelves/{shelf.id}").headers["ETag"]

    def slow_save(sender, instance, **kwargs):
        time.sleep(0.3)  # widen the window between the If-Match check and the write

    signals.pre_save.connect(slow_save, sender=Shelf)
    results = {}

    def write(room):
        results[room] = client.patch(f"/shop/versioned-shelves/{shelf.id}", json={"room": room},
                                     headers={"If-Match": etag}).status_code

    try:
        threads = [threading.Thread(target=write, args=(room,)) for room in ("left", "right")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        signals.pre_save.disconnect(slow_save, sender=Shelf)
    assert sorted(results.values()) == [200, 412], results
    winner = next(room for room, code in results.items() if code == 200)
    assert Shelf.get_by_id(shelf.id).room == winner


def test_if_match_with_a_grouping_get_query(client, catalogue, settings):
    """A get_query() with GROUP BY (no FOR UPDATE allowed on it) still writes under a lock."""
    import falcon
    from falcon import testing
    from peewee import fn
    from testproject.shop.resources import BookResource

    class Grouped(BookResource):
        def get_query(self, req):
            return (Book.select(Book).group_by(Book.id)
                    .having(fn.COUNT(Book.id) >= 1))

    app = falcon.App()
    for entry in Grouped.routes("/g"):
        app.add_route(entry.path, entry.resource, suffix=entry.suffix)
    direct = testing.TestClient(app)
    book = catalogue[1][0]
    etag = direct.simulate_get(f"/g/{book.id}").headers["ETag"]
    ok = direct.simulate_patch(f"/g/{book.id}", json={"pages": 4}, headers={"If-Match": etag})
    assert ok.status_code == 200, ok.text
    stale = direct.simulate_patch(f"/g/{book.id}", json={"pages": 5}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert Book.get_by_id(book.id).pages == 4
