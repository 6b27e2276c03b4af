"""A list page as JSON straight from the driver's rows, without model instances.

A 20-row list with ``?include=author`` built 20 posts and their authors as
model instances, read each foreign key back through ``__data__``, set each
author into its post's ``__rel__`` and serialized every instance through
attribute lookups: about a third of the request's Python work. For a
resource class that keeps what the generic path does with instances (the
serializing methods, ``load_includes``; no computed field, whose function
takes the instance) and includes foreign keys whose resources are the same
kind, :func:`rows_serializer` generates one function per class and
``?include=`` list that goes from the rows of ``SELECT <every field>`` to
the same dicts, key for key and in the same order, with the same include
queries in the same order:

* each column through its field's ``python_value`` exactly as the row
  builder of the instances calls it (:class:`rustforge.db.conversions.RowBuilder`:
  skipped for None and the exact type peewee's own conversion keeps);
* each declared field through the conversion ``declared_values`` applies;
* each include's keys gathered as ``load_includes`` gathers them (the same
  set, so the same ``IN (...)`` order), its rows read by the same compiled
  query, and the related row serialized for each row that refers to it.

A model built by a custom ``__init__`` (or ``__new__``, ``__setattr__``, a
field descriptor of its own), a backref include, a related resource of
another model, ``?fields=`` and cursor pagination keep the instances.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import peewee

from rustforge.db.conversions import RowBuilder, identity_types
from rustforge.resources import listing
from rustforge.resources.rowjson import _NATIVE, _convert, _plain, serializer

_NONE = object()  # cached "this class and include list keep the instances"


class RowsPlan:
    """How one resource class turns a page of rows (and its includes) into JSON."""

    __slots__ = ("base", "includes", "rows_json")

    def __init__(self, rows_json: Callable[..., list], includes: list, base: type) -> None:
        self.rows_json = rows_json
        # (name, foreign key, keys_of(rows), related resource class, table(rows), make(kept))
        self.includes = includes
        self.base = base

    def data(self, shapes: listing.Shapes, rows: list, req: Any) -> list[dict]:
        """``[serialize(row, include=...)]`` of the rows, after loading their includes."""
        loaded: list[Any] = []
        for name, fk, keys_of, child_cls, table, make in self.includes:
            found: dict = {}
            keys = keys_of(rows) if rows else []
            if keys:
                raw = listing.related_rows(shapes, name, fk.rel_model, fk.rel_field, keys)
                if raw is not None:
                    found = table(raw)
                else:  # through peewee, as load_includes reads them
                    found, make = self._instances(shapes, name, fk, keys, child_cls, req)
            loaded += [found, make]
        return self.rows_json(rows, *loaded)

    def _instances(self, shapes: listing.Shapes, name: str, fk: Any, keys: list,
                   child_cls: type, req: Any) -> tuple[dict, Callable[[Any], dict]]:
        query = listing.related(shapes, name, fk.rel_model, fk.rel_field, keys, order=False)
        if query is None:
            query = fk.rel_model.select().where(fk.rel_field.in_(keys))
        found = {row.__data__[fk.rel_field.name]: row for row in query}
        child = child_cls()
        fast = serializer(child, (), self.base)
        serialize = fast if fast is not None else child.serialize
        return found, lambda obj: serialize(obj, req)


def rows_serializer(resource: Any, include: tuple[str, ...], base: type) -> RowsPlan | None:
    """The plan for ``resource``'s class and ``include``, or None when its
    rows must become instances. ``base`` is ``ModelResource``."""
    cls = type(resource)
    cache = cls.__dict__.get("_rf_rows_plans")
    if cache is None:
        cache = {}
        cls._rf_rows_plans = cache  # per class: a subclass declares other fields
    plan: Any = cache.get(include)
    if plan is None:
        plan = cache[include] = _plan(cls, include, base) or _NONE
    return None if plan is _NONE else plan


def _without_instances(cls: Any, base: type) -> bool:
    return (_plain(cls, base) and not cls.computed_fields
            and getattr(cls, "load_includes", None) is getattr(base, "load_includes", None)
            and RowBuilder(cls.model).plain)


def _plan(cls: Any, include: tuple[str, ...], base: type) -> RowsPlan | None:
    if not _without_instances(cls, base):
        return None
    model = cls.model
    index = {field.name: i for i, field in enumerate(model._meta.sorted_fields)}
    includes, specs = [], []
    for name in include:
        kind, fk = cls._relations[name]
        child = cls.nested_fields[name].resource
        if (kind != "fk" or not isinstance(child, type) or not _without_instances(child, base)
                or getattr(child, "model", None) is not fk.rel_model):
            return None
        includes.append((name, fk, _keys_of(fk, index[fk.name]), child,
                         *_related_row(child, fk.rel_field)))
        specs.append((name, index[fk.name]))
    return RowsPlan(_rows_json(cls, specs), includes, base)


def _row(cls: Any, namespace: dict, indent: str, keep: int | None = None) -> tuple[list, str]:
    """Lines that turn ``row`` into the declared fields' JSON values, and the
    dict's items (in the declared order). Names in the generated source are
    positional; field names only appear as ``repr()`` string literals.

    Each column goes through ``python_value`` as the instances' row builder
    calls it (``RowBuilder``: skipped for None and the exact type peewee's own
    conversion keeps) into ``v<i>``, then a declared field through the
    conversion of ``declared_values`` into ``j<i>``; column ``keep`` keeps its
    Python value in ``v<keep>``. A value of a kept type that JSON holds as it
    is (str, int, bool) needs no second check.
    """
    fields = cls.model._meta.sorted_fields
    namespace.update({"_native": _NATIVE, "_convert": _convert, "_places": cls._places})
    declared = set(cls.field_schemas)
    lines = [f"{indent}{''.join(f'v{i}, ' for i in range(len(fields)))}= row"]
    for i, field in enumerate(fields):
        namespace[f"c{i}"] = field.python_value
        types = identity_types(field)
        shown = field.name in declared
        to_json = [f"{indent}if j{i} is not None and j{i}.__class__ not in _native:",
                   f"{indent}    j{i} = _convert(_places, {field.name!r}, j{i})"]
        if len(types) != 1:
            lines.append(f"{indent}v{i} = c{i}(v{i})")
            if shown:
                lines += [f"{indent}j{i} = v{i}", *to_json]
            continue
        namespace[f"t{i}"] = types[0]
        lines += [f"{indent}if v{i}.__class__ is not t{i} and v{i} is not None:",
                  f"{indent}    v{i} = c{i}(v{i})"]
        if not shown:
            continue
        if types[0] in _NATIVE:
            lines += [f"{indent}    j{i} = v{i}", *("    " + line for line in to_json),
                      f"{indent}else:", f"{indent}    j{i} = v{i}"]
        else:
            lines += [f"{indent}j{i} = v{i}", *to_json]
    items = ", ".join(f"{name!r}: j{[f.name for f in fields].index(name)}"
                      for name in cls.field_schemas)
    return lines, items


def _compile(source: str, namespace: dict, label: str, name: str) -> Any:
    exec(compile(source, f"<rustforge {label}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def _rows_json(cls: Any, specs: list[tuple[str, int]]) -> Callable[..., list]:
    """``rows_json(rows, found0, make0, ...)``: each row's dict, with each
    include's related row (``found[key]``, serialized by ``make``) when found."""
    namespace: dict[str, Any] = {}
    args = "".join(f", found{k}, make{k}" for k in range(len(specs)))
    lines = [f"def rows_json(rows{args}):", "    out = []", "    for row in rows:"]
    body, items = _row(cls, namespace, "        ")
    lines += [*body, f"        data = {{{items}}}"]
    for k, (name, column) in enumerate(specs):
        # load_includes sets a related row only when found (a missing one keeps the key).
        lines += [f"        found = found{k}.get(v{column})",
                  "        if found is not None:",
                  f"            data[{name!r}] = make{k}(found)"]
    lines += ["        out.append(data)", "    return out"]
    return _compile("\n".join(lines) + "\n", namespace, f"rows {cls.__name__}", "rows_json")


