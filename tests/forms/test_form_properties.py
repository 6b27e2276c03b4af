"""Property: no input makes a form raise; it is valid or has errors."""

from hypothesis import given, settings
from hypothesis import strategies as st
from testproject.shop.forms import OrderForm, SearchForm, UploadForm

KEYS = ["email", "address", "items", "gift", "ship_on", "speed", "city", "postcode", "sku",
        "quantity", "q", "page", "tags", "title", "document"]
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
           | st.sampled_from(["", " ", "0", "1", "1e400", "nan", "2024-13-01", "on"]))
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), c,
                                        max_size=4), max_leaves=12)
flat_keys = st.sampled_from(["email", "address.city", "address[postcode]", "items[0][sku]",
                             "items[0].quantity", "items[]", "items[1]", "items.x",
                             "address", "gift", "[0]", "a[b", "items[99999999]"]) \
    | st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(data=values)
def test_json_input_never_raises(data):
    for form_class in (OrderForm, SearchForm, UploadForm):
        form = form_class(data)
        assert form.is_valid() in (True, False)
        assert all(isinstance(k, str) and v for k, v in form.errors.items())


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(flat_keys, st.text(max_size=10) | st.lists(st.text(max_size=5),
                                                                      max_size=3), max_size=8))
def test_html_input_never_raises_and_renders(data):
    form = OrderForm(data, html=True)
    form.is_valid()
    assert "<" in str(form.render())
