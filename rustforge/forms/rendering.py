"""HTML for forms in Jinja2 templates, accessible by default.

    {{ form.render() }}                       {# every field, errors, CSRF input #}

    {% for field in form %}                   {# or field by field #}
      <div class="field">
        {{ field.label_tag() }} {{ field.input(class="wide") }} {{ field.errors_html() }}
      </div>
    {% endfor %}

Labels point at their input (``for``/``id``); an invalid input carries
``aria-invalid="true"`` and ``aria-describedby`` naming its error list and
help text; whole-form errors come first in a ``role="alert"`` list. When the
auth app's ``csrf_input`` is in the template context, ``render()`` includes it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from rustforge.forms.errors import NON_FIELD
from rustforge.forms.fields import (
    BooleanField,
    CharField,
    ChoiceField,
    FileField,
    FormField,
    JSONField,
    ListField,
)

if TYPE_CHECKING:
    from rustforge.forms.forms import BaseForm


def _attrs(attrs: dict[str, Any]) -> Markup:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")  # class_ -> class, aria_label -> aria-label
        parts.append(escape(key) if value is True else Markup('{}="{}"').format(key, value))
    return Markup(" ").join(parts)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class BoundField:
    """A field together with its form's data and errors."""

    def __init__(self, form: BaseForm, name: str) -> None:
        self.form = form
        self.name = name
        self.field = form.fields[name]

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def label(self) -> str:
        return self.field.label or self.name.replace("_", " ").capitalize()

    @property
    def errors(self) -> list[str]:
        if not self.form.is_bound:
            return []
        prefix = self.name
        found: list[str] = []
        for path, messages in self.form.errors.items():
            if path == prefix or path.startswith((prefix + ".", prefix + "[")):
                found.extend(messages if path == prefix else [f"{path}: {m}" for m in messages])
        return found

    @property
    def value(self) -> Any:
        if self.form.is_bound and isinstance(self.form.data, dict):
            if self.name in self.form.cleaned_data:
                return self.form.cleaned_data[self.name]
            return self.form.data.get(self.name)
        if self.name in self.form.initial:
            return self.form.initial[self.name]
        default = self.field.default
        return None if callable(default) or default.__class__.__name__ == "Missing" else default

    def _described_by(self) -> str | None:
        ids = []
        if self.errors:
            ids.append(f"{self.id}_errors")
        if self.field.help_text:
            ids.append(f"{self.id}_help")
        return " ".join(ids) or None

    def label_tag(self, **attrs: Any) -> Markup:
        required = Markup(' <span class="required" aria-hidden="true">*</span>') \
            if self.field.required and not isinstance(self.field, BooleanField) else ""
        return Markup('<label for="{}"{}>{}{}</label>').format(
            self.id, Markup(" ") + _attrs(attrs) if attrs else "", self.label, required)

    def input(self, **extra: Any) -> Markup:
        """The control: input, textarea, select or checkbox."""
        field = self.field
        attrs: dict[str, Any] = {"id": self.id, "name": self.name,
                                 "aria-invalid": "true" if self.errors else None,
                                 "aria-describedby": self._described_by()}
        value = self.value
        if isinstance(field, ChoiceField):
            many = field.many
            chosen = {str(v) for v in (value or [])} if many else {_text(value)}
            options = Markup("").join(
                Markup('<option value="{}"{}>{}</option>').format(
                    choice, Markup(" selected") if str(choice) in chosen else "", label)
                for choice, label in field.choices)
            attrs.update(required=field.required, multiple=many, **extra)
            if not many and not field.required:
                options = Markup('<option value=""></option>') + options
            return Markup("<select {}>{}</select>").format(_attrs(attrs), options)
        if isinstance(field, BooleanField):
            attrs.update(type="checkbox", value="true", checked=bool(value), **extra)
            return Markup("<input {}>").format(_attrs(attrs))
        if isinstance(field, (JSONField, ListField, FormField)) or getattr(field, "multiline",
                                                                             False):
            text = value if isinstance(value, str) else ("" if value is None else _json(value))
            attrs.update(required=field.required, **extra)
            return Markup("<textarea {}>{}</textarea>").format(_attrs(attrs), text)
        attrs["type"] = field.input_type
        attrs["required"] = field.required
        if isinstance(field, FileField):
            accept = list(field.content_types) + [f".{e}" for e in field.extensions]
            attrs["accept"] = ",".join(accept) or None
        else:
            attrs["value"] = _text(value)
        if isinstance(field, CharField):
            attrs["maxlength"] = field.max_length
            attrs["minlength"] = field.min_length
        if field.input_type == "number":
            lo, hi = getattr(field, "min_value", None), getattr(field, "max_value", None)
            attrs["min"] = lo if lo is not None and abs(lo) < 2**53 else None
            attrs["max"] = hi if hi is not None and abs(hi) < 2**53 else None
            places = getattr(field, "decimal_places", None)
            attrs["step"] = "any" if field.schema_type == "number" and places is None else (
                f"{10 ** -places:.{places}f}" if places else None)
        attrs.update(extra)
        return Markup("<input {}>").format(_attrs(attrs))

    def errors_html(self) -> Markup:
        if not self.errors:
            return Markup("")
        items = Markup("").join(Markup("<li>{}</li>").format(m) for m in self.errors)
        return Markup('<ul class="errorlist" id="{}_errors">{}</ul>').format(self.id, items)

    def help_html(self) -> Markup:
        if not self.field.help_text:
            return Markup("")
        return Markup('<p class="help" id="{}_help">{}</p>').format(self.id,
                                                                  self.field.help_text)

    def __html__(self) -> str:
        if isinstance(self.field, BooleanField):
            row = self.input() + " " + self.label_tag()
        else:
            row = self.label_tag() + self.input()
        css = "field error" if self.errors else "field"
        return str(Markup('<div class="{}">{}{}{}</div>').format(
            css, row, self.help_html(), self.errors_html()))

    __str__ = __html__


def _json(value: Any) -> str:
    import json

    return json.dumps(value, default=str, indent=2)


def _csrf(context: Any) -> Markup:
    if context is None:
        return Markup("")
    csrf = context.get("csrf_input") if hasattr(context, "get") else None
    if csrf is None or csrf.__class__.__name__ == "Undefined":
        return Markup("")
    if callable(csrf):
        takes_context = getattr(csrf, "jinja_pass_arg", None) is not None
        csrf = csrf(context) if takes_context else csrf()
    return Markup(csrf)


def render_form(form: BaseForm, context: Any = None) -> Markup:
    """CSRF input, whole-form errors, then every field's row."""
    parts = [_csrf(context)]
    if form.is_bound and form.errors.get(NON_FIELD):
        items = Markup("").join(Markup("<li>{}</li>").format(m) for m in form.errors[NON_FIELD])
        parts.append(Markup('<ul class="errorlist nonfield" role="alert">{}</ul>').format(items))
    parts.extend(Markup(bound.__html__()) for bound in form
                 if not bound.field.read_only)
    return Markup("\n").join(p for p in parts if p)
