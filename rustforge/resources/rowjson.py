"""A model row as JSON, through a function generated once per resource class.

``ModelResource.serialize`` walks the declared fields, the computed fields
and the nested relations of its class for every row, with a check per field
and a new nested resource per related row: for a 20-row page with one
include, more Python work than its SQL. For a resource class that keeps the
serializing methods it inherits (``serialize``, ``declared_values``,
``get_value``, ``loaded_relation``), :func:`serializer` generates one
straight-line function per ``?include=`` list that does the same steps in
the same order and gives the same dict:

* declared fields read from ``obj.__data__`` (a foreign key gives its key,
  never a query); a value JSON cannot hold (a date, a decimal, ...) goes
  through the same conversion as ``declared_values``;
* computed fields, each after its ``when`` check;
* each included relation when it is loaded (``__rel__`` for a foreign key,
  ``__dict__`` for a backref list), through the nested resource's own
  serializer.

``?fields=`` and any overridden method keep the generic path.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from rustforge.resources.fields import to_json
from rustforge.resources.resource import Resource

_NATIVE = frozenset({str, int, bool})
_MISSING = object()
_METHODS = ("serialize", "declared_values", "get_value", "loaded_relation")


def serializer(resource: Any, include: tuple[str, ...],
               base: type) -> Callable[[Any, Any], dict] | None:
    """``fn(obj, req)`` equal to ``resource.serialize(obj, req, include=include)``,
    or None when the resource's class overrides how it serializes. ``base`` is
    ``ModelResource``, passed in because it imports this module."""
    cls = type(resource)
    cache = cls.__dict__.get("_rf_serializers")
    if cache is None:
        cache = {}
        cls._rf_serializers = cache  # per class: a subclass declares other fields
    make = cache.get(include)
    if make is None:
        make = cache[include] = _generate(cls, include, base) if _plain(cls, base) else _NONE
    return None if make is _NONE else make(resource)


def _NONE(resource: Any) -> None:  # cached "this class keeps the generic path"
    return None


def _plain(cls: type, model_resource: type) -> bool:
    if not issubclass(cls, model_resource):
        return False
    base = {"serialize": Resource, "declared_values": model_resource,
            "get_value": model_resource, "loaded_relation": Resource}
    return all(getattr(cls, name) is getattr(base[name], name) for name in _METHODS)


def _generate(cls: Any, include: tuple[str, ...], base: type) -> Callable[[Any], Any]:
    """``make(resource) -> fn(obj, req)`` for one class and include list.

    Names in the generated source are positional; field names only appear
    as ``repr()`` string literals.
    """
    namespace: dict[str, Any] = {"_native": _NATIVE, "_to_json": to_json, "_missing": _MISSING,
                                 "_convert": _convert, "_places": cls._places}
    lines = ["def make(self):", f"  children = [None] * {len(include)}",
             "  def serialize(obj, req):", "    data = obj.__data__"]
    items = []
    for i, name in enumerate(cls.field_schemas):
        lines += [f"    v{i} = data.get({name!r})",
                  f"    if v{i} is not None and v{i}.__class__ not in _native:",
                  f"        v{i} = _convert(_places, {name!r}, v{i})"]
        items.append(f"{name!r}: v{i}")
    lines.append(f"    out = {{{', '.join(items)}}}")  # one dict, in the declared order
    for i, (name, comp) in enumerate(cls.computed_fields.items()):
        namespace[f"fn{i}"] = comp.fn
        value = f"_to_json(fn{i}(self, obj))"
        if comp.when is None:
            lines.append(f"    out[{name!r}] = {value}")
        else:
            namespace[f"when{i}"] = comp.when
            lines += [f"    if when{i}(req, obj):", f"        out[{name!r}] = {value}"]
    for i, name in enumerate(include):
        nested = cls.nested_fields[name]
        attr = nested.attr or nested.name
        namespace[f"nested{i}"] = nested
        if nested.many:  # a backref list, loaded into __dict__
            lines.append(f"    value = getattr(obj, '__dict__', {{}}).get({attr!r}, _missing)")
        else:  # a foreign key's row, in __rel__ (or set on the instance)
            lines += ["    rel = getattr(obj, '__rel__', None)",
                      f"    if rel is not None and {attr!r} in rel:",
                      f"        value = rel[{attr!r}]",
                      "    else:",
                      f"        value = getattr(obj, '__dict__', {{}}).get({attr!r}, _missing)"]
        lines += ["    if value is not _missing:",
                  f"        child = children[{i}] or _child(children, {i}, nested{i}, _base)"]
        if nested.many:
            lines.append(f"        out[{name!r}] = [child(item, req) for item in value]")
        else:
            lines.append(f"        out[{name!r}] = None if value is None else child(value, req)")
    lines += ["    return out", "  return serialize"]
    namespace["_child"], namespace["_base"] = _child, base
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<rustforge serializer {cls.__name__}>", "exec"), namespace)  # noqa: S102
    return namespace["make"]


def _child(children: list, index: int, nested: Any, base: type) -> Callable[[Any, Any], dict]:
    """How the related rows of one list are serialized: as
    ``nested.resource().serialize`` (one nested resource per list, not per row)."""
    child = nested.resource()
    fast = serializer(child, (), base)
    children[index] = fast if fast is not None else child.serialize
    return children[index]


def _convert(places: dict[str, int], name: str, value: Any) -> Any:
    """``declared_values``' conversion of one value JSON cannot hold as it is."""
    if name in places:
        value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-places[name]))
    return to_json(value)
