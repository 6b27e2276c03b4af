"""Output fields of a resource: how one attribute becomes JSON, and its schema."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

import peewee

from rustforge.resources.registry import lookup


def to_json(value: Any) -> Any:
    """A model value as JSON: dates in ISO 8601, decimals as strings (no
    precision lost), UUIDs as strings, bytes in base64."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dt.datetime):
        # RFC 3339 wants an offset; stored datetimes are naive UTC by convention.
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, peewee.Model):
        return value._pk
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_json(v) for v in value]
    return str(value)


def schema_for_model_field(field: peewee.Field) -> dict:
    """JSON Schema of a model field as a resource outputs it."""
    if isinstance(field, peewee.ForeignKeyField):
        schema = schema_for_model_field(field.rel_field)
    elif field.choices:
        schema = {"enum": [to_json(c[0] if isinstance(c, (list, tuple)) else c)
                           for c in field.choices]}
    elif isinstance(field, peewee.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, (peewee.AutoField, peewee.IntegerField)):
        schema = {"type": "integer"}
    elif isinstance(field, peewee.DecimalField):
        schema = {"type": "string", "format": "decimal"}
    elif isinstance(field, peewee.FloatField):
        schema = {"type": "number"}
    elif isinstance(field, peewee.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, peewee.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, peewee.TimeField):
        schema = {"type": "string"}
    elif "JSON" in type(field).__name__:
        schema = {}
    elif isinstance(field, peewee.CharField):
        schema = {"type": "string"}
        if field.max_length:
            schema["maxLength"] = field.max_length
    else:
        schema = {"type": "string"}
    if field.null and not field.primary_key:
        if "type" in schema:
            schema["type"] = [schema["type"], "null"]
        elif "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    if field.help_text:
        schema["description"] = field.help_text
    return schema


class Computed:
    """A value computed from the object: ``fn(resource, obj)``; ``when(req, obj)``
    makes it conditional (left out when false)."""

    def __init__(self, fn: Callable, schema: dict | None = None,
                 when: Callable[[Any, Any], bool] | None = None) -> None:
        self.fn = fn
        self.schema = schema or {}
        self.when = when
        self.name = fn.__name__


def computed(schema: dict | None = None, *, when: Callable[[Any, Any], bool] | None = None):
    """Declare a computed (and optionally conditional) output field::

        class BookResource(ModelResource):
            model = Book

            @computed({"type": "integer"})
            def title_length(self, obj):
                return len(obj.title)

            @computed({"type": "string"}, when=lambda req, obj: req.context.get("staff"))
            def internal_note(self, obj):
                return obj.note
    """
    def decorate(fn: Callable) -> Computed:
        return Computed(fn, schema, when)

    return decorate


class Nested:
    """A related resource, output only when the relation was loaded
    (``?include=name``): a foreign key (``many=False``) or a backref list."""

    def __init__(self, resource: Any, *, many: bool = False, attr: str | None = None) -> None:
        # A class, or the name of a Resource class defined later (mutual nesting).
        self._resource = resource
        self.many = many
        self.attr = attr
        self.name = ""

    @property
    def resource(self) -> Any:
        if isinstance(self._resource, str):
            self._resource = lookup(self._resource)
        return self._resource
