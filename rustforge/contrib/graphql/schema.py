"""``Schema``: collects types, queries and mutations, builds one GraphQLSchema.

    from rustforge.contrib.graphql import schema      # the project's schema

    @schema.register
    class PostType(ModelType):
        model = Post

    schema.list("posts", PostType)       # posts(first, after): PostConnection!
    schema.item("post", PostType)        # post(id: ID!): Post

    @schema.query("String!", args={"name": "String"})
    def hello(root, info, name="world"):
        return f"Hello, {name}!"

Apps contribute in their own ``graphql.py``; the GraphQL app imports every
installed app's ``graphql`` module at start-up and builds the schema once
per process, on first use (``reset()`` drops it, e.g. after a test registers
more). Registering needs no graphql-core; building (``building``) does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rustforge.contrib.graphql import loaders, mutations
from rustforge.contrib.graphql.permissions import Permission, authorize_type
from rustforge.contrib.graphql.types import FieldSpec, ModelType, ObjectType, clean_key, key_cleaner
from rustforge.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from graphql import GraphQLSchema

CONNECTION_ARGS = ("first", "after")


class Schema:
    def __init__(self) -> None:
        self.types: list[type[ObjectType]] = []
        self.queries: dict[str, FieldSpec] = {}
        self.mutations: dict[str, FieldSpec] = {}
        self.input_forms: dict[str, type] = {}   # input type name -> form (mutations)
        self._built: GraphQLSchema | None = None
        # The first requests of a threaded worker may all find no schema yet.
        self._build_lock = threading.Lock()

    # Contributions ------------------------------------------------------------------
    def register(self, cls: type[ObjectType]) -> type[ObjectType]:
        """Add a type (usable as a decorator)."""
        if cls not in self.types:
            self.types.append(cls)
        self._built = None
        return cls

    def _add(self, table: dict[str, FieldSpec], spec: FieldSpec) -> FieldSpec:
        if spec.name in table and table[spec.name].resolver is not spec.resolver:
            raise ImproperlyConfigured(f"GraphQL: two root fields are called {spec.name!r}")
        table[spec.name] = spec
        self._built = None
        return spec

    def query(self, type_: str, *, name: str | None = None, args: dict[str, str] | None = None,
              description: str | None = None, permission: Permission = None,
              scopes: tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
        """Decorate ``fn(root, info, **args)`` as a root query field."""
        return self._decorator(self.queries, type_, name=name, args=args,
                               description=description, permission=permission, scopes=scopes)

    def mutation(self, type_: str, *, name: str | None = None,
                 args: dict[str, str] | None = None, description: str | None = None,
                 permission: Permission = None,
                 scopes: tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
        """Decorate ``fn(root, info, **args)`` as a mutation."""
        return self._decorator(self.mutations, type_, name=name, args=args,
                               description=description, permission=permission, scopes=scopes)

    def _decorator(self, table: dict[str, FieldSpec], type_: str,
                   **kwargs: Any) -> Callable[[Callable], Callable]:
        def decorate(fn: Callable) -> Callable:
            self._add(table, FieldSpec(fn, type_, **kwargs))
            return fn

        return decorate

    def list(self, name: str, type_: type[ModelType], *, description: str | None = None,
             permission: Permission = None, scopes: tuple[str, ...] = ()) -> None:
        """``name(first: Int, after: String): <Type>Connection!`` over ``get_query``."""
        self.register(type_)

        def resolve(root: Any, info: Any, first: int | None = None,
                    after: str | None = None) -> Any:
            authorize_type(info, type_)
            return loaders.load_page(type_.get_query(info), first, after, key_cleaner(type_))

        self._add(self.queries, FieldSpec(
            resolve, f"{type_.type_name()}Connection!", name=name,
            args={"first": "Int", "after": "String"},
            description=description or f"{type_.type_name()} rows, paged by cursor.",
            permission=permission, scopes=scopes))

    def item(self, name: str, type_: type[ModelType], *, description: str | None = None,
             permission: Permission = None, scopes: tuple[str, ...] = ()) -> None:
        """``name(id: ID!): <Type>`` (null when absent or not visible)."""
        self.register(type_)

        def resolve(root: Any, info: Any, id: str) -> Any:
            authorize_type(info, type_)
            key = clean_key(type_, id)
            if key is None:
                return None
            pk = type_.model._meta.primary_key
            row = type_.get_query(info).where(pk == key).first()
            return loaders.tag([row])[0] if row is not None else None

        self._add(self.queries, FieldSpec(
            resolve, type_.type_name(), name=name, args={"id": "ID!"},
            description=description or f"One {type_.type_name()} by id.",
            permission=permission, scopes=scopes))

    def form_mutation(self, name: str, form_class: type, returns: str,
                      resolve: Callable[[Any, dict], Any], **kwargs: Any) -> None:
        """A mutation whose ``input`` is validated by ``form_class`` (see mutations)."""
        mutations.form_mutation(self, name, form_class, returns, resolve, **kwargs)

    def model_mutations(self, type_: type[ModelType], **kwargs: Any) -> None:
        """``create<T>``/``update<T>``/``delete<T>`` validated by a ModelForm (see mutations)."""
        mutations.model_mutations(self, type_, **kwargs)

    def execute(self, query: str, variables: dict | None = None,
                operation_name: str | None = None, *, user: Any = None,
                scopes: Any = None) -> dict:
        """Run a query in process (scripts, tests, docs) as ``user`` with
        ``scopes``; the JSON body the endpoint would answer."""
        from rustforge.conf import settings
        from rustforge.contrib.graphql.execution import Context, run

        outcome = run(self.build(), query, variables, operation_name,
                      Context(None, user, scopes), debug=settings.DEBUG)
        return outcome.body

    # Building -----------------------------------------------------------------------
    def reset(self) -> None:
        self._built = None

    def build(self) -> GraphQLSchema:
        """The GraphQLSchema (built once, then cached until ``reset()``)."""
        built = self._built
        if built is None:
            with self._build_lock:
                built = self._built
                if built is None:
                    # NOTE(memory): graphql-core (about 5 MB) is imported here, on
                    # the first build, not when apps register their types at start-up.
                    from rustforge.contrib.graphql.building import Builder

                    built = self._built = Builder(self).build()
        return built
