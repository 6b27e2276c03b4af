"""The GraphQL app: one schema merged from every installed app's ``graphql.py``."""

from __future__ import annotations

import sys

from rustforge.apps import AppConfig


class GraphQLConfig(AppConfig):
    name = "rustforge.contrib.graphql"
    label = "graphql"
    verbose_name = "GraphQL API"
    url_prefix = "/graphql"

    def ready(self) -> None:
        from rustforge.apps import apps
        from rustforge.contrib.graphql.registry import autodiscover
        from rustforge.events.signals import setting_changed

        # Importing the modules only registers types; the schema is built on first use.
        # A private registry (the SQL snapshots load the built-in apps in one) is
        # not the project: its apps' modules are not imported.
        if self.registry is apps:
            autodiscover()
        setting_changed.connect(_forget_documents, weak=False)


def _forget_documents(sender: object = None, names: frozenset = frozenset(),
                      **kwargs: object) -> None:
    # Not imported when absent: nothing is cached before graphql-core is loaded.
    execution = sys.modules.get("rustforge.contrib.graphql.execution")
    if execution is not None and any(name.startswith("GRAPHQL_") or name == "DEBUG"
                                     for name in names):
        execution.clear_caches()
