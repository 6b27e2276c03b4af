"""The app registry: phases, labels, and clear errors with suggestions."""

import sys
import textwrap

import pytest

from rustforge.apps import AppConfig, Apps
from rustforge.exceptions import AppRegistryNotReady, ImproperlyConfigured


@pytest.fixture
def pkgs(tmp_path, monkeypatch):
    """Write throwaway packages: pkgs({"shop/__init__.py": "", ...})."""
    monkeypatch.syspath_prepend(str(tmp_path))
    created = []

    def write(files):
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
            created.append(rel.split("/")[0])
        return tmp_path

    yield write
    for name in list(sys.modules):
        if name.split(".")[0] in created:
            del sys.modules[name]


def test_phases_models_then_ready(pkgs):
    pkgs({
        "shop/__init__.py": "",
        "shop/apps.py": """
            from rustforge.apps import AppConfig
            calls = []
            class ShopConfig(AppConfig):
                name = "shop"
                url_prefix = "/store"
                def ready(self):
                    calls.append([m.__name__ for m in self.models])
        """,
        "shop/models.py": """
            from peewee import CharField
            from rustforge.db import Model
            class Product(Model):
                name = CharField()
        """,
    })
    registry = Apps()
    with pytest.raises(AppRegistryNotReady):
        registry.get_app_configs()
    registry.populate(["shop"])
    config = registry.get_app_config("shop")
    assert type(config).__name__ == "ShopConfig"
    assert config.url_prefix == "/store"
    assert registry.get_model("shop.Product").__name__ == "Product"
    assert registry.get_model("shop.product")._meta.table_name == "shop_product"
    assert sys.modules["shop.apps"].calls == [["Product"]]  # ready() saw the models


def test_plain_package_without_apps_module(pkgs):
    pkgs({"plain/__init__.py": ""})
    registry = Apps()
    registry.populate(["plain"])
    config = registry.get_app_config("plain")
    assert type(config) is AppConfig and config.url_prefix == "/plain"


def test_duplicate_label(pkgs):
    pkgs({"one/__init__.py": "", "one/blog/__init__.py": "",
          "two/__init__.py": "", "two/blog/__init__.py": ""})
    with pytest.raises(ImproperlyConfigured, match="labels must be unique: 'one.blog' and "
                       "'two.blog' both use 'blog'"):
        Apps().populate(["one.blog", "two.blog"])


def test_duplicate_label_resolved_by_an_explicit_label(pkgs):
    pkgs({"one/__init__.py": "", "one/blog/__init__.py": "",
          "two/__init__.py": "", "two/blog/__init__.py": "",
          "two/blog/apps.py": """
              from rustforge.apps import AppConfig
              class Blog2(AppConfig):
                  label = "blog2"
          """})
    registry = Apps()
    registry.populate(["one.blog", "two.blog"])
    assert {c.label for c in registry.get_app_configs()} == {"blog", "blog2"}


def test_missing_module_suggests_a_sibling(pkgs):
    pkgs({"site_a/__init__.py": "", "site_a/blog/__init__.py": ""})
    with pytest.raises(ImproperlyConfigured,
                       match=r"cannot import 'site_a.bolg'; did you mean 'site_a.blog'\?"):
        Apps().populate(["site_a.bolg"])


def test_missing_top_level_module_suggests(pkgs):
    with pytest.raises(ImproperlyConfigured, match=r"did you mean 'jinja2'\?"):
        Apps().populate(["jinja3"])


def test_error_inside_an_app_is_not_hidden(pkgs):
    pkgs({"broken/__init__.py": "import not_installed_dependency\n"})
    with pytest.raises(ModuleNotFoundError, match="not_installed_dependency"):
        Apps().populate(["broken"])


def test_bad_app_config_path_suggests_the_class(pkgs):
    pkgs({"news/__init__.py": "", "news/apps.py": """
        from rustforge.apps import AppConfig
        class NewsConfig(AppConfig):
            name = "news"
    """})
    with pytest.raises(ImproperlyConfigured, match=r"'news.apps' has no AppConfig named "
                       r"'NewsConfg'; did you mean 'news.apps.NewsConfig'\?"):
        Apps().populate(["news.apps.NewsConfg"])
    registry = Apps()
    registry.populate(["news.apps.NewsConfig"])
    assert registry.get_app_config("news").name == "news"


def test_app_config_path_in_a_missing_module(pkgs):
    with pytest.raises(ImproperlyConfigured, match="cannot import 'nothere.apps.Config'"):
        Apps().populate(["nothere.apps.Config"])


def test_not_a_dotted_path():
    with pytest.raises(ImproperlyConfigured, match="is not a dotted path"):
        Apps().populate([""])
    with pytest.raises(ImproperlyConfigured, match="is not a dotted path"):
        Apps().populate([42])


def test_invalid_label(pkgs):
    pkgs({"odd/__init__.py": "", "odd/apps.py": """
        from rustforge.apps import AppConfig
        class Odd(AppConfig):
            label = "my-app"
    """})
    with pytest.raises(ImproperlyConfigured, match="'my-app' is not a valid Python identifier"):
        Apps().populate(["odd"])


def test_several_configs_need_a_default(pkgs):
    pkgs({"multi/__init__.py": "", "multi/apps.py": """
        from rustforge.apps import AppConfig
        class A(AppConfig):
            pass
        class B(AppConfig):
            pass
    """})
    with pytest.raises(ImproperlyConfigured, match="several AppConfig classes"):
        Apps().populate(["multi"])


def test_failed_populate_can_be_retried(pkgs):
    pkgs({"fine/__init__.py": ""})
    registry = Apps()
    with pytest.raises(ImproperlyConfigured):
        registry.populate(["fine", "fien_typo"])
    assert not registry.ready
    registry.populate(["fine"])
    assert registry.ready


def test_unknown_label_suggests(pkgs):
    pkgs({"gallery/__init__.py": ""})
    registry = Apps()
    registry.populate(["gallery"])
    with pytest.raises(LookupError, match=r"did you mean 'gallery'\?"):
        registry.get_app_config("galery")
    with pytest.raises(LookupError, match="has no model 'Photo'"):
        registry.get_model("gallery.Photo")


def test_app_commands_routes_and_folders_are_discovered(pkgs):
    pkgs({
        "tools/__init__.py": "",
        "tools/commands.py": """
            import click
            @click.command("sweep")
            def sweep():
                click.echo("swept")
        """,
        "tools/routes.py": """
            from rustforge.http import route
            class R:
                def on_get(self, req, resp): pass
            routes = [route("/", R, name="index")]
        """,
        "tools/templates/tools/x.html": "x",
        "tools/static/tools/x.css": "x",
    })
    registry = Apps()
    registry.populate(["tools"])
    config = registry.get_app_config("tools")
    assert [c.name for c in config.get_commands()] == ["sweep"]
    assert len(config.get_routes()) == 1
    assert config.templates_dir.name == "templates" and config.static_dir.name == "static"
