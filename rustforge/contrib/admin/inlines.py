"""Inlines on the add and change pages: related rows edited with the parent.

Each ``InlineAdmin`` of a ``ModelAdmin`` becomes an ``InlineGroup`` on the
page: an ``InlineFormSet`` (``rustforge.forms``) when the user may add, change
or delete rows of the related model, else the read-only listing. The change
page saves the parent and every group in one transaction and writes the
history of each related row and a summary on the parent's entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee
from markupsafe import Markup

from rustforge.contrib.admin import forms as widgets
from rustforge.contrib.admin.deletion import plan
from rustforge.contrib.admin.history import diff, log, name_related, snapshot
from rustforge.contrib.admin.models import ADDITION, CHANGE, DELETION
from rustforge.contrib.admin.options import InlineAdmin
from rustforge.contrib.admin.pages import admin_url
from rustforge.forms import InlineFormSet
from rustforge.forms.errors import NON_FIELD
from rustforge.forms.formsets import Row

EMPTY = "—"


class InlineGroup:
    """One inline on one page: what the user may do, the rows, their saving."""

    def __init__(self, model_admin: Any, inline_class: type[InlineAdmin], req: Any,
                 parent: Any, data: dict[str, Any] | None, *, editable: bool,
                 prefix: str) -> None:
        inline = self.inline = inline_class(model_admin.model)
        self.model_admin = model_admin
        self.req = req
        self.parent = parent
        self.prefix = prefix
        self.style = inline.style
        self.title = inline.verbose_name_plural.capitalize()  # type: ignore[union-attr]
        user = req.context.user
        self.related_admin = model_admin.site.admin_for(inline.model)
        self.autocomplete_url = admin_url("autocomplete", self.related_admin) \
            if self.related_admin is not None else ""
        self.can_add = editable and inline.has_permission(user, "add")
        self.can_change = editable and inline.has_permission(user, "change")
        self.can_delete = editable and inline.can_delete and inline.has_permission(user, "delete")
        self.editable = self.can_add or self.can_change or self.can_delete
        self.protected: dict[int, str] = {}
        self.missing = ""
        self.fk_rows: dict[str, list] = {}  # one query per foreign key for all the rows
        self.formset: InlineFormSet | None = None
        # A post without this group's row counts (an API client, a project's own
        # template) leaves its rows as they are; a tampered count is an error.
        self.submitted = data is not None and any(
            f"{prefix}-{key}" in data for key in ("TOTAL_FORMS", "INITIAL_FORMS"))
        self.fk = inline.foreign_key(model_admin.model)
        if self.editable:
            query = inline.get_queryset(req).order_by(*inline.get_ordering())
            self.formset = InlineFormSet(
                widgets.form_class(inline), data if self.submitted else None, fk=self.fk,
                parent=parent, queryset=query,
                prefix=prefix, extra=inline.extra, min_num=inline.min_num,
                max_num=inline.max_num, can_delete=self.can_delete, can_add=self.can_add,
                can_change=self.can_change)

    @property
    def editing(self) -> InlineFormSet:
        """The formset (an editable group has one)."""
        if self.formset is None:
            raise ValueError(f"{type(self.inline).__name__} is read-only here")
        return self.formset

    @property
    def shown(self) -> bool:
        """An add page has no rows to list: a read-only group is left out there."""
        return self.editable or self.parent is not None

    # Validation and saving -----------------------------------------------------------------
    def is_valid(self) -> bool:
        if self.formset is None:
            return True
        if not self.submitted:
            if len(self.formset.instances) < self.inline.min_num:
                self.missing = f"Please submit at least {self.inline.min_num} " \
                               f"{self.inline.verbose_name_plural}."
            return not self.missing
        if not self.formset.is_valid():
            return False
        doomed = [row for row in self.formset.deleted_rows if row.instance is not None]
        for row in doomed:
            pk = self.inline.opts.primary_key
            soft = getattr(self.inline.opts, "soft_delete_field", None) is not None
            keys = self.inline.model.select(pk).where(pk == row.instance._pk)
            if plan(self.inline.model, keys, soft=soft).protected:
                self.protected[row.index] = ("This row cannot be deleted: other rows still "
                                             "refer to it.")
        return not self.protected

    @property
    def has_errors(self) -> bool:
        if self.missing:
            return True
        if self.formset is None or not self.formset.is_bound:
            return False
        return bool(self.formset.non_form_errors or self.protected
                    or any(row.has_errors for row in self.formset.rows))

    def errors(self) -> list[str]:
        """Errors of the group as a whole (counts, min/max)."""
        if self.missing:
            return [self.missing]
        return list(self.formset.non_form_errors) if self.formset is not None else []

    def save(self, parent: Any, change: bool) -> list[dict[str, str]]:
        """Save the rows (the caller holds the transaction); log each related row and
        return the summary lines for the parent's history entry."""
        formset = self.formset
        if formset is None or not self.submitted:
            return []
        names = self.inline.form_field_names()
        before = {id(row.instance): snapshot(row.instance, names)
                  for row in formset.rows if row.instance is not None}
        self.model_admin.save_formset(self.req, parent, formset, change)
        inline, req, noun = self.inline, self.req, self.inline.verbose_name
        summary: list[dict[str, str]] = []
        for obj in formset.deleted_objects:
            log(req, inline, obj, DELETION)
            summary.append({"field": f"{noun} #{obj._pk}", "old": str(obj), "new": "deleted"})
        for obj, changed in formset.changed_objects:
            changes = diff({n: before[id(obj)][n] for n in changed}, snapshot(obj, changed))
            name_related(inline.model, changes)
            log(req, inline, obj, CHANGE, changes)
            summary.append({"field": f"{noun} #{obj._pk}", "old": "",
                            "new": "changed " + ", ".join(c["field"] for c in changes)})
        for obj in formset.new_objects:
            log(req, inline, obj, ADDITION)
            summary.append({"field": f"{noun} #{obj._pk}", "old": "", "new": f"added {obj}"})
        return summary

    # Rendering ------------------------------------------------------------------------------
    def headers(self) -> list[dict[str, Any]]:
        form_fields = widgets.form_class(self.inline).base_fields
        out = []
        for name in self.inline.shown_names():
            fld = form_fields.get(name)
            mfield = self.inline.opts.fields.get(name)
            label = (fld.label if fld is not None and fld.label else
                     mfield.verbose_name if mfield is not None and mfield.verbose_name
                     else name.replace("_", " "))
            out.append({"label": label.capitalize(),
                        "required": fld is not None and fld.required})
        return out

    def rows(self) -> list[dict[str, Any]]:
        formset = self.editing
        formset.non_form_errors  # noqa: B018 - validate once before drawing errors
        return [self._row(row) for row in formset.rows]

    def _row(self, row: Row) -> dict[str, Any]:
        formset = self.editing
        form = row.form
        errors = list(row.errors)
        if row.index in self.protected:
            errors.append(self.protected[row.index])
        if row.kept and row.editable and form.is_bound:
            errors += form.errors.get(NON_FIELD, [])
        url = None
        if row.instance is not None and self.related_admin is not None and \
                self.related_admin.has_permission(self.req.context.user, "view"):
            url = admin_url("object", self.related_admin, pk=row.instance._pk, view="change")
        return {"index": row.index, "cells": self.cells(form, row.instance, row.editable),
                "errors": errors, "hidden": formset.hidden_html(row),
                "delete": formset.delete_html(row), "url": url,
                "title": str(row.instance) if row.instance is not None else ""}

    def cells(self, form: Any, instance: Any, editable: bool) -> list[dict[str, Any]]:
        """Per shown field: its label's target id and its control (or read-only value)."""
        out = []
        for name in self.inline.shown_names():
            if editable and name in form.fields:
                bound = form[name]
                label = Markup('<label class="visually-hidden" for="{}">{}</label>').format(
                    bound.id, bound.label) if self.style == "tabular" else Markup("")
                html = label + widgets.field_control(
                    self.inline, form, name, self.autocomplete_url, self.fk_rows) \
                    + bound.help_html() + bound.errors_html()
                out.append({"id": bound.id, "html": html, "error": bool(bound.errors)})
            else:
                out.append({"id": None, "html": Markup('<span class="readonly">{}</span>')
                            .format(self.value(instance, name)), "error": False})
        return out

    def empty_row(self) -> dict[str, Any]:
        """The row a script copies for "Add another" (``__prefix__`` becomes its index)."""
        formset = self.editing
        return {"index": "__prefix__", "errors": [], "hidden": Markup(""),
                "delete": Markup(""), "url": None, "title": "",
                "cells": self.cells(formset.empty_form, None, True)}

    def value(self, obj: Any, name: str) -> Any:
        if obj is None or obj._pk is None:
            return EMPTY
        if name not in obj._meta.fields and hasattr(self.inline, name):
            return _shown(getattr(self.inline, name)(obj))
        return _cell(obj, name)

    def listing(self) -> dict[str, Any]:
        """The read-only table: newest ``max_rows`` rows, the total, links to their pages."""
        inline = self.inline
        names = list(inline.fields) or inline.shown_names()[:5]
        names += [n for n in inline.readonly_fields if n not in names]
        query = inline.get_queryset(self.req).where(self.fk == self.parent._pk)
        rows = list(query.order_by(inline.opts.primary_key.desc()).limit(inline.max_rows))
        links = self.related_admin is not None and self.related_admin.has_permission(
            self.req.context.user, "view")
        return {
            "headers": [n.replace("_", " ").capitalize() for n in names],
            "rows": [{"cells": [self.value(r, n) for n in names],
                      "url": admin_url("object", self.related_admin, pk=r._pk, view="change")
                      if links else None} for r in rows],
            "total": query.count(),
        }


def inline_groups(model_admin: Any, req: Any, parent: Any, data: dict[str, Any] | None, *,
                  editable: bool) -> list[InlineGroup]:
    """The groups of ``model_admin.inlines`` on one page, each with its own input prefix."""
    groups: list[InlineGroup] = []
    used: set[str] = set()
    for inline_class in model_admin.inlines:
        fk = inline_class().foreign_key(model_admin.model)
        prefix = fk.backref if isinstance(fk.backref, str) and fk.backref != "+" \
            else f"{fk.model.__name__.lower()}_set"
        while prefix in used:
            prefix += "_"
        used.add(prefix)
        group = InlineGroup(model_admin, inline_class, req, parent, data, editable=editable,
                            prefix=prefix)
        if group.shown:
            groups.append(group)
    return groups


def _cell(row: Any, name: str) -> Any:
    field = row._meta.fields.get(name)
    if isinstance(field, peewee.ForeignKeyField):
        return row.__data__.get(name)
    value = getattr(row, name)
    return _shown(value() if callable(value) else value)


def _shown(value: Any) -> Any:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value
