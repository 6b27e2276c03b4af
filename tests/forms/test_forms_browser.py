"""A real headless Chromium fills the rendered order form (nested fieldsets,
a list of rows with a spare blank one) and sees server-side errors."""


import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser, live_server):
    tab = browser.new_page()
    tab.goto(f"{live_server.url}/shop/order")
    return tab


def _fill_valid(page):
    page.fill("#id_email", "Ada@Example.com")
    page.fill("#id_address-city", "Paris")
    page.fill("#id_address-postcode", "75001")
    page.fill("#id_items-0-sku", "A1")
    page.fill("#id_items-0-quantity", "2")


def test_nested_form_round_trip_in_a_browser(page, live_server):
    # Labels are wired to their inputs (what a screen reader announces).
    assert page.get_by_label("City").first.get_attribute("name") == "address.city"
    _fill_valid(page)
    page.check("#id_gift")
    page.click("button[type=submit]")  # the spare blank row 2 is left empty
    page.wait_for_url(f"{live_server.url}/shop/order?placed=1")
    assert page.text_content("#placed") == "Order placed with 1 line(s)."


def test_errors_shown_next_to_fields_and_input_kept(page):
    _fill_valid(page)
    page.fill("#id_items-0-quantity", "0")
    page.click("button[type=submit]")
    page.wait_for_selector(".errorlist")
    quantity = page.locator("#id_items-0-quantity")
    assert quantity.get_attribute("aria-invalid") == "true"
    assert quantity.input_value() == "0"
    assert page.text_content("#id_items-0-quantity_errors") == "Ensure this value is at least 1."
    assert page.locator("#id_email").input_value() == "Ada@Example.com"
    # The re-shown form offers a spare row; half-filling it is an error on that row.
    page.fill("#id_items-0-quantity", "3")
    page.fill("#id_items-1-sku", "B2")
    page.click("button[type=submit]")
    page.wait_for_selector("#id_items-1-quantity_errors")
    assert page.text_content("#id_items-1-quantity_errors") == "This field is required."
    assert page.locator("#id_items-1-sku").input_value() == "B2"
    assert page.locator("#id_items-0-quantity").get_attribute("aria-invalid") is None
