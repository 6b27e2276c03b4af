"""Property: every field of ``rustforge.forms`` either refuses input with a
``ValidationError`` or returns a value a database can store (no NUL, no lone
surrogate, no NaN, integers within 64 bits), whatever the input's type, size,
encoding or nesting."""

import datetime as dt
import decimal
import math

from hypothesis import given, settings
from hypothesis import strategies as st

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
    IntegerField,
    JSONField,
    ListField,
    MultipleChoiceField,
    URLField,
    ValidationError,
)
from rustforge.forms.fields import INT64_MAX, INT64_MIN

FIELDS = [CharField(), CharField(strip=False, multiline=True), EmailField(), URLField(),
          IntegerField(), FloatField(), DecimalField(max_digits=8, decimal_places=2),
          BooleanField(), DateField(), DateTimeField(), ChoiceField([1, "a"]),
          MultipleChoiceField(["a", "b"]), JSONField(), FileField(),
          ListField(CharField()), ListField(IntegerField())]

nasty = st.sampled_from([
    "\x00", "a\x00", "\ud800", "x\udfffy", "9" * 5000, "1e999999", "-0", "0x10", "1_000", "２",
    "٣", "1.5e-400", "NaN", "inf", "-Infinity", "9999-12-31T23:59:59+14:00", "0000-01-01",
    "2024-02-30", "10000-01-01", "2024-01-01T25:00", "http://[::1", "http://a:99999",
    "http://\x00.io", "a@b.c\x00", "", " ", None, True, 10**400, -10**400, 1e308,
    float("nan"), float("inf"), 2**63, -(2**63) - 1,
]) | st.text() | st.integers() | st.floats()
values = st.recursive(nasty, lambda c: st.lists(c, max_size=4)
                      | st.dictionaries(st.text(max_size=4) | st.sampled_from(["\x00", "\ud800"]),
                                        c, max_size=4), max_leaves=12)


def storable(value, json=False):
    """``json``: inside a JSON document, where integers have no fixed width."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return json or INT64_MIN <= value <= INT64_MAX
    if isinstance(value, decimal.Decimal):
        return value.is_finite()
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    if isinstance(value, dict):
        return all(storable(k, json) and storable(v, json) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v, json) for v in value)
    if isinstance(value, str):  # checked here independently of rustforge.forms.text
        return "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    return True  # an UploadedFile: bytes, stored where the project says


@settings(max_examples=600, deadline=None)
@given(value=values, html=st.booleans())
def test_a_field_refuses_or_returns_something_storable(value, html):
    for field in FIELDS:
        try:
            cleaned = field.clean(value, "", html)
        except ValidationError:
            continue
        assert storable(cleaned, json=isinstance(field, JSONField)), (
            type(field).__name__, value, cleaned)
