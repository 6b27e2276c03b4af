"""GraphQL API on graphql-core: types from models, batching, limits, permissions.

    # blog/graphql.py
    from rustforge.contrib.graphql import ModelType, authenticated, field, schema

    @schema.register
    class PostType(ModelType):
        model = Post
        relations = ["comments"]

    schema.list("posts", PostType)
    schema.model_mutations(PostType)

graphql-core itself is imported when the schema is first built (the first
GraphQL request, ``manage.py check``, ``Schema.execute``), not at start-up.
See ``docs/graphql.md``.
"""

from typing import Any

from rustforge.contrib.graphql.context import Context
from rustforge.contrib.graphql.permissions import authenticated, staff
from rustforge.contrib.graphql.registry import get_schema, schema
from rustforge.contrib.graphql.schema import Schema
from rustforge.contrib.graphql.types import ModelType, ObjectType, field

__all__ = ["Context", "FormErrors", "ModelType", "ObjectType", "Schema", "authenticated",
           "field", "get_schema", "schema", "staff"]


def __getattr__(name: str) -> Any:
    # NOTE(memory): FormErrors subclasses graphql-core's GraphQLError; importing
    # it lazily keeps graphql-core out of a worker until the schema is built.
    if name == "FormErrors":
        from rustforge.contrib.graphql.inputs import FormErrors

        return FormErrors
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
