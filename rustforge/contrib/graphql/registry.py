"""The project's schema and the discovery of apps' ``graphql.py`` modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustforge.contrib.graphql.schema import Schema

if TYPE_CHECKING:
    from graphql import GraphQLSchema

# The schema every app contributes to (``from rustforge.contrib.graphql import schema``).
schema = Schema()


def autodiscover() -> list[str]:
    """Import ``<app>.graphql`` of every installed app; the names imported."""
    from rustforge.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.name == "rustforge.contrib.graphql":
            continue
        if config.import_submodule("graphql") is not None:
            found.append(config.name)
    return found


def get_schema() -> GraphQLSchema:
    """The built project schema (cached per process; built, and graphql-core
    imported, on the first call)."""
    return schema.build()
