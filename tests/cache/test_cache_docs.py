"""The examples of docs/cache.md run as written."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "cache.md"


def test_examples_run(locmem_cache, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert len(blocks) >= 5
    namespace = {"__name__": "docs_cache"}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
