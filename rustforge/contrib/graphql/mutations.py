"""Mutations whose input is validated by ``rustforge.forms``.

    schema.form_mutation("signup", SignupForm, returns="User!",
                         resolve=lambda info, data: User.create(**data))

    schema.model_mutations(PostType)       # createPost, updatePost, deletePost
    schema.model_mutations(PostType, form_class=PostForm, actions=("create",),
                           permissions={"create": authenticated})

The ``input`` argument is an input type generated from the form. Invalid
input answers one error per field path, as the forms' error envelope has
them::

    {"message": "This field is required.", "path": ["createPost"],
     "extensions": {"code": "VALIDATION_FAILED", "field": "title"}}

A unique value already taken is ``CONFLICT``. Generated model mutations
require the model's default permissions (``<app>.add_<model>``,
``change_``, ``delete_``) unless ``permissions`` says otherwise; update and
delete checks get the row (``fn(info, row)``), so a callable can allow
owners only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import GraphQLError, GraphQLInputField, GraphQLInputObjectType, GraphQLList

from rustforge.contrib.graphql.permissions import Permission, check_scopes, require
from rustforge.contrib.graphql.scalars import CUSTOM_SCALARS
from rustforge.contrib.graphql.types import FieldSpec, ModelType, camel, clean_key
from rustforge.forms import fields as ff
from rustforge.forms.errors import ValidationFailed
from rustforge.forms.models import ModelChoiceField, ModelForm

_INT32 = 2**31


def _input_scalar(field: ff.Field) -> Any:
    from graphql import GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLString

    if isinstance(field, ModelChoiceField):
        return GraphQLID
    if isinstance(field, ff.BooleanField):
        return GraphQLBoolean
    if isinstance(field, ff.IntegerField):
        low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
        fits = low is not None and high is not None and -_INT32 <= low and high < _INT32
        return GraphQLInt if fits else CUSTOM_SCALARS["BigInt"]
    if isinstance(field, ff.FloatField):
        return GraphQLFloat
    if isinstance(field, ff.DecimalField):
        return CUSTOM_SCALARS["Decimal"]
    if isinstance(field, ff.DateTimeField):
        return CUSTOM_SCALARS["DateTime"]
    if isinstance(field, ff.DateField):
        return CUSTOM_SCALARS["Date"]
    if isinstance(field, (ff.JSONField, ff.FormField, ff.ListField)):
        return CUSTOM_SCALARS["JSON"]
    if isinstance(field, ff.MultipleChoiceField):
        return GraphQLList(GraphQLString)
    return GraphQLString


def input_type(name: str, form_class: type[ModelForm]) -> GraphQLInputObjectType:
    """An input type with one nullable field per form field: the form, not
    GraphQL, says what is required, so a missing value is a field error
    with its path like any other."""
    fields = {}
    for fname, field in form_class.base_fields.items():
        if isinstance(field, ff.FileField):
            continue  # uploads do not travel in GraphQL JSON
        fields[camel(fname)] = GraphQLInputField(
            _input_scalar(field), out_name=fname,
            description=getattr(field, "help_text", None) or None)
    return GraphQLInputObjectType(name, fields)


class FormErrors(GraphQLError):
    """Raised by a mutation whose form did not validate."""

    def __init__(self, errors: dict, conflict: bool = False) -> None:
        super().__init__("The input is invalid.", extensions={
            "code": "CONFLICT" if conflict else "VALIDATION_FAILED", "fields": errors})


def _failure(form: Any, exc: ValidationFailed | None = None) -> FormErrors:
    errors = exc.errors if exc is not None else form.errors
    conflicts = getattr(form, "conflicts", None)
    return FormErrors(errors, conflict=bool(conflicts) and set(errors) <= set(conflicts or ()))


def validated(form: Any) -> dict:
    """The form's cleaned data, or FormErrors."""
    if not form.is_valid():
        raise _failure(form)
    return form.cleaned_data


