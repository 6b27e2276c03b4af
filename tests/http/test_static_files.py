"""Static files: app folders, project folders, STATIC_ROOT, in DEBUG and not."""

import pytest


@pytest.fixture
def project_static(tmp_path, settings):
    folder = tmp_path / "static"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "app.css").write_text("/* project override */")
    settings.STATICFILES_DIRS = [str(folder)]
    return folder


@pytest.mark.parametrize("debug", [False, True])
def test_app_static_files_are_served(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/static/notes/app.css")
    assert response.status_code == 200
    assert "color: teal" in response.text
    assert response.headers["content-type"].startswith("text/css")
    assert client.get("/static/notes/missing.css").status_code == 404


@pytest.mark.parametrize("debug", [False, True])
def test_project_folder_wins_over_the_app_and_static_root_over_both(
        client, settings, project_static, tmp_path, debug):
    settings.DEBUG = debug
    assert client.get("/static/notes/app.css").text == "/* project override */"
    assert client.get("/static/notes/only-app.txt").text == "notes only\n"
    root = tmp_path / "collected"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "app.css").write_text("/* collected */")
    settings.STATIC_ROOT = str(root)
    from rustforge.testing.client import Client
    from rustforge.testing.plugin import LazyApplication

    fresh = Client(LazyApplication())
    assert fresh.get("/static/notes/app.css").text == "/* collected */"


def test_cache_headers_depend_on_debug(client, settings):
    settings.DEBUG = False
    assert "max-age=3600" in client.get("/static/notes/app.css").headers["cache-control"]


def test_dynamic_routes_are_not_shadowed_by_static_lookup(client):
    assert client.get("/").status_code == 200
    assert client.get("/static").status_code == 404  # the prefix itself is no file
