"""Scalars for model columns that GraphQL's five built-in scalars do not cover.

Input values are passed on as given (strings, numbers): the forms behind the
mutations validate them and report errors with their field paths.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from graphql import GraphQLError, GraphQLScalarType
from graphql.language import (
    BooleanValueNode,
    FloatValueNode,
    IntValueNode,
    StringValueNode,
    ValueNode,
)

_BIG = 2**63


def _literal(node: ValueNode, _variables: Any = None) -> Any:
    if isinstance(node, (StringValueNode, BooleanValueNode)):
        return node.value
    if isinstance(node, IntValueNode):
        if len(node.value) > 40:  # far past 64 bits; int() of huge literals is slow
            raise GraphQLError("The number is too large.", node)
        return int(node.value)
    if isinstance(node, FloatValueNode):
        return node.value  # as text: a Decimal must not pass through a float
    raise GraphQLError("Expected a string or a number.", node)


def _iso(value: Any) -> str:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _text(value: Any) -> Any:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise GraphQLError("Expected a string or a number.")
    return value


def _big_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -_BIG <= value < _BIG:
        raise GraphQLError("BigInt cannot represent this value: expected a 64-bit integer.")
    return value


def _big_int_literal(node: ValueNode, _variables: Any = None) -> int:
    return _big_int(_literal(node))


def _serialize_big(value: Any) -> int:
    return int(value)


def _serialize_decimal(value: Any) -> str:
    # str() of a Decimal keeps its exact digits; JSON numbers would go through float.
    return str(value)


def _json_value(value: Any) -> Any:
    return value


def _json_literal(node: ValueNode, variables: Any = None) -> Any:
    from graphql import value_from_ast_untyped

    return value_from_ast_untyped(node, variables)


DateTime = GraphQLScalarType(
    "DateTime", description="A date and time in ISO 8601 (e.g. 2026-01-31T12:00:00).",
    serialize=_iso, parse_value=_text, parse_literal=_literal)
Date = GraphQLScalarType(
    "Date", description="A calendar date in ISO 8601 (e.g. 2026-01-31).",
    serialize=_iso, parse_value=_text, parse_literal=_literal)
Time = GraphQLScalarType(
    "Time", description="A time of day in ISO 8601 (e.g. 13:45:00).",
    serialize=_iso, parse_value=_text, parse_literal=_literal)
Decimal = GraphQLScalarType(
    "Decimal", description="An exact decimal number, as a string (e.g. \"12.50\").",
    serialize=_serialize_decimal, parse_value=_text, parse_literal=_literal)
BigInt = GraphQLScalarType(
    "BigInt", description="A 64-bit integer (GraphQL's Int holds only 32 bits).",
    serialize=_serialize_big, parse_value=_big_int,
    parse_literal=_big_int_literal)
JSON = GraphQLScalarType(
    "JSON", description="Any JSON value.",
    serialize=_json_value, parse_value=_json_value, parse_literal=_json_literal)
UUID = GraphQLScalarType(
    "UUID", description="A UUID in its canonical text form.",
    serialize=lambda v: str(v) if isinstance(v, uuid.UUID) else str(uuid.UUID(str(v))),
    parse_value=_text, parse_literal=_literal)

CUSTOM_SCALARS = {s.name: s for s in (DateTime, Date, Time, Decimal, BigInt, JSON, UUID)}
