"""The Python examples of docs/export.md run as written."""

from tests_helpers import run_doc


def test_examples_run(db, storage):
    from rustforge.contrib.export import exports

    try:
        namespace = run_doc("export.md", "docs_export", min_blocks=4)
    finally:
        exports.unregister("invoices")
    assert namespace["exporter"].name == "invoices"
