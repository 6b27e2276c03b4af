"""Formsets: many rows of one form on one page, validated (and saved) together.

    from rustforge.forms import FormSet

    formset = FormSet(LineForm, request_data, prefix="lines", extra=2, max_num=10,
                      can_delete=True)
    if formset.is_valid():
        formset.cleaned_data        # the rows kept: not left blank, not marked deleted

The inputs of row ``i`` are named ``<prefix>-<i>-<field>``, and two hidden
inputs (the management form) say how many rows the page holds:
``<prefix>-TOTAL_FORMS`` and ``<prefix>-INITIAL_FORMS`` - Django's names, so
a script that adds rows in the browser only raises TOTAL_FORMS. Everything
the browser sends is checked: a count that is missing, negative, not a number
or above ``absolute_max`` is an error of the whole formset (never a loop of a
billion rows); rows are read from the keys actually sent, so the work is
bounded by the body size.

``ModelFormSet`` edits rows of a query (each row carries its key in a hidden
``<prefix>-<i>-id``: a key that is not one of the query's rows is refused,
never looked up elsewhere), and ``InlineFormSet`` the rows that point at one
parent through a foreign key, which is set by the formset and never taken
from the input. See "Formsets" in ``docs/forms.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import peewee
from markupsafe import Markup

from rustforge.forms.errors import NON_FIELD, ValidationError, ValidationFailed
from rustforge.forms.fields import MISSING, BooleanField
from rustforge.forms.forms import BaseForm
from rustforge.forms.models import unique_groups
from rustforge.forms.rendering import _text, _truthy

TOTAL, INITIAL, DELETE = "TOTAL_FORMS", "INITIAL_FORMS", "DELETE"
# Rows a formset accepts at most, whatever max_num says (Django's absolute_max).
DEFAULT_MAX = 1000
_COUNT = re.compile(r"[0-9]{1,9}")


@dataclass
class Row:
    """One row of a formset: its form and what the formset decided about it."""

    index: int
    form: Any
    initial: bool = False         # an existing row (``INITIAL``), not a new one
    instance: Any = None          # ModelFormSet: the row of the query it edits
    deleted: bool = False         # marked for deletion (not validated)
    blank: bool = False           # a new row left as it was shown (ignored)
    editable: bool = True         # False: shown, never validated nor saved
    errors: list[str] = field(default_factory=list)  # about the row itself (its key)

    @property
    def kept(self) -> bool:
        return not (self.deleted or self.blank)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or bool(
            self.kept and self.editable and self.form.is_bound and self.form.errors)


class FormSet:
    """Rows of ``form_class`` bound to one flat mapping (the whole posted form).

    ``initial``: a list of dicts, the existing rows; ``extra``: blank rows shown
    after them; ``min_num``/``max_num``: how many rows must remain (checked on
    submit, deleted and blank rows not counted); ``can_delete``: a delete
    checkbox on existing rows; ``can_add``: whether new rows are accepted.
    """

    def __init__(self, form_class: type[BaseForm], data: Mapping[str, Any] | None = None, *,
                 prefix: str = "form", initial: list[dict[str, Any]] | None = None,
                 extra: int = 1, min_num: int = 0, max_num: int | None = None,
                 absolute_max: int | None = None, can_delete: bool = False,
                 can_add: bool = True, form_kwargs: dict[str, Any] | None = None) -> None:
        self.form_class: Any = form_class
        self.data = data
        self.is_bound = data is not None
        self.prefix = prefix
        self.initial = list(initial or [])
        self.extra = max(extra, 0)
        self.min_num = max(min_num, 0)
        self.max_num = DEFAULT_MAX if max_num is None else max(max_num, 0)
        self.absolute_max = absolute_max or max(self.max_num, DEFAULT_MAX)
        self.can_delete = can_delete
        self.can_add = can_add
        self.form_kwargs = dict(form_kwargs or {})
        self._non_form_errors: list[str] | None = None
        self.management_errors: list[str] = []
        self.rows: list[Row] = self._build_rows()

    # Building the rows ------------------------------------------------------------------
    @property
    def initial_count(self) -> int:
        return len(self.initial)

    def _row_data(self) -> dict[int, dict[str, Any]]:
        """The posted keys of each row, by index (keys beyond absolute_max are dropped)."""
        pattern = re.compile(re.escape(self.prefix) + r"-([0-9]{1,6})-(.+)")
        rows: dict[int, dict[str, Any]] = {}
        for key, value in (self.data or {}).items():
            match = pattern.fullmatch(key) if isinstance(key, str) else None
            if match is None:
                continue
            index = int(match.group(1))
            if index < self.absolute_max:
                rows.setdefault(index, {})[match.group(2)] = value
        return rows

    def _management(self) -> int | None:
        """TOTAL_FORMS as sent, or None (recorded in ``management_errors``)."""
        counts = {}
        for name in (TOTAL, INITIAL):
            raw = (self.data or {}).get(f"{self.prefix}-{name}")
            raw = raw[-1] if isinstance(raw, list) and raw else raw
            if not isinstance(raw, str) or not _COUNT.fullmatch(raw.strip()):
                self.management_errors.append(
                    "The form's row counts are missing or were tampered with; "
                    "reload the page and try again.")
                return None
            counts[name] = int(raw)
        if counts[TOTAL] > self.absolute_max:
            self.management_errors.append(f"Please submit at most {self.absolute_max} rows.")
            return None
        if counts[INITIAL] > counts[TOTAL]:
            self.management_errors.append(
                "The form's row counts are missing or were tampered with; "
                "reload the page and try again.")
            return None
        return counts[TOTAL]

    def _build_rows(self) -> list[Row]:
        if not self.is_bound:
            new = self.extra if self.can_add else 0
            new = max(new, self.min_num - self.initial_count)
            new = min(new, max(self.max_num - self.initial_count, 0)) if self.can_add else 0
            return [self._row(i, None) for i in range(self.initial_count + new)]
        data = self._row_data()
        total = self._management()
        if total is None:  # re-show the existing rows as they were sent
            total = self.initial_count
        return [self._row(i, data.get(i, {})) for i in range(total)]

    def _row(self, index: int, data: dict[str, Any] | None) -> Row:
        initial = index < self.initial_count
        form = self.form_class(data, html=True, prefix=f"{self.prefix}-{index}",
                               initial=self.initial[index] if initial else None,
                               **self.form_kwargs)
        form.blank_allowed = not initial
        return Row(index, form, initial=initial)

    @property
    def forms(self) -> list[Any]:
        return [row.form for row in self.rows]

    @property
    def empty_form(self) -> Any:
        """A blank row named ``<prefix>-__prefix__-<field>`` (a script copies it)."""
        form = self.form_class(None, html=True, prefix=f"{self.prefix}-__prefix__",
                               **self.form_kwargs)
        form.blank_allowed = True
        return form

    # Validation --------------------------------------------------------------------------
    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        errors = self.non_form_errors  # runs full_clean once
        return not errors and not any(row.has_errors for row in self.rows)

    @property
    def non_form_errors(self) -> list[str]:
        """Errors of the formset as a whole (counts, min/max, ``clean()``)."""
        if self._non_form_errors is None:
            self.full_clean()
        return self._non_form_errors  # type: ignore[return-value]

    @property
    def errors(self) -> list[dict[str, list[str]]]:
        """Each row's field errors (``{}`` for a good, blank or deleted row)."""
        self.non_form_errors  # noqa: B018 - validates once
        out = []
        for row in self.rows:
            found = dict(row.form.errors) if row.kept and row.editable and row.form.is_bound \
                else {}
            if row.errors:
                found.setdefault(NON_FIELD, []).extend(row.errors)
            out.append(found)
        return out

    def full_clean(self) -> None:
        errors: list[str] = list(self.management_errors)
        self._non_form_errors = errors
        if not self.is_bound:
            return
        for row in self.rows:
            self._classify(row)
            if row.kept and row.editable:
                row.form.errors  # noqa: B018 - validate the row now
        if self.management_errors:
            return
        kept = self.kept_count()
        added = any(row.kept and not row.initial for row in self.rows)
        if added and not self.can_add:
            errors.append("New rows cannot be added here.")
        if added and kept > self.max_num:
            errors.append(f"Please submit at most {self.max_num} "
                          f"row{'s' if self.max_num != 1 else ''}.")
        if kept < self.min_num:
            errors.append(f"Please submit at least {self.min_num} "
                          f"row{'s' if self.min_num != 1 else ''}.")
        try:
            self.clean()
        except ValidationError as exc:
            errors.extend(exc.messages)

    def _classify(self, row: Row) -> None:
        data = row.form.data or {}
        if row.initial:
            row.deleted = self.can_delete and _truthy(data.get(DELETE))
        else:
            row.blank = not self._changed(row.form, data)

    def kept_count(self) -> int:
        """How many rows remain after the save (existing ones not deleted, new ones)."""
        return sum(1 for row in self.rows if row.kept)

    @staticmethod
    def _changed(form: Any, data: dict[str, Any]) -> bool:
        """Whether a new row differs from the blank row it was shown as."""
        for name, fld in form.fields.items():
            if fld.read_only:
                continue
            raw = data.get(name, MISSING)
            if isinstance(raw, list):
                raw = raw[-1] if raw else MISSING
            default = fld.default if fld.default is not MISSING and not callable(
                fld.default) else None
            if isinstance(fld, BooleanField):
                if (raw is not MISSING and _truthy(raw)) != bool(default):
                    return True
                continue
            if raw is MISSING:
                continue
            if str(raw).strip() != _text(default).strip():
                return True
        return False

    def clean(self) -> None:
        """Checks across rows; raise ValidationError. ``self.cleaned_data`` is ready."""

    @property
    def cleaned_data(self) -> list[dict[str, Any]]:
        """The cleaned data of the rows kept, in order."""
        return [row.form.cleaned_data for row in self.rows
                if row.kept and row.editable and row.form.is_bound]

    @property
    def deleted_rows(self) -> list[Row]:
        self.non_form_errors  # noqa: B018
        return [row for row in self.rows if row.deleted]

    # Rendering ---------------------------------------------------------------------------
    def management_html(self) -> Markup:
        """The hidden row counts; ``data-max`` tells a script when to stop adding rows."""
        return Markup(
            '<input type="hidden" name="{p}-{t}" id="id_{p}-{t}" value="{total}" data-max="{m}">'
            '<input type="hidden" name="{p}-{i}" id="id_{p}-{i}" value="{initial}">').format(
            p=self.prefix, t=TOTAL, i=INITIAL, total=len(self.rows),
            initial=self.initial_count, m=self.max_num)

    def hidden_html(self, row: Row) -> Markup:
        """Hidden inputs of a row (a ModelFormSet's key)."""
        return Markup("")

    def delete_html(self, row: Row) -> Markup:
        """The delete checkbox of an existing row (empty when rows cannot be deleted)."""
        if not (self.can_delete and row.initial):
            return Markup("")
        name = f"{self.prefix}-{row.index}-{DELETE}"
        return Markup('<input type="checkbox" name="{}" id="id_{}" value="on"{}>'
                      '<label for="id_{}">Delete</label>').format(
            name, name, Markup(" checked") if row.deleted else "", name)

    def render(self) -> Markup:
        """The whole formset: its errors, counts, then one fieldset per row."""
        self.non_form_errors  # noqa: B018
        parts = [self.management_html(), _error_list(self.non_form_errors, "nonform")]
        for row in self.rows:
            parts.append(self.render_row(row, f"{row.index + 1}"))
        return Markup("").join(parts)

    def render_row(self, row: Row, legend: str) -> Markup:
        form = row.form
        errors = list(row.errors)
        if row.kept and row.editable and form.is_bound:
            errors += form.errors.get(NON_FIELD, [])
        fields = Markup("").join(Markup(bound.__html__())  # noqa: S704 - escaped rows
                                 for bound in form if not bound.field.read_only)
        return Markup('<fieldset class="formset-row" id="{}-{}"><legend>{}</legend>{}{}{}{}'
                      '</fieldset>').format(self.prefix, row.index, legend,
                                            _error_list(errors, "nonfield"),
                                            self.hidden_html(row), fields,
                                            self.delete_html(row))

    def __html__(self) -> str:
        return str(self.render())


