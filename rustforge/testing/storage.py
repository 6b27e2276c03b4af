"""Storage fixture: a fresh, empty storage folder for each test.

    def test_report_is_kept(storage):
        storage.save("r.txt", b"x")
        assert storage.listdir() == ["r.txt"]
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def storage(settings: Any, tmp_path: Any) -> Any:
    """The ``storage`` service, rooted in this test's temporary folder."""
    from rustforge.storage import get_storage

    settings.STORAGE_ROOT = str(tmp_path / "storage")
    return get_storage()
