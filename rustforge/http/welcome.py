"""The page a new project shows at ``/`` until the developer replaces it."""

from rustforge import __version__
from rustforge.http.templates import render


class WelcomePage:
    def on_get(self, req, resp):
        from rustforge.apps import apps
        from rustforge.conf import settings

        render(req, resp, "rustforge/welcome.html", {
            "version": __version__,
            "apps": [c.label for c in apps.get_app_configs()],
            "debug": settings.DEBUG,
        })
