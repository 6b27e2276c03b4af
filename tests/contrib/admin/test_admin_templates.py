"""Pages are the project's to override, and fetch nothing from elsewhere."""

import re


def test_a_project_template_overrides_one_models_page(admin_client, blog, settings, tmp_path):
    folder = tmp_path / "templates" / "admin" / "blog" / "post"
    folder.mkdir(parents=True)
    (folder / "change_list.html").write_text(
        '{% extends "admin/change_list.html" %}{% block content %}<p id="mine">Custom '
        '{{ cl.count }}</p>{{ super() }}{% endblock %}')
    settings.TEMPLATE_DIRS = [str(tmp_path / "templates")]
    page = admin_client.get("/admin/blog/post")
    assert '<p id="mine">Custom 30</p>' in page.text
    assert 'id="mine"' not in admin_client.get("/admin/blog/author").text


def test_no_network_fetches_and_static_files_are_served(admin_client, blog):
    page = admin_client.get("/admin/blog/post")
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert not url.startswith(("http:", "https:", "//")), url
    for asset in ("/static/admin/admin.css", "/static/admin/admin.js"):
        response = admin_client.get(asset)
        assert response.status_code == 200 and response.text
    assert "http" not in admin_client.get("/static/admin/admin.css").text


def test_pages_are_not_cached_and_forms_carry_the_token(admin_client, blog):
    post = blog["posts"][0]
    for path in ["/admin", "/admin/blog/post", f"/admin/blog/post/{post.id}/change"]:
        page = admin_client.get(path)
        assert page.headers["cache-control"] == "no-store"
        forms = re.findall(r'<form method="post".*?</form>', page.text, re.DOTALL)
        assert forms and all('name="csrf_token"' in f for f in forms), path
