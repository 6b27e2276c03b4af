"""Who gets in: staff only, and per model the view/add/change/delete permissions."""

import pytest

from rustforge.contrib.auth import grant


def test_anonymous_browser_is_sent_to_the_login_page(client, db):
    response = client.get("/admin/blog/post", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/login?next=%2Fadmin%2Fblog%2Fpost"


def test_anonymous_post_is_401(client, db):
    client.get("/accounts/login")
    response = client.post("/admin/blog/post/add", data={"title": "x"},
                           headers={"X-CSRFToken": client.cookies.get("csrftoken", "")})
    assert response.status_code == 401
    assert 'form-action="/accounts/login"' in response.headers["www-authenticate"]


def test_a_user_who_is_not_staff_gets_403_everywhere(client, make_user, login, blog):
    login(client, make_user("visitor"))
    post = blog["posts"][0]
    for path in ["/admin", "/admin/blog/post", "/admin/blog/post/add",
                 f"/admin/blog/post/{post.id}/change", f"/admin/blog/post/{post.id}/history"]:
        assert client.get(path).status_code == 403, path


def test_inactive_staff_is_refused(client, make_user, login, db):
    user = make_user("gone", is_staff=True)
    login(client, user)
    type(user).update(is_active=False).where(type(user).id == user.id).execute()
    assert client.get("/admin").status_code in (401, 403)  # the session no longer counts


def test_staff_without_permissions_sees_nothing_and_gets_403(staff_client, blog):
    page = staff_client.get("/admin")
    assert page.status_code == 200
    assert "/admin/blog/post" not in page.text
    assert "You do not have permission" in page.text
    post = blog["posts"][0]
    for path in ["/admin/blog/post", "/admin/blog/post/add", f"/admin/blog/post/{post.id}/change",
                 f"/admin/blog/post/{post.id}/delete", f"/admin/blog/post/{post.id}/history",
                 "/admin/auth/user", "/admin/blog/post/autocomplete?field=author"]:
        response = staff_client.get(path)
        assert response.status_code == 403, path
        assert "blog." in response.text or "auth." in response.text
    assert staff_client.post(f"/admin/blog/post/{post.id}/change",
                             data={"title": "Hacked"}).status_code == 403
    assert staff_client.post(f"/admin/blog/post/{post.id}/delete",
                             data={"confirm": "yes"}).status_code == 403
    post = type(post).get_by_id(post.id)
    assert post.title == "Post 01" and post.deleted_at is None


def test_view_permission_gives_a_read_only_page(staff_client, blog):
    grant(staff_client.user, "blog.view_post")
    page = staff_client.get("/admin")
    assert "/admin/blog/post" in page.text
    assert "/admin/blog/post/add" not in page.text          # no add link without "add"
    listing = staff_client.get("/admin/blog/post")
    assert listing.status_code == 200
    assert 'value="delete_selected"' not in listing.text     # no action it may not run
    assert 'value="publish"' not in listing.text
    assert "Add post" not in listing.text
    post = blog["posts"][0]
    change = staff_client.get(f"/admin/blog/post/{post.id}/change")
    assert change.status_code == 200
    assert "View post" in change.text and ">Save<" not in change.text
    assert "fieldset disabled" in change.text
    assert staff_client.post(f"/admin/blog/post/{post.id}/change",
                             data={"title": "Changed"}).status_code == 403
    assert staff_client.post("/admin/blog/post",
                             data={"action": "delete_selected", "_selected": str(post.id),
                                   "confirm": "yes"}).status_code == 400
    assert type(post).get_by_id(post.id).deleted_at is None


@pytest.mark.parametrize("perm, path, allowed", [
    ("blog.add_post", "/admin/blog/post/add", True),
    ("blog.change_post", "/admin/blog/post", True),          # change implies view
    ("blog.delete_post", "/admin/blog/post/add", False),
])
def test_each_permission_opens_its_pages(staff_client, blog, perm, path, allowed):
    grant(staff_client.user, perm)
    assert (staff_client.get(path).status_code == 200) is allowed


def test_delete_permission_alone_offers_the_delete_action(staff_client, blog):
    grant(staff_client.user, "blog.view_post", "blog.delete_post")
    listing = staff_client.get("/admin/blog/post")
    assert 'value="delete_selected"' in listing.text
    assert 'value="publish"' not in listing.text             # needs "change"


def test_superuser_sees_every_registered_model(admin_client, db):
    page = admin_client.get("/admin")
    for path in ["/admin/blog/post", "/admin/blog/author", "/admin/auth/user",
                 "/admin/auth/group"]:
        assert path in page.text


def test_unknown_model_is_404(admin_client, db):
    assert admin_client.get("/admin/blog/nothing").status_code == 404
    assert admin_client.get("/admin/nope/post/add").status_code == 404
