"""Declarative validation of input from HTML forms and JSON bodies.

    from rustforge.forms import Form, CharField, IntegerField, ValidationError

    class SignupForm(Form):
        name = CharField(max_length=80)
        age = IntegerField(min_value=13, required=False)

    form = SignupForm({"name": "Ada", "age": "12"}, html=True)
    form.is_valid()      # False
    form.errors          # {"age": ["Ensure this value is at least 13."]}

See ``docs/forms.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustforge.forms.errors import NON_FIELD, ValidationError, ValidationFailed
from rustforge.importing import lazy_exports

if TYPE_CHECKING:
    from rustforge.forms.fields import (
        BooleanField,
        CharField,
        ChoiceField,
        DateField,
        DateTimeField,
        DecimalField,
        EmailField,
        Field,
        FileField,
        FloatField,
        FormField,
        IntegerField,
        JSONField,
        ListField,
        MultipleChoiceField,
        UploadedFile,
        URLField,
    )
    from rustforge.forms.forms import BaseForm, Form
    from rustforge.forms.formsets import FormSet, InlineFormSet, ModelFormSet
    from rustforge.forms.models import ModelChoiceField, ModelForm

__all__ = [
    "NON_FIELD", "BaseForm", "BooleanField", "CharField", "ChoiceField", "DateField",
    "DateTimeField", "DecimalField", "EmailField", "Field", "FileField", "FloatField", "Form",
    "FormField", "FormSet", "InlineFormSet", "IntegerField", "JSONField", "ListField",
    "ModelChoiceField", "ModelForm", "ModelFormSet",
    "MultipleChoiceField", "URLField", "UploadedFile", "ValidationError", "ValidationFailed",
]

# NOTE(memory): fields, forms, formsets and model forms are imported on first
# use, so that a module that only raises ValidationError (a resource, a GraphQL
# connection) does not load formsets and model forms into every worker.
_LAZY = {
    **dict.fromkeys(
        ["BooleanField", "CharField", "ChoiceField", "DateField", "DateTimeField",
         "DecimalField", "EmailField", "Field", "FileField", "FloatField", "FormField",
         "IntegerField", "JSONField", "ListField", "MultipleChoiceField", "UploadedFile",
         "URLField"], "rustforge.forms.fields"),
    "BaseForm": "rustforge.forms.forms",
    "Form": "rustforge.forms.forms",
    "FormSet": "rustforge.forms.formsets",
    "InlineFormSet": "rustforge.forms.formsets",
    "ModelFormSet": "rustforge.forms.formsets",
    "ModelChoiceField": "rustforge.forms.models",
    "ModelForm": "rustforge.forms.models",
}


__getattr__ = lazy_exports(__name__, _LAZY)
