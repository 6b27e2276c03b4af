"""The Python examples of docs/auth.md and docs/security.md run as written."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs"


def python_blocks(name):
    text = (DOCS / name).read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    return [b for b in blocks if not b.lstrip().startswith("# settings.py")]


@pytest.mark.parametrize("name", ["auth.md", "security.md"])
def test_examples_run(name, db, capsys):
    from rustforge.contrib.auth.permissions import create_permissions

    create_permissions()  # (what migrate does; an earlier test may have emptied the table)
    blocks = python_blocks(name)
    assert blocks
    namespace = {}
    for block in blocks:
        exec(compile(block, f"docs/{name}", "exec"), namespace)
    if name == "auth.md":
        assert "too common" in capsys.readouterr().out
