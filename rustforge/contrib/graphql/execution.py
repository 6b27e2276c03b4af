"""Running one GraphQL request: bounded parse, limits, validation (all cached
per process per document), execution, and the errors a client may see.

    result = run(schema, query, variables, operation_name, context)
    result.status, result.body    # 200/400/405 and {"data": ..., "errors": [...]}
"""

from __future__ import annotations

import json
import logging
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.error import GraphQLSyntaxError
from graphql.language import DocumentNode, OperationType

from rustforge.contrib.graphql.context import Context
from rustforge.contrib.graphql.executor import ShortPathExecutor, never_awaitable
from rustforge.contrib.graphql.limits import Limits, check_limits

logger = logging.getLogger("rustforge.graphql")

INTERNAL = "INTERNAL_SERVER_ERROR"


@dataclass
class Prepared:
    """A parsed document and what was learnt about it once."""

    document: DocumentNode | None
    errors: list[GraphQLError]


class DocumentCache:
    """Parsed, limit-checked and validated documents of this process (LRU).

    Keyed by the query text: a repeated query skips parsing and validation,
    and a rejected one is rejected again without work.
    """

    def __init__(self, schema: GraphQLSchema, size: int) -> None:
        self.schema = schema
        self.size = size
        self.entries: OrderedDict[tuple, Prepared] = OrderedDict()
        self.hits = 0

    def get(self, key: tuple) -> Prepared | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
            self.hits += 1
        return found

    def put(self, key: tuple, value: Prepared) -> None:
        if self.size <= 0:
            return
        self.entries[key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()
        self.hits = 0


_cache: DocumentCache | None = None


def document_cache(schema: GraphQLSchema) -> DocumentCache:
    """This process's cache for ``schema`` (a rebuilt schema starts a fresh one:
    cached documents were validated against the old types)."""
    from rustforge.conf import settings

    global _cache
    if _cache is None or _cache.schema is not schema:
        _cache = DocumentCache(schema, settings.GRAPHQL_DOCUMENT_CACHE_SIZE)
    return _cache


def clear_caches() -> None:
    """Forget every cached document (settings changed, tests)."""
    global _cache
    _cache = None


def introspection_enabled() -> bool:
    """GRAPHQL_INTROSPECTION, or DEBUG when it is None."""
    from rustforge.conf import settings

    value = settings.GRAPHQL_INTROSPECTION
    return bool(settings.DEBUG if value is None else value)


def prepare(schema: GraphQLSchema, query: str) -> Prepared:
    """Parse (bounded in tokens), check limits, validate: cached per document."""
    from rustforge.conf import settings

    cache = document_cache(schema)
    key = (query, introspection_enabled())
    found = cache.get(key)
    if found is not None:
        return found
    prepared = _prepare(schema, query, settings)
    cache.put(key, prepared)
    return prepared


def _prepare(schema: GraphQLSchema, query: str, settings: Any) -> Prepared:
    if len(query) > settings.GRAPHQL_MAX_QUERY_LENGTH:
        return Prepared(None, [_bad(f"The query is longer than "
                                    f"{settings.GRAPHQL_MAX_QUERY_LENGTH} characters.",
                                    "QUERY_TOO_LONG")])
    try:
        # The token bound stops the lexer itself: a huge document is never parsed whole.
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS, no_location=False)
    except GraphQLSyntaxError as exc:
        code = "TOO_MANY_TOKENS" if "tokens. Parsing aborted" in exc.message \
            else "GRAPHQL_PARSE_FAILED"
        return Prepared(None, [GraphQLError(exc.message, source=exc.source,
                                            positions=exc.positions,
                                            extensions={"code": code})])
    except RecursionError:
        return Prepared(None, [_bad("The query is nested too deeply.", "QUERY_TOO_DEEP")])
    errors = check_limits(schema, document, Limits.from_settings())
    if errors:
        return Prepared(None, errors)
    rules = list(specified_rules)
    if not introspection_enabled():
        rules.append(NoSchemaIntrospectionCustomRule)
    errors = validate(schema, document, rules, max_errors=20)
    if errors:
        for error in errors:
            error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
            # A client's mistake even when a scalar's parser raised (e.g. int() of a
            # 5000-digit literal): never masked as an internal error.
            error.original_error = None
            if len(error.message) > 300:
                error.message = error.message[:300] + "…"
        return Prepared(None, errors)
    return Prepared(document, [])


