"""API resources: objects to JSON, REST endpoints for models, pagination,
filtering, ordering and an OpenAPI 3.1 description.

    from rustforge.resources import ModelResource, Nested, computed

    class NoteResource(ModelResource):
        model = Note
        filter_fields = {"notebook": ["exact"]}
        ordering_fields = ["id", "created"]

    routes = [*NoteResource.routes("/notes", name="notes")]

See ``docs/resources.md``.
"""

from rustforge.resources.fields import Computed, Nested, computed, to_json
from rustforge.resources.model import ACTIONS, ModelResource
from rustforge.resources.resource import Resource

__all__ = ["ACTIONS", "Computed", "ModelResource", "Nested", "Resource", "computed", "to_json"]
