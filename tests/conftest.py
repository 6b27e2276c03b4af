"""Shared fixtures of the framework's own tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture
def run_cli():
    """Run a command line in a subprocess; returns CompletedProcess (text)."""

    def run(args, cwd=None, env=None, timeout=60, input=None):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("RUSTFORGE_SETTINGS_MODULE", None)
        if env and "RUSTFORGE_SETTINGS_MODULE" in env:
            full_env["RUSTFORGE_SETTINGS_MODULE"] = env["RUSTFORGE_SETTINGS_MODULE"]
        return subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True, check=False,
                              timeout=timeout, input=input)

    return run


@pytest.fixture
def rustforge_bin():
    path = BIN / "rustforge"
    if not path.exists():
        found = shutil.which("rustforge")
        assert found, "the rustforge console script is not installed"
        return found
    return str(path)
