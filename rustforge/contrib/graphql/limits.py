"""Limits checked on a parsed document before it is validated or executed.

Depth, aliases and cost are counted over the document *as executed*:
fragment spreads are expanded (each fragment is measured once and its
figures reused, so an exponential "fragment bomb" is measured in linear
time and rejected), and a fragment that spreads itself, directly or not,
is rejected. This runs before graphql-core's validation, whose
overlapping-fields rule is quadratic in the number of fields.

Cost: every field costs 1; a connection field (one taking ``first``)
multiplies the cost of what is selected inside it by its page size
(``first`` as written; a variable counts as its default or, without one, as
GRAPHQL_MAX_PAGE_SIZE: the worst case, so the figure depends only on the
document and is cached with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLSchema, get_named_type
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_cost: int
    max_aliases: int
    page_size: int
    max_page_size: int

    @classmethod
    def from_settings(cls) -> Limits:
        from rustforge.conf import settings

        return cls(settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_COST,
                   settings.GRAPHQL_MAX_ALIASES, settings.GRAPHQL_PAGE_SIZE,
                   settings.GRAPHQL_MAX_PAGE_SIZE)


@dataclass
class Measure:
    depth: int = 0
    cost: int = 0
    aliases: int = 0


def _error(message: str, code: str, **extra: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extra})


class _Over(Exception):
    def __init__(self, error: GraphQLError) -> None:
        self.error = error


class _Analyzer:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, limits: Limits) -> None:
        self.schema = schema
        self.limits = limits
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.memo: dict[str, Measure] = {}
        self.visiting: set[str] = set()
        self.defaults: dict[str, int] = {}

    def operation(self, op: OperationDefinitionNode) -> Measure:
        self.defaults = {}
        for var in op.variable_definitions or ():
            default = var.default_value
            if isinstance(default, IntValueNode) and len(default.value) <= 9:
                self.defaults[var.variable.name.value] = int(default.value)
        root = {OperationType.QUERY: self.schema.query_type,
                OperationType.MUTATION: self.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.schema.subscription_type}[op.operation]
        measure = self.selections(op.selection_set, root, 0)
        self.check(measure)
        return measure

    def selections(self, node: SelectionSetNode | None, parent: Any, level: int) -> Measure:
        total = Measure()
        if node is None:
            return total
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                part = self.field(sel, parent, level)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                part = self.selections(sel.selection_set,
                                       self.schema.get_type(cond.name.value) if cond else parent,
                                       level)
            elif isinstance(sel, FragmentSpreadNode):
                part = self.spread(sel.name.value, level)
            else:
                continue
            total.depth = max(total.depth, part.depth)
            total.cost += part.cost
            total.aliases += part.aliases
            self.check(total)
        return total

    def check(self, measure: Measure) -> None:
        """Stop as soon as a figure is over: a bomb is never measured to its end."""
        limits = self.limits
        if measure.depth > limits.max_depth:
            raise _Over(_error(f"The query is more than {limits.max_depth} levels deep.",
                               "QUERY_TOO_DEEP", limit=limits.max_depth))
        if measure.aliases > limits.max_aliases:
            raise _Over(_error(f"The query uses more than {limits.max_aliases} aliases "
                               f"(counted with fragments expanded).", "TOO_MANY_ALIASES",
                               limit=limits.max_aliases))
        if measure.cost > limits.max_cost:
            raise _Over(_error(
                f"The query is too expensive (cost over {limits.max_cost}, counted with "
                f"fragments expanded and lists at their page size); ask for fewer fields "
                f"or smaller pages.", "QUERY_TOO_COSTLY", limit=limits.max_cost))

    def spread(self, name: str, level: int) -> Measure:
        # A fragment's figures do not depend on where it is spread, except its depth,
        # which is relative: measure it once at depth 0 and shift it.
        if name not in self.memo:
            if name in self.visiting:
                raise _Over(_error(f"Fragment {name!r} spreads itself (a fragment cycle).",
                                   "GRAPHQL_VALIDATION_FAILED"))
            fragment = self.fragments.get(name)
            if fragment is None:
                return Measure()  # validation reports the unknown fragment
            self.visiting.add(name)
            parent = self.schema.get_type(fragment.type_condition.name.value)
            self.memo[name] = self.selections(fragment.selection_set, parent, 0)
            self.visiting.discard(name)
        measure = self.memo[name]
        self.check(Measure(level + measure.depth, 0, 0))
        return measure

    def field(self, node: FieldNode, parent: Any, level: int) -> Measure:
        if level + 1 > self.limits.max_depth:
            self.check(Measure(depth=level + 1))
        fields = getattr(parent, "fields", None)
        field_def = fields.get(node.name.value) if fields else None
        child_type = get_named_type(field_def.type) if field_def is not None else None
        inner = self.selections(node.selection_set, child_type, level + 1)
        factor = self.page(node) if field_def is not None and "first" in field_def.args else 1
        return Measure(depth=inner.depth + 1, cost=1 + factor * inner.cost,
                       aliases=(1 if node.alias else 0) + inner.aliases)

    def page(self, node: FieldNode) -> int:
        for arg in node.arguments or ():
            if arg.name.value != "first":
                continue
            if isinstance(arg.value, IntValueNode):
                digits = arg.value.value
                if len(digits) > 9:  # int() of thousands of digits is slow (or refused)
                    return self.limits.max_page_size
                return max(0, min(int(digits), self.limits.max_page_size))
            if isinstance(arg.value, VariableNode):
                return self.defaults.get(arg.value.name.value, self.limits.max_page_size)
        return self.limits.page_size


def check_limits(schema: GraphQLSchema, document: DocumentNode,
                 limits: Limits) -> list[GraphQLError]:
    """The limit errors of ``document`` (empty when every operation fits)."""
    analyzer = _Analyzer(schema, document, limits)
    for op in document.definitions:
        if isinstance(op, OperationDefinitionNode):
            try:
                analyzer.operation(op)
            except _Over as over:
                return [over.error]
            except RecursionError:
                return [_error("The query is nested too deeply.", "QUERY_TOO_DEEP",
                               limit=limits.max_depth)]
    return []
