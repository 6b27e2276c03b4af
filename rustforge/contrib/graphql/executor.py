"""graphql-core's executor with a short path for plain leaf fields.

A list of 20 rows with five columns each is a hundred fields, and
graphql-core resolves every one of them the same general way: a response
path, a ``GraphQLResolveInfo`` of fourteen values, the resolver, then
``complete_value`` walking the type (non-null? list? leaf? abstract?) down
to the scalar's ``coerce_output_value``. For most fields of an API none of
that is needed: the value is an attribute of the row and the type a scalar.

:class:`LeafExecutor` looks at each selection of an object type once per
request and marks a field *plain* when

* it is a field of the schema (not ``__typename``) and no middleware runs;
* it takes no arguments;
* its type is a scalar or an enum, non-null or not (no list, no object);
* its resolver is graphql-core's default one (an attribute, or a key of a
  dict) or a :class:`ColumnReader` (a model column under its camelCase
  name, a foreign key's raw key). A field behind a permission, a type with
  a read check, a computed field: each has its own resolver and is not
  plain.

A plain field's value is read and coerced directly. Whatever is not the
everyday case goes back to graphql-core's own steps with the value already
read: a None (null, or the error of a null on a non-null field), an
exception, a callable attribute (the default resolver calls it with
``info``), a scalar that coerces to None; an exception raised while
reading or coercing is handled by graphql-core's ``handle_field_error``
with the field's path, as ``execute_field`` would. Every other field
(objects, lists, computed and guarded fields) runs ``execute_field``
unchanged. The answer, errors and their paths included, is the one
graphql-core gives.

Only for synchronous execution: :func:`run <rustforge.contrib.graphql.execution.run>`
passes :func:`never_awaitable`; with any other ``is_awaitable`` the executor
is graphql-core's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeGuard

from graphql import Executor, GraphQLObjectType, Undefined, default_field_resolver
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path
from graphql.type import GraphQLField, get_nullable_type, is_leaf_type


def never_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """``is_awaitable`` for resolvers that are all synchronous.

    PERF: graphql-core's default check costs a call per resolved value.
    """
    return False


class ColumnReader:
    """A resolver that reads one value of a row and needs no ``info``:
    ``getattr(row, attr)``, or ``row.__data__.get(attr)`` for ``raw`` (a
    foreign key's key, without loading the related row)."""

    __slots__ = ("attr", "raw")

    def __init__(self, attr: str, *, raw: bool = False) -> None:
        self.attr = attr
        self.raw = raw

    def read(self, row: Any) -> Any:
        if self.raw:
            return row.__data__.get(self.attr)
        return getattr(row, self.attr)

    def __call__(self, row: Any, info: Any) -> Any:
        return self.read(row)


# One step of a plan: (response name, field details, field definition, field
# name, reader or None for the default resolver, coerce or None when the field
# goes through execute_field).
_Step = tuple[str, FieldDetailsList, GraphQLField | None, str,
              Callable[[Any], Any] | None, Callable[[Any], Any] | None]


class LeafExecutor(Executor):
    """graphql-core's ``Executor`` with plain leaf fields read directly (see
    the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id of the grouped field set) -> (the set, kept alive so that its
        # id stays its own, and its plan). Per request: the sets are built per
        # execution, once per selection and type (graphql-core memoizes them).
        self._plans: dict[tuple[GraphQLObjectType, int],
                          tuple[GroupedFieldSet, list[_Step]]] = {}

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
            reader: Callable[[Any], Any] | None = None
            coerce: Callable[[Any], Any] | None = None
            if plain and field_def is not None and not name.startswith("__") \
                    and not field_def.args and not node.arguments:
                resolve = field_def.resolve
                named = get_nullable_type(field_def.type)
                if is_leaf_type(named) and (resolve is None or isinstance(resolve, ColumnReader)):
                    reader = resolve.read if resolve is not None else None
                    coerce = named.coerce_output_value
            steps.append((response_name, details, field_def, name, reader, coerce))
        self._plans[key] = (grouped_field_set, steps)
        return steps

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any,
                       path: Path | None, grouped_field_set: GroupedFieldSet,
                       position_context: Any) -> Any:
        if self.is_awaitable is not never_awaitable:
            return super().execute_fields(parent_type, source_value, path,
                                          grouped_field_set, position_context)
        results: dict[str, Any] = {}
        execute_field = self.execute_field
        for response_name, details, field_def, name, reader, coerce in \
                self._plan(parent_type, grouped_field_set):
            if coerce is None:
                result = execute_field(parent_type, source_value, details,
                                       Path(path, response_name, parent_type.name),
                                       position_context)
                if result is not Undefined:
                    results[response_name] = result
                continue
            try:
                if reader is not None:
                    value = reader(source_value)
                elif isinstance(source_value, Mapping):
                    value = source_value.get(name)
                else:
                    value = getattr(source_value, name, None)
                if value is not None and not isinstance(value, Exception) \
                        and not callable(value):
                    coerced = coerce(value)
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
                value, position_context, call=reader is None and callable(value))
        return results

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
