"""Typed form fields: each turns raw input (a form string or a JSON value)
into a Python value, or raises ``ValidationError`` with a clear message.

    class OrderForm(Form):
        email = EmailField()
        quantity = IntegerField(min_value=1, max_value=99, default=1)
        note = CharField(required=False, max_length=500)

One module per field family; every name is importable from here.
"""

from rustforge.forms.fields.base import INT64_MAX, INT64_MIN, MISSING, Bounded, Field, Validator
from rustforge.forms.fields.choices import BooleanField, ChoiceField, MultipleChoiceField
from rustforge.forms.fields.dates import DateField, DateTimeField
from rustforge.forms.fields.files import FileField, UploadedFile
from rustforge.forms.fields.numbers import DecimalField, FloatField, IntegerField
from rustforge.forms.fields.structured import FormField, JSONField, ListField
from rustforge.forms.fields.text import CharField, EmailField, URLField

__all__ = [
    "INT64_MAX", "INT64_MIN", "MISSING", "BooleanField", "Bounded", "CharField", "ChoiceField",
    "DateField", "DateTimeField", "DecimalField", "EmailField", "Field", "FileField",
    "FloatField", "FormField", "IntegerField", "JSONField", "ListField", "MultipleChoiceField",
    "URLField", "UploadedFile", "Validator",
]
