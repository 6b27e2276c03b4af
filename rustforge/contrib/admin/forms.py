"""The add/change form of a model: a ``ModelForm`` built from the options, and
the admin's widgets for foreign keys (a select, or a searchable input on big
tables) and many-to-many checkboxes."""

from __future__ import annotations

from typing import Any

import peewee
from markupsafe import Markup

from rustforge.conf import settings
from rustforge.contrib.admin.options import InlineAdmin, ManyToMany, ModelAdmin
from rustforge.forms import ModelForm, ValidationError
from rustforge.forms.models import form_field_for
from rustforge.forms.rendering import BoundField


def form_class(model_admin: ModelAdmin | InlineAdmin) -> type[ModelForm]:
    """The ModelForm of an admin or an inline (its ``form`` option, narrowed to
    the editable fields)."""
    base = model_admin.form or ModelForm
    names = model_admin.form_field_names()
    meta_base = getattr(base, "Meta", object)
    meta = type("Meta", (meta_base,), {"model": model_admin.model, "fields": names})
    return type(f"{model_admin.model.__name__}AdminForm", (base,), {"Meta": meta})


def _key_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, peewee.Model):
        return str(value._pk)
    return str(value)


def _current_key(bound: BoundField) -> str:
    value = bound.value
    if isinstance(value, list):
        value = value[-1] if value else None
    return _key_text(value)


def foreign_key_input(model_admin: ModelAdmin | InlineAdmin, bound: BoundField,
                      field: peewee.ForeignKeyField, autocomplete_url: str,
                      rows_cache: dict[str, list] | None = None) -> Markup:
    """A ``<select>`` of the related rows, or (past ``ADMIN_FK_SELECT_LIMIT`` rows,
    or for ``autocomplete_fields``) a key input with suggestions as you type."""
    rel = field.rel_model
    limit = settings.ADMIN_FK_SELECT_LIMIT
    current = _current_key(bound)
    attrs = Markup('id="{}" name="{}"').format(bound.id, bound.html_name)
    if bound.errors:
        attrs += Markup(' aria-invalid="true" aria-describedby="{}_errors"').format(bound.id)
    searchable = field.name in model_admin.autocomplete_fields
    if searchable:
        rows = []
    elif rows_cache is not None and field.name in rows_cache:
        rows = rows_cache[field.name]  # the rows of an inline share one query per field
    else:
        rows = list(rel.select().order_by(field.rel_field).limit(limit + 1))
        if rows_cache is not None:
            rows_cache[field.name] = rows
    # A blank row of an inline must be able to send "" (else the browser picks the
    # first row and the blank row looks filled in).
    optional = field.null or bound.form.blank_allowed
    if not searchable and len(rows) <= limit:
        options = [Markup('<option value=""{}>---------</option>').format(
            Markup("") if optional else Markup(" disabled"))]
        key = field.rel_field.name
        for row in rows:
            value = str(getattr(row, key) if key != row._meta.primary_key.name else row._pk)
            options.append(Markup('<option value="{}"{}>{}</option>').format(
                value, Markup(" selected") if value == current else "", str(row)))
        required = Markup("") if optional else Markup(" required")
        return Markup("<select {}{}>{}</select>").format(attrs, required,
                                                          Markup("").join(options))
    shown = ""
    if current:
        try:
            row = rel.get_or_none(field.rel_field == form_field_for(
                field.rel_field, include_pk=True).clean(current))
        except ValidationError:
            row = None
        shown = str(row) if row is not None else ""
    return Markup(
        '<input type="text" {} value="{}" inputmode="search" autocomplete="off" '
        'data-autocomplete="{}" data-field="{}" list="{}_list" aria-describedby="{}_current">'
        '<datalist id="{}_list"></datalist>'
        '<span class="fk-current" id="{}_current">{}</span>').format(
        attrs, current, autocomplete_url, field.name, bound.id, bound.id, bound.id, bound.id,
        shown)


