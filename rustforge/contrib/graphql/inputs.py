"""Input types made from forms, and the errors of input that does not validate.

Needs graphql-core: imported when the schema is built or a mutation runs,
never while apps register their mutations (``mutations``).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLInputField, GraphQLInputObjectType, GraphQLList

from rustforge.contrib.graphql.scalars import CUSTOM_SCALARS
from rustforge.contrib.graphql.types import camel
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


def failure(form: Any, exc: ValidationFailed | None = None) -> FormErrors:
    errors = exc.errors if exc is not None else form.errors
    conflicts = getattr(form, "conflicts", None)
    return FormErrors(errors, conflict=bool(conflicts) and set(errors) <= set(conflicts or ()))


def validated(form: Any) -> dict:
    """The form's cleaned data, or FormErrors."""
    if not form.is_valid():
        raise failure(form)
    return form.cleaned_data
