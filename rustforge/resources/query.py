"""Query-string parameters of a list endpoint, checked against what the
resource declares before anything reaches SQL.

    ?fields=id,title        sparse output
    ?include=author         nested related rows (loaded in one query each)
    ?order=-created,title   ordering on declared fields only
    ?title=x&price__gte=3   filtering on declared fields and lookups only

Anything else is a 400 naming what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import falcon
import peewee

from rustforge.forms.errors import ValidationError

# lookup -> (peewee operator builder, whether the value is a comma-separated list)
LOOKUPS: dict[str, tuple[Any, bool]] = {
    "exact": (lambda f, v: f == v, False),
    "ne": (lambda f, v: f != v, False),
    "lt": (lambda f, v: f < v, False),
    "lte": (lambda f, v: f <= v, False),
    "gt": (lambda f, v: f > v, False),
    "gte": (lambda f, v: f >= v, False),
    "in": (lambda f, v: f.in_(v), True),
    "contains": (lambda f, v: f.contains(v), False),
    "icontains": (lambda f, v: peewee.fn.LOWER(f).contains(v.lower()), False),
    "startswith": (lambda f, v: f.startswith(v), False),
    "isnull": (None, False),
}
MAX_IN_VALUES = 100


# The query parameters every item endpoint takes.
ITEM_PARAMS = frozenset({"fields", "include"})

def bad_request(title: str, description: str) -> falcon.HTTPBadRequest:
    return falcon.HTTPBadRequest(title=title, description=description)


def split_list(value: Any, param: str) -> list[str]:
    if isinstance(value, list):
        raise bad_request("Invalid query parameter", f"Give {param!r} once, comma-separated.")
    return [part.strip() for part in str(value).split(",") if part.strip()]


def parse_fields(params: Mapping[str, Any], allowed: list[str]) -> list[str] | None:
    if "fields" not in params:
        return None
    names = split_list(params["fields"], "fields")
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise bad_request("Invalid fields",
                          f"Unknown field(s) {', '.join(unknown) or '(none given)'}; "
                          f"available: {', '.join(allowed)}.")
    return names


def parse_include(params: Mapping[str, Any], allowed: list[str]) -> list[str]:
    if "include" not in params:
        return []
    raw = params["include"]
    if raw.__class__ is str and raw in allowed and raw and "," not in raw and raw.strip() == raw:
        return [raw]  # one name as it is: what the split below gives, without its lists
    names = split_list(raw, "include")
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise bad_request("Invalid include",
                          f"Cannot include {', '.join(unknown)}; "
                          f"available: {', '.join(allowed) or 'nothing'}.")
    return list(dict.fromkeys(names))


def parse_order(params: Mapping[str, Any], allowed: list[str], default: list[str]) -> list[tuple[str, bool]]:
    """[(field name, descending)]; only names in ``allowed``."""
    raw = split_list(params["order"], "order") if "order" in params else list(default)
    out = []
    for item in raw:
        desc = item.startswith("-")
        name = item[1:] if desc else item
        if name not in allowed:
            raise bad_request("Invalid order",
                              f"Cannot order by {name!r}; allowed: "
                              f"{', '.join(allowed) or 'nothing'} (prefix - for descending).")
        out.append((name, desc))
    return out


class Term(NamedTuple):
    """One checked filter parameter: ``column`` ``lookup`` ``value`` (cleaned;
    a list for ``in``, the flag for ``isnull``)."""

    column: Any
    lookup: str
    value: Any

    def expression(self) -> Any:
        if self.lookup == "isnull":
            return self.column.is_null(self.value)
        return LOOKUPS[self.lookup][0](self.column, self.value)


def parse_filters(params: Mapping[str, Any], filters: dict[str, list[str]], model: type[peewee.Model],
                  field_cleaner: Any, reserved: set[str]) -> list[Any]:
    """peewee expressions for the filter parameters; unknown ones are a 400."""
    return [term.expression()
            for term in filter_terms(params, filters, model, field_cleaner, reserved)]


def filter_terms(params: Mapping[str, Any], filters: dict[str, list[str]],
                 model: type[peewee.Model], field_cleaner: Any, reserved: set[str]) -> list[Term]:
    """The filter parameters, checked and cleaned; unknown ones are a 400."""
    terms = []
    for key, raw in params.items():
        if key in reserved:
            continue
        name, _, lookup = key.partition("__")
        lookup = lookup or "exact"
        if name not in filters or lookup not in filters[name] or lookup not in LOOKUPS:
            allowed = [field if kind == "exact" else f"{field}__{kind}"
                       for field, kinds in filters.items() for kind in kinds]
            raise bad_request("Invalid query parameter",
                              f"Unknown parameter {key!r}; filters: "
                              f"{', '.join(allowed) or 'none'}.")
        if isinstance(raw, list):
            raise bad_request("Invalid query parameter", f"Give {key!r} only once.")
        # A foreign key compares its key column directly.
        column = model._meta.fields[name]
        is_list = LOOKUPS[lookup][1]
        try:
            if lookup == "isnull":
                value: Any = field_cleaner("__bool__", raw)
            elif is_list:
                values = split_list(raw, key)
                if not values or len(values) > MAX_IN_VALUES:
                    raise ValidationError(f"Give 1 to {MAX_IN_VALUES} comma-separated values.")
                value = [field_cleaner(name, v) for v in values]
            elif lookup in ("contains", "icontains", "startswith"):
                value = str(raw)
                if "\x00" in value or len(value) > 200:
                    raise ValidationError("Enter at most 200 characters.")
            else:
                value = field_cleaner(name, raw)
        except ValidationError as exc:
            raise bad_request("Invalid filter value",
                              f"{key}: {' '.join(exc.messages)}") from None
        terms.append(Term(column, lookup, value))
    return terms
