"""Declarative forms: one class validates an HTML form post or a JSON body.

    from rustforge.forms import Form, CharField, IntegerField, ListField, ValidationError

    class LineForm(Form):
        sku = CharField(max_length=20)
        quantity = IntegerField(min_value=1)

    class OrderForm(Form):
        email = EmailField()
        items = ListField(LineForm, min_items=1)

        def clean_email(self, value):
            return value.lower()

        def clean(self):
            if len(self.cleaned_data.get("items", [])) > 10:
                raise ValidationError("At most ten lines per order.")

    form = OrderForm({"email": "A@B.CO", "items": [{"sku": "X", "quantity": 0}]})
    form.is_valid()   # False
    form.errors       # {"items[0].quantity": ["Ensure this value is at least 1."]}

In a falcon responder, ``OrderForm.from_request(req).validate()`` returns the
cleaned data or answers 422 with the error envelope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from rustforge.forms.data import unflatten
from rustforge.forms.errors import (
    NON_FIELD,
    ErrorDict,
    ValidationError,
    ValidationFailed,
    add_error,
    merge,
)
from rustforge.forms.fields import MISSING, Field
from rustforge.forms.http import HTTPValidationFailed, read_request


class FormMeta(type):
    """Collects declared fields (in declaration order, inherited ones first)
    into ``base_fields``; assigning ``None`` in a subclass removes one."""

    base_fields: dict[str, Field]

    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any):
        declared = sorted(((k, v) for k, v in namespace.items() if isinstance(v, Field)),
                          key=lambda item: item[1]._creation)
        for key, _ in declared:
            namespace.pop(key)
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        fields: dict[str, Field] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "base_fields", {}))
        for key, value in namespace.items():
            if value is None and key in fields:
                del fields[key]
        for key, field in declared:
            field.name = key
            fields[key] = field
        cls.base_fields = cls.contribute_fields(fields)
        return cls

    def contribute_fields(cls, fields: dict[str, Field]) -> dict[str, Field]:
        return fields


class BaseForm:
    """Validation of one mapping of input. See the module docstring."""

    base_fields: ClassVar[dict[str, Field]] = {}
    # Whole-form validators: callables ``fn(cleaned_data)`` raising ValidationError.
    validators: ClassVar[list[Callable[[dict], None]]] = []
    failure_class: type[ValidationFailed] = ValidationFailed

    def __init__(self, data: Mapping[str, Any] | None = None, *,
                 initial: Mapping[str, Any] | None = None, partial: bool = False,
                 html: bool = False, prefix: str | None = None) -> None:
        """``data``: the input (None: an unbound form to render). ``partial``:
        validate only the keys present (PATCH). ``html``: the input came from
        an HTML form, so every value is a string and checkboxes may be absent.
        ``prefix``: rendered inputs are named ``<prefix>-<field>`` (a row of a
        formset); ``data`` is still keyed by the bare field names."""
        self.fields: dict[str, Field] = dict(self.base_fields)
        self.prefix = prefix
        # A formset's new row: it may be left blank, so no input is ``required``.
        self.blank_allowed = False
        self.data = data
        self.is_bound = data is not None
        self.initial = dict(initial or {})
        self.partial = partial
        self.html = html
        self.cleaned_data: dict[str, Any] = {}
        self.nested_data: Any = data
        self._errors: ErrorDict | None = None

    # Validation --------------------------------------------------------------------
    @property
    def errors(self) -> ErrorDict:
        """Field path -> messages; ``"__all__"`` holds whole-form errors."""
        if self._errors is None:
            self.full_clean()
        return self._errors  # type: ignore[return-value]

    def is_valid(self) -> bool:
        return self.is_bound and not self.errors

    def validate(self) -> dict[str, Any]:
        """The cleaned data, or raise ``ValidationFailed`` (422 in a responder)."""
        if not self.is_bound:
            raise self.failure_class({NON_FIELD: ["No data was submitted."]})
        if self.errors:
            raise self.failure_class(self.errors)
        return self.cleaned_data

    def add_error(self, path: str | None, message: str | list[str]) -> None:
        """Record an error found after validation (e.g. by a database check)."""
        if self._errors is None:
            self.full_clean()
        messages = [message] if isinstance(message, str) else list(message)
        add_error(self._errors, path or NON_FIELD, messages)  # type: ignore[arg-type]
        if path:
            self.cleaned_data.pop(path.split(".")[0].split("[")[0], None)

    def full_clean(self) -> None:
        errors: ErrorDict = {}
        self._errors = errors
        self.cleaned_data = {}
        data = self.data
        if data is None:
            return
        # PERF: a dict (every parsed body) skips the ABC's instance check.
        if data.__class__ is not dict and not isinstance(data, Mapping):
            errors[NON_FIELD] = ["Expected an object of fields."]
            return
        if self.html:
            try:
                data = unflatten(data)
            except ValidationError as exc:
                merge(errors, "", exc)
                return
        self.nested_data = data  # what rendering walks by path
        for name, field in self.fields.items():
            if field.read_only:
                continue
            try:
                value = self._clean_field(name, field, data.get(name, MISSING))
            except ValidationError as exc:
                merge(errors, name, exc)
                continue
            if value is not MISSING:
                self.cleaned_data[name] = value
        try:
            for validator in self.validators:
                validator(self.cleaned_data)
            result = self.clean()
            if result is not None:
                self.cleaned_data = result
        except ValidationError as exc:
            merge(errors, "", exc)

    def _clean_field(self, name: str, field: Field, raw: Any) -> Any:
        if self.html:
            if isinstance(raw, list) and not field.many:
                raw = raw[-1] if raw else MISSING  # a repeated key: the last one wins
            elif field.many and isinstance(raw, str):
                raw = [raw]
        if raw is MISSING:
            if self.partial:
                return MISSING
            value = self._when_missing(field)
        elif raw is None and field.allow_null:
            value = None
        elif field.is_empty(raw):
            value = self._when_missing(field, null=raw is None)
        else:
            value = field.clean(raw, name, self.html)
        hook = getattr(self, f"clean_{name}", None)
        if hook is not None:
            value = hook(value)
        return value

    def _when_missing(self, field: Field, null: bool = False) -> Any:
        if field.required:
            field.fail("null" if null and not self.html else "required")
        if field.default is not MISSING:
            return field.get_default()
        return [] if field.many else None

    def clean(self) -> dict[str, Any] | None:
        """Whole-form checks; raise ValidationError (or a dict of path ->
        message) or return a replacement for ``cleaned_data``."""
        return None

    # Introspection ----------------------------------------------------------------
    @classmethod
    def json_schema(cls, *, partial: bool = False) -> dict:
        """JSON Schema of the input this form accepts (used by OpenAPI)."""
        properties = {}
        required = []
        for name, field in cls.base_fields.items():
            properties[name] = field.json_schema()
            if field.required and not field.read_only and not partial:
                required.append(name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    # Requests and rendering --------------------------------------------------------
    @classmethod
    def from_request(cls, req: Any, **kwargs: Any) -> BaseForm:
        """A form bound to a falcon request's body (JSON, urlencoded or
        multipart); its ``validate()`` answers 422 with the error envelope."""
        data, html = read_request(req)
        form = cls(data, html=html, **kwargs)
        form.failure_class = HTTPValidationFailed
        return form

    @classmethod
    def from_query(cls, req: Any, **kwargs: Any) -> BaseForm:
        """A form bound to the query string (search and filter forms sent with GET)."""
        form = cls(dict(req.params), html=True, **kwargs)
        form.failure_class = HTTPValidationFailed
        return form

    def __iter__(self) -> Iterator[Any]:
        from rustforge.forms.rendering import BoundField

        for name in self.fields:
            yield BoundField(self, name)

    def __getitem__(self, name: str) -> Any:
        from rustforge.forms.rendering import BoundField

        if name not in self.fields:
            raise KeyError(f"{type(self).__name__} has no field {name!r}")
        return BoundField(self, name)

    @property
    def non_field_errors(self) -> list[str]:
        return self.errors.get(NON_FIELD, []) if self.is_bound else []

    def render(self, context: Any = None) -> Any:
        """The whole form's fields as accessible HTML (see ``rendering``)."""
        from rustforge.forms.rendering import render_form

        return render_form(self, context)

    def __html__(self) -> str:
        return str(self.render())


class Form(BaseForm, metaclass=FormMeta):
    """Subclass and declare fields as class attributes."""


# Jinja passes the template context to ``form.render`` so the CSRF input
# (the auth app's ``csrf_input`` global) can be included.
def _mark_pass_context() -> None:
    try:
        import jinja2
    except ImportError:  # pragma: no cover - jinja2 is a dependency
        return
    jinja2.pass_context(BaseForm.render)


_mark_pass_context()