def _error_list(messages: list[str], css: str) -> Markup:
    if not messages:
        return Markup("")
    items = Markup("").join(Markup("<li>{}</li>").format(m) for m in messages)
    return Markup('<ul class="errorlist {}" role="alert">{}</ul>').format(css, items)


class ModelFormSet(FormSet):
    """Rows of ``queryset`` edited with ``form_class`` (a ``ModelForm``), plus new ones.

    Each row carries its key (``<prefix>-<i>-id``): the formset matches it
    against the rows of ``queryset`` only, so a key of another row (another
    parent's, another table's, a deleted one) is an error on that row, never
    a change elsewhere. ``can_change=False`` shows existing rows without
    validating or saving what is posted for them.
    """

    def __init__(self, form_class: type[BaseForm], data: Mapping[str, Any] | None = None, *,
                 queryset: Any, can_change: bool = True, **kwargs: Any) -> None:
        self.model: type[peewee.Model] = form_class.Meta.model  # type: ignore[attr-defined]
        self.instances = list(queryset)
        self.can_change = can_change
        self._by_key = {str(obj._pk): obj for obj in self.instances}
        self.new_objects: list[Any] = []
        self.changed_objects: list[tuple[Any, list[str]]] = []
        self.deleted_objects: list[Any] = []
        kwargs.setdefault("prefix", self.model.__name__.lower())
        super().__init__(form_class, data, **kwargs)

    @property
    def initial_count(self) -> int:
        return len(self.instances)

    def _row(self, index: int, data: dict[str, Any] | None) -> Row:
        prefix = f"{self.prefix}-{index}"
        if data is None:  # unbound: existing rows first, then blank ones
            instance = self.instances[index] if index < len(self.instances) else None
            form = self.form_class(None, html=True, prefix=prefix, instance=instance,
                                   **self.form_kwargs)
            form.blank_allowed = instance is None
            return Row(index, form, initial=instance is not None, instance=instance,
                       editable=instance is None or self.can_change)
        raw = data.get("id", "")
        raw = raw[-1] if isinstance(raw, list) and raw else raw
        key = raw.strip() if isinstance(raw, str) else ""
        if not key:
            form = self.form_class(data, html=True, prefix=prefix, instance=None,
                                   **self.form_kwargs)
            form.instance = self.new_instance()
            form.blank_allowed = True
            return Row(index, form)
        instance = self._by_key.get(key[:100])
        form = self.form_class(data, html=True, prefix=prefix, instance=instance,
                               **self.form_kwargs)
        row = Row(index, form, initial=True, instance=instance,
                  editable=self.can_change)
        if instance is None:
            row.errors.append("This row is not one of the rows of this form (it may have "
                              "been deleted meanwhile); reload the page.")
        return row

    def new_instance(self) -> Any:
        """The unsaved row a new form fills in (InlineFormSet sets its parent)."""
        return self.model()

    def full_clean(self) -> None:
        super().full_clean()
        seen: set[int] = set()
        for row in self.rows:
            if row.instance is None:
                continue
            if id(row.instance) in seen:
                row.errors.append("This row is sent twice.")
            seen.add(id(row.instance))
        self._check_unique_across_rows()

    def _check_unique_across_rows(self) -> None:
        """Two rows of this submission may not take the same unique values (each
        row's own check only sees the database)."""
        rows = [row for row in self.rows if row.kept and row.editable and row.form.is_bound
                and not row.form.errors]
        for group in unique_groups(self.model):
            taken: dict[tuple, int] = {}
            for row in rows:
                values = tuple(row.form._current(name) for name in group)
                if any(v is None for v in values):
                    continue
                if values in taken:
                    row.errors.append(f"Another row has the same {' and '.join(group)}.")
                else:
                    taken[values] = row.index

    def _classify(self, row: Row) -> None:
        super()._classify(row)
        if row.initial and row.instance is None:
            row.deleted = False  # an unknown key deletes nothing

    def kept_count(self) -> int:
        sent = {id(row.instance) for row in self.rows if row.instance is not None}
        untouched = sum(1 for obj in self.instances if id(obj) not in sent)
        return untouched + super().kept_count()

    def hidden_html(self, row: Row) -> Markup:
        if not row.initial:
            return Markup("")
        key = row.instance._pk if row.instance is not None else (row.form.data or {}).get("id")
        name = f"{self.prefix}-{row.index}-id"
        return Markup('<input type="hidden" name="{}" id="id_{}" value="{}">').format(
            name, name, _text(key))

    def delete_object(self, obj: Any) -> None:
        """Delete one row (a soft-delete model's row goes to its trash)."""
        obj.delete_instance()

    def save(self) -> list[Any]:
        """Delete, change and add the rows (in one transaction); the rows kept.

        Sets ``new_objects``, ``changed_objects`` (``(row, [field names])``) and
        ``deleted_objects``. A conflict found while saving (a unique value taken
        meanwhile) is put on its row and raised as ``ValidationFailed``; the
        transaction is rolled back.
        """
        if not self.is_valid():
            raise ValidationFailed({NON_FIELD: self.non_form_errors or
                                    ["Correct the errors of the rows."]})
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        kept = []
        with self.model._meta.database.atomic():
            for row in self.rows:
                if row.deleted:
                    self.delete_object(row.instance)
                    self.deleted_objects.append(row.instance)
                elif row.kept and row.editable:
                    changed = _changed_fields(row.form) if row.initial else []
                    if row.initial and not changed:
                        kept.append(row.instance)
                        continue
                    self.prepare(row.form.instance)
                    obj = row.form.save()  # raises ValidationFailed on a conflict
                    kept.append(obj)
                    if row.initial:
                        self.changed_objects.append((obj, changed))
                    else:
                        self.new_objects.append(obj)
        return kept

    def prepare(self, obj: Any) -> None:
        """Called on each row before it is saved (InlineFormSet sets the parent)."""