def form_mutation(schema: Any, name: str, form_class: type, returns: str,
                  resolve: Callable[[Any, dict], Any], *, permission: Permission = None,
                  scopes: Iterable[str] = (), description: str | None = None) -> None:
    """``name(input: <Name>Input!): returns``; ``resolve(info, cleaned_data)``."""
    type_name = name[:1].upper() + name[1:] + "Input"
    schema.extra_types[type_name] = input_type(type_name, form_class)
    scopes = tuple(scopes)

    def run(root: Any, info: Any, input: dict) -> Any:
        require(info, permission, scopes, f"use {name}")
        form = form_class(input)
        try:
            return resolve(info, validated(form))
        except ValidationFailed as exc:
            raise _failure(form, exc) from None

    run.__name__ = name
    schema._add(schema.mutations, FieldSpec(run, returns, name=name,
                                            args={"input": f"{type_name}!"},
                                            description=description))


def _default_permissions(model: Any) -> dict[str, str]:
    from rustforge.apps import apps

    label = apps.label_for_module(model.__module__) or model.__module__.rpartition(".")[0]
    model_name = model.__name__.lower()
    return {"create": f"{label}.add_{model_name}", "update": f"{label}.change_{model_name}",
            "delete": f"{label}.delete_{model_name}"}


def model_mutations(schema: Any, type_: type[ModelType], *, form_class: type | None = None,
                    actions: Iterable[str] = ("create", "update", "delete"),
                    permissions: dict[str, Permission] | None = None,
                    scopes: Iterable[str] = ()) -> None:
    """Generated create/update/delete mutations for ``type_.model``."""
    model = type_.model
    tname = type_.type_name()
    if form_class is None:
        writable = [f.name for f in type_.columns() if not f.primary_key]
        meta = type("Meta", (), {"model": model, "fields": writable})
        form_class = type(f"{tname}Form", (ModelForm,), {"Meta": meta})
    perms = {**_default_permissions(model), **(permissions or {})}
    scopes = tuple(scopes)
    schema.register(type_)
    actions = tuple(actions)

    def load(info: Any, id: str) -> Any:
        key = clean_key(type_, id)
        row = None if key is None else type_.get_query(info).where(
            model._meta.primary_key == key).first()
        if row is None:
            raise GraphQLError(f"No {tname} with id {str(id)[:40]!r}.",
                               extensions={"code": "NOT_FOUND"})
        return row

    def save(form: Any) -> Any:
        validated(form)
        try:
            return form.save()
        except ValidationFailed as exc:
            raise _failure(form, exc) from None

    if "create" in actions:
        schema.extra_types[f"Create{tname}Input"] = input_type(f"Create{tname}Input", form_class)

        def create(root: Any, info: Any, input: dict) -> Any:
            require(info, perms["create"], scopes, f"create {tname} objects")
            return save(form_class(input))

        schema._add(schema.mutations, FieldSpec(
            create, tname, name=f"create{tname}", args={"input": f"Create{tname}Input!"},
            description=f"Create a {tname}."))
    if "update" in actions:
        schema.extra_types[f"Update{tname}Input"] = input_type(f"Update{tname}Input", form_class)

        def update(root: Any, info: Any, id: str, input: dict) -> Any:
            check_scopes(info, scopes)
            row = load(info, id)  # a row the request may see (get_query)
            require(info, perms["update"], (), f"change this {tname}", row)
            return save(form_class(input, instance=row, partial=True))

        schema._add(schema.mutations, FieldSpec(
            update, tname, name=f"update{tname}",
            args={"id": "ID!", "input": f"Update{tname}Input!"},
            description=f"Change the given fields of a {tname}."))
    if "delete" in actions:
        def delete(root: Any, info: Any, id: str) -> Any:
            check_scopes(info, scopes)
            row = load(info, id)
            require(info, perms["delete"], (), f"delete this {tname}", row)
            key = row._pk
            row.delete_instance()
            return key

        schema._add(schema.mutations, FieldSpec(
            delete, "ID!", name=f"delete{tname}", args={"id": "ID!"},
            description=f"Delete a {tname}; answers its id."))
