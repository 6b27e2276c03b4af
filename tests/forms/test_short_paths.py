"""The short paths of CharField and IntegerField give what the general path gives.

``CharField.clean`` and ``IntegerField.clean`` convert and check a plain
``str`` in one frame and hand everything else (and every value that fails a
check) to ``Field.clean``. For any input and any configuration, both must
return the same value or fail with the same messages.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rustforge.forms import CharField, EmailField, Form, IntegerField, ValidationError
from rustforge.forms.fields import Field


def _outcome(clean, value):
    try:
        result = clean(value)
    except ValidationError as exc:
        return "error", exc.errors
    return "value", type(result), result


def _same(field, value):
    short = _outcome(lambda v: field.clean(v, "f", True), value)
    general = _outcome(lambda v: Field.clean(field, v, "f", True), value)
    assert short == general, (field, value)
    return short


texts = st.text() | st.sampled_from([
    "", " ", "  ada  ", "a\x00b", "\ud800", "caf\u00e9", "\u3000x\u3000", "x" * 101,
    "a'b", "a\\b", "\t\n", "12", "\u00b2", "\uff11\uff12"])
scalars = texts | st.none() | st.booleans() | st.integers() | st.floats() \
    | st.lists(st.text(max_size=3), max_size=2)


@settings(max_examples=400, deadline=None)
@given(value=scalars, max_length=st.none() | st.integers(0, 12),
       min_length=st.none() | st.integers(0, 5), strip=st.booleans(),
       pattern=st.sampled_from([None, r"[a-z]*", r"\w+"]))
def test_char_field_short_path_is_the_general_path(value, max_length, min_length, strip,
                                                   pattern):
    field = CharField(max_length=max_length, min_length=min_length, strip=strip,
                      pattern=pattern)
    _same(field, value)


@settings(max_examples=400, deadline=None)
@given(value=scalars | st.from_regex(r"\s*[-+]?[0-9]{1,35}\s*", fullmatch=True)
       | st.integers().map(str),
       low=st.none() | st.integers(-10**20, 10**20), high=st.none() | st.integers(-10, 10**25))
def test_integer_field_short_path_is_the_general_path(value, low, high):
    _same(IntegerField(min_value=low, max_value=high), value)
    _same(IntegerField(), value)  # the 64-bit bounds


def test_validators_run_once_on_the_short_path():
    seen = []
    field = CharField(max_length=5, validators=[seen.append])
    assert field.clean("  ab ") == "ab" and seen == ["ab"]
    number = IntegerField(validators=[seen.append])
    assert number.clean("0012") == 12 and seen == ["ab", 12]

    def refuse(value):
        raise ValidationError("no")

    with pytest.raises(ValidationError, match="no"):
        CharField(validators=[refuse]).clean("x")
    with pytest.raises(ValidationError, match="no"):
        IntegerField(validators=[refuse]).clean("7")


def test_a_subclass_with_its_own_checks_takes_the_general_path():
    assert not EmailField._short_path
    with pytest.raises(ValidationError, match="valid email"):
        EmailField().clean("not-an-email")

    class Upper(CharField):
        def to_python(self, value):
            return super().to_python(value).upper()

    class Even(IntegerField):
        def validate(self, value):
            super().validate(value)
            if value % 2:
                self.fail("invalid")

    assert Upper().clean("ab") == "AB"
    assert Even().clean("4") == 4
    with pytest.raises(ValidationError):
        Even().clean("3")


class NoteForm(Form):
    title = CharField(max_length=100)
    number = IntegerField(min_value=1, max_value=10000)


@pytest.mark.parametrize(("data", "errors"), [
    ({"title": "t" * 101, "number": "5"},
     {"title": ["Ensure this value has at most 100 characters (it has 101)."]}),
    ({"title": "ok", "number": "abc"}, {"number": ["Enter a whole number."]}),
    ({"title": "ok", "number": "0"}, {"number": ["Ensure this value is at least 1."]}),
    ({"title": "ok", "number": "10001"}, {"number": ["Ensure this value is at most 10000."]}),
    ({"title": "ok", "number": "9" * 31}, {"number": ["Enter a whole number."]}),
    ({"title": "ok", "number": "\uff11\uff12"}, {"number": ["Enter a whole number."]}),
    ({"title": "a\x00", "number": "5"}, {"title": ["Null characters are not allowed."]}),
    ({"title": "   ", "number": ""}, {"title": ["This field is required."],
                                       "number": ["This field is required."]}),
    ({"title": ["a", "b"], "number": ["1", " 7 "]}, {}),
])
def test_html_form_errors_are_unchanged(data, errors):
    form = NoteForm(data, html=True)
    assert form.errors == errors
    if not errors:
        assert form.cleaned_data == {"title": "b", "number": 7}



@pytest.mark.parametrize("value", ["0\x1f", "\x1c7"])
def test_white_space_int_does_not_read_is_invalid_not_a_crash(value):
    with pytest.raises(ValidationError, match="whole number"):
        IntegerField().clean(value)
