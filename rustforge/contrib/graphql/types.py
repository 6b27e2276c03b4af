"""Object types: hand-written (``ObjectType``) and generated from models (``ModelType``).

    class PostType(ModelType):
        model = Post
        fields = ["id", "title", "author", "created"]    # default: every column
        relations = ["comments"]                          # reverse relations, as connections
        field_permissions = {"body": authenticated}

        @field("Int!")
        def word_count(post, info):
            return len(post.body.split())

A foreign key becomes the related object when its model has a type in the
same schema (else its key, as an ``ID``). Field names are camelCase
(``created_at`` -> ``createdAt``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import peewee

from rustforge.contrib.graphql.permissions import Permission
from rustforge.db.scoping import internal_fields
from rustforge.exceptions import ImproperlyConfigured
from rustforge.forms.errors import ValidationError
from rustforge.forms.models import form_field_for

_SCALARS = (
    (peewee.BooleanField, "Boolean"),
    (peewee.BigIntegerField, "BigInt"),
    (peewee.IntegerField, "Int"),
    (peewee.DecimalField, "Decimal"),
    (peewee.FloatField, "Float"),
    (peewee.DateTimeField, "DateTime"),
    (peewee.DateField, "Date"),
    (peewee.TimeField, "Time"),
    (peewee.UUIDField, "UUID"),
)


def camel(name: str) -> str:
    """``created_at`` -> ``createdAt`` (leading underscores kept out)."""
    head, *rest = name.strip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def scalar_name(mfield: peewee.Field) -> str:
    """The GraphQL scalar of a model column."""
    if mfield.primary_key:
        return "ID"
    if "JSON" in type(mfield).__name__:
        return "JSON"
    for kind, name in _SCALARS:
        if isinstance(mfield, kind):
            return name
    return "String"


class FieldSpec:
    """A computed field or a root query/mutation: a resolver and its type text."""

    def __init__(self, resolver: Callable, type_: str, *, name: str | None = None,
                 args: dict[str, str] | None = None, description: str | None = None,
                 permission: Permission = None, scopes: tuple[str, ...] = (),
                 cost: int = 1) -> None:
        self.resolver = resolver
        self.type = type_
        self.name = name or camel(resolver.__name__)
        self.args = dict(args or {})
        self.description = description if description is not None else (
            (resolver.__doc__ or "").strip() or None)
        self.permission = permission
        self.scopes = tuple(scopes)
        self.cost = cost


def field(type_: str, *, name: str | None = None, args: dict[str, str] | None = None,
          description: str | None = None, permission: Permission = None,
          scopes: tuple[str, ...] = ()) -> Callable[[Callable], FieldSpec]:
    """Declare a computed field ``fn(obj, info, **args)`` of type ``type_``
    (GraphQL type text: ``"Int!"``, ``"[String!]"``, ``"Post"``)."""

    def decorate(fn: Callable) -> FieldSpec:
        return FieldSpec(fn, type_, name=name, args=args, description=description,
                         permission=permission, scopes=scopes)

    return decorate


class ObjectType:
    """A hand-written type: its fields are the ``@field`` functions.

    ``permission``/``scopes``: who may see objects of this type at all;
    ``field_permissions``: field name (python or GraphQL spelling) ->
    permission, checked per object (the field is null and an error says why).
    """

    name: ClassVar[str | None] = None
    description: ClassVar[str | None] = None
    permission: ClassVar[Permission] = None
    scopes: ClassVar[tuple[str, ...]] = ()
    field_permissions: ClassVar[dict[str, Permission]] = {}
    computed: ClassVar[dict[str, FieldSpec]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        computed: dict[str, FieldSpec] = {}
        for base in reversed(cls.__mro__):
            for value in vars(base).values():
                if isinstance(value, FieldSpec):
                    computed[value.name] = value
        cls.computed = computed

    @classmethod
    def type_name(cls) -> str:
        if cls.name:
            return cls.name
        base = cls.__name__
        return base[:-4] if base.endswith("Type") and len(base) > 4 else base

    @classmethod
    def field_permission(cls, python_name: str, graphql_name: str) -> Permission:
        perms = cls.field_permissions
        return perms.get(python_name, perms.get(graphql_name))


class ModelType(ObjectType):
    """A type generated from ``model``. ``fields``: the columns to expose
    (default: all but the soft-delete marker); ``exclude``: columns to leave
    out; ``relations``: reverse relations (backref names) exposed as
    connections. Override ``get_query`` to narrow the rows a request sees."""

    model: ClassVar[Any] = None  # the peewee model class; required
    fields: ClassVar[Any] = None
    exclude: ClassVar[Any] = ()
    relations: ClassVar[Any] = ()

    @classmethod
    def get_query(cls, info: Any) -> peewee.ModelSelect:
        """The rows this request may see (lists, lookups and relations all use it)."""
        return cls.model.select()

    @classmethod
    def columns(cls) -> list[peewee.Field]:
        meta = cls.model._meta
        internal = internal_fields(cls.model)
        if isinstance(cls.fields, str) or isinstance(cls.exclude, str):
            raise ImproperlyConfigured(f"{cls.__name__}.fields/exclude must be lists of names")
        names = list(cls.fields) if cls.fields else [
            f.name for f in meta.sorted_fields if f.name not in internal]
        for name in (*names, *cls.exclude):
            if name not in meta.fields:
                raise ImproperlyConfigured(f"{cls.__name__}: {cls.model.__name__} has no "
                                           f"field {name!r}")
        return [meta.fields[n] for n in names if n not in cls.exclude]

    @classmethod
    def backrefs(cls) -> list[peewee.ForeignKeyField]:
        by_name = {fk.backref: fk for fk in cls.model._meta.backrefs}
        out = []
        for name in cls.relations:
            if name not in by_name:
                raise ImproperlyConfigured(
                    f"{cls.__name__}.relations: {cls.model.__name__} has no reverse relation "
                    f"{name!r} (known: {', '.join(sorted(by_name)) or 'none'})")
            out.append(by_name[name])
        return out


_KEY_CLEANERS: dict[type, Callable[[Any], Any]] = {}


def key_cleaner(type_: type[ModelType]) -> Callable[[Any], Any]:
    """The primary key's form-field ``clean`` (one per type, made once)."""
    cleaner = _KEY_CLEANERS.get(type_)
    if cleaner is None:
        field = form_field_for(type_.model._meta.primary_key, include_pk=True)
        cleaner = _KEY_CLEANERS[type_] = field.clean
    return cleaner


def clean_key(type_: type[ModelType], raw: Any) -> Any:
    """The primary key in ``raw``, or None when it cannot be one."""
    try:
        return key_cleaner(type_)(raw)
    except ValidationError:
        return None
