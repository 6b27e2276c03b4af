"""The pytest plugin finds an installed app's fixtures in the app's ``testing`` module."""

import subprocess
import sys
import textwrap

import pytest

FIXTURES = """
    import pytest

    @pytest.fixture
    def {name}_greeting():
        return "hello from {name}"
"""

PROJECT = {
    "fxsettings.py": """
        SECRET_KEY = "x" * 40
        INSTALLED_APPS = ["fxlisted", "fxfound"]
    """,
    "fxlisted/__init__.py": "",
    "fxlisted/testing.py": FIXTURES.format(name="fxlisted"),
    "fxfound/__init__.py": "",
    "fxfound/testing.py": FIXTURES.format(name="fxfound"),
    # The interim convention (listing an app's module) stays harmless next to discovery.
    "conftest.py": """
        from rustforge.testing import plugin
        plugin.FIXTURE_MODULES.append("fxlisted.testing")
    """,
    "test_fx.py": """
        def test_app_fixtures(fxlisted_greeting, fxfound_greeting):
            assert fxlisted_greeting == "hello from fxlisted"
            assert fxfound_greeting == "hello from fxfound"
    """,
}


@pytest.mark.slow
def test_an_installed_apps_testing_module_provides_fixtures(tmp_path):
    for rel, text in PROJECT.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:schemathesis",
         "-p", "no:hypothesispytest", "-p", "no:anyio", "--rf-settings", "fxsettings",
         "test_fx.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_auth_fixtures_come_from_the_auth_app(request):
    fixturedef = request._fixturemanager.getfixturedefs("make_user", request.node)[-1]
    assert fixturedef.func.__module__ == "rustforge.contrib.auth.testing"
