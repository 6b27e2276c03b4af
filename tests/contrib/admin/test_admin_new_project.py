"""A project made by `startproject` has the admin: migrate, createsuperuser, log in, edit."""

import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow
PY = sys.executable

SCRIPT = textwrap.dedent("""
    import os
    os.environ.setdefault("RUSTFORGE_SETTINGS_MODULE", "mysite.settings")
    from rustforge.http import get_wsgi_application
    from rustforge.testing.client import Client

    client = Client(get_wsgi_application(), host="localhost")
    assert client.get("/admin", headers={"Accept": "text/html"}).status_code == 302
    client.get("/accounts/login")
    token = client.cookies["csrftoken"]
    r = client.post("/accounts/login", json={"username": "boss", "password": "a long passphrase"},
                    headers={"X-CSRFToken": token, "Origin": "http://localhost"})
    assert r.status_code == 200, r.text
    client.default_headers["X-CSRFToken"] = r.json["csrf_token"]
    assert "/admin/blog/note" in client.get("/admin").text
    r = client.post("/admin/blog/note/add", data={"title": "First note"})
    assert r.status_code == 303, r.text
    page = client.get("/admin/blog/note?q=first")
    assert "First note" in page.text and "1 note" in page.text
    print("admin ok")
""")


def test_new_project_serves_the_admin(tmp_path, run_cli, rustforge_bin):
    assert run_cli([rustforge_bin, "startproject", "mysite", "site"], cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    assert run_cli([PY, "manage.py", "startapp", "blog"], cwd=site).returncode == 0
    assert (site / "blog" / "admin.py").is_file()
    (site / "blog" / "models.py").write_text(
        "from peewee import CharField\nfrom rustforge.db import Model\n\n\n"
        "class Note(Model):\n    title = CharField(max_length=80)\n\n"
        "    def __str__(self):\n        return self.title\n")
    (site / "blog" / "admin.py").write_text(
        "from rustforge.contrib import admin\nfrom blog.models import Note\n\n"
        'admin.site.register(Note, search_fields=["title"])\n')
    settings = site / "mysite" / "settings.py"
    assert '"rustforge.contrib.admin"' in settings.read_text()
    settings.write_text(settings.read_text().replace('"mysite",', '"mysite",\n    "blog",'))
    env = {"RUSTFORGE_SUPERUSER_PASSWORD": "a long passphrase", "ALLOWED_HOSTS": "localhost"}
    for args in (["makemigrations", "blog"], ["migrate"],
                 ["createsuperuser", "--username", "boss", "--email", "b@example.com",
                  "--noinput"]):
        result = run_cli([PY, "manage.py", *args], cwd=site, env=env, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
    (site / "check_admin.py").write_text(SCRIPT)
    result = run_cli([PY, "check_admin.py"], cwd=site, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "admin ok" in result.stdout
