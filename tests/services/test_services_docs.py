"""The examples of docs/services.md run as written."""

from tests_helpers import run_doc

from rustforge.services import services


def test_examples_run(settings, capsys):
    try:
        run_doc("services.md", "docs_services", min_blocks=4)
    finally:
        services.reset("geoip")
        services._services.pop("geoip", None)
    assert "'redis'" in capsys.readouterr().out
