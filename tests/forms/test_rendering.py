"""Accessible HTML from forms, in Python and in a Jinja2 template."""

import re

import jinja2
import pytest
from markupsafe import Markup
from testproject.shop.forms import OrderForm, UploadForm

from rustforge.forms import CharField, Form, IntegerField, MultipleChoiceField


class Profile(Form):
    name = CharField(max_length=20, help_text="As on your passport.")
    age = IntegerField(min_value=0, max_value=150, required=False)
    langs = MultipleChoiceField([("py", "Python"), ("rs", "Rust")], required=False)


def test_labels_point_at_inputs_with_constraints():
    html = str(Profile().render())
    assert '<label for="id_name">Name <span class="required" aria-hidden="true">*</span>' \
           '</label>' in html
    assert re.search(r'<input id="id_name" name="name" aria-describedby="id_name_help" '
                     r'type="text" required value="" maxlength="20">', html), html
    assert 'type="number"' in html and 'min="0" max="150"' in html
    assert '<select id="id_langs" name="langs" multiple>' in html
    assert '<p class="help" id="id_name_help">As on your passport.</p>' in html


def test_errors_are_linked_and_values_kept_escaped():
    form = Profile({"name": "<b>" * 10, "age": "-1", "langs": ["rs"]}, html=True)
    assert not form.is_valid()
    html = str(form.render())
    assert 'aria-invalid="true" aria-describedby="id_name_errors id_name_help"' in html
    assert '<ul class="errorlist" id="id_name_errors"><li>Ensure this value has at most 20' \
           in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<option value="rs" selected>Rust</option>' in html


def test_non_field_errors_first_with_alert_role():
    form = OrderForm({"email": "a@b.co", "address": {"city": "P", "postcode": "1"},
                      "items": [{"sku": "A", "quantity": 1}] * 4, "gift": True})
    assert not form.is_valid()
    html = str(form.render())
    assert html.index('role="alert"') < html.index('id="id_email"')


def test_file_input_accepts():
    html = str(UploadForm().render())
    assert 'type="file"' in html and 'accept="text/plain,image/*,.txt,.png"' in html


@pytest.mark.parametrize("csrf", [
    Markup('<input type="hidden" name="csrf_token" value="T0KEN">'),
    lambda: Markup('<input type="hidden" name="csrf_token" value="T0KEN">'),
    jinja2.pass_context(lambda ctx: Markup(
        '<input type="hidden" name="csrf_token" value="T0KEN">')),
])
def test_csrf_input_from_template_globals(csrf):
    env = jinja2.Environment(autoescape=True)
    env.globals["csrf_input"] = csrf
    html = env.from_string("{{ form.render() }}").render(form=Profile())
    assert html.startswith('<input type="hidden" name="csrf_token" value="T0KEN">')


def test_without_csrf_global_nothing_is_added():
    env = jinja2.Environment(autoescape=True)
    html = env.from_string("{{ form.render() }}{% for f in form %}{{ f.label_tag() }}"
                           "{% endfor %}").render(form=Profile())
    assert "csrf" not in html and html.count("<label") == 6


def test_page_round_trip(client):
    response = client.get("/shop/order", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert '<label for="id_email">' in response.text
    response = client.post("/shop/order", data={"email": "nope"},
                           headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert 'value="nope"' in response.text and "Enter a valid email address." in response.text
