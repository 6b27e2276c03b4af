"""``ModelForm``: a form whose fields come from a peewee model.

    class NotebookForm(ModelForm):
        class Meta:
            model = Notebook
            fields = ["title", "owner"]        # or exclude = [...]; default: all

    form = NotebookForm({"title": "Ideas", "owner": 3})
    if form.is_valid():
        notebook = form.save()

Types, max lengths, nullability, defaults and choices come from the model;
a foreign key takes the related row's key and must name an existing row;
unique fields (and unique indexes) are checked before saving, so a duplicate
is a clear field error, never an IntegrityError. A conflict that slips past
the check (a concurrent insert) is caught on save and reported the same way.
"""

from __future__ import annotations

from typing import Any

import peewee

from rustforge.db.scoping import internal_fields, scope_fields
from rustforge.forms import fields as f
from rustforge.forms.errors import NON_FIELD, ErrorDict, ValidationError, add_error
from rustforge.forms.forms import BaseForm, FormMeta

_INT_BOUNDS = {
    "SmallIntegerField": (-(2**15), 2**15 - 1),
    "IntegerField": (-(2**31), 2**31 - 1),
    "AutoField": (1, 2**31 - 1),
    "BigIntegerField": (-(2**63), 2**63 - 1),
    "BigAutoField": (1, 2**63 - 1),
}


class ModelChoiceField(f.Field):
    """The key of a row of ``model``; cleans to the model instance.

    ``query`` narrows the rows that may be chosen (e.g. the user's own).
    """

    def __init__(self, model: type[peewee.Model], *, to_field: peewee.Field | None = None,
                 query: peewee.ModelSelect | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.to_field = to_field or model._meta.primary_key
        self.query = query
        self.key_field = form_field_for(self.to_field, include_pk=True)
        self.schema_type = self.key_field.schema_type
        self.error_messages.setdefault(
            "does_not_exist", "Select a valid choice; {model} {value} does not exist.")

    def to_python(self, value: Any) -> peewee.Model:
        if isinstance(value, self.model):
            value = getattr(value, self.to_field.name)
        key = self.key_field.clean(value)
        query = self.query if self.query is not None else self.model.select()
        row = query.where(self.to_field == key).first()
        if row is None:
            self.fail("does_not_exist", model=self.model.__name__.lower(), value=key)
        return row

    def json_schema(self) -> dict:
        schema = self.key_field.json_schema()
        schema.pop("readOnly", None)
        schema["description"] = f"Key of a {self.model.__name__}."
        return self._finish_schema(schema)


def form_field_for(mfield: peewee.Field, include_pk: bool = False) -> f.Field:
    """The form field for one model field (types, lengths, null, default, choices)."""
    kwargs: dict[str, Any] = {"label": mfield.verbose_name or None,
                              "help_text": mfield.help_text or ""}
    if include_pk:
        kwargs["required"] = True
    else:
        if mfield.default is not None:
            kwargs["default"] = mfield.default
            kwargs["required"] = False
        elif mfield.null:
            kwargs["required"] = False
        kwargs["allow_null"] = bool(mfield.null)
    kind = type(mfield).__name__
    if mfield.choices:
        return f.ChoiceField(mfield.choices, **kwargs)
    if isinstance(mfield, peewee.ForeignKeyField):
        return ModelChoiceField(mfield.rel_model, to_field=mfield.rel_field, **kwargs)
    if isinstance(mfield, peewee.BooleanField):
        kwargs.setdefault("default", False)
        kwargs.pop("required", None)
        return f.BooleanField(**kwargs)
    if isinstance(mfield, (peewee.AutoField, peewee.IntegerField)):
        bounds = next((_INT_BOUNDS[c.__name__] for c in type(mfield).__mro__
                       if c.__name__ in _INT_BOUNDS), _INT_BOUNDS["BigIntegerField"])
        return f.IntegerField(min_value=bounds[0], max_value=bounds[1], **kwargs)
    if isinstance(mfield, peewee.DecimalField):
        return f.DecimalField(max_digits=mfield.max_digits,
                              decimal_places=mfield.decimal_places, **kwargs)
    if isinstance(mfield, peewee.FloatField):
        return f.FloatField(**kwargs)
    if isinstance(mfield, peewee.DateTimeField):
        return f.DateTimeField(min_value=None, **kwargs)
    if isinstance(mfield, peewee.DateField):
        return f.DateField(**kwargs)
    if "JSON" in kind:
        return f.JSONField(**kwargs)
    if isinstance(mfield, peewee.UUIDField):
        return f.CharField(pattern=r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}",
                           **kwargs)
    if isinstance(mfield, peewee.TextField):
        return f.CharField(multiline=True, **kwargs)
    if isinstance(mfield, peewee.CharField):
        return f.CharField(max_length=mfield.max_length, **kwargs)
    return f.CharField(**kwargs)


def model_fields(model: type[peewee.Model], names: Any = None,
                 exclude: Any = ()) -> dict[str, peewee.Field]:
    """Editable model fields by name: the primary key, ``deleted_at`` and the
    fields of a row scope (``rustforge.db.scoping``) are left out."""
    out = {}
    internal = internal_fields(model)
    for mfield in model._meta.sorted_fields:
        if mfield.primary_key or mfield.name in exclude or mfield.name in internal:
            continue
        if names not in (None, "__all__") and mfield.name not in names:
            continue
        out[mfield.name] = mfield
    return out