def field_control(model_admin: ModelAdmin | InlineAdmin, form: Any, name: str,
                  autocomplete_url: str, rows_cache: dict[str, list] | None = None) -> Markup:
    """The input of one field (a foreign key as the admin's select or search input)."""
    bound = form[name]
    field = model_admin.opts.fields.get(name)
    if isinstance(field, peewee.ForeignKeyField):
        return foreign_key_input(model_admin, bound, field, autocomplete_url, rows_cache)
    return bound.input()


def field_row(model_admin: ModelAdmin | InlineAdmin, form: Any, name: str,
              autocomplete_url: str) -> Markup:
    """One row of the change form (label, control, help, errors)."""
    bound = form[name]
    field = model_admin.opts.fields.get(name)
    if not isinstance(field, peewee.ForeignKeyField):
        return Markup(bound.__html__())  # noqa: S704 - the forms layer escapes every part
    control = foreign_key_input(model_admin, bound, field, autocomplete_url)
    css = "field error" if bound.errors else "field"
    return Markup('<div class="{}">{}{}{}{}</div>').format(
        css, bound.label_tag(), control, bound.help_html(), bound.errors_html())


# Many-to-many --------------------------------------------------------------------------
def m2m_current(m2m: ManyToMany, obj: Any) -> set[str]:
    if obj is None:
        return set()
    return {str(v) for (v,) in m2m.through.select(m2m.other).where(m2m.own == obj._pk)
            .tuples()}


def m2m_choices(m2m: ManyToMany) -> list[tuple[str, str]]:
    target = m2m.target
    return [(str(row._pk), str(row)) for row in target.select().order_by(
        *[target._meta.fields[n] for n in ("app_label", "codename", "name")
          if n in target._meta.fields] or [target._meta.primary_key])]


def m2m_submitted(data: dict[str, Any], name: str, choices: list[tuple[str, str]]) -> set[str]:
    """The keys ticked in the form; a key that is not offered is a ValidationError."""
    raw = data.get(name, [])
    values = raw if isinstance(raw, list) else [raw]
    allowed = {key for key, _ in choices}
    chosen = {str(v) for v in values if v != ""}
    unknown = chosen - allowed
    if unknown:
        raise ValidationError(f"Unknown choice: {min(unknown)[:50]}.")
    return chosen


def m2m_save(m2m: ManyToMany, obj: Any, chosen: set[str], before: set[str]) -> None:
    added, removed = chosen - before, before - chosen
    key = form_field_for(m2m.target._meta.primary_key, include_pk=True)
    if removed:
        m2m.through.delete().where(
            (m2m.own == obj._pk) & m2m.other.in_([key.clean(v) for v in removed])).execute()
    if added:
        m2m.through.insert_many([{m2m.own.name: obj._pk, m2m.other.name: key.clean(v)}
                                 for v in sorted(added)]).execute()


def m2m_row(name: str, m2m: ManyToMany, choices: list[tuple[str, str]], chosen: set[str],
            error: str | None, disabled: bool = False) -> Markup:
    label = m2m.label or name.replace("_", " ").capitalize()
    items = Markup("").join(
        Markup('<li><label><input type="checkbox" name="{}" value="{}"{}{}> {}</label></li>')
        .format(name, key, Markup(" checked") if key in chosen else "",
                Markup(" disabled") if disabled else "", text)
        for key, text in choices)
    errors = Markup('<ul class="errorlist" id="id_{}_errors"><li>{}</li></ul>').format(
        name, error) if error else ""
    help_text = Markup('<p class="help">{}</p>').format(m2m.help_text) if m2m.help_text else ""
    return Markup('<fieldset class="field m2m" id="id_{}"><legend>{}</legend>'
                  '<ul class="checklist">{}</ul>{}{}</fieldset>').format(
        name, label, items, help_text, errors)
