"""The built distribution works on its own: `make dist` artefacts, installed into a fresh venv.

The sdist is built first and the wheel from it (what `python -m build` does), so
a file missing from the sdist fails here too. The smoke test runs the console
script and a new project from the installed wheel, never from this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

import rustforge

ROOT = Path(__file__).resolve().parents[2]

# One build and one install serve every test of this module; the PostgreSQL run
# of `make test` builds the same files, so it runs in the SQLite run only.
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def _env() -> dict[str, str]:
    """The environment without anything that would point back into the checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUSTFORGE_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(Path(sys.executable).parent)))
    return env


def _run(args, cwd, timeout=300):
    result = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out, timeout=600)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", str(home)], cwd=home.parent)
    wheel = next(dist.glob("rustforge-*.whl"))
    _run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
         cwd=home.parent, timeout=600)
    return home


def test_artefacts_carry_the_version_and_the_scaffolding(dist):
    version = rustforge.__version__
    wheel = dist / f"rustforge-{version}-py3-none-any.whl"
    sdist = dist / f"rustforge-{version}.tar.gz"
    assert wheel.is_file() and sdist.is_file(), sorted(p.name for p in dist.iterdir())
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("rustforge/project_template/project/manage.py-tpl",
                   "rustforge/py.typed",
                   "rustforge/project_template/ci/dot-github/workflows/ci.yml-tpl",
                   "rustforge/contrib/auth/templates/auth/login.html"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith("tests/")]
    # PEP 639: the licence as an SPDX expression (setuptools stops building the
    # old TOML-table form in 2027).
    metadata = zipfile.ZipFile(wheel).read(f"rustforge-{version}.dist-info/METADATA").decode()
    assert "License-Expression: BSD-3-Clause" in metadata.splitlines()
    with tarfile.open(sdist) as tar:
        members = tar.getnames()
    assert f"rustforge-{version}/pyproject.toml" in members
    assert f"rustforge-{version}/rustforge/project_template/project/manage.py-tpl" in members


def test_installed_wheel_serves_a_new_project(venv, tmp_path, free_port):
    bin_dir = venv / "bin"
    # The installed package is the wheel's, not this checkout's.
    where = _run([str(bin_dir / "python"), "-c", "import rustforge; print(rustforge.__file__)"],
                 cwd=tmp_path).stdout.strip()
    assert where.startswith(str(venv)), where
    assert _run([str(bin_dir / "rustforge"), "version"], cwd=tmp_path).stdout.strip() \
        == rustforge.__version__

    _run([str(bin_dir / "rustforge"), "startproject", "smoke"], cwd=tmp_path)
    site = tmp_path / "smoke"
    python = str(bin_dir / "python")
    assert _run([python, "manage.py", "version"], cwd=site).stdout.strip() \
        == rustforge.__version__
    _run([python, "manage.py", "migrate"], cwd=site)
    _run([python, "manage.py", "check"], cwd=site)

    port = free_port
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "smoke.wsgi:application", "-c", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=site, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = status = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                    status, body = resp.status, resp.read().decode()
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        assert status == 200
        assert "RustForge" in body
    finally:
        server.terminate()
        server.wait(timeout=20)
