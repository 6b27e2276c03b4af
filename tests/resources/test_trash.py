"""The trash of a soft-delete resource over HTTP: list, restore, force delete, permissions."""

import pytest
from testproject.shop.models import Shelf, Slot

AUTH_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]


@pytest.fixture
def with_auth(settings):
    settings.MIDDLEWARE = AUTH_MIDDLEWARE


@pytest.fixture
def shelves(db):
    top, middle, bottom = (Shelf.create(name=n) for n in ("top", "middle", "bottom"))
    Slot.create(shelf=middle, label="m1")
    middle.delete_instance()          # the slot goes with it (soft_cascade)
    bottom.delete_instance()
    return top, middle, bottom


def names(response):
    assert response.status_code == 200, response.text
    return sorted(row["name"] for row in response.json["data"])


def test_lists_for_an_allowed_user(with_auth, admin_client, shelves):
    assert names(admin_client.get("/shop/shelves")) == ["top"]
    assert names(admin_client.get("/shop/shelves?with_deleted=1")) == ["bottom", "middle", "top"]
    only = admin_client.get("/shop/shelves?only_deleted=true")
    assert names(only) == ["bottom", "middle"]
    assert all(row["deleted_at"] for row in only.json["data"])
    assert names(admin_client.get("/shop/shelves?only_deleted=0")) == ["top"]


def test_restore_brings_back_the_row_and_its_cascade(with_auth, admin_client, shelves):
    middle = shelves[1]
    response = admin_client.post(f"/shop/shelves/{middle.id}/restore")
    assert response.status_code == 200, response.text
    assert response.json["name"] == "middle" and response.json["deleted_at"] is None
    assert response.headers["ETag"]
    assert [s.label for s in Shelf.get_by_id(middle.id).slots] == ["m1"]
    # A live row cannot be restored (it is not in the trash): 404.
    assert admin_client.post(f"/shop/shelves/{middle.id}/restore").status_code == 404


def test_restore_conflict_is_409(with_auth, admin_client, shelves):
    bottom = shelves[2]
    Shelf.create(name="bottom")       # the name is free among live rows, and now taken
    response = admin_client.post(f"/shop/shelves/{bottom.id}/restore")
    assert response.status_code == 409
    assert "name" in str(response.json["errors"])
    assert Shelf.only_deleted().where(Shelf.id == bottom.id).count() == 1


def test_restore_honours_if_match(with_auth, admin_client, shelves):
    bottom = shelves[2]
    stale = admin_client.post(f"/shop/shelves/{bottom.id}/restore", headers={"If-Match": '"x"'})
    assert stale.status_code == 412
    assert Shelf.only_deleted().where(Shelf.id == bottom.id).count() == 1


def test_force_delete(with_auth, admin_client, shelves):
    top, middle, _ = shelves
    assert admin_client.delete(f"/shop/shelves/{middle.id}?force=1").status_code == 204
    assert Shelf.with_deleted().where(Shelf.id == middle.id).count() == 0
    assert admin_client.delete(f"/shop/shelves/{top.id}?force=1").status_code == 204
    assert Shelf.with_deleted().where(Shelf.id == top.id).count() == 0
    assert admin_client.delete(f"/shop/shelves/{top.id}?force=1").status_code == 404
    assert admin_client.delete(f"/shop/shelves/{top.id}?force=maybe").status_code == 400


def test_permissions(with_auth, client, make_user, login, shelves):
    top, middle, _ = shelves
    assert client.get("/shop/shelves?with_deleted=1").status_code == 401
    assert client.post(f"/shop/shelves/{middle.id}/restore").status_code == 401
    login(client, make_user("plain"))
    assert client.get("/shop/shelves").status_code == 200
    assert client.get("/shop/shelves?only_deleted=1").status_code == 403
    assert client.post(f"/shop/shelves/{middle.id}/restore").status_code == 403
    assert client.delete(f"/shop/shelves/{top.id}?force=1").status_code == 403
    assert Shelf.with_deleted().count() == 3
    assert Shelf.only_deleted().where(Shelf.id == middle.id).count() == 1


@pytest.mark.parametrize("query", ["with_deleted=2", "only_deleted=yes%27--",
                                   "with_deleted=1&only_deleted=1",
                                   "with_deleted=1&with_deleted=0"])
def test_hostile_trash_params_are_400(with_auth, admin_client, shelves, query):
    response = admin_client.get(f"/shop/shelves?{query}")
    assert response.status_code == 400, response.text


def test_without_the_actions_the_trash_does_not_exist(client, db):
    shelf = Shelf.create(name="x")
    Shelf.create(name="y").delete_instance()
    assert client.get("/shop/books?with_deleted=1").status_code == 400   # not a soft model
    assert client.post(f"/shop/books/{shelf.id}/restore").status_code in (404, 405)
    assert client.delete(f"/shop/books/{shelf.id}?force=1").status_code == 400