def _related_row(cls: Any, key: peewee.Field) -> tuple[Callable[[list], dict], Any]:
    """``(table, make)``: ``table(rows)`` keeps the related rows by the
    ``python_value`` of ``key``, as ``load_includes`` finds them (the last row
    wins a key that repeats), and ``make`` gives a related row's dict from
    what the table keeps for it.

    When every declared field is one whose conversion peewee knows (ints,
    strings, dates and times, booleans: ``identity_types``), nothing in a
    related row's dict is a list or dict that two rows' dicts could share:
    the table keeps each related row's dict, made once, and every row that
    refers to it gets a copy. Otherwise each row gets a dict of its own made
    from the related row.
    """
    fields = cls.model._meta.sorted_fields
    namespace: dict[str, Any] = {}
    body, items = _row(cls, namespace, "    ")
    one = _compile("\n".join(["def one(row):", *body, f"    return {{{items}}}"]) + "\n",
                   namespace, f"related {cls.__name__}", "one")
    at = next(i for i, field in enumerate(fields) if field is key)  # == builds SQL
    shared = all(identity_types(f) for f in fields if f.name in cls.field_schemas)
    namespace = {"_one": one}
    source = (f"def table(rows):\n    return {{{_converted(key, f'row[{at}]', namespace)}: "
              f"{'_one(row)' if shared else 'row'} for row in rows}}\n")
    table = _compile(source, namespace, f"related keys {cls.__name__}", "table")
    return table, dict.copy if shared else one


def _converted(field: peewee.Field, value: str, namespace: dict) -> str:
    """An expression of ``value`` through ``field.python_value``, as the row
    builder converts it (``value`` is evaluated once: a plain name or item)."""
    namespace["_c"] = field.python_value
    types = identity_types(field)
    if len(types) != 1:
        return f"_c({value})"
    namespace["_t"] = types[0]
    return f"({value} if {value}.__class__ is _t or {value} is None else _c({value}))"


def _keys_of(fk: peewee.ForeignKeyField, column: int) -> Callable[[list], list]:
    """``keys_of(rows)``: the foreign key's values, as ``load_includes`` gathers
    them from instances (the same set, so the same order in ``IN (...)``)."""
    namespace: dict[str, Any] = {}
    source = (f"def keys_of(rows):\n    return list({{{_converted(fk, 'v', namespace)} "
              f"for v in map(_item, rows)}} - {{None}})\n")
    namespace["_item"] = operator.itemgetter(column)
    return _compile(source, namespace, f"keys {fk.name}", "keys_of")
