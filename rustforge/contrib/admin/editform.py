"""The change form of one row: the generated ModelForm, read-only values,
many-to-many checkboxes, fieldsets, the diff for the history, the inlines
(``inlines.InlineGroup``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from rustforge.contrib.admin import forms as widgets
from rustforge.contrib.admin.history import diff, name_related, snapshot
from rustforge.contrib.admin.inlines import EMPTY, inline_groups
from rustforge.contrib.admin.pages import admin_url
from rustforge.forms import ValidationError, ValidationFailed


class SaveFailed(Exception):
    """A conflict found while saving (the errors are on the forms): roll back, re-show."""


class ChangeForm:
    def __init__(self, model_admin: Any, req: Any, obj: Any,
                 data: dict[str, Any] | None = None, *, editable: bool = True) -> None:
        self.model_admin = model_admin
        self.req = req
        self.obj = obj
        self.data = data
        self.form = widgets.form_class(model_admin)(data, instance=obj, html=True)
        self.autocomplete_url = admin_url("autocomplete", model_admin)
        self.m2m_choices = {name: widgets.m2m_choices(m2m)
                            for name, m2m in model_admin.many_to_many.items()}
        self.m2m_before = {name: widgets.m2m_current(m2m, obj)
                           for name, m2m in model_admin.many_to_many.items()}
        self.m2m_chosen = dict(self.m2m_before)
        self.m2m_errors: dict[str, str] = {}
        self.changes: list[dict[str, str]] = []
        self.inline_changes: list[dict[str, str]] = []
        self.inline_groups = inline_groups(model_admin, req, obj, data, editable=editable)

    # Validation and saving ---------------------------------------------------------------
    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for name in self.model_admin.many_to_many:
            try:
                self.m2m_chosen[name] = widgets.m2m_submitted(self.data or {}, name,
                                                              self.m2m_choices[name])
            except ValidationError as exc:
                self.m2m_errors[name] = "; ".join(exc.messages) if hasattr(
                    exc, "messages") else str(exc)
                valid = False
        for group in self.inline_groups:  # every group, so each shows its errors
            valid = group.is_valid() and valid
        return valid

    def save(self, *, change: bool) -> Any:
        """Save the row (through ``ModelAdmin.save_model``), its links and inline rows,
        inside the caller's transaction; ``SaveFailed`` on a conflict (roll it back)."""
        names = list(self.form.fields)
        before = snapshot(self.obj, names) if self.obj is not None else {}
        try:
            obj = self.model_admin.save_model(self.req, self.form.instance if self.obj is None
                                              else self.obj, self.form, change)
        except ValidationFailed:
            raise SaveFailed from None
        if change:
            self.changes = diff(before, snapshot(obj, names))
            name_related(self.model_admin.model, self.changes)
        for name, m2m in self.model_admin.many_to_many.items():
            old, new = self.m2m_before[name], self.m2m_chosen[name]
            if old != new:
                widgets.m2m_save(m2m, obj, new, old)
                if change:
                    labels = dict(self.m2m_choices[name])
                    self.changes.append({"field": name,
                                         "old": ", ".join(sorted(labels.get(k, k) for k in old)),
                                         "new": ", ".join(sorted(labels.get(k, k) for k in new))})
        for group in self.inline_groups:
            try:
                self.inline_changes += group.save(obj, change)
            except ValidationFailed:
                raise SaveFailed from None
        return obj

    # Rendering ---------------------------------------------------------------------------------
    @property
    def non_field_errors(self) -> list[str]:
        return self.form.non_field_errors

    @property
    def has_errors(self) -> bool:
        return bool(self.form.is_bound and self.form.errors) or bool(self.m2m_errors) or any(
            group.has_errors for group in self.inline_groups)

    def fieldsets(self) -> list[tuple[str | None, list[Markup]]]:
        out = []
        for title, names in self.model_admin.get_fieldsets():
            rows = [self.row(name) for name in names]
            out.append((title, [r for r in rows if r]))
        return out

    def row(self, name: str) -> Markup:
        model_admin = self.model_admin
        editable = name in self.form.fields
        if name in model_admin.many_to_many:
            return widgets.m2m_row(name, model_admin.many_to_many[name], self.m2m_choices[name],
                                   self.m2m_chosen[name], self.m2m_errors.get(name))
        if editable:
            return widgets.field_row(model_admin, self.form, name, self.autocomplete_url)
        return self.readonly_row(name)

    def readonly_row(self, name: str) -> Markup:
        model_admin = self.model_admin
        field = model_admin.opts.fields.get(name)
        label = (field.verbose_name if field is not None and field.verbose_name
                 else name.replace("_", " ")).capitalize()
        value: Any = EMPTY
        if self.obj is not None:
            if field is not None:
                value = getattr(self.obj, name)
                if field.choices and value is not None:
                    value = dict(field.choices).get(value, value)
            elif hasattr(model_admin, name):
                value = getattr(model_admin, name)(self.obj)
            else:
                value = getattr(self.obj, name)
                value = value() if callable(value) else value
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, dt.datetime):
            value = value.strftime("%Y-%m-%d %H:%M:%S")
        elif value is None or value == "":
            value = EMPTY
        return Markup('<div class="field readonly"><span class="label">{}</span>'
                      '<div class="value" id="id_{}">{}</div></div>').format(label, name, value)
