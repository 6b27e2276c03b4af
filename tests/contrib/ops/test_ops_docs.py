"""The examples of docs/operations.md run as written."""

from tests_helpers import run_doc


def test_examples_run(db, capsys):
    run_doc("operations.md", "docs_operations", min_blocks=5)
    out = capsys.readouterr().out
    assert "200 ready ['cache', 'database', 'migrations', 'redis']" in out
    assert "2.0" in out
