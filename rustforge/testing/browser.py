"""A real headless Chromium for tests of pages people use (Playwright).

    def test_login_page(browser, live_server):
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login")
        assert page.title() == "Log in"

The browser is the system's Chromium (``RUSTFORGE_CHROMIUM``, else
``chromium`` or ``chromium-browser`` on PATH), driven by the ``playwright``
package; no browser is ever downloaded. Each test gets its own browser.
Tests using it skip with the reason when Playwright or Chromium is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Flags for a headless Chromium on a machine with no outside network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def find_chromium() -> str | None:
    configured = os.environ.get("RUSTFORGE_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium, launched for this test and closed after it.

    PERF: launching takes about half a second; a session-wide browser would
    keep Playwright's event loop in the main thread between tests, where it
    can collide with tests that run asyncio themselves.
    """
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium found: install Debian's chromium or set RUSTFORGE_CHROMIUM")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield instance
        finally:
            instance.close()
