"""The admin app: server-rendered pages over the registered models."""

from __future__ import annotations

from rustforge.apps import AppConfig


class AdminConfig(AppConfig):
    name = "rustforge.contrib.admin"
    label = "admin"
    verbose_name = "Administration"
    url_prefix = "/admin"

    def ready(self) -> None:
        from rustforge.apps import apps
        from rustforge.contrib.admin.sites import autodiscover

        # The site belongs to the project: a private registry (the SQL
        # snapshots load the built-in apps in one) does not fill it.
        if self.registry is apps:
            # Importing the apps' admin modules only registers; no page is built here.
            autodiscover()
