"""The Python examples of docs/tenancy.md run as written."""

from tests_helpers import run_doc


def test_examples_run(db, capsys):
    namespace = run_doc("tenancy.md", "docs_tenancy", min_blocks=7)
    out = capsys.readouterr().out
    assert "cannot be written while tenant" in out
    assert "Project is tenant-scoped and no tenant is active" in out
    assert namespace["Project"].all_tenants().count() == 2
