"""The examples of docs/events.md run as written."""

from tests_helpers import run_doc


def test_examples_run(transactional_db, capsys):
    run_doc("events.md", "docs_events", min_blocks=4)
    out = capsys.readouterr().out
    assert "stock updated for order 7" in out
    assert "invoice 1 is committed" in out
