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

from rustforge.contrib.graphql.permissions import Permission, check_scopes, require
from rustforge.contrib.graphql.types import FieldSpec, ModelType, clean_key
from rustforge.forms.errors import ValidationFailed
from rustforge.forms.models import ModelForm

# NOTE(memory): registering mutations needs no graphql-core: the input types
# are made from ``schema.input_forms`` when the schema is built, and the
# errors (``inputs``) are imported when a mutation runs.


def __getattr__(name: str) -> Any:
    if name == "FormErrors":  # its home before ``inputs``
        from rustforge.contrib.graphql.inputs import FormErrors

        return FormErrors
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def form_mutation(schema: Any, name: str, form_class: type, returns: str,
                  resolve: Callable[[Any, dict], Any], *, permission: Permission = None,
                  scopes: Iterable[str] = (), description: str | None = None) -> None:
    """``name(input: <Name>Input!): returns``; ``resolve(info, cleaned_data)``."""
    type_name = name[:1].upper() + name[1:] + "Input"
    schema.input_forms[type_name] = form_class
    scopes = tuple(scopes)

    def run(root: Any, info: Any, input: dict) -> Any:
        from rustforge.contrib.graphql.inputs import failure, validated

        require(info, permission, scopes, f"use {name}")
        form = form_class(input)
        try:
            return resolve(info, validated(form))
        except ValidationFailed as exc:
            raise failure(form, exc) from None

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
            from graphql import GraphQLError

            raise GraphQLError(f"No {tname} with id {str(id)[:40]!r}.",
                               extensions={"code": "NOT_FOUND"})
        return row

    def save(form: Any) -> Any:
        from rustforge.contrib.graphql.inputs import failure, validated

        validated(form)
        try:
            return form.save()
        except ValidationFailed as exc:
            raise failure(form, exc) from None

    if "create" in actions:
        schema.input_forms[f"Create{tname}Input"] = form_class

        def create(root: Any, info: Any, input: dict) -> Any:
            require(info, perms["create"], scopes, f"create {tname} objects")
            return save(form_class(input))

        schema._add(schema.mutations, FieldSpec(
            create, tname, name=f"create{tname}", args={"input": f"Create{tname}Input!"},
            description=f"Create a {tname}."))
    if "update" in actions:
        schema.input_forms[f"Update{tname}Input"] = form_class

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
