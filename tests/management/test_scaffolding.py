"""startproject and startapp render a working project and app."""

import re
import sys

import pytest

PY = sys.executable


@pytest.fixture
def site(tmp_path, run_cli, rustforge_bin):
    result = run_cli([rustforge_bin, "startproject", "mysite", "deploy/here"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "deploy" / "here"


def test_startproject_renders_every_file(site):
    for rel in ("manage.py", "mysite/__init__.py", "mysite/settings.py", "mysite/urls.py",
                "mysite/wsgi.py", "gunicorn.conf.py", ".env.example", ".env", ".gitignore",
                "pytest.ini"):
        assert (site / rel).is_file(), rel
    leftovers = [p for p in site.rglob("*") if p.name.endswith("-tpl") or
                 (p.is_file() and re.search(r"\{\{ *\w+ *\}\}", p.read_text()))]
    assert leftovers == []
    env = (site / ".env").read_text()
    assert "DEBUG=1" in env
    secret = re.search(r"^SECRET_KEY=(.+)$", env, re.MULTILINE).group(1)
    assert len(secret) >= 50
    assert "SECRET_KEY=\n" in (site / ".env.example").read_text()  # never a real secret


def test_startapp_then_the_generated_tests_pass(site, run_cli):
    result = run_cli([PY, "manage.py", "startapp", "blog"], cwd=site)
    assert result.returncode == 0, result.stderr
    for rel in ("apps.py", "models.py", "routes.py", "resources.py", "test_app.py",
                "migrations/__init__.py"):
        assert (site / "blog" / rel).is_file(), rel
    assert (site / "blog" / "templates" / "blog").is_dir()
    assert (site / "blog" / "static" / "blog").is_dir()
    settings = site / "mysite" / "settings.py"
    settings.write_text(settings.read_text().replace('"mysite",', '"mysite",\n    "blog",'))
    routes = run_cli([PY, "manage.py", "routes"], cwd=site)
    assert "/blog" in routes.stdout and "blog:index" in routes.stdout
    tests = run_cli([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=site,
                    timeout=120)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout  # the project's welcome-page test and the app's


def test_startapp_into_a_package_directory(site, run_cli):
    (site / "apps").mkdir()
    result = run_cli([PY, "manage.py", "startapp", "shop", "apps/shop"], cwd=site)
    assert result.returncode == 0, result.stderr
    assert "'apps.shop'" in result.stdout
    assert 'name = "apps.shop"' in (site / "apps" / "shop" / "apps.py").read_text()
    settings = site / "mysite" / "settings.py"
    settings.write_text(settings.read_text().replace('"mysite",', '"mysite",\n    "apps.shop",'))
    check = run_cli([PY, "manage.py", "routes"], cwd=site)
    assert check.returncode == 0, check.stderr
    assert "/shop" in check.stdout and "shop:index" in check.stdout


def test_startapp_refuses_bad_targets(site, run_cli):
    (site / "busy").mkdir()
    (site / "busy" / "x.py").write_text("")
    result = run_cli([PY, "manage.py", "startapp", "shop", "busy"], cwd=site)
    assert result.returncode == 1 and "not empty" in result.stderr
    result = run_cli([PY, "manage.py", "startapp", "shop", "my-apps/shop"], cwd=site)
    assert result.returncode == 1 and "not a package path" in result.stderr
