"""The examples of docs/services.md run as written."""

import re
from pathlib import Path

from rustforge.services import services

DOC = Path(__file__).resolve().parents[2] / "docs" / "services.md"


def test_examples_run(settings, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert len(blocks) >= 4
    namespace = {"__name__": "docs_services"}
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
    finally:
        services.reset("geoip")
        services._services.pop("geoip", None)
    assert "'redis'" in capsys.readouterr().out
