"""login_required / permission_required / staff_required and the ``next`` redirect."""

from urllib.parse import parse_qs, urlsplit

import pytest

from rustforge.contrib.auth import grant
from rustforge.contrib.auth.models import Group, Permission, UserGroup

HTML = {"Accept": "text/html"}


def html_login(client, username, next_url=None, password="correct horse battery staple"):
    client.get("/accounts/login")
    data = {"username": username, "password": password,
            "csrf_token": client.cookies["csrftoken"]}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login", data=data)


def test_login_required_redirects_browsers_with_next(client, db):
    response = client.get("/authdemo/private?tab=2", headers=HTML)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/accounts/login"
    assert parse_qs(location.query)["next"] == ["/authdemo/private?tab=2"]


def test_login_required_gives_api_clients_401_json(client, db):
    response = client.get("/authdemo/private", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json["title"] == "Authentication required"
    assert 'Cookie realm="site"' in response.headers["www-authenticate"]


def test_login_then_lands_on_next(client, make_user):
    make_user("ada")
    page = client.get("/accounts/login?next=/authdemo/private", headers=HTML)
    assert 'value="/authdemo/private"' in page.text
    response = html_login(client, "ada", "/authdemo/private")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/authdemo/private")
    assert "Hello ada" in client.get("/authdemo/private", headers=HTML).text


@pytest.mark.parametrize("evil", [
    "https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", " //evil.example",
    "javascript:alert(1)", "http:/evil.example", "https:evil.example",
    "/%09/evil.example".replace("%09", "\t"), "\x00/x", "evil.example", "",
])
def test_open_redirect_attempts_land_on_the_default(client, make_user, evil, settings):
    settings.LOGIN_REDIRECT_URL = "/authdemo/"
    make_user("ada")
    response = html_login(client, "ada", evil)
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/authdemo/"
    assert urlsplit(response.headers["location"]).netloc in ("", "testserver")


def test_default_permissions_exist_after_migrate(db):
    from rustforge.apps import apps
    from rustforge.events.signals import migrations_applied

    Permission.delete().execute()
    # What `migrate` sends once it has run every app's migrations.
    for config in apps.get_app_configs():
        migrations_applied.send(config, app_label=config.label, names=[], rolled_back=[])
    codenames = {p.codename for p in Permission.select().where(Permission.app_label == "authdemo")}
    assert codenames == {"view_secret", "add_secret", "change_secret", "delete_secret"}
    assert Permission.select().where((Permission.app_label == "auth")
                                     & (Permission.codename == "change_user")).exists()


def test_permission_required(client, make_user, login):
    ada = make_user("ada")
    login(client, ada)
    denied = client.get("/authdemo/secret")
    assert denied.status_code == 403
    assert "authdemo.change_secret" in denied.json["description"]
    grant(ada, "authdemo.change_secret")
    assert client.get("/authdemo/secret").status_code == 200


def test_permission_through_a_group(client, make_user, login):
    bob = make_user("bob")
    editors = Group.create(name="editors")
    grant(editors, "authdemo.change_secret")
    UserGroup.create(user=bob, group=editors)
    login(client, bob)
    assert client.get("/authdemo/secret").status_code == 200
    assert bob.has_perm("authdemo.change_secret") and not bob.has_perm("authdemo.delete_secret")


def test_superuser_has_every_permission(client, admin_client):
    assert admin_client.get("/authdemo/secret").status_code == 200
    assert admin_client.get("/authdemo/staff").status_code == 200


def test_staff_required(client, make_user, login):
    login(client, make_user("ada"))
    assert client.get("/authdemo/staff").status_code == 403


def test_anonymous_permission_check_asks_for_login(client, db):
    assert client.get("/authdemo/secret").status_code == 401
    assert client.get("/authdemo/staff", headers=HTML).status_code == 302


def test_unknown_permission_name_is_a_clear_error(db, make_user):
    with pytest.raises(LookupError, match="no permission 'blog.fly'"):
        grant(make_user("x"), "blog.fly")


def test_permission_required_rejects_bad_names():
    from rustforge.contrib.auth import permission_required

    with pytest.raises(ValueError):
        permission_required("change_post")
