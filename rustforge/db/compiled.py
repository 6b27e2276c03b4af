"""A query that peewee builds and compiles once, then runs again with new values.

Building a peewee query object and walking it into SQL costs 50-200 us per
call for a join with a couple of conditions: more than the round trip to a
local PostgreSQL. A query that a framework runs on every request with only
its values changing (the session lookup of every logged-in request) is
therefore built once per database, with markers in place of the values, and
then run with the values put where the markers were:

    from rustforge.db.compiled import CompiledQuery

    session_by_key = CompiledQuery(
        Session,
        lambda key, now: (Session.select(Session, User)
                          .join(User, JOIN.LEFT_OUTER, on=(Session.user == User.id))
                          .where((Session.key_hash == key) & (Session.expires_at > now))
                          .limit(1)),
        converters=(Session.key_hash.db_value, Session.expires_at.db_value))

    row = session_by_key.first(key_hash, utcnow())    # a Session (with .user) or None

The SQL is exactly what peewee sends for ``build(key, now)``; rows come back
through the query's own cursor wrapper, so joined models land where peewee
puts them. ``converters`` do what the compared field would do to each value
(``field.db_value``). A model with a row scope (``rustforge.db.scoping``),
whose condition changes from request to request, and ``DATABASE_FAST_PATH =
False`` leave every call to peewee; so does a value that is itself a query
node. Binding the model to another database compiles again.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

import peewee

from rustforge.db.backends import takes_reuse_cursor
from rustforge.db.conversions import (
    RowBuilder,
    compile_converter,
    compile_statement,
    converter_slot,
    inline_constants,
)
from rustforge.db.fastpath import _concrete, _enabled


class _Mark:
    """Stands for the value at ``index`` while the query is compiled."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class _Plan:
    __slots__ = ("converters", "db", "query", "reuse", "rows", "statement")

    def __init__(self, db: peewee.Database, query: Any, statement: Any) -> None:
        self.db = db
        # Statements whose rows are all read at once run on the connection's
        # kept cursor (see LifecycleMixin.execute_sql).
        self.reuse = takes_reuse_cursor(db)
        self.query = query
        # (sql, params) for the call's values (rustforge.db.conversions.compile_statement)
        self.statement = statement
        # python_value of each selected column, as peewee's tuples() applies them.
        columns = peewee._normalize_model_select(query._returning)
        self.converters = compile_converter(columns)
        # Every field of one model and nothing joined: rows become instances
        # the way the fast path builds them (rustforge.db.conversions.RowBuilder).
        model = getattr(query, "model", None)
        self.rows = None
        if (model is not None and not query._joins and query._row_type is None
                and _same(query._returning, model._meta.sorted_fields)):
            self.rows = RowBuilder(model)


# Cached "this query goes through peewee every time" (checked by identity).
_PEEWEE = object()


