"""Registering models: options checked at registration, discovery, checks."""

import pytest
from peewee import CharField
from testproject.blog.models import Author, Post

from rustforge.contrib import admin
from rustforge.exceptions import ImproperlyConfigured


@pytest.fixture
def site():
    return admin.AdminSite()


def test_register_forms(site):
    site.register(Author)
    assert type(site.admin_for(Author)) is admin.ModelAdmin

    @admin.register(Post, site=site)
    class PostAdmin(admin.ModelAdmin):
        list_display = ["title"]

    assert isinstance(site.admin_for(Post), PostAdmin)
    with pytest.raises(admin.AlreadyRegistered):
        site.register(Post)
    site.unregister(Post)
    with pytest.raises(admin.NotRegistered):
        site.unregister(Post)
    site.register([Post], search_fields=["title"])
    assert site.admin_for(Post).search_fields == ["title"]


@pytest.mark.parametrize("options, message", [
    ({"list_display": ["nope"]}, "list_display: 'nope'"),
    ({"search_fields": ["views"]}, "must name a text field"),
    ({"search_fields": ["author__nope"]}, "must name a text field"),
    ({"search_fields": ["title__x"]}, "must name a text field"),
    ({"list_filter": ["title"]}, "list_filter: 'title'"),
    ({"ordering": ["-nope"]}, "ordering: '-nope'"),
    ({"readonly_fields": ["nope"]}, "is not a field"),
    ({"autocomplete_fields": ["title"]}, "is not a foreign key"),
    ({"sensitive_fields": ["body"], "list_display": ["body"]}, "sensitive"),
    ({"sensitive_fields": ["body"], "search_fields": ["body"]}, "text field"),
    ({"object_views": {"x": "missing_method"}}, "no method"),
])
def test_typos_fail_at_registration(site, options, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        site.register(Post, **options)


def test_register_refuses_what_is_not_a_model(site):
    with pytest.raises(ImproperlyConfigured):
        site.register(CharField)
    with pytest.raises(ImproperlyConfigured):
        admin.register()
    with pytest.raises(ImproperlyConfigured):
        admin.register(Post, site=site)(object)


def test_actions_of_a_site_and_a_model(site):
    def shout(model_admin, req, resp, queryset):
        return "!"

    site.add_action(admin.action(shout, description="Shout", permissions=["view"]))
    site.register(Author)
    actions = site.admin_for(Author).get_actions()
    assert list(actions) == ["delete_selected", "restore_selected", "shout"]
    assert actions["shout"][1] == "Shout"
    site.remove_action("delete_selected")
    assert "delete_selected" not in site.admin_for(Author).get_actions()


def test_autodiscovery_registered_the_installed_apps(db):
    from rustforge.contrib.admin import site
    from rustforge.contrib.auth import get_user_model
    from rustforge.contrib.auth.models import Group

    assert site.is_registered(Post) and site.is_registered(Group)
    assert site.is_registered(get_user_model())


def test_checks_need_auth_middleware(settings):
    from rustforge.contrib.admin.checks import check_requirements

    settings.MIDDLEWARE = ["rustforge.http.middleware.SecurityMiddleware"]
    ids = [m.id for m in check_requirements(None)]
    assert ids == ["admin.W002"]


def test_private_registry_does_not_fill_the_site():
    """The SQL snapshots load built-in apps in a private registry: no autodiscovery there."""
    from rustforge.apps.registry import Apps

    registry = Apps()
    registry.populate(["rustforge.contrib.admin"])
    assert registry.get_app_config("admin").registry is registry


def test_registering_does_not_load_the_web_layer(run_cli):
    """`<app>/admin.py` runs in every process (manage.py --help too): no falcon, no Jinja2."""
    import sys

    code = ("import sys\nfrom rustforge.conf import settings\n"
            "settings.configure(None, INSTALLED_APPS=['rustforge.contrib.auth', "
            "'rustforge.contrib.admin'], SECRET_KEY='x' * 50)\n"
            "from rustforge.apps import apps\napps.populate()\n"
            "from rustforge.contrib.admin import site\n"
            "assert len(site.model_admins()) == 4, site.model_admins()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('falcon', 'jinja2', 'whitenoise')))\n")
    result = run_cli([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_links_to_other_apps_pages(site, app):
    from types import SimpleNamespace

    site.add_link("Jobs", "jobs:dashboard")
    site.add_link("Owners only", "jobs:dashboard", allowed=lambda user: user.is_superuser)
    site.add_link("Jobs", "jobs:dashboard")  # the same title again replaces, never repeats
    staff = SimpleNamespace(is_staff=True, is_superuser=False)
    assert site.links_for(staff) == [{"title": "Jobs", "url": "/_jobs"}]
    owner = SimpleNamespace(is_staff=True, is_superuser=True)
    assert [link["title"] for link in site.links_for(owner)] == ["Jobs", "Owners only"]
