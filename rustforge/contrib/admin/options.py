"""``ModelAdmin``: how one model appears in the admin.

    from rustforge.contrib import admin

    @admin.register(Post)
    class PostAdmin(admin.ModelAdmin):
        list_display = ["title", "author", "status", "published", "created"]
        search_fields = ["title", "author__name"]
        list_filter = ["status", "published", "author", "created"]
        ordering = ["-created"]
        readonly_fields = ["created"]
        actions = ["publish"]

        @admin.action(description="Publish the selected posts", permissions=["change"])
        def publish(self, req, resp, queryset):
            count = queryset.model.update(published=True).where(
                queryset.model.id.in_(queryset.select(queryset.model.id))).execute()
            return f"{count} posts published."

Nothing here touches the database or falcon: registering happens while the
apps load (``<app>/admin.py``); the pages live in ``resources``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import peewee

from rustforge.db.scoping import internal_fields
from rustforge.exceptions import ImproperlyConfigured

ACTIONS = ("view", "add", "change", "delete")
# list_filter accepts these kinds of fields (FK, boolean, choices, dates).
_FILTERABLE = (peewee.BooleanField, peewee.ForeignKeyField, peewee.DateField,
               peewee.DateTimeField)
_SEARCHABLE = (peewee.CharField, peewee.TextField)


def action(function: Callable | None = None, *, description: str | None = None,
           permissions: Sequence[str] = ("change",)) -> Any:
    """Mark a bulk action: ``fn(model_admin, req, resp, queryset)``.

    It returns ``None`` or a message for the user (the admin redirects back to
    the list), or ``resp`` itself when it wrote its own answer (a download).
    ``permissions`` are the model permissions the user needs (view, add,
    change, delete).
    """

    def mark(fn: Any) -> Any:
        fn.short_description = description or fn.__name__.replace("_", " ").capitalize()
        fn.allowed_permissions = tuple(permissions)
        return fn

    return mark(function) if function is not None else mark


def display(function: Callable | None = None, *, description: str | None = None,
            ordering: str | None = None, boolean: bool = False) -> Any:
    """Mark a list column computed by a method: header text, the model field
    it sorts by (``ordering``), shown as yes/no (``boolean``)."""

    def mark(fn: Any) -> Any:
        fn.short_description = description or fn.__name__.replace("_", " ").capitalize()
        fn.admin_order_field = ordering
        fn.boolean = boolean
        return fn

    return mark(function) if function is not None else mark


class ManyToMany:
    """A many-to-many relation edited on the change form as a list of checkboxes.

        many_to_many = {"permissions": ManyToMany(GroupPermission, "group", "permission")}

    ``through`` is the link model; ``own`` its foreign key to this model,
    ``other`` its foreign key to the chosen rows.
    """

    def __init__(self, through: type[peewee.Model], own: str, other: str, *,
                 label: str | None = None, help_text: str = "") -> None:
        self.through = through
        self.own = through._meta.fields[own]
        self.other = through._meta.fields[other]
        self.target = self.other.rel_model
        self.label = label
        self.help_text = help_text


class InlineAdmin:
    """Rows of a related model edited on the parent's add and change pages.

        class CommentInline(admin.TabularInline):
            model = Comment
            fields = ["name", "body"]
            readonly_fields = ["created"]
            extra = 1
            max_num = 20

        class PostAdmin(admin.ModelAdmin):
            inlines = [CommentInline]

    The rows are saved with the parent in one transaction. What a user may do
    follows their permissions on the related model: ``add`` (new rows),
    ``change`` (edit existing ones), ``delete`` (the delete checkbox); with
    none of them the rows are listed read-only, at most ``max_rows`` (newest
    first) with the total count. ``fk_name`` picks the foreign key to the
    parent when there are several. ``TabularInline`` shows a row per line,
    ``StackedInline`` each row as a block of fields.
    """

    model: type[peewee.Model]
    fields: Sequence[str] = ()          # default: every editable field but the parent's key
    readonly_fields: Sequence[str] = ()  # shown, never edited (fields or methods)
    exclude: Sequence[str] = ()
    fk_name: str | None = None
    extra = 3                            # blank rows offered
    min_num = 0                          # rows that must remain
    max_num: int | None = None           # rows allowed at most (default 1000)
    can_delete = True
    ordering: Sequence[str] = ()         # default: the primary key
    form: type | None = None             # a ModelForm subclass to build the rows' form from
    style = "tabular"
    max_rows = 20                        # rows listed when read-only
    verbose_name: str | None = None
    verbose_name_plural: str | None = None
    autocomplete_fields: Sequence[str] = ()

    def __init__(self, parent: type[peewee.Model] | None = None) -> None:
        self.app_label, self.model_name = model_label(self.model)
        self.opts = self.model._meta
        name = self.verbose_name or getattr(self.opts, "verbose_name", None) or words(
            self.model.__name__)
        self.verbose_name = name
        self.verbose_name_plural = self.verbose_name_plural or plural(name)
        self.fk = self.foreign_key(parent) if parent is not None else None

    def foreign_key(self, parent: type[peewee.Model]) -> peewee.ForeignKeyField:
        candidates = [f for f in self.model._meta.refs if f.rel_model is parent
                      and (self.fk_name is None or f.name == self.fk_name)]
        if len(candidates) != 1:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: {self.model.__name__} has {len(candidates)} foreign "
                f"keys to {parent.__name__}; set fk_name")
        return candidates[0]

    def has_permission(self, user: Any, action: str) -> bool:
        """Whether ``user`` may ``action`` (add/change/delete/view) rows of the model."""
        perm = f"{self.app_label}.{{}}_{self.model_name}"
        if action == "view" and user.has_perm(perm.format("change")):
            return True
        return bool(user.has_perm(perm.format(action)))

    def form_field_names(self) -> list[str]:
        """The editable fields of a row, in order."""
        internal = internal_fields(self.model)
        names = list(self.fields) or [f.name for f in self.opts.sorted_fields
                                      if not f.primary_key and f.name not in internal]
        hidden = set(self.exclude) | set(self.readonly_fields)
        if self.fk is not None:
            hidden.add(self.fk.name)
        return [n for n in names if n not in hidden and n in self.opts.fields]

    def shown_names(self) -> list[str]:
        """Every column of a row: the editable fields, then the read-only ones."""
        names = self.form_field_names()
        return names + [n for n in self.readonly_fields if n not in names]

    def get_queryset(self, req: Any) -> peewee.ModelSelect:
        """Rows that may be listed (live rows of a soft-delete model)."""
        return self.model.select()

    def get_ordering(self) -> list[Any]:
        out = []
        for name in self.ordering or [self.opts.primary_key.name]:
            field = self.opts.fields[name.lstrip("-")]
            out.append(field.desc() if name.startswith("-") else field.asc())
        return out

    def validate(self, parent: type[peewee.Model]) -> None:
        where = type(self).__name__
        fields = self.opts.fields
        fk = self.foreign_key(parent)
        for name in [*self.fields, *self.readonly_fields]:
            if name == fk.name and name in self.fields:
                raise ImproperlyConfigured(f"{where}.fields: {name!r} is the key to the parent, "
                                           "set by the inline itself")
            if name not in fields and not hasattr(self, name) and not hasattr(self.model, name):
                raise ImproperlyConfigured(f"{where}.fields: {name!r} is not a field of "
                                           f"{self.model.__name__}")
        for name in self.ordering:
            if name.lstrip("-") not in fields:
                raise ImproperlyConfigured(f"{where}.ordering: {name!r} is not a field of "
                                           f"{self.model.__name__}")
        if self.style not in ("tabular", "stacked"):
            raise ImproperlyConfigured(f"{where}.style: 'tabular' or 'stacked'")
        if self.max_num is not None and self.max_num < self.min_num:
            raise ImproperlyConfigured(f"{where}: max_num is below min_num")


class TabularInline(InlineAdmin):
    """Related rows as a table, one row per line (Django's ``TabularInline``)."""

    style = "tabular"


class StackedInline(InlineAdmin):
    """Related rows as blocks of labelled fields (Django's ``StackedInline``)."""

    style = "stacked"


def model_label(model: type[peewee.Model]) -> tuple[str, str]:
    """``(app_label, model_name)`` of a model, as permissions and URLs name it."""
    app_label = model._meta.app_label if hasattr(model._meta, "app_label") \
        else model.__module__.split(".")[-2]
    return app_label, model.__name__.lower()


class ModelAdmin:
    """Options and hooks of one registered model. Every option is optional."""

    # The list page
    list_display: Sequence[Any] = ("__str__",)
    list_display_links: Sequence[str] = ()
    search_fields: Sequence[str] = ()
    search_help_text: str = ""
    list_filter: Sequence[str] = ()
    ordering: Sequence[str] = ()
    list_per_page: int | None = None
    actions: Sequence[Any] = ()
    # The change form
    fields: Sequence[str] | None = None
    fieldsets: Sequence[tuple[str | None, dict]] | None = None
    exclude: Sequence[str] = ()
    readonly_fields: Sequence[str] = ()
    # Never shown, never in a form, never in the history (secrets, token hashes).
    sensitive_fields: Sequence[str] = ()
    autocomplete_fields: Sequence[str] = ()
    many_to_many: dict[str, ManyToMany] = {}
    inlines: Sequence[type[InlineAdmin]] = ()
    # Extra pages of one object: ``{"password": "password_view"}`` serves
    # ``/<app>/<model>/<pk>/password`` with ``self.password_view(req, resp, obj)``
    # to users with the change permission.
    object_views: dict[str, str] = {}
    object_links: Sequence[tuple[str, str]] = ()  # (view name, link text) on the change page
    form: type | None = None  # a ModelForm subclass to use instead of the generated one

    def __init__(self, model: type[peewee.Model], site: Any) -> None:
        self.model = model
        self.site = site
        self.opts = model._meta
        self.app_label, self.model_name = model_label(model)
        self.verbose_name = getattr(model._meta, "verbose_name", None) or \
            words(model.__name__)
        self.verbose_name_plural = getattr(model._meta, "verbose_name_plural", None) or \
            plural(self.verbose_name)
        self.soft_delete = getattr(model._meta, "soft_delete_field", None) is not None
        self.validate()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.app_label}.{self.model_name}>"

    # Permissions ------------------------------------------------------------------
    def perm(self, action: str) -> str:
        return f"{self.app_label}.{action}_{self.model_name}"

    def has_permission(self, user: Any, action: str) -> bool:
        """Whether ``user`` (staff, active) may ``action`` (view/add/change/delete) rows."""
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return False
        if action == "view" and user.has_perm(self.perm("change")):
            return True  # who may change may look
        return user.has_perm(self.perm(action))

    def permissions_of(self, user: Any) -> dict[str, bool]:
        return {a: self.has_permission(user, a) for a in ACTIONS}

    # Queries and saving (override to narrow or to add behaviour) -----------------
    def get_queryset(self, req: Any) -> peewee.ModelSelect:
        """Rows this admin shows (live rows of a soft-delete model)."""
        return self.model.select()

    def get_deleted_queryset(self, req: Any) -> peewee.ModelSelect:
        """Soft-deleted rows (the trash) of a soft-delete model."""
        return self.model.only_deleted()

    def save_model(self, req: Any, obj: Any, form: Any, change: bool) -> Any:
        return form.save()

    def delete_model(self, req: Any, obj: Any) -> None:
        obj.delete_instance()

    def save_formset(self, req: Any, obj: Any, formset: Any, change: bool) -> None:
        """Save the rows of one inline (a ``rustforge.forms.InlineFormSet``) for ``obj``,
        in the transaction of the parent's save."""
        formset.save(obj)

    # Options resolved ---------------------------------------------------------------
    def model_field(self, name: str) -> peewee.Field | None:
        return self.opts.fields.get(name)

    def form_field_names(self) -> list[str]:
        """Editable fields of the change form, in order."""
        if self.fieldsets:
            names = [n for _, opts in self.fieldsets for n in opts.get("fields", ())]
        elif self.fields is not None:
            names = list(self.fields)
        else:
            internal = internal_fields(self.model)  # deleted_at, a row scope's tenant
            names = [f.name for f in self.opts.sorted_fields
                     if not f.primary_key and f.name not in internal]
        hidden = set(self.exclude) | set(self.sensitive_fields) | set(self.readonly_fields)
        return [n for n in names if n not in hidden and n in self.opts.fields
                and n not in self.many_to_many]

    def get_fieldsets(self) -> list[tuple[str | None, list[str]]]:
        """``(title, names)`` groups of the change form, read-only fields included."""
        hidden = set(self.exclude) | set(self.sensitive_fields)
        if self.fieldsets:
            return [(title, [n for n in opts.get("fields", ()) if n not in hidden])
                    for title, opts in self.fieldsets]
        names = self.form_field_names() + list(self.many_to_many)
        names += [n for n in self.readonly_fields if n not in names and n not in hidden]
        return [(None, names)]

    def get_ordering(self) -> list[str]:
        return list(self.ordering) or [f"-{self.opts.primary_key.name}"]

    def get_list_per_page(self) -> int:
        from rustforge.conf import settings

        return int(self.list_per_page or settings.ADMIN_LIST_PER_PAGE)

    def get_actions(self) -> dict[str, tuple[Callable, str]]:
        """Name -> (function taking ``(self, req, resp, queryset)``, description)."""
        out: dict[str, tuple[Callable, str]] = {}
        for entry in [*self.site.actions, *self.actions]:
            if isinstance(entry, str):
                fn = getattr(self, entry, None)
                if fn is None:
                    raise ImproperlyConfigured(f"{type(self).__name__}.actions: no method "
                                               f"{entry!r}")
                name = entry
                bound: Callable = fn
            else:
                name = getattr(entry, "action_name", None) or entry.__name__
                bound = _bind(entry, self)
                fn = entry
            out[name] = (bound, getattr(fn, "short_description", words(name)))
        return out

    def actions_for(self, user: Any, trash: bool = False) -> dict[str, tuple[Callable, str]]:
        """The actions ``user`` may run here (the trash offers restore instead)."""
        allowed = {}
        for name, (fn, text) in self.get_actions().items():
            needs = getattr(fn, "allowed_permissions", ("change",))
            if getattr(fn, "trash_only", False) != trash:
                continue
            if getattr(fn, "soft_delete_only", False) and not self.soft_delete:
                continue
            if all(self.has_permission(user, p) for p in needs):
                allowed[name] = (fn, text)
        return allowed

    # Validation at registration --------------------------------------------------------
    def validate(self) -> None:
        """Raise ImproperlyConfigured for names that match nothing (so a typo
        fails at start-up, not on the first page view)."""
        where = type(self).__name__
        fields = self.opts.fields
        secret = set(self.sensitive_fields)

        def fail(option: str, message: str) -> None:
            raise ImproperlyConfigured(f"{where}.{option}: {message}")

        for name in self.list_display:
            if callable(name) or name == "__str__":
                continue
            if name in secret:
                fail("list_display", f"{name!r} is a sensitive field")
            if name not in fields and not hasattr(self, name) and not hasattr(self.model, name):
                fail("list_display", f"{name!r} is not a field, attribute or method of "
                                     f"{self.model.__name__} or {where}")
        for name in self.search_fields:
            target = self._lookup(name)
            if target is None or not isinstance(target, _SEARCHABLE) or name in secret:
                fail("search_fields", f"{name!r} must name a text field (or fk__field)")
        for name in self.list_filter:
            field = fields.get(name)
            if field is None or name in secret or not (
                    field.choices or isinstance(field, _FILTERABLE)):
                fail("list_filter", f"{name!r} must name a boolean, choices, foreign key "
                                    "or date field")
        for name in self.ordering:
            if name.lstrip("-") not in fields:
                fail("ordering", f"{name!r} is not a field of {self.model.__name__}")
        for name in [*self.readonly_fields, *(self.fields or ())]:
            if name in secret:
                fail("fields", f"{name!r} is a sensitive field")
            if name not in fields and not hasattr(self, name) and not hasattr(self.model, name) \
                    and name not in self.many_to_many:
                fail("fields", f"{name!r} is not a field of {self.model.__name__}")
        for name in self.autocomplete_fields:
            if not isinstance(fields.get(name), peewee.ForeignKeyField):
                fail("autocomplete_fields", f"{name!r} is not a foreign key")
        for view in self.object_views.values():
            if not callable(getattr(self, view, None)):
                fail("object_views", f"no method {view!r}")
        for inline in self.inlines:
            inline().validate(self.model)

    def _lookup(self, name: str) -> peewee.Field | None:
        """The field named ``name`` or ``fk__field`` (one hop)."""
        head, _, tail = name.partition("__")
        field = self.opts.fields.get(head)
        if not tail:
            return field
        if not isinstance(field, peewee.ForeignKeyField):
            return None
        return field.rel_model._meta.fields.get(tail)


def plural(noun: str) -> str:
    """English plural of a model's name, for the common cases (``Meta.verbose_name_plural``
    says it for the others)."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def words(name: str) -> str:
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i:
            out.append(" ")
        out.append(c)
    return "".join(out).replace("_", " ").lower().strip()


def _bind(fn: Callable, model_admin: ModelAdmin) -> Callable:
    def bound(req: Any, resp: Any, queryset: Any) -> Any:
        return fn(model_admin, req, resp, queryset)

    for attr in ("short_description", "allowed_permissions", "trash_only",
                 "soft_delete_only"):
        if hasattr(fn, attr):
            setattr(bound, attr, getattr(fn, attr))
    bound.__name__ = fn.__name__
    return bound


__all__ = ["InlineAdmin", "ManyToMany", "ModelAdmin", "action", "display", "plural", "words"]