def _bad(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


@dataclass
class Outcome:
    status: int
    body: dict
    allow: str | None = None


def run(schema: GraphQLSchema, query: Any, variables: Any, operation_name: Any,
        context: Context, *, method: str = "POST", debug: bool = False) -> Outcome:
    """One request: 400 for bad requests, 405 for a mutation over GET, else 200."""
    if not isinstance(query, str) or not query.strip():
        return _request_error("Send the query as a non-empty string in `query`.")
    if variables is not None and not isinstance(variables, dict):
        return _request_error("`variables` must be a JSON object.")
    if operation_name is not None and not isinstance(operation_name, str):
        return _request_error("`operationName` must be a string.")
    if not _encodable(query, variables):
        # A lone surrogate would reach the database driver and fail there (PostgreSQL).
        return _request_error("The request contains text that is not valid Unicode "
                              "(a lone surrogate).")
    prepared = prepare(schema, query)
    if prepared.errors:
        return Outcome(400, {"errors": [format_error(e, debug) for e in prepared.errors]})
    document = cast(DocumentNode, prepared.document)  # set whenever there are no errors
    op = get_operation_ast(document, operation_name)
    if op is None:
        message = (f"Unknown operation named {operation_name!r}." if operation_name
                   else "Name the operation to run in `operationName`.")
        return _request_error(message)
    if op.operation is not OperationType.QUERY and method != "POST":
        return Outcome(405, {"errors": [{"message": f"Send a {op.operation.value} with POST; "
                                                    f"GET runs queries only.",
                                         "extensions": {"code": "METHOD_NOT_ALLOWED"}}]},
                       allow="POST")
    if op.operation is OperationType.SUBSCRIPTION:
        return _request_error("Subscriptions are not supported over HTTP.")
    result = cast(ExecutionResult, execute(  # synchronous resolvers: never an awaitable
        schema, document, context_value=context, variable_values=variables,
        operation_name=operation_name, is_awaitable=never_awaitable,
        executor_class=ShortPathExecutor))
    return _outcome(result, debug)


def _encodable(query: str, variables: dict | None) -> bool:
    try:
        query.encode("utf-8")
        if variables:
            json.dumps(variables, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return False
    return True


def _request_error(message: str) -> Outcome:
    return Outcome(400, {"errors": [{"message": message,
                                     "extensions": {"code": "BAD_REQUEST"}}]})


def _outcome(result: ExecutionResult, debug: bool) -> Outcome:
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [item for error in result.errors
                          for item in _expand(error, debug)]
    if result.data is None and result.errors and all(
            e.path is None for e in result.errors):
        # Variables that do not fit their types: nothing ran.
        return Outcome(400, body)
    body["data"] = result.data
    return Outcome(200, body)


def _expand(error: GraphQLError, debug: bool) -> list[dict]:
    """Form errors become one error per field path; the rest one each."""
    fields = (error.extensions or {}).get("fields")
    if not isinstance(fields, dict):
        return [format_error(error, debug)]
    base = format_error(error, debug)
    code = base["extensions"]["code"]
    out = []
    for path, messages in fields.items():
        for message in messages:
            out.append({**base, "message": message,
                        "extensions": {"code": code, "field": path}})
    return out


def format_error(error: GraphQLError, debug: bool) -> dict:
    """The error as JSON; an unexpected exception is masked unless ``debug``."""
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        logger.error("GraphQL resolver failed at %s", ".".join(map(str, error.path or ())),
                     exc_info=original)
        out: dict[str, Any] = {"message": "Internal server error.",
                               "extensions": {"code": INTERNAL}}
        if debug:
            out["message"] = f"{type(original).__name__}: {original}"
            out["extensions"]["traceback"] = traceback.format_exception(
                type(original), original, original.__traceback__)
    else:
        out = {"message": error.message,
               "extensions": {"code": "BAD_REQUEST", **(error.extensions or {})}}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path is not None:
        out["path"] = list(error.path)
    return out
