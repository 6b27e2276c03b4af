"""The examples of docs/cache.md run as written, on locmem:// and on a real Redis."""

from tests_helpers import run_doc


def test_examples_run(locmem_cache, capsys):
    run_doc("cache.md", "docs_cache", min_blocks=5)


def test_examples_run_on_redis(redis_cache, capsys):
    run_doc("cache.md", "docs_cache", min_blocks=5)
