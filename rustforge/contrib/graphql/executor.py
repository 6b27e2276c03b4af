"""graphql-core's executor with short paths for plain leaf fields and for objects.

A list of 20 rows with five columns each is a hundred fields, and
graphql-core resolves every one of them the same general way: a response
path, a ``GraphQLResolveInfo`` of fourteen values, the resolver, then
``complete_value`` walking the type (non-null? list? leaf? abstract?) down
to the scalar's ``coerce_output_value``. For most fields of an API none of
that is needed: the value is an attribute of the row and the type a scalar.

:class:`ShortPathExecutor` looks at each selection of an object type once per
request and marks a field *plain* when

* it is a field of the schema (not ``__typename``) and no middleware runs;
* it takes no arguments;
* its type is a scalar or an enum, non-null or not, and its resolver is
  graphql-core's default one (an attribute, or a key of a dict) or a
  :class:`DirectResolver` (:class:`ColumnReader`: a model column, a
  foreign key's raw key);
* or its type is an object type (without ``is_type_of``) and its resolver
  a :class:`DirectResolver` (a foreign key's related row, once loaded for
  its batch and checked in this request).

A field behind a permission, a type with a read check, a computed field:
each has its own resolver and is not plain.

A plain field's value is read (``DirectResolver.ready``, without an
``info``) and coerced, or its object's selection executed, directly.
Whatever is not the everyday case goes back to graphql-core's own steps
with the value already read: a value the resolver cannot give without its
full call (:data:`NOT_READY`), a None (null, or the error of a null on a
non-null field), an exception, a callable attribute (the default resolver
calls it with ``info``), a scalar that coerces to None; an exception raised
while reading, coercing or executing the object's selection is handled by
graphql-core's ``handle_field_error`` with the field's path, as
``execute_field`` would. Every other field (lists, computed and guarded
fields) runs ``execute_field`` unchanged.

Completing an object, or a ``list`` of objects, takes fewer steps too (see
:meth:`ShortPathExecutor.complete_value`): the object's selection goes straight
to ``execute_fields``, skipping five calls per object that only re-check
the type. A None, an exception, an object type with ``is_type_of`` and an
iterable that is not a ``list`` take graphql-core's steps.

The answer, errors and their paths and locations included, is the one
graphql-core gives (tests/contrib/graphql/test_graphql_executor.py
compares them). Only for synchronous execution without incremental
delivery: :func:`run <rustforge.contrib.graphql.execution.run>` passes
:func:`never_awaitable`; with any other ``is_awaitable`` the executor is
graphql-core's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeGuard

from graphql import (
    Executor,
    GraphQLBoolean,
    GraphQLID,
    GraphQLObjectType,
    GraphQLString,
    Undefined,
    default_field_resolver,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path
from graphql.type import (
    GraphQLField,
    GraphQLList,
    get_nullable_type,
    is_leaf_type,
)


def never_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """``is_awaitable`` for resolvers that are all synchronous.

    PERF: graphql-core's default check costs a call per resolved value.
    """
    return False


# What DirectResolver.ready gives when the value needs the resolver's full call.
NOT_READY: Any = object()


class DirectResolver:
    """A resolver the executor may ask for its value without building ``info``:
    ``ready(source, context)`` gives the value, or :data:`NOT_READY` when
    only the full call ``resolver(source, info)`` can (a first load, a check
    not made yet in this request)."""

    __slots__ = ()

    def ready(self, source: Any, context: Any) -> Any:
        raise NotImplementedError

    def __call__(self, source: Any, info: Any) -> Any:
        raise NotImplementedError


class ColumnReader(DirectResolver):
    """Reads one value of a row: ``getattr(row, attr)``, or
    ``row.__data__.get(attr)`` for ``raw`` (what peewee's own accessor of a
    column reads; for a foreign key, its key without loading the related
    row). The executor reads a raw column inline."""

    __slots__ = ("attr", "raw")

    def __init__(self, attr: str, *, raw: bool = False) -> None:
        self.attr = attr
        self.raw = raw

    def ready(self, row: Any, context: Any) -> Any:
        if self.raw:
            return row.__data__.get(self.attr)
        return getattr(row, self.attr)

    def __call__(self, row: Any, info: Any) -> Any:
        return self.ready(row, None)


# One step of a plan: (response name, field details, field definition, field
# name, the key a raw ColumnReader reads from ``__data__`` (or None), the
# resolver's ``ready`` (both None: the default resolver), coerce (a plain
# leaf), quick coercions (see _QUICK), object type (an object field of a
# DirectResolver)); neither coerce nor an object type: the field goes through
# execute_field.
_Step = tuple[str, FieldDetailsList, GraphQLField | None, str, str | None,
              Callable[[Any, Any], Any] | None, Callable[[Any], Any] | None,
              dict[type, Any], GraphQLObjectType | None]

# PERF: what graphql-core's own scalars make of the commonest values, by their
# exact class: None for "the value itself" (a call each saved for most text,
# id and boolean columns). Anything else is coerced by the scalar.
_QUICK: dict[Any, dict[type, Any]] = {
    GraphQLString: {str: None},
    GraphQLID: {str: None, int: str},  # serialize_id: str(int(value))
    GraphQLBoolean: {bool: None},
}
_NO_QUICK: dict[type, Any] = {}
_COERCE: Any = object()  # "not quick: call coerce"


class ShortPathExecutor(Executor):
    """graphql-core's ``Executor`` with plain fields read, and objects
    completed, in fewer steps (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The short paths assume synchronous resolvers and no incremental
        # delivery (graphql-core's execute() refuses a schema with @defer/@stream).
        self._short = (self.is_awaitable is never_awaitable
                       and self.schema.get_directive("defer") is None
                       and self.schema.get_directive("stream") is None)
        # (type, id of the grouped field set) -> (the set, kept alive so that its
        # id stays its own, and its plan). Per request: the sets are built per
        # execution, once per selection and type (graphql-core memoizes them).
        self._plans: dict[tuple[GraphQLObjectType, int],
                          tuple[GroupedFieldSet, list[_Step]]] = {}
        self._mappings: dict[type, bool] = {}
        # id of an output type -> (object type, list?) or None (see complete_value).
        self._shapes: dict[int, tuple[GraphQLObjectType, bool] | None] = {}

    def _plan(self, parent_type: GraphQLObjectType,
              grouped_field_set: GroupedFieldSet) -> list[_Step]:
        key = (parent_type, id(grouped_field_set))
        found = self._plans.get(key)
        if found is not None:
            return found[1]
        plain = (self.middleware_manager is None
                 and self.field_resolver is default_field_resolver)
        steps: list[_Step] = []
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            name = node.name.value
            field_def = self.schema.get_field(parent_type, name)
            raw: str | None = None
            ready: Callable[[Any, Any], Any] | None = None
            coerce: Callable[[Any], Any] | None = None
            quick = _NO_QUICK
            object_type: GraphQLObjectType | None = None
            if plain and field_def is not None and not name.startswith("__") \
                    and not field_def.args and not node.arguments:
                resolve = field_def.resolve
                named = get_nullable_type(field_def.type)
                direct = isinstance(resolve, DirectResolver)
                if is_leaf_type(named) and (resolve is None or direct):
                    if type(resolve) is ColumnReader and resolve.raw:
                        raw = resolve.attr  # PERF: read inline, no call
                    elif direct:
                        ready = resolve.ready  # type: ignore[union-attr]
                    coerce = named.coerce_output_value
                    quick = _QUICK.get(named, _NO_QUICK)
                elif direct and isinstance(named, GraphQLObjectType) \
                        and named.is_type_of is None:
                    ready = resolve.ready  # type: ignore[union-attr]
                    object_type = named
            steps.append((response_name, details, field_def, name, raw, ready, coerce, quick,
                          object_type))
        self._plans[key] = (grouped_field_set, steps)
        return steps

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any,
                       path: Path | None, grouped_field_set: GroupedFieldSet,
                       position_context: Any) -> Any:
        if not self._short:
            return super().execute_fields(parent_type, source_value, path,
                                          grouped_field_set, position_context)
        results: dict[str, Any] = {}
        execute_field = self.execute_field
        context = self.context_value
        mapping: bool | None = None  # the source is a dict (default resolver: keys)
        found = self._plans.get((parent_type, id(grouped_field_set)))
        steps = found[1] if found is not None else self._plan(parent_type, grouped_field_set)
        for response_name, details, field_def, name, raw, ready, coerce, quick, object_type \
                in steps:
            if coerce is None and object_type is None:
                result = execute_field(parent_type, source_value, details,
                                       Path(path, response_name, parent_type.name),
                                       position_context)
                if result is not Undefined:
                    results[response_name] = result
                continue
            try:
                if raw is not None:
                    value = source_value.__data__.get(raw)
                elif ready is not None:
                    value = ready(source_value, context)
                    if value is NOT_READY:
                        result = execute_field(parent_type, source_value, details,
                                               Path(path, response_name, parent_type.name),
                                               position_context)
                        if result is not Undefined:
                            results[response_name] = result
                        continue
                else:
                    if mapping is None:
                        mapping = self._is_mapping(source_value.__class__)
                    value = source_value.get(name) if mapping else \
                        getattr(source_value, name, None)
                convert = quick.get(value.__class__, _COERCE)
                if convert is not _COERCE:
                    results[response_name] = value if convert is None else convert(value)
                    continue
                if value is not None and not isinstance(value, Exception):
                    if object_type is not None:
                        fields = self.collect_subfields(object_type, details).grouped_field_set
                        results[response_name] = self.execute_fields(
                            object_type, value, Path(path, response_name, parent_type.name),
                            fields, position_context)
                        continue
                    if not callable(value):
                        coerced = coerce(value)  # type: ignore[misc]
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
            except Exception as raw_error:  # noqa: BLE001 - graphql-core's own handling
                self.handle_field_error(raw_error, field_def.type,  # type: ignore[union-attr]
                                        details, Path(path, response_name, parent_type.name))
                results[response_name] = None
                continue
            results[response_name] = self._complete(
                parent_type, field_def, details, Path(path, response_name, parent_type.name),
                value, position_context,
                call=raw is None and ready is None and callable(value))
        return results

    def _is_mapping(self, cls: type) -> bool:
        """``isinstance(source, Mapping)`` by the source's class, once per
        request (the ABC check is slow for the many objects that are not)."""
        found = self._mappings.get(cls)
        if found is None:
            found = self._mappings[cls] = issubclass(cls, Mapping)
        return found

    def _complete(self, parent_type: GraphQLObjectType, field_def: Any,
                  details: FieldDetailsList, path: Path, value: Any, position_context: Any,
                  *, call: bool) -> Any:
        """The rest of ``execute_field`` for a value already read: the default
        resolver's call of a callable value, then ``complete_value``."""
        info = self.build_resolve_info(field_def, [d.node for d in details], parent_type, path)
        try:
            if call:
                value = value(info)
            return self.complete_value(field_def.type, details, info, path, value,
                                       position_context)
        except Exception as raw_error:  # noqa: BLE001 - graphql-core's own handling
            self.handle_field_error(raw_error, field_def.type, details, path)
            return None

    def _shape(self, return_type: Any) -> tuple[GraphQLObjectType, bool] | None:
        """``(object type, False)`` for a (non-null) object type,
        ``(object type, True)`` for a (non-null) list of (non-null) objects,
        None for anything else; object types with ``is_type_of`` are
        anything else."""
        key = id(return_type)
        if key in self._shapes:
            return self._shapes[key]
        inner = get_nullable_type(return_type)
        many = isinstance(inner, GraphQLList)
        if many:
            inner = get_nullable_type(inner.of_type)
        found = (inner, many) if isinstance(inner, GraphQLObjectType) \
            and inner.is_type_of is None else None
        self._shapes[key] = found
        return found

    def complete_value(self, return_type: Any, field_details_list: FieldDetailsList,
                       info: Any, path: Path, result: Any, position_context: Any) -> Any:
        """graphql-core's ``complete_value`` with objects and lists of objects
        completed in fewer steps: the object's selection straight to
        ``execute_fields`` (as ``complete_object_value`` does for a type
        without ``is_type_of``), and a list's items one after another (as
        ``complete_list_item_value`` does, errors handled per item). A None,
        an exception or anything but a ``list`` takes graphql-core's steps."""
        shape = self._shape(return_type) if self._short else None
        if shape is None or result is None or isinstance(result, Exception):
            return super().complete_value(return_type, field_details_list, info, path,
                                          result, position_context)
        object_type, many = shape
        fields = self.collect_subfields(object_type, field_details_list).grouped_field_set
        if not many:
            return self.execute_fields(object_type, result, path, fields, position_context)
        if type(result) is not list:
            return super().complete_value(return_type, field_details_list, info, path,
                                          result, position_context)
        item_type = get_nullable_type(return_type).of_type
        completed: list[Any] = []
        execute_fields = self.execute_fields
        for index, item in enumerate(result):
            item_path = Path(path, index, None)
            if item is None or isinstance(item, Exception):
                self.complete_list_item_value(item, completed, item_type, field_details_list,
                                              info, item_path, position_context)
                continue
            try:
                completed.append(execute_fields(object_type, item, item_path, fields,
                                                position_context))
            except Exception as raw_error:  # noqa: BLE001 - graphql-core's own handling
                self.handle_field_error(raw_error, item_type, field_details_list, item_path)
                completed.append(None)
        return completed