def _changed_fields(form: Any) -> list[str]:
    """Fields whose cleaned value differs from the row's current value."""
    out = []
    for name, value in form.cleaned_data.items():
        if name not in form.instance._meta.fields:
            continue
        current = form.instance.__data__.get(name)
        new = value._pk if isinstance(value, peewee.Model) else value
        if current != new:
            out.append(name)
    return out


class InlineFormSet(ModelFormSet):
    """The rows of ``fk.model`` whose foreign key ``fk`` points at ``parent``.

    ``parent`` may be None (an add page): there are no existing rows then, and
    ``save(parent)`` sets the key of the new rows. The foreign key is never a
    field of the rows' form, so no input can move a row to another parent.
    """

    def __init__(self, form_class: type[BaseForm], data: Mapping[str, Any] | None = None, *,
                 fk: peewee.ForeignKeyField, parent: Any = None, queryset: Any = None,
                 **kwargs: Any) -> None:
        if fk.name in form_class.base_fields:
            raise TypeError(f"{form_class.__name__}: the foreign key {fk.name!r} to the parent "
                            "must not be a field of an inline form")
        self.fk = fk
        self.parent = parent
        if queryset is None:
            queryset = fk.model.select()
        if parent is None:
            queryset = []
        else:
            queryset = queryset.where(fk == parent._pk)
        super().__init__(form_class, data, queryset=queryset, **kwargs)

    def new_instance(self) -> Any:
        obj = self.model()
        if self.parent is not None:
            setattr(obj, self.fk.name, self.parent)
        return obj

    def save(self, parent: Any = None) -> list[Any]:
        if parent is not None:
            self.parent = parent
        if self.parent is None:
            raise ValueError("InlineFormSet.save() needs the parent row")
        return super().save()

    def prepare(self, obj: Any) -> None:
        setattr(obj, self.fk.name, self.parent)


__all__ = ["DEFAULT_MAX", "FormSet", "InlineFormSet", "ModelFormSet", "Row"]
