"""The examples of docs/jobs.md run as written (inline mode)."""

import re
from pathlib import Path

from rustforge.queue.periodic import registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "jobs.md"


def test_examples_run(settings, transactional_db):
    settings.REDIS_URL = ""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert len(blocks) >= 6
    namespace = {"__name__": "docs_jobs"}
    saved = dict(registry)
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
        assert "docs_jobs.purge_expired_sessions" in registry
    finally:
        registry.clear()
        registry.update(saved)
