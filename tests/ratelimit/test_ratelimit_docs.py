"""The examples of docs/ratelimit.md run as written."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "ratelimit.md"


def test_examples_run(locmem_cache, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert len(blocks) >= 3
    namespace = {"__name__": "docs_ratelimit"}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    assert "2 3;w=3600" in capsys.readouterr().out