class CompiledQuery:
    """``build(*values)`` compiled once per database; see the module docstring."""

    __slots__ = ("__weakref__", "_build", "_converters", "_model", "_plan")

    def __init__(self, model: type[peewee.Model], build: Callable[..., Any],
                 converters: Sequence[Callable[[Any], Any]]) -> None:
        self._model = model
        self._build = build
        self._converters = tuple(converters)
        self._plan: Any = None
        _instances.add(self)

    def _plan_for(self, db: Any) -> Any:
        plan = self._plan
        if plan is not None and (plan is _PEEWEE or plan.db is db):
            return plan
        plan = self._compile(db) if db is not None and _enabled() else _PEEWEE
        self._plan = plan
        return plan

    def _compile(self, db: peewee.Database) -> Any:
        marks = [_Mark(i) for i in range(len(self._converters))]
        query = self._build(*(peewee.Value(mark, converter=False) for mark in marks))
        models = {self._model, *_models_of(query)}
        if any(getattr(model, "_scope_fields", None) for model in models):
            return _PEEWEE
        sql, params = inline_constants(db, *db.get_sql_context().sql(query).query())
        marked = sorted(value.index for value in params if isinstance(value, _Mark))
        if marked != list(range(len(marks))):
            return _PEEWEE  # a value compiled away or twice: not a shape to reuse
        converters = self._converters
        slots = [converter_slot(p.index, converters[p.index]) if isinstance(p, _Mark) else p
                 for p in params]
        return _Plan(db, query, compile_statement(db, sql, slots))

    def _direct(self, values: tuple) -> Any:
        """The plan to run ``values`` with, or ``_PEEWEE``.

        A query node as a value needs peewee's compiler; so does None, which
        peewee turns into ``IS NULL`` where the compiled SQL says ``= %s``.
        """
        plan = self._plan_for(_concrete(self._model._meta.database))
        if plan is not _PEEWEE:
            for value in values:
                if value is None or isinstance(value, peewee.Node):
                    return _PEEWEE
        return plan

    def _cursor(self, plan: _Plan, values: tuple, read_at_once: bool = False) -> Any:
        """The cursor of the statement run with ``values``; the connection's
        kept one when the caller reads every row it needs before returning
        (``read_at_once``), and never closes it."""
        sql, params = plan.statement(values)
        if read_at_once and plan.reuse:
            return plan.db.execute_sql(sql, params, True)
        return plan.db.execute_sql(sql, params)

    def execute(self, *values: Any) -> Any:
        """The rows of ``build(*values)``, as peewee's cursor wrapper yields them."""
        plan = self._direct(values)
        if plan is _PEEWEE:
            return self._build(*values).execute()
        return plan.query._get_cursor_wrapper(self._cursor(plan, values))

    def objects(self, *values: Any) -> list:
        """``list(build(*values))``: model instances (or what the query's row
        type makes), every row fetched at once."""
        plan = self._direct(values)
        if plan is _PEEWEE:
            return list(self._build(*values))
        if plan.rows is None:  # peewee's wrapper reads row by row, building as it goes
            return list(plan.query._get_cursor_wrapper(self._cursor(plan, values)))
        return plan.rows.build_all(self._cursor(plan, values, True).fetchall())

    def raw_rows(self, *values: Any) -> list | None:
        """Every row of ``build(*values)`` as the driver returns it, before any
        ``python_value``, fetched at once; None, and nothing run, when the call
        goes through peewee or the query is not every field of one model (the
        rows ``objects()`` builds its instances from, for a caller that
        converts the values itself)."""
        plan = self._direct(values)
        if plan is _PEEWEE or plan.rows is None:
            return None
        return self._cursor(plan, values, True).fetchall()

    def scalar(self, *values: Any) -> Any:
        """The first column of the first row of ``build(*values)``, or None.

        The query runs as built on both paths: unlike peewee's ``scalar()``,
        no ``LIMIT 1`` is added (give the query its own limit if it needs one).
        """
        plan = self._direct(values)
        if plan is _PEEWEE:
            row = self._model._meta.database.execute(self._build(*values)).fetchone()
        else:
            row = self._cursor(plan, values, True).fetchone()
        return None if row is None else row[0]

    def first(self, *values: Any) -> Any:
        """The first row of ``build(*values)``, or None."""
        for row in self.execute(*values):
            return row
        return None

    def first_tuple(self, *values: Any) -> tuple | None:
        """The first row of ``build(*values).tuples()``, or None.

        PERF: no model instances and no cursor wrapper: for a join, peewee's
        wrapper maps every column to its model on each call (about as long
        as the round trip); a caller that knows the columns builds what it
        needs from the plain values.
        """
        plan = self._direct(values)
        if plan is _PEEWEE:
            return self._build(*values).tuples().first()
        row = self._cursor(plan, values, True).fetchone()
        return None if row is None else plan.converters(row)

    def clear(self) -> None:
        """Forget the compiled SQL (it is rebuilt on the next call)."""
        self._plan = None


def _same(columns: Any, fields: Any) -> bool:
    # By identity: a field's == builds an expression, which is always true.
    return len(columns) == len(fields) and all(c is f for c, f in zip(columns, fields))


def _models_of(query: Any) -> list[type]:
    """The models a query reads: its own, the joined ones, and those of the
    queries it selects from (``count()``'s wrapped query)."""
    found = []
    model = getattr(query, "model", None)
    if model is not None:
        found.append(model)
    for joins in getattr(query, "_joins", {}).values():
        found += [dest for dest, *_ in joins if isinstance(dest, type)]
    for source in getattr(query, "_from_list", None) or ():
        if isinstance(source, peewee.SelectQuery):
            found += _models_of(source)
    return found


_instances: weakref.WeakSet[CompiledQuery] = weakref.WeakSet()


def clear_all() -> None:
    """Forget the SQL of every compiled query (settings changed, tests)."""
    for query in list(_instances):
        query.clear()


def _on_setting_changed(sender: Any, names: frozenset[str], **kwargs: Any) -> None:
    if "*" in names or "DATABASE_FAST_PATH" in names or "DATABASE_URL" in names:
        clear_all()


def _install_hooks() -> None:
    from rustforge.events.signals import setting_changed

    setting_changed.connect(_on_setting_changed, weak=False)


_install_hooks()
