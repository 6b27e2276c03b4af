"""Helpers shared by the framework's own tests (importable: tests/ is on sys.path)."""

import shutil
import sys
from pathlib import Path


def rustforge_script() -> str:
    """The ``rustforge`` console script of the running interpreter's environment."""
    path = Path(sys.executable).parent / "rustforge"
    if path.exists():
        return str(path)
    found = shutil.which("rustforge")
    assert found, "the rustforge console script is not installed"
    return found
