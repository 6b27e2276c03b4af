"""``Resource``: turns objects into JSON with declared, computed, conditional
and nested fields, honouring ``?fields=`` and ``?include=``.

    class AuthorResource(Resource):
        fields = {"id": {"type": "integer"}, "name": {"type": "string"}}

    data = AuthorResource().serialize(author)

``ModelResource`` (``rustforge.resources.model``) derives ``fields`` from a
model and adds the REST endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rustforge.resources.fields import Computed, Nested, to_json
from rustforge.resources.registry import register


class ResourceMeta(type):
    computed_fields: dict[str, Computed]
    nested_fields: dict[str, Nested]
    setup: Any  # the resource class's classmethod

    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any):
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        computed: dict[str, Computed] = {}
        nested: dict[str, Nested] = {}
        for base in reversed(cls.__mro__):
            for key, value in vars(base).items():
                if isinstance(value, Computed):
                    computed[key] = value
                elif isinstance(value, Nested):
                    value.name = key
                    nested[key] = value
        cls.computed_fields = computed
        cls.nested_fields = nested
        cls.setup()
        register(name, cls)
        return cls


class Resource(metaclass=ResourceMeta):
    """Output of one kind of object.

    ``fields``: names of attributes (a list) or name -> JSON Schema (a dict).
    Computed fields use ``@computed``; related resources are ``Nested``
    class attributes, output only when loaded and asked for with ``?include=``.
    """

    fields: ClassVar[Any] = ()
    computed_fields: ClassVar[dict[str, Computed]] = {}
    nested_fields: ClassVar[dict[str, Nested]] = {}
    # Name -> JSON Schema of each declared field (filled by setup()).
    field_schemas: ClassVar[dict[str, dict]] = {}

    @classmethod
    def setup(cls) -> None:
        fields = cls.fields
        if isinstance(fields, dict):
            cls.field_schemas = dict(fields)
        else:
            cls.field_schemas = {name: {} for name in fields}

    @classmethod
    def output_names(cls) -> list[str]:
        return [*cls.field_schemas, *cls.computed_fields]

    def get_value(self, obj: Any, name: str) -> Any:
        return getattr(obj, name, None)

    def serialize(self, obj: Any, req: Any = None, *, only: Iterable[str] | None = None,
                  include: Iterable[str] = ()) -> dict[str, Any]:
        """One object as a JSON-ready dict.

        ``only``: the ``?fields=`` subset; ``include``: nested names to output
        when the relation is loaded (it never triggers a query).
        """
        wanted = None if only is None else set(only)
        out = self.declared_values(obj, wanted)
        for name, comp in self.computed_fields.items():
            if wanted is not None and name not in wanted:
                continue
            if comp.when is not None and not comp.when(req, obj):
                continue
            out[name] = to_json(comp.fn(self, obj))
        for name in include:
            nested = self.nested_fields[name]
            loaded, value = self.loaded_relation(obj, nested)
            if not loaded:
                continue
            child = nested.resource()
            if nested.many:
                out[name] = [child.serialize(item, req) for item in value]
            else:
                out[name] = None if value is None else child.serialize(value, req)
        return out

    def declared_values(self, obj: Any, wanted: set[str] | None) -> dict[str, Any]:
        """The declared fields of ``obj`` (all, or those in ``wanted``) as JSON values."""
        return {name: to_json(self.get_value(obj, name)) for name in self.field_schemas
                if wanted is None or name in wanted}

    def loaded_relation(self, obj: Any, nested: Nested) -> tuple[bool, Any]:
        """(loaded?, value) without ever running a query."""
        attr = nested.attr or nested.name
        rel = getattr(obj, "__rel__", None)
        if not nested.many and rel is not None and attr in rel:
            return True, rel[attr]
        if attr in getattr(obj, "__dict__", {}):
            return True, obj.__dict__[attr]
        return False, None

    @classmethod
    def output_schema(cls, *, include: bool = True) -> dict:
        """JSON Schema of one serialized object (``?fields=`` may leave any
        property out, so none is listed as required)."""
        props = {name: dict(schema) for name, schema in cls.field_schemas.items()}
        for name, comp in cls.computed_fields.items():
            props[name] = dict(comp.schema)
        if include:
            for name, nested in cls.nested_fields.items():
                child = nested.resource.output_schema(include=False)
                if nested.many:
                    props[name] = {"type": "array", "items": child}
                elif name in props:  # a foreign key: its value, or the row when included
                    props[name] = {"anyOf": [props[name], child]}
                else:
                    props[name] = {"anyOf": [child, {"type": "null"}]}
        return {"type": "object", "properties": props, "additionalProperties": False}
