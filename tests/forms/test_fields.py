"""Every field type with valid and invalid input (no database)."""

import datetime as dt
import decimal

import pytest

from rustforge.forms import (
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    EmailField,
    FileField,
    FloatField,
    Form,
    IntegerField,
    JSONField,
    MultipleChoiceField,
    UploadedFile,
    URLField,
    ValidationError,
)


def one(field, value, *, html=False):
    """Validate ``value`` as the only field of a form; (cleaned, errors)."""
    form_class = type("F", (Form,), {"x": field})
    form = form_class({"x": value} if value is not ... else {}, html=html)
    form.is_valid()
    return form.cleaned_data.get("x"), form.errors.get("x")


@pytest.mark.parametrize("field,value,expected", [
    (CharField(max_length=5), "  abc ", "abc"),
    (CharField(strip=False), " a ", " a "),
    (CharField(), 12, "12"),
    (EmailField(), "ada@example.com", "ada@example.com"),
    (URLField(), "https://example.com/a?b=1", "https://example.com/a?b=1"),
    (IntegerField(), "42", 42),
    (IntegerField(), 42, 42),
    (IntegerField(), 3.0, 3),
    (IntegerField(min_value=-5), " -5 ", -5),
    (FloatField(), "1.5", 1.5),
    (DecimalField(max_digits=5, decimal_places=2), "123.45", decimal.Decimal("123.45")),
    (DecimalField(max_digits=5, decimal_places=2), 1.5, decimal.Decimal("1.5")),
    (BooleanField(), True, True),
    (BooleanField(), "on", True),
    (BooleanField(), "false", False),
    (DateField(), "2024-02-29", dt.date(2024, 2, 29)),
    (DateTimeField(), "2024-05-01T10:30:00", dt.datetime(2024, 5, 1, 10, 30)),
    (DateTimeField(), "2024-05-01T12:30:00+02:00", dt.datetime(2024, 5, 1, 10, 30)),
    (DateTimeField(), "2024-05-01T10:30:00Z", dt.datetime(2024, 5, 1, 10, 30)),
    (ChoiceField([1, 2, 3]), "2", 2),
    (ChoiceField([("s", "Small"), ("l", "Large")]), "l", "l"),
    (MultipleChoiceField(["a", "b", "c"]), ["c", "a", "c"], ["c", "a"]),
    (JSONField(), {"a": [1, None]}, {"a": [1, None]}),
])
def test_valid_values(field, value, expected):
    cleaned, errors = one(field, value)
    assert errors is None
    assert cleaned == expected
    assert type(cleaned) is type(expected)


@pytest.mark.parametrize("field,value,message", [
    (CharField(max_length=3), "abcd", "at most 3 characters (it has 4)"),
    (CharField(min_length=3), "ab", "at least 3 characters"),
    (CharField(), {"a": 1}, "Enter a valid string."),
    (CharField(), True, "Enter a valid string."),
    (CharField(), "a\x00b", "Null characters"),
    (CharField(pattern=r"[a-z]+"), "ABC", "expected format"),
    (EmailField(), "not-an-email", "valid email"),
    (EmailField(), "a@b", "valid email"),
    (URLField(), "javascript:alert(1)", "valid URL"),
    (URLField(), "http://", "valid URL"),
    (URLField(), "http://example.com:99999/", "valid URL"),
    (IntegerField(), "4.5", "whole number"),
    (IntegerField(), 4.5, "whole number"),
    (IntegerField(), True, "whole number"),
    (IntegerField(), "1e3", "whole number"),
    (IntegerField(), 2**70, "at most"),
    (IntegerField(min_value=1), 0, "at least 1"),
    (FloatField(), "nan", "Enter a number."),
    (FloatField(), "inf", "Enter a number."),
    (FloatField(), [1], "Enter a number."),
    (DecimalField(), "NaN", "Enter a number."),
    (DecimalField(), "1,5", "Enter a number."),
    (DecimalField(max_digits=5, decimal_places=2), "1.234", "no more than 2 decimal places"),
    (DecimalField(max_digits=5, decimal_places=2), "12345", "no more than 3 digits before"),
    (DecimalField(max_digits=4), "123456", "no more than 4 digits in total"),
    (BooleanField(), "maybe", "true or false"),
    (BooleanField(), 2, "true or false"),
    (DateField(), "2023-02-29", "valid date"),
    (DateField(), "29/02/2024", "valid date"),
    (DateField(), 20240101, "valid date"),
    (DateTimeField(), "2024-05-01 25:00", "valid date and time"),
    (DateTimeField(), "yesterday", "valid date and time"),
    (ChoiceField(["a", "b"]), "c", "Select a valid choice"),
    (ChoiceField([1, 2]), True, "Select a valid choice"),
    (ChoiceField(["a"]), {"x": 1}, "Select a valid choice"),
    (MultipleChoiceField(["a", "b"]), "a", "Enter a list"),
    (MultipleChoiceField(["a", "b"]), ["a", "z"], "Select a valid choice"),
    (MultipleChoiceField(["a", "b"], max_items=1), ["a", "b"], "at most 1"),
    (JSONField(), float("nan"), "valid JSON"),
])
def test_invalid_values(field, value, message):
    cleaned, errors = one(field, value)
    assert cleaned is None
    assert errors and message in errors[0], errors


