"""The page a new project shows at ``/`` until the developer replaces it."""

from __future__ import annotations

from typing import Any

from rustforge import __version__
from rustforge.conf import settings
from rustforge.http.templates import render_to_string


class WelcomePage:
    """Renders ``rustforge/welcome.html`` (a project may override it).

    Everything on the page is fixed for the life of the process (version,
    apps, DEBUG), so outside DEBUG it is rendered once and served as bytes.
    """

    def __init__(self) -> None:
        self._page: bytes | None = None

    def _render(self) -> bytes:
        from rustforge.apps import apps

        return render_to_string("rustforge/welcome.html", {
            "version": __version__,
            "apps": [c.label for c in apps.get_app_configs()],
            "debug": settings.DEBUG,
        }).encode("utf-8")

    def on_get(self, req: Any, resp: Any) -> None:
        page = self._page
        if page is None:
            page = self._render()
            if not settings.DEBUG:  # PERF: DEBUG re-renders so template edits show
                self._page = page
        resp.content_type = "text/html; charset=utf-8"
        resp.data = page
