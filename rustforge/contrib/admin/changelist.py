"""The list page's query: parameters checked, search, filters, sorting, one page.

Query string of a list page (every other parameter is a 400):

    q=words           search across ``search_fields`` (every word must match a field)
    o=-title,author   sort by declared columns ("-" descending)
    p=3               page number, from 1
    <filter>=value    one per ``list_filter`` entry
    trash=1           the soft-deleted rows (soft-delete models)

Foreign-key columns are joined into the page query, so a page costs the
same few queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any
from urllib.parse import urlencode

import peewee
from falcon import HTTPNotFound

from rustforge.conf import settings
from rustforge.contrib.admin.counting import Count, count_rows
from rustforge.contrib.admin.filters import BadParameter, ListFilter, filter_for
from rustforge.contrib.admin.options import ModelAdmin

MAX_SORT_KEYS = 3
MAX_SEARCH_WORDS = 10
MAX_PAGE = 1_000_000
EMPTY = "—"


@dataclass
class Column:
    name: str
    header: str
    order_key: str | None  # the name used in ?o=
    order_field: peewee.Field | None
    field: peewee.Field | None
    getter: Any = None
    boolean: bool = False
    kind: str = "field"  # field, admin (a ModelAdmin method), func, model (attribute)


def _header(name: str, field: peewee.Field | None, getter: Any) -> str:
    if getter is not None and getattr(getter, "short_description", None):
        return getter.short_description
    if field is not None and field.verbose_name:
        return field.verbose_name
    return name.replace("_", " ").strip().capitalize()


def columns_of(model_admin: ModelAdmin) -> list[Column]:
    out = []
    fields = model_admin.opts.fields
    for entry in model_admin.list_display:
        if callable(entry):
            name = entry.__name__
            getter = entry
            field = None
            kind = "func"
        elif entry == "__str__":
            out.append(Column("__str__", model_admin.verbose_name.capitalize(), None, None,
                              None))
            continue
        else:
            name = entry
            field = fields.get(entry)
            getter = None
            kind = "field"
            if field is None and hasattr(model_admin, entry):
                getter, kind = getattr(model_admin, entry), "admin"
            elif field is None:
                getter, kind = getattr(model_admin.model, entry), "model"
        order_field = field
        if getter is not None and getattr(getter, "admin_order_field", None):
            order_field = fields.get(getter.admin_order_field.lstrip("-"))
        out.append(Column(name, _header(name, field, getter),
                          name if order_field is not None else None, order_field, field,
                          getter, boolean=bool(getattr(getter, "boolean", False))
                          or isinstance(field, peewee.BooleanField), kind=kind))
    return out


def _matches(model: type[peewee.Model], name: str, word: str) -> peewee.Expression:
    head, _, tail = name.partition("__")
    field = model._meta.fields[head]
    if not tail:
        return field.contains(word)  # peewee escapes % and _ in the word
    rel = field.rel_model
    return field.in_(rel.select(field.rel_field).where(rel._meta.fields[tail].contains(word)))


def search(query: peewee.ModelSelect, model_admin: ModelAdmin, text: str) -> peewee.ModelSelect:
    """Rows where every word matches at least one of ``search_fields``."""
    for word in text.split()[:MAX_SEARCH_WORDS]:
        query = query.where(reduce(operator.or_, [_matches(model_admin.model, n, word)
                                                  for n in model_admin.search_fields]))
    return query


def _single(req: Any) -> dict[str, str]:
    """The query string as single strings; a repeated parameter is a 400."""
    out = {}
    for key, value in req.params.items():
        if isinstance(value, list):
            raise BadParameter(f"{key} is given more than once.")
        out[key] = value
    return out


class ChangeList:
    """One list page: validated parameters, its rows and counts."""

    def __init__(self, model_admin: ModelAdmin, req: Any) -> None:
        self.model_admin = model_admin
        self.model = model_admin.model
        self.columns = columns_of(model_admin)
        self.filters: dict[str, ListFilter] = {
            name: filter_for(model_admin.opts.fields[name]) for name in model_admin.list_filter}
        params = _single(req)
        allowed = {"q", "o", "p", *self.filters}
        if model_admin.soft_delete:
            allowed.add("trash")
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise BadParameter(f"Unknown parameter {unknown[0]!r}; this list takes: "
                               + ", ".join(sorted(allowed)) + ".")
        self.params = params
        self.trash = self._flag(params.get("trash", ""))
        self.query_text = self._search_text(params.get("q", ""))
        self.filter_values = {name: flt.parse(params[name])
                              for name, flt in self.filters.items() if params.get(name)}
        self.sort = self._sort(params.get("o", ""))
        self.page_number = self._page(params.get("p", "1"))
        self.per_page = model_admin.get_list_per_page()

    # Parameters ----------------------------------------------------------------------------
    @staticmethod
    def _flag(raw: str) -> bool:
        if raw not in ("", "0", "1"):
            raise BadParameter("trash must be 1 or 0.")
        return raw == "1"

    def _search_text(self, raw: str) -> str:
        if len(raw) > settings.ADMIN_SEARCH_MAX_LENGTH:
            raise BadParameter(f"The search is longer than "
                               f"{settings.ADMIN_SEARCH_MAX_LENGTH} characters.")
        if raw and not self.model_admin.search_fields:
            raise BadParameter("This list has no search.")
        if "\x00" in raw:
            raise BadParameter("The search contains a NUL character.")
        return raw.strip()

    def _sort(self, raw: str) -> list[tuple[str, bool]]:
        if not raw:
            return []
        keys = {c.order_key: c for c in self.columns if c.order_key}
        out = []
        parts = raw.split(",")
        if len(parts) > MAX_SORT_KEYS:
            raise BadParameter(f"Sort by at most {MAX_SORT_KEYS} columns.")
        for part in parts:
            descending = part.startswith("-")
            name = part[1:] if descending else part
            if name not in keys:
                raise BadParameter(f"Cannot sort by {name[:50]!r}; sortable columns: "
                                   + (", ".join(keys) or "none") + ".")
            out.append((name, descending))
        return out

    @staticmethod
    def _page(raw: str) -> int:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
            raise BadParameter(f"p must be a page number from 1 to {MAX_PAGE}.")
        return int(raw)

    # The query ----------------------------------------------------------------------------
    def base_query(self, req: Any) -> peewee.ModelSelect:
        if self.trash:
            return self.model_admin.get_deleted_queryset(req)
        return self.model_admin.get_queryset(req)

    def filtered_query(self, req: Any) -> peewee.ModelSelect:
        query = self.base_query(req)
        for name, value in self.filter_values.items():
            query = self.filters[name].apply(query, value)
        return search(query, self.model_admin, self.query_text)

    def ordering(self) -> list[Any]:
        pk = self.model._meta.primary_key
        order = []
        if self.sort:
            by_key = {c.order_key: c for c in self.columns if c.order_key}
            for name, descending in self.sort:
                field: Any = by_key[name].order_field  # set: only sortable columns have a key
                order.append(field.desc() if descending else field.asc())
        else:
            for name in self.model_admin.get_ordering():
                field = self.model._meta.fields[name.lstrip("-")]
                order.append(field.desc() if name.startswith("-") else field.asc())
        if not any(getattr(o, "node", None) is pk for o in order):
            order.append(pk.desc())  # stable pages
        return order

    def run(self, req: Any) -> None:
        """Count and fetch the page (raises 404 past the last page)."""
        query = self.filtered_query(req)
        narrowed = getattr(self.model_admin.get_queryset, "__func__",
                           None) is not ModelAdmin.get_queryset
        filtered = bool(self.filter_values or self.query_text)
        self.count: Count = count_rows(query, filtered=filtered or self.trash,
                                       narrowed=narrowed)
        self.pages = max(1, -(-self.count.value // self.per_page))
        if self.count.capped:
            self.pages += 1  # "more than N": at least one page further
        if self.page_number > self.pages and self.count.exact:
            raise HTTPNotFound(title="No such page",
                               description=f"This list has {self.pages} pages.")
        page = query.order_by(*self.ordering()).paginate(self.page_number, self.per_page)
        self.rows = list(self._with_related(page))
        self.total: Count | None = None
        if filtered and not self.trash:
            self.total = count_rows(self.base_query(req), filtered=False, narrowed=narrowed)

    def _with_related(self, query: peewee.ModelSelect) -> peewee.ModelSelect:
        """Join the related rows of foreign-key columns (one query for the page)."""
        for column in self.columns:
            field = column.field
            if not isinstance(field, peewee.ForeignKeyField):
                continue
            alias = field.rel_model.alias()
            query = (query.select_extend(*[getattr(alias, f.name)
                                           for f in field.rel_model._meta.sorted_fields])
                     .join_from(self.model, alias, peewee.JOIN.LEFT_OUTER,
                                on=(field == getattr(alias, field.rel_field.name)),
                                attr=field.name))
        return query

    # Rendering helpers --------------------------------------------------------------------
    def cell(self, obj: Any, column: Column) -> Any:
        if column.name == "__str__":
            return str(obj)
        field = column.field
        if field is not None:
            if isinstance(field, peewee.ForeignKeyField):
                if obj.__data__.get(field.name) is None:
                    return EMPTY
                related = obj.__rel__.get(field.name)
                return str(related) if related is not None else obj.__data__[field.name]
            value = getattr(obj, field.name)
            if field.choices and value is not None:
                return dict(field.choices).get(value, value)
        else:
            if column.kind in ("admin", "func"):
                value = column.getter(obj)
            else:
                value = getattr(obj, column.name)
                if callable(value):
                    value = value()
        if value is None or value == "":
            return EMPTY
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def url(self, **changes: Any) -> str:
        """This page's query string with ``changes`` (None removes a key)."""
        params = dict(self.params)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        if "p" in changes and changes["p"] == 1:
            params.pop("p", None)
        return "?" + urlencode(sorted(params.items())) if params else "?"

    def sort_url(self, column: Column) -> str:
        """Click a header: sort by it ascending, again: descending."""
        current = dict(self.sort)
        descending = column.order_key in current and not current[column.order_key]
        return self.url(o=("-" if descending else "") + (column.order_key or ""), p=None)

    def sorted_as(self, column: Column) -> str | None:
        for name, descending in self.sort:
            if name == column.order_key:
                return "descending" if descending else "ascending"
        return None

    def page_links(self) -> list[int | None]:
        """Page numbers around the current one (None: a gap)."""
        current, last = self.page_number, self.pages
        wanted = {1, 2, last - 1, last, *range(current - 2, current + 3)}
        numbers = sorted(n for n in wanted if 1 <= n <= last)
        out: list[int | None] = []
        for n in numbers:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out
