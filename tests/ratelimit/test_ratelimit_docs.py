"""The examples of docs/ratelimit.md run as written."""

from tests_helpers import run_doc


def test_examples_run(locmem_cache, capsys):
    run_doc("ratelimit.md", "docs_ratelimit", min_blocks=3)
    assert "2 3;w=3600" in capsys.readouterr().out
