"""Plugins: third-party apps announced through the ``rustforge.apps`` entry point group.

Two sample packages (tests/apps/plugin_packages) are installed with pip into a
folder of their own, which the project's processes get on PYTHONPATH: a working
plugin with a route, a template and a command, and one whose import fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests_helpers import rustforge_script

PACKAGES = Path(__file__).parent / "plugin_packages"

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("plugins")
    shutil.copytree(PACKAGES, work / "src")  # building writes egg-info next to the sources
    site = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(work / "src" / "rf_sample"), str(work / "src" / "rf_broken")],
        check=True, capture_output=True, timeout=300)
    return site


@pytest.fixture
def project(tmp_path, plugin_site):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTFORGE_", "PYTEST_"))}
    env["PYTHONPATH"] = str(plugin_site)
    subprocess.run([rustforge_script(), "startproject", "plugsite"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    root = tmp_path / "plugsite"

    def enable(*entries: str) -> None:
        settings = root / "plugsite" / "settings.py"
        text = settings.read_text()
        listed = "".join(f'    "{entry}",\n' for entry in entries)
        settings.write_text(text.replace('    "plugsite",\n', f'    "plugsite",\n{listed}', 1))

    def manage(*args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120, check=check)

    return SimpleNamespace(root=root, env=env, enable=enable, manage=manage)


def test_installed_plugins_are_listed_but_not_enabled(project):
    result = project.manage("plugins")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert lines["sample"][:5] == ["sample", "rf-sample", "1.2.3", "rf_sample", "no"]
    assert lines["broken"][:5] == ["broken", "rf-broken", "0.0.1", "rf_broken", "no"]
    # Installed is not enabled: the plugin's route is not served and its command is absent.
    assert "/sample/hello" not in project.manage("routes", check=True).stdout
    assert "sample_greet" not in project.manage("--help").stdout


def test_an_enabled_plugin_serves_its_route_and_adds_its_command(project, free_port):
    project.enable("rf_sample")
    listed = project.manage("plugins", check=True).stdout
    assert [line.split()[4] for line in listed.splitlines() if line.startswith("sample")] \
        == ["yes"]
    help_text = project.manage("--help", check=True).stdout
    assert "[sample]" in help_text and "sample_greet" in help_text
    assert project.manage("sample_greet", check=True).stdout.strip() == "hello from rf_sample"
    project.manage("migrate", check=True)

    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{free_port}", "--noreload"],
        cwd=project.root, env=project.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        deadline = time.monotonic() + 30
        while body is None and time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{free_port}/sample/hello"
                with urllib.request.urlopen(url, timeout=2) as resp:
                    body = resp.read().decode()
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        assert body is not None and "hello from the plugin" in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_broken_plugin_is_named_and_built_in_commands_still_work(project):
    project.enable("rf_broken")
    help_result = project.manage("--help")
    assert help_result.returncode == 0
    assert "migrate" in help_result.stdout  # built-in commands are all still there
    assert "'rf_broken' (plugin 'broken' from rf-broken 0.0.1) failed to import" \
        in help_result.stdout
    assert "rf_missing_dependency" in help_result.stdout

    listed = project.manage("plugins")
    assert listed.returncode == 1
    row = next(line for line in listed.stdout.splitlines() if line.startswith("broken"))
    assert "yes" in row.split() and "error:" in row and "rf_missing_dependency" in row
    assert "1 plugin(s) cannot be loaded" in listed.stderr

    check = project.manage("check")
    assert check.returncode == 1
    assert "Traceback" not in check.stderr
    assert "rf-broken 0.0.1" in check.stderr
    assert project.manage("version", check=True).stdout.strip()