def test_required_optional_default_and_null():
    class F(Form):
        name = CharField()
        nick = CharField(required=False)
        size = IntegerField(default=3)
        when = DateField(required=False, allow_null=True)
        agree = BooleanField()

    form = F({"when": None})
    assert not form.is_valid()
    assert form.errors == {"name": ["This field is required."]}
    form = F({"name": "  ", "nick": ""})
    assert form.errors == {"name": ["This field is required."]}
    form = F({"name": None})
    assert form.errors == {"name": ["This field may not be null."]}
    form = F({"name": "Ada"})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "Ada", "nick": None, "size": 3, "when": None,
                                 "agree": False}


def test_callable_default_and_required_boolean():
    class F(Form):
        stamp = DateField(default=lambda: dt.date(2020, 1, 1))
        accept = BooleanField(required=True)

    form = F({})
    assert form.errors == {"accept": ["This field is required."]}
    form = F({"accept": False})
    assert form.is_valid() and form.cleaned_data["stamp"] == dt.date(2020, 1, 1)


def test_html_input_strings_lists_and_checkboxes():
    class F(Form):
        n = IntegerField()
        tags = MultipleChoiceField(["a", "b"], required=False)
        data = JSONField(required=False)
        ok = BooleanField()

    form = F({"n": ["1", "7"], "tags": "a", "data": '{"k": [1, 2]}'}, html=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"n": 7, "tags": ["a"], "data": {"k": [1, 2]}, "ok": False}
    form = F({"n": "1", "data": "{bad"}, html=True)
    assert form.errors == {"data": ["Enter valid JSON."]}
    # From JSON, a string for a JSONField is just a string.
    form = F({"n": 1, "data": "{bad"})
    assert form.is_valid() and form.cleaned_data["data"] == "{bad"


def test_file_field_limits():
    field = FileField(max_size=10, content_types=["image/*", "text/plain"], extensions=["png",
                                                                                         "txt"])
    ok = UploadedFile("a.png", "image/png", b"12345")
    assert one(field, ok) == (ok, None)
    assert "at most 10 bytes (it has 11)" in one(field, UploadedFile("a.txt", "text/plain",
                                                                     b"x" * 11))[1][0]
    assert "application/pdf are not allowed" in one(
        field, UploadedFile("a.png", "application/pdf", b"x"))[1][0]
    assert ".exe are not allowed" in one(field, UploadedFile("a.exe", "text/plain", b"x"))[1][0]
    assert "empty" in one(field, UploadedFile("a.txt", "text/plain", b""))[1][0]
    assert "Upload a file" in one(field, "just a string")[1][0]


def test_field_validators_hooks_and_form_validators():
    def even(value):
        if value % 2:
            raise ValidationError("Must be even.")

    def window(data):
        if "end" in data and data.get("start", 0) > data["end"]:
            raise ValidationError({"end": "Must not precede start."})

    class F(Form):
        start = IntegerField(validators=[even])
        end = IntegerField()
        validators = [window]

        def clean_end(self, value):
            if value > 100:
                raise ValidationError("Too far.")
            return value * 1

    assert F({"start": 3, "end": 4}).errors == {"start": ["Must be even."]}
    assert F({"start": 4, "end": 2}).errors == {"end": ["Must not precede start."]}
    assert F({"start": 4, "end": 101}).errors == {"end": ["Too far."]}
    assert F({"start": 4, "end": 6}).is_valid()


def test_form_inheritance_and_removal():
    class Base(Form):
        a = CharField()
        b = CharField()

    class Child(Base):
        b = None
        c = IntegerField()

    assert list(Child.base_fields) == ["a", "c"]
    assert Child({"a": "x", "c": 1}).is_valid()
