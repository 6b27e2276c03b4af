"""The examples of docs/cache.md run as written."""

from tests_helpers import run_doc


def test_examples_run(locmem_cache, capsys):
    run_doc("cache.md", "docs_cache", min_blocks=5)
