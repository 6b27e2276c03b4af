"""The export app: CSV, JSON Lines, PDF and XLSX exports of declared queries."""

from __future__ import annotations

from rustforge.apps import AppConfig


class ExportConfig(AppConfig):
    name = "rustforge.contrib.export"
    label = "export"
    verbose_name = "Exports"
    url_prefix = "/export"

    def ready(self) -> None:
        from rustforge.apps import apps
        from rustforge.contrib.export.registry import autodiscover

        # Importing the modules only declares exporters; nothing is queried here.
        # A private registry (the SQL snapshots load the built-in apps in one) is
        # not the project: its apps' modules are not imported.
        if self.registry is apps:
            autodiscover()
