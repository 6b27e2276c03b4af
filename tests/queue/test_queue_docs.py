"""The examples of docs/jobs.md run as written (inline mode)."""

from tests_helpers import run_doc

from rustforge.queue.periodic import registry


def test_examples_run(settings, transactional_db):
    settings.REDIS_URL = ""
    saved = dict(registry)
    try:
        run_doc("jobs.md", "docs_jobs", min_blocks=6)
        assert "docs_jobs.purge_expired_sessions" in registry
    finally:
        registry.clear()
        registry.update(saved)
