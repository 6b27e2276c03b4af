"""The pytest plugin finds an installed app's fixtures in the app's ``testing`` module."""

import subprocess
import sys
import textwrap

import pytest

PROJECT = {
    "fxsettings.py": """
        SECRET_KEY = "x" * 40
        INSTALLED_APPS = ["fxapp"]
    """,
    "fxapp/__init__.py": "",
    "fxapp/testing.py": """
        import pytest

        @pytest.fixture
        def greeting():
            return "hello from fxapp"
    """,
    "test_fx.py": """
        def test_app_fixture(greeting):
            assert greeting == "hello from fxapp"
    """,
}


@pytest.mark.slow
@pytest.mark.parametrize("listed", [False, True], ids=["discovered", "also-listed"])
def test_an_installed_apps_testing_module_provides_fixtures(tmp_path, listed):
    files = dict(PROJECT)
    if listed:  # the interim convention: harmless next to discovery
        files["conftest.py"] = """
            from rustforge.testing import plugin
            plugin.FIXTURE_MODULES.append("fxapp.testing")
        """
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--rf-settings", "fxsettings", "test_fx.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_auth_fixtures_come_from_the_auth_app(request):
    fixturedef = request._fixturemanager.getfixturedefs("make_user", request.node)[-1]
    assert fixturedef.func.__module__ == "rustforge.contrib.auth.testing"
