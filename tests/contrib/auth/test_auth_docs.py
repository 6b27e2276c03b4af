"""The Python examples of docs/auth.md and docs/security.md run as written."""

import pytest
from tests_helpers import run_doc


@pytest.mark.parametrize("name", ["auth.md", "security.md"])
def test_examples_run(name, db, capsys):
    from rustforge.contrib.auth.permissions import create_permissions

    create_permissions()  # (what migrate does; an earlier test may have emptied the table)
    run_doc(name, skip_settings=True)
    if name == "auth.md":
        assert "too common" in capsys.readouterr().out