def unique_groups(model: type[peewee.Model]) -> list[tuple[str, ...]]:
    """Field-name tuples that must be unique (among live rows for soft-deletable models)."""
    groups = [(mf.name,) for mf in model._meta.sorted_fields if mf.unique and not mf.primary_key]
    for index in model._meta.indexes:
        if isinstance(index, (list, tuple)) and len(index) == 2 and index[1]:
            groups.append(tuple(index[0]))
    groups.extend(getattr(model._meta, "live_unique", ()) or ())
    scope = set(scope_fields(model))
    if scope:
        # A scoped model's queries only see its own scope (one tenant), so
        # ("tenant", "slug") unique is checked as "slug" unique in the scope.
        groups = [kept for kept in (tuple(n for n in g if n not in scope) for g in groups)
                  if kept]
    return list(dict.fromkeys(groups))  # without repeats, in order


def _taken(model: type[peewee.Model], group: tuple[str, ...], values: list[Any],
           pk: Any) -> bool:
    """Whether a row other than ``pk`` already holds ``values`` in ``group``."""
    query = model.select(model._meta.primary_key).where(
        *[model._meta.fields[name] == value for name, value in zip(group, values)])
    if pk is not None:
        query = query.where(model._meta.primary_key != pk)
    return query.exists()


class ModelFormMeta(FormMeta):
    def contribute_fields(cls, fields: dict[str, f.Field]) -> dict[str, f.Field]:
        meta = getattr(cls, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            return fields
        generated: dict[str, f.Field] = {}
        for name, mfield in model_fields(model, getattr(meta, "fields", None),
                                         getattr(meta, "exclude", ())).items():
            if name in fields:
                continue
            field = form_field_for(mfield)
            field.name = name
            generated[name] = field
        order = getattr(meta, "fields", None)
        merged = {**generated, **fields}
        if order not in (None, "__all__"):
            merged = {k: merged[k] for k in order if k in merged} | {
                k: v for k, v in merged.items() if k not in order}
        return merged


class ModelForm(BaseForm, metaclass=ModelFormMeta):
    """A form for creating or editing one row of ``Meta.model``."""

    class Meta:
        model: type[peewee.Model] | None = None

    def __init__(self, data: Any = None, *, instance: peewee.Model | None = None,
                 **kwargs: Any) -> None:
        model = self.Meta.model
        if model is None:
            raise TypeError(f"{type(self).__name__}.Meta.model is not set")
        self._model: type[peewee.Model] = model
        self.instance = instance
        if instance is not None:
            # A foreign key's initial value is the key held by the row: reading the
            # attribute would load the related row (a query per form of a formset).
            initial = {name: instance.__data__.get(name) if isinstance(
                model._meta.fields[name], peewee.ForeignKeyField) else getattr(instance, name)
                for name in self.base_fields if name in model._meta.fields}
            kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(data, **kwargs)
        # Errors that are conflicts with existing rows (the REST layer answers 409).
        self.conflicts: ErrorDict = {}

    def full_clean(self) -> None:
        super().full_clean()
        if not self._errors:
            self._check_unique()

    def _current(self, name: str) -> Any:
        if name in self.cleaned_data:
            value = self.cleaned_data[name]
        elif self.instance is not None:
            value = self.instance.__data__.get(name)
        else:
            return None
        return value._pk if isinstance(value, peewee.Model) else value

    def _check_unique(self) -> None:
        model = self._model
        for group in unique_groups(model):
            if self.partial and not any(name in self.cleaned_data for name in group):
                continue
            values = [self._current(name) for name in group]
            if any(v is None for v in values):
                continue  # NULLs never collide in a unique index
            pk = self.instance._pk if self.instance is not None else None
            if _taken(model, group, values, pk):
                self._conflict(group)

    def _conflict(self, group: tuple[str, ...]) -> None:
        model_name = self._model.__name__
        if len(group) == 1 and group[0] in self.fields:
            path = group[0]
            label = self.fields[path].label or path.replace("_", " ")
            message = f"A {model_name} with this {label} already exists."
        else:
            path = NON_FIELD
            message = f"A {model_name} with this {' and '.join(group)} already exists."
        add_error(self._errors, path, [message])  # type: ignore[arg-type]
        add_error(self.conflicts, path, [message])

    def save(self, commit: bool = True) -> peewee.Model:
        """Create or update the row from ``cleaned_data`` (validating first)."""
        data = self.validate()
        model = self._model
        instance = self.instance if self.instance is not None else model()
        for name, value in data.items():
            if name in model._meta.fields:
                setattr(instance, name, value)
        if commit:
            db = model._meta.database
            try:
                with db.atomic():  # a savepoint: an IntegrityError leaves the outer txn usable
                    instance.save()
            except peewee.IntegrityError:
                self._errors = self._errors or {}
                for group in unique_groups(model):
                    if self._collides(group, instance):
                        self._conflict(group)
                if not self.conflicts:
                    add_error(self._errors, NON_FIELD, ["This conflicts with an existing row."])
                    add_error(self.conflicts, NON_FIELD, ["This conflicts with an existing row."])
                raise self.failure_class(self._errors) from None
        self.instance = instance
        return instance

    def _collides(self, group: tuple[str, ...], instance: peewee.Model) -> bool:
        values = [instance.__data__.get(name) for name in group]
        if any(v is None for v in values):
            return False
        try:
            return _taken(self._model, group, values, instance._pk)
        except peewee.DatabaseError:
            return False


__all__ = ["ModelChoiceField", "ModelForm", "ValidationError", "form_field_for", "unique_groups"]
