"""Templates are loaded once without DEBUG and picked up again when edited with DEBUG."""

import pytest

from rustforge.http.templates import render_to_string


@pytest.fixture
def page(tmp_path, settings):
    folder = tmp_path / "templates"
    folder.mkdir()
    path = folder / "page.html"
    path.write_text("one {{ value }}")
    settings.BASE_DIR = str(tmp_path)
    settings.TEMPLATE_DIRS = ["templates"]
    return path


def _edit(path, text):
    import os

    path.write_text(text)
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))  # a newer mtime, without sleeping


def test_without_debug_a_template_is_loaded_once(page, settings):
    settings.DEBUG = False
    assert render_to_string("page.html", {"value": "<b>"}) == "one &lt;b&gt;"
    _edit(page, "two {{ value }}")
    assert render_to_string("page.html", {"value": 1}) == "one 1"


def test_with_debug_an_edited_template_is_read_again(page, settings):
    settings.DEBUG = True
    assert render_to_string("page.html", {"value": 1}) == "one 1"
    _edit(page, "two {{ value }}")
    assert render_to_string("page.html", {"value": 1}) == "two 1"


def test_a_missing_template_is_not_remembered(page, settings):
    import jinja2

    settings.DEBUG = False
    with pytest.raises(jinja2.TemplateNotFound):
        render_to_string("later.html")
    (page.parent / "later.html").write_text("here")
    assert render_to_string("later.html") == "here"
