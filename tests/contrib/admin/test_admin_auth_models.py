"""Users and groups in the admin: permissions as checkboxes, the password page."""

import html

from rustforge.contrib.admin.models import LogEntry
from rustforge.contrib.auth import get_user_model
from rustforge.contrib.auth.models import Group, Permission
from rustforge.contrib.auth.permissions import get_permission


def test_group_permissions_are_edited_as_checkboxes(admin_client, db):
    view = get_permission("blog.view_post")
    change = get_permission("blog.change_post")
    response = admin_client.post("/admin/auth/group/add", data={
        "name": "Editors", "permissions": [str(view.id), str(change.id)]})
    assert response.status_code == 303
    group = Group.get(Group.name == "Editors")
    assert {str(p.permission) for p in group.permission_links} == {"blog.view_post",
                                                                   "blog.change_post"}
    page = admin_client.get(f"/admin/auth/group/{group.id}/change")
    assert f'value="{view.id}" checked' in page.text
    admin_client.post(f"/admin/auth/group/{group.id}/change",
                      data={"name": "Editors", "permissions": [str(view.id)]})
    assert [str(p.permission) for p in group.permission_links] == ["blog.view_post"]
    entry = LogEntry.select().where(LogEntry.model_name == "group").order_by(
        LogEntry.id.desc()).first()
    assert entry.changes == [{"field": "permissions",
                              "old": "blog.change_post, blog.view_post",
                              "new": "blog.view_post"}]


def test_a_group_grants_the_admin_pages(client, make_user, login, db):
    editors = Group.create(name="Editors")
    from rustforge.contrib.auth import grant
    from rustforge.contrib.auth.models import UserGroup

    grant(editors, "blog.view_post")
    user = make_user("eve", is_staff=True)
    UserGroup.create(user=user, group=editors)
    login(client, user)
    assert client.get("/admin/blog/post").status_code == 200
    assert client.get("/admin/blog/author").status_code == 403


def test_user_page_never_shows_the_password_hash(admin_client, make_user, db):
    ada = make_user("ada")
    page = admin_client.get(f"/admin/auth/user/{ada.id}/change")
    assert page.status_code == 200
    assert ada.password not in page.text and "argon2" not in page.text
    assert 'name="password"' not in page.text
    assert "Change password" in page.text
    listing = admin_client.get("/admin/auth/user?q=ada")
    assert "argon2" not in listing.text
    assert admin_client.get("/admin/auth/user?o=password").status_code == 400


def test_changing_a_users_flags_and_groups(admin_client, make_user, db):
    ada = make_user("ada")
    staff = Group.create(name="Staff")
    perm = Permission.get((Permission.app_label == "blog") & (Permission.codename == "add_post"))
    response = admin_client.post(f"/admin/auth/user/{ada.id}/change", data={
        "username": "ada", "email": "ada@example.com", "is_active": "true",
        "is_staff": "true", "groups": [str(staff.id)], "user_permissions": [str(perm.id)]})
    assert response.status_code == 303
    ada = get_user_model().get_by_id(ada.id)
    assert ada.is_staff and ada.has_perm("blog.add_post")
    assert ada.check_password("correct horse battery staple")   # the password is untouched


def test_password_change_hashes_and_validates(admin_client, make_user, db):
    ada = make_user("ada")
    short = admin_client.post(f"/admin/auth/user/{ada.id}/password",
                              data={"password1": "abc", "password2": "abc"})
    assert short.status_code == 400 and 'id="password-errors"' in short.text
    mismatch = admin_client.post(f"/admin/auth/user/{ada.id}/password",
                                 data={"password1": "a new long passphrase",
                                       "password2": "another long passphrase"})
    assert "do not match" in mismatch.text
    done = admin_client.post(f"/admin/auth/user/{ada.id}/password",
                             data={"password1": "a new long passphrase",
                                   "password2": "a new long passphrase"})
    assert done.status_code == 303
    ada = get_user_model().get_by_id(ada.id)
    assert ada.password.startswith("$argon2")
    assert ada.check_password("a new long passphrase")
    entry = LogEntry.select().where(LogEntry.model_name == "user").order_by(
        LogEntry.id.desc()).first()
    assert entry.changes == [{"field": "password", "old": "", "new": "(changed)"}]
    assert "a new long passphrase" not in html.unescape(
        admin_client.get(f"/admin/auth/user/{ada.id}/history").text)


def test_password_page_needs_the_change_permission(client, make_user, login, db):
    from rustforge.contrib.auth import grant

    target = make_user("target")
    viewer = make_user("viewer", is_staff=True)
    grant(viewer, "auth.view_user")
    login(client, viewer)
    assert client.get(f"/admin/auth/user/{target.id}/change").status_code == 200
    assert client.get(f"/admin/auth/user/{target.id}/password").status_code == 403
    assert client.post(f"/admin/auth/user/{target.id}/password",
                       data={"password1": "x" * 20, "password2": "x" * 20}).status_code == 403


def test_password_page_hostile_input(admin_client, make_user, db):
    ada = make_user("ada")
    url = f"/admin/auth/user/{ada.id}/password"
    huge = "x" * 5000
    assert admin_client.post(url, data={"password1": huge, "password2": huge}).status_code == 400
    twice = admin_client.post(url, data={"password1": ["a long one 1", "a long one 2"],
                                         "password2": "a long one 1"})
    assert twice.status_code == 400
    assert admin_client.post(url, body=b"{}", content_type="text/xml").status_code == 415
    assert get_user_model().get_by_id(ada.id).check_password("correct horse battery staple")
