"""Nested objects and lists: error paths, HTML keys, the one envelope."""

import pytest
from testproject.shop.forms import OrderForm

from rustforge.forms import NON_FIELD, ValidationFailed

GOOD = {"email": "ADA@Example.com", "address": {"city": "Paris", "postcode": "75001"},
        "items": [{"sku": "A1", "quantity": 2}, {"sku": "B2", "quantity": "3"}]}


def test_valid_nested_json():
    form = OrderForm(GOOD)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "ada@example.com"
    assert form.cleaned_data["items"][1] == {"sku": "B2", "quantity": 3}
    assert form.cleaned_data["speed"] == "standard"


def test_error_paths_for_nested_objects_and_lists():
    data = {**GOOD, "address": {"city": "x" * 60},
            "items": [{"sku": "A1", "quantity": 0}, {"quantity": "many"}, "oops"]}
    form = OrderForm(data)
    assert not form.is_valid()
    assert form.errors == {
        "address.city": ["Ensure this value has at most 50 characters (it has 60)."],
        "address.postcode": ["This field is required."],
        "items[0].quantity": ["Ensure this value is at least 1."],
        "items[1].sku": ["This field is required."],
        "items[1].quantity": ["Enter a whole number."],
        "items[2]": ["Enter an object."],
    }


def test_list_bounds_and_type():
    assert OrderForm({**GOOD, "items": []}).errors == {"items": ["This field is required."]}
    assert OrderForm({**GOOD, "items": {"sku": "A"}}).errors == {"items": ["Enter a list."]}
    many = [{"sku": "A", "quantity": 1}] * 21
    assert OrderForm({**GOOD, "items": many}).errors == {
        "items": ["Ensure this list has at most 20 items."]}


def test_whole_form_error_is_non_field():
    form = OrderForm({**GOOD, "gift": True, "items": [{"sku": "A", "quantity": 1}] * 4})
    assert form.errors == {NON_FIELD: ["Gift orders hold at most three lines."]}


def test_html_keys_build_the_same_structure():
    flat = {"email": "a@b.co", "address.city": "Lyon", "address[postcode]": "69001",
            "items[0][sku]": "A", "items[0].quantity": "1",
            "items[1][sku]": "B", "items[1][quantity]": "0", "gift": "on"}
    form = OrderForm(flat, html=True)
    assert form.errors == {"items[1].quantity": ["Ensure this value is at least 1."]}
    flat["items[1][quantity]"] = "5"
    form = OrderForm(flat, html=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["gift"] is True
    assert [i["quantity"] for i in form.cleaned_data["items"]] == [1, 5]


def test_conflicting_and_huge_html_keys_are_errors_not_crashes():
    form = OrderForm({"address": "x", "address.city": "y"}, html=True)
    assert "address.city" in form.errors
    form = OrderForm({"items[99999999]": "x"}, html=True)
    assert not form.is_valid()


def test_validate_raises_the_envelope():
    with pytest.raises(ValidationFailed) as info:
        OrderForm({"email": "x"}).validate()
    body = info.value.envelope()
    assert body["title"] == "Validation failed"
    assert body["errors"]["email"] == ["Enter a valid email address."]
    expected = "Expected an object of fields."
    assert OrderForm(["not", "an", "object"]).errors == {NON_FIELD: [expected]}


def test_json_schema_describes_nesting():
    schema = OrderForm.json_schema()
    assert schema["required"] == ["email", "address", "items"]
    assert schema["properties"]["items"]["items"]["properties"]["quantity"] == {
        "type": "integer", "minimum": 1, "maximum": 99}
    assert schema["properties"]["address"]["properties"]["postcode"]["pattern"]
