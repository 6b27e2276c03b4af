"""GraphQL API on graphql-core: types from models, batching, limits, permissions.

    # blog/graphql.py
    from rustforge.contrib.graphql import ModelType, authenticated, field, schema

    @schema.register
    class PostType(ModelType):
        model = Post
        relations = ["comments"]

    schema.list("posts", PostType)
    schema.model_mutations(PostType)

See ``docs/graphql.md``.
"""

from rustforge.contrib.graphql.execution import Context
from rustforge.contrib.graphql.mutations import FormErrors
from rustforge.contrib.graphql.permissions import authenticated, staff
from rustforge.contrib.graphql.registry import get_schema, schema
from rustforge.contrib.graphql.schema import Schema
from rustforge.contrib.graphql.types import ModelType, ObjectType, field

__all__ = ["Context", "FormErrors", "ModelType", "ObjectType", "Schema", "authenticated",
           "field", "get_schema", "schema", "staff"]
