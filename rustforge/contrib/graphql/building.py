"""Building the GraphQLSchema from a ``Schema``'s contributions (graphql-core).

Imported by ``Schema.build()`` on first use, so that a worker that never
serves GraphQL never loads graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import peewee
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    assert_valid_schema,
    default_field_resolver,
    specified_scalar_types,
)
from graphql.error import GraphQLSyntaxError
from graphql.language import ListTypeNode, NamedTypeNode, NonNullTypeNode, parse_type

from rustforge.contrib.graphql import loaders
from rustforge.contrib.graphql.executor import NOT_READY, ColumnReader, DirectResolver
from rustforge.contrib.graphql.inputs import input_type
from rustforge.contrib.graphql.permissions import (
    Permission,
    allowed,
    authorize_type,
    denied,
    require,
)
from rustforge.contrib.graphql.scalars import CUSTOM_SCALARS
from rustforge.contrib.graphql.types import (
    FieldSpec,
    ModelType,
    ObjectType,
    camel,
    key_cleaner,
    scalar_name,
)
from rustforge.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from rustforge.contrib.graphql.schema import Schema


class Builder:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.named: dict[str, Any] = {**specified_scalar_types, **CUSTOM_SCALARS}
        self.named.update((name, input_type(name, form))
                          for name, form in schema.input_forms.items())
        self.by_model: dict[type[peewee.Model], type[ModelType]] = {}

    def build(self) -> GraphQLSchema:
        for cls in self.schema.types:
            name = cls.type_name()
            if name in self.named:
                raise ImproperlyConfigured(f"GraphQL: two types are called {name!r}")
            self.named[name] = GraphQLObjectType(
                name, fields=self._fields_thunk(cls), description=cls.description)
            if issubclass(cls, ModelType) and cls.model is not None:
                self.by_model.setdefault(cls.model, cls)
        for cls in self.schema.types:
            if issubclass(cls, ModelType):
                self._connection(cls)
        query = GraphQLObjectType("Query", self._root(self.schema.queries)) \
            if self.schema.queries else GraphQLObjectType(
                "Query", {"ok": GraphQLField(GraphQLNonNull(GraphQLString),
                                             resolve=lambda *_: "ok")})
        mutation = GraphQLObjectType("Mutation", self._root(self.schema.mutations)) \
            if self.schema.mutations else None
        try:
            # Field thunks run here: graphql-core reports their errors as TypeError.
            built = GraphQLSchema(query=query, mutation=mutation,
                                  types=[t for t in self.named.values()
                                         if isinstance(t, GraphQLObjectType)])
            assert_valid_schema(built)
        except (TypeError, GraphQLError) as exc:
            cause = exc.__cause__
            detail = cause if isinstance(cause, ImproperlyConfigured) else exc
            raise ImproperlyConfigured(f"GraphQL schema: {detail}") from None
        return built

    def type_of(self, text: str) -> Any:
        try:
            node = parse_type(text)
        except GraphQLSyntaxError:
            raise ImproperlyConfigured(f"GraphQL: {text!r} is not a type") from None
        return self._from_ast(node, text)

    def _from_ast(self, node: Any, text: str) -> Any:
        if isinstance(node, NonNullTypeNode):
            return GraphQLNonNull(self._from_ast(node.type, text))
        if isinstance(node, ListTypeNode):
            return GraphQLList(self._from_ast(node.type, text))
        if not isinstance(node, NamedTypeNode):
            raise ImproperlyConfigured(f"GraphQL: cannot read the type {text!r}")
        found = self.named.get(node.name.value)
        if found is None:
            raise ImproperlyConfigured(f"GraphQL: unknown type {node.name.value!r} in {text!r}")
        return found

    def _connection(self, cls: type[ObjectType]) -> None:
        name = cls.type_name()
        node = self.named[name]
        edge = GraphQLObjectType(f"{name}Edge", {
            "cursor": GraphQLField(GraphQLNonNull(GraphQLString)),
            "node": GraphQLField(GraphQLNonNull(node)),
        })
        self.named[f"{name}Edge"] = edge
        if "PageInfo" not in self.named:
            self.named["PageInfo"] = GraphQLObjectType("PageInfo", {
                "hasNextPage": GraphQLField(GraphQLNonNull(self.named["Boolean"])),
                "hasPreviousPage": GraphQLField(GraphQLNonNull(self.named["Boolean"])),
                "startCursor": GraphQLField(GraphQLString),
                "endCursor": GraphQLField(GraphQLString),
            })
        self.named[f"{name}Connection"] = GraphQLObjectType(f"{name}Connection", {
            "edges": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(edge)))),
            "nodes": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(node)))),
            "pageInfo": GraphQLField(GraphQLNonNull(self.named["PageInfo"])),
        }, description=f"A page of {name} objects.")

    def _args(self, spec: FieldSpec) -> dict[str, GraphQLArgument]:
        return {arg: GraphQLArgument(self.type_of(text), out_name=_python(arg))
                for arg, text in spec.args.items()}

    def _root(self, table: dict[str, FieldSpec]) -> Callable[[], dict]:
        def thunk() -> dict:
            return {name: GraphQLField(self.type_of(spec.type), args=self._args(spec),
                                       resolve=_guarded_root(spec),
                                       description=spec.description)
                    for name, spec in table.items()}

        return thunk

    def _fields_thunk(self, cls: type[ObjectType]) -> Callable[[], dict]:
        return lambda: self._fields(cls)

    def _fields(self, cls: type[ObjectType]) -> dict[str, GraphQLField]:
        out: dict[str, GraphQLField] = {}
        if issubclass(cls, ModelType) and cls.model is not None:
            for mfield in cls.columns():
                out[camel(mfield.name)] = self._column(cls, mfield)
            for fk in cls.backrefs():
                out[camel(fk.backref)] = self._backref(cls, fk)
        for name, spec in cls.computed.items():
            perm = cls.field_permission(spec.resolver.__name__, name) or spec.permission
            out[name] = GraphQLField(
                self.type_of(spec.type) if perm is None else _nullable(self.type_of(spec.type)),
                args=self._args(spec), description=spec.description,
                resolve=_guard(spec.resolver, perm, f"{cls.type_name()}.{name}"))
        if not out:
            raise ImproperlyConfigured(f"GraphQL: {cls.__name__} has no fields")
        if cls.permission is not None or cls.scopes:
            # However an object of this type is reached (a hand-written query too).
            for gfield in out.values():
                gfield.resolve = _type_guard(gfield.resolve, cls)
        return out

    def _column(self, cls: type[ModelType], mfield: peewee.Field) -> GraphQLField:
        name = mfield.name
        perm = cls.field_permission(name, camel(name))
        help_text = mfield.help_text or None
        if isinstance(mfield, peewee.ForeignKeyField) and mfield.rel_model in self.by_model:
            target = self.by_model[mfield.rel_model]
            return GraphQLField(self.named[target.type_name()], description=help_text,
                                resolve=_guard(RelatedRow(mfield, target), perm,
                                               f"{cls.type_name()}.{name}"))
        gtype = self.named[scalar_name(mfield)]
        if not mfield.null and perm is None:
            gtype = GraphQLNonNull(gtype)
        if isinstance(mfield, peewee.ForeignKeyField):
            resolver = ColumnReader(name, raw=True)  # the key, not the related row
        else:
            # What peewee's own accessor reads, without its call; anything
            # else on the class (a property of the same name) is read by getattr.
            plain = type(cls.model.__dict__.get(name)) is peewee.FieldAccessor
            resolver = ColumnReader(name, raw=plain)
        return GraphQLField(gtype, description=help_text,
                            resolve=_guard(resolver, perm, f"{cls.type_name()}.{name}"))

    def _backref(self, cls: type[ModelType], fk: peewee.ForeignKeyField) -> GraphQLField:
        child = self.by_model.get(fk.model)
        if child is None:
            raise ImproperlyConfigured(
                f"{cls.__name__}.relations: {fk.backref!r} needs a type for "
                f"{fk.model.__name__} in the same schema")
        clean = key_cleaner(child)

        def resolve(obj: Any, info: Any, first: int | None = None,
                    after: str | None = None) -> Any:
            authorize_type(info, child)
            return loaders.load_children(obj, info, fk, child, first, after,
                                         clean)

        perm = cls.field_permission(fk.backref, camel(fk.backref))
        conn = self.named[f"{child.type_name()}Connection"]
        return GraphQLField(conn if perm else GraphQLNonNull(conn),
                            args={"first": GraphQLArgument(GraphQLInt),
                                  "after": GraphQLArgument(GraphQLString)},
                            resolve=_guard(resolve, perm, f"{cls.type_name()}.{fk.backref}"))


class RelatedRow(DirectResolver):
    """A foreign key as its related object, loaded for the whole batch
    (:func:`loaders.load_related`) after the target type's read check.

    ``ready``: the row already loaded for this row's batch once the check
    passed in this request, so the executor skips the call for every row
    after the first.
    """

    __slots__ = ("fk", "name", "target")

    def __init__(self, fk: peewee.ForeignKeyField, target: type[ModelType]) -> None:
        self.fk = fk
        self.name = fk.name
        self.target = target

    def ready(self, obj: Any, context: Any) -> Any:
        if obj.__data__.get(self.name) is None:
            return None
        if self.target not in getattr(context, "authorized", ()):
            return NOT_READY
        return loaders.loaded(obj, self.name, NOT_READY)

    def __call__(self, obj: Any, info: Any) -> Any:
        if obj.__data__.get(self.name) is None:
            return None
        authorize_type(info, self.target)
        return loaders.load_related(obj, info, self.fk, self.target)


def _python(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _nullable(gtype: Any) -> Any:
    return gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype


def _guard(resolver: Callable | None, perm: Permission, where: str) -> Callable | None:
    """``resolver`` behind a per-object field permission (null + error when denied)."""
    if perm is None:
        return resolver

    def resolve(obj: Any, info: Any, **args: Any) -> Any:
        if not allowed(perm, info, obj):
            raise denied(info, f"see {where}")
        if resolver is None:
            return getattr(obj, info.field_name, None)
        return resolver(obj, info, **args)

    return resolve


def _type_guard(resolver: Callable | None, cls: type[ObjectType]) -> Callable:
    def resolve(obj: Any, info: Any, **args: Any) -> Any:
        authorize_type(info, cls)
        return (resolver or default_field_resolver)(obj, info, **args)

    return resolve


def _guarded_root(spec: FieldSpec) -> Callable:
    if spec.permission is None and not spec.scopes:
        return spec.resolver

    def resolve(root: Any, info: Any, **args: Any) -> Any:
        require(info, spec.permission, spec.scopes, f"use {spec.name}")
        return spec.resolver(root, info, **args)

    return resolve
