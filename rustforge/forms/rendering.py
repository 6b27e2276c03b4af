"""HTML for forms in Jinja2 templates, accessible by default.

    {{ form.render() }}                       {# every field, errors, CSRF input #}

    {% for field in form %}                   {# or field by field #}
      <div class="field">
        {{ field.label_tag() }} {{ field.input(class_="wide") }} {{ field.errors_html() }}
      </div>
    {% endfor %}

Labels point at their input (``for``/``id``); an invalid input carries
``aria-invalid="true"`` and ``aria-describedby`` naming its error list and
help text; whole-form errors come first in a ``role="alert"`` list. When the
auth app's ``csrf_input`` is in the template context, ``render()`` includes it.

Nested forms render as ``<fieldset>``s whose inputs are named by path
(``address.city``, ``items[0][sku]``), which is exactly what the form parses
back; a list of forms offers ``extra`` blank rows (ignored when left blank).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from rustforge.forms.errors import NON_FIELD
from rustforge.forms.fields import (
    MISSING,
    BooleanField,
    CharField,
    ChoiceField,
    Field,
    FileField,
    FormField,
    ListField,
)
from rustforge.forms.text import printable

if TYPE_CHECKING:
    from rustforge.forms.forms import BaseForm

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_PATH_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


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
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str, indent=2)
    # Submitted text is shown back as it came: hostile characters must not make
    # the page unencodable (a lone surrogate) or odd (a NUL).
    return printable(str(value))


def _walk(container: Any, path: str) -> Any:
    node = container
    for index, key in _PATH_TOKEN.findall(path):
        if index:
            i = int(index)
            if isinstance(node, list) and i < len(node) or isinstance(node, dict) and i in node:
                node = node[i]
            else:
                return MISSING
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return MISSING
    return node


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else None
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "on", "yes", "y", "t"}
    return bool(value)


class BoundField:
    """A field of a form (or of a nested form, at ``path``) with its data and errors."""

    def __init__(self, form: BaseForm, name: str, field: Field | None = None,
                 path: str | None = None, in_row: bool = False) -> None:
        self.form = form
        self.name = name
        self.field = field or form.fields[name]
        self.path = path or name
        # Inside a row of a list of forms, which may be left blank on purpose.
        self.in_row = in_row

    @property
    def html_name(self) -> str:
        prefix = getattr(self.form, "prefix", None)
        return f"{prefix}-{self.path}" if prefix else self.path

    @property
    def id(self) -> str:
        return "id_" + _ID_UNSAFE.sub("-", self.html_name).strip("-")

    @property
    def label(self) -> str:
        return self.field.label or self.name.replace("_", " ").capitalize()

    @property
    def errors(self) -> list[str]:
        """Messages for this field; for a scalar inside a list, those of its path."""
        if not self.form.is_bound:
            return []
        errors = self.form.errors
        if isinstance(self.field, (FormField, ListField)):
            return list(errors.get(self.path, []))
        found = list(errors.get(self.path, []))
        if self.path == self.name:  # top level: also nested paths of a JSON-ish field
            for path, messages in errors.items():
                if path.startswith((self.path + ".", self.path + "[")):
                    found.extend(f"{path}: {m}" for m in messages)
        return found

    @property
    def value(self) -> Any:
        """What the input shows: the submitted value, else the initial, else the default."""
        form = self.form
        if form.is_bound and isinstance(form.data, dict):
            if form.errors is not None and isinstance(form.nested_data, dict):
                raw = _walk(form.nested_data, self.path)
            else:
                raw = _walk(form.data, self.path)
            if isinstance(self.field, BooleanField):
                return _truthy(raw) if raw is not MISSING else False
            if isinstance(raw, list) and not self.field.many and form.html:
                raw = raw[-1] if raw else None
            return None if raw is MISSING else raw
        initial = _walk(form.initial, self.path)
        if initial is not MISSING:
            return initial
        default = self.field.default
        return None if callable(default) or default is MISSING else default

    @property
    def required(self) -> bool:
        """The ``required`` attribute: not inside a list row, which may stay blank."""
        # A formset's new row may stay blank too (``form.blank_allowed``).
        return self.field.required and not (self.in_row or self.form.blank_allowed)

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
        attrs: dict[str, Any] = {"id": self.id, "name": self.html_name,
                                 "aria-invalid": "true" if self.errors else None,
                                 "aria-describedby": self._described_by()}
        value = self.value
        if isinstance(field, ChoiceField):
            many = field.many
            if many:
                chosen = {str(v) for v in (value if isinstance(value, list) else [value])
                          if v is not None}
            else:
                chosen = {_text(value)}
            options = Markup("").join(
                Markup('<option value="{}"{}>{}</option>').format(
                    choice, Markup(" selected") if str(choice) in chosen else "", label)
                for choice, label in field.choices)
            attrs.update(required=self.required, multiple=many, **extra)
            if not many and not self.required:  # a blank row of a list may send ""
                options = Markup('<option value=""></option>') + options
            return Markup("<select {}>{}</select>").format(_attrs(attrs), options)
        if isinstance(field, BooleanField):
            attrs.update(type="checkbox", value="true", checked=bool(value), **extra)
            return Markup("<input {}>").format(_attrs(attrs))
        if field.input_type == "textarea" or isinstance(field, (ListField, FormField)) \
                or getattr(field, "multiline", False):
            attrs.update(required=self.required, **extra)
            return Markup("<textarea {}>{}</textarea>").format(_attrs(attrs), _text(value))
        attrs["type"] = field.input_type
        attrs["required"] = self.required
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

    # Nested forms -------------------------------------------------------------------
    def _children(self, form_class: type[BaseForm], prefix: str, in_row: bool = False) -> Markup:
        return Markup("").join(
            # __html__() of a BoundField is markup built with escaping already.
            Markup(BoundField(self.form, name, field, f"{prefix}.{name}",  # noqa: S704
                              in_row or self.in_row).__html__())
            for name, field in form_class.base_fields.items() if not field.read_only)

    def _row_count(self) -> int:
        value = self.value
        if isinstance(value, list):
            return len(value)
        if isinstance(value, dict) and value and all(isinstance(k, int) for k in value):
            return max(value) + 1  # items[3][sku] keys of an HTML form
        return 0

    def fieldset(self) -> Markup:
        """A nested form, or a list of them, as fieldsets of path-named inputs."""
        field = self.field
        head = Markup('<legend>{}</legend>').format(self.label)
        errors = self.errors_html()
        if isinstance(field, FormField):
            body = self._children(field.form_class, self.path)
            return Markup('<fieldset id="{}"{}>{}{}{}{}</fieldset>').format(
                self.id, Markup(' aria-describedby="{}_errors"').format(self.id)
                if self.errors else "", head, errors, body, self.help_html())
        if not isinstance(field, ListField):
            raise TypeError(f"{self.path} is neither a form nor a list of forms")
        child = field.child  # a ListField of forms
        count = self._row_count()
        if field.max_items is None or count < field.max_items:
            count += field.extra
        count = max(count, field.min_items or 0)
        rows = Markup("").join(
            Markup('<fieldset id="{}"><legend>{} {}</legend>{}</fieldset>').format(
                f"{self.id}-{i}", self.label, i + 1,
                self._children(child.form_class, f"{self.path}[{i}]", in_row=True))
            for i in range(count))
        return Markup('<fieldset id="{}">{}{}{}{}</fieldset>').format(
            self.id, head, errors, rows, self.help_html())

    def __html__(self) -> str:
        field = self.field
        if isinstance(field, FormField) or (isinstance(field, ListField)
                                            and isinstance(field.child, FormField)):
            return str(self.fieldset())
        if isinstance(field, BooleanField):
            row = self.input() + " " + self.label_tag()
        else:
            row = self.label_tag() + self.input()
        css = "field error" if self.errors else "field"
        return str(Markup('<div class="{}">{}{}{}</div>').format(
            css, row, self.help_html(), self.errors_html()))

    __str__ = __html__


def _csrf(context: Any) -> Markup:
    if context is None:
        return Markup("")
    csrf = context.get("csrf_input") if hasattr(context, "get") else None
    if csrf is None or csrf.__class__.__name__ == "Undefined":
        return Markup("")
    if callable(csrf):
        takes_context = getattr(csrf, "jinja_pass_arg", None) is not None
        csrf = csrf(context) if takes_context else csrf()
    return Markup(csrf)  # noqa: S704 - the framework's own csrf_input() markup


def render_form(form: BaseForm, context: Any = None) -> Markup:
    """CSRF input, whole-form errors, then every field's row."""
    parts = [_csrf(context)]
    if form.is_bound and form.errors.get(NON_FIELD):
        items = Markup("").join(Markup("<li>{}</li>").format(m) for m in form.errors[NON_FIELD])
        parts.append(Markup('<ul class="errorlist nonfield" role="alert">{}</ul>').format(items))
    parts.extend(Markup(bound.__html__()) for bound in form  # noqa: S704 - escaped rows
                 if not bound.field.read_only)
    return Markup("\n").join(p for p in parts if p)
