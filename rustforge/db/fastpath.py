"""A leaner path through peewee for the queries a request runs most.

``World.get_by_id(7)``, ``World.get(World.id == 7)``, ``World[7]``,
``World.get_or_none(World.id == 7)``, ``world.save()`` on a fetched row and
``list(Fortune.select())`` are the queries behind most detail pages, small
lists and API endpoints. Peewee builds a query object, walks its node tree
into SQL, and wraps the cursor in a generic row reader on every call, which
costs about 100-150 us per query: more than the round trip to a local
PostgreSQL. Here the SQL of those shapes is compiled
once per model (by peewee itself, so it is exactly what peewee would send) and
reused with the new parameter values:

    >>> World.get_by_id(7)            # same SQL, same result, same errors
    <World: 7>

Everything else about the query stays as in peewee: it runs through the
database's ``execute_sql`` (logging, query hooks, reconnect, test gate), values
pass through each field's ``db_value``/``python_value``, a missing row raises
``Model.DoesNotExist`` and ``save()`` returns the number of rows updated. Any
shape this module does not recognise (expressions as values, composite or
foreign-key primary keys, ``only=``/``only_save_dirty``, models overriding
``__init__``...) falls back to peewee untouched.

The compiled SQL is cached on the model's ``_meta`` together with the database
it was compiled for; a different database (another ``DATABASE_URL``, a model
re-bound in a test) recompiles, and ``clear_cache(Model)`` forgets it.
``DATABASE_FAST_PATH = False`` in settings turns the whole path off.

A model with a row scope (``rustforge.db.scoping``: a tenant) keeps the fast
path for pk lookups, saves and bare lists: the scope's fields are parameters
of the compiled SQL, filled on every call from ``Model.scope_values()`` (for
lists: the values :func:`scope_select` put on the query), so the SQL is
shared by every tenant and no tenant's id is ever frozen into it. Inside
``unscoped()`` (``scope_values()`` is None) such a model goes through peewee.
"""

from __future__ import annotations

from typing import Any

import peewee

from rustforge.db.backends import takes_reuse_cursor
from rustforge.db.conversions import (
    EXPRESSION,
    RowBuilder,
    around_parameter,
    compile_statement,
    field_slot,
    inline_constants,
)
from rustforge.db.scoping import scope_fields, unscoped

# Marker compiled in place of a parameter, to find its position in the SQL.
_MARK = object()
# What update_row() returns when peewee must save.
FALLBACK = _MARK
# Cached "this model cannot use the fast path" (checked by identity).
_UNSUPPORTED = object()
# Markers of a row scope's values, one per scope field.
_SCOPE_MARKS = tuple(object() for _ in range(4))
_EQ = peewee.OP.EQ
_new_select = object.__new__
_Node = peewee.Node
_Expression = peewee.Expression


def _concrete(db: Any) -> peewee.Database | None:
    """The real database behind a (lazy) proxy; None when not resolvable."""
    if isinstance(db, peewee.DatabaseProxy):
        if db.obj is not None:
            return db.obj
        resolve = getattr(db, "_resolve", None)
        return resolve() if resolve is not None else None
    return db


def _compile(db: peewee.Database, query: Any) -> tuple[str, list[Any]]:
    return db.get_sql_context().sql(query).query()


def _scope_conditions(model: type[peewee.Model]) -> list[Any]:
    """``field == <marker j>`` for each field of the model's row scope."""
    meta = model._meta
    return [meta.fields[name] == peewee.Value(marker, converter=False)
            for name, marker in zip(scope_fields(model), _SCOPE_MARKS)]


def _scope_slots(model: type[peewee.Model], params: list[Any]) -> tuple[tuple[int, Any], ...]:
    """(position in ``params``, db_value converter) of each scope value."""
    meta = model._meta
    return tuple((next(i for i, p in enumerate(params) if p is marker),
                  meta.fields[name].db_value)
                 for name, marker in zip(scope_fields(model), _SCOPE_MARKS))


class _GetPlan:
    """SELECT ... WHERE pk = ? LIMIT 1, ready to run for one model and database.

    For a model with a row scope (``rustforge.db.scoping``) the scope's
    fields are parameters too (``AND tenant_id = ?``), filled per call with
    the model's ``scope_values()``: the SQL is shared by every tenant, the
    values never are.
    """

    __slots__ = ("around", "db", "direct", "index", "int_key", "params", "pk_db_value", "reuse",
                 "rowcount", "rows", "saves", "scope", "sql")

    def __init__(self, model: type[peewee.Model], db: peewee.Database) -> None:
        pk = model._meta.primary_key
        condition = [pk == peewee.Value(_MARK, converter=False)]
        scoped = bool(scope_fields(model))
        if scoped:
            with unscoped():  # the rest of select() (soft deletes); the scope is a parameter
                query = model.select()
            condition += _scope_conditions(model)
        else:
            query = model.select()
        query = query.where(*condition).paginate(1, 1)
        self.db = db
        # The statements of the fast path read their rows before anything
        # else can run: they run on the connection's kept cursor.
        self.reuse = takes_reuse_cursor(db)
        self.sql, params = inline_constants(db, *_compile(db, query))
        self.index = next(i for i, p in enumerate(params) if p is _MARK)
        self.scope = _scope_slots(model, params) if scoped else ()
        self.params = params
        self.pk_db_value = pk.db_value
        # peewee's own integer conversion gives back an exact int unchanged.
        self.int_key = ("db_value" not in pk.__dict__ and "adapt" not in pk.__dict__
                        and type(pk).db_value is peewee.Field.db_value
                        and type(pk).adapt is peewee.IntegerField.adapt)
        self.rows = RowBuilder(model)
        # psycopg2 and an integer key as the only parameter: the key is written in.
        self.around = around_parameter(db, self.sql, params) if self.int_key else None
        # What FastPathMixin.get_by_id runs in its own frame: the key written
        # in, on the kept cursor, no row scope to fill.
        self.direct = self.around if self.reuse and not self.scope else None
        # The model's UPDATE plans (one per set of columns in ``__data__``),
        # compiled for the same database.
        self.saves: dict[tuple[str, ...], Any] = {}
        self.rowcount = type(db).rows_affected is peewee.Database.rows_affected

    def run(self, model: type[peewee.Model], pk: Any, scope: Any = ()) -> peewee.Model:
        sql = self.sql
        if self.around is not None and pk.__class__ is int and pk >= 0:
            sql, params = self.around[0] + str(pk) + self.around[1], []
        else:
            params = self.params.copy()
            params[self.index] = (pk if self.int_key and pk.__class__ is int
                                  else self.pk_db_value(pk))
            if scope:
                for (index, convert), value in zip(self.scope, scope):
                    params[index] = convert(value)
        db = self.db
        row = (db.execute_sql(sql, params, True) if self.reuse
               else db.execute_sql(sql, params)).fetchone()
        if row is None:
            raise model.DoesNotExist(
                f"{model} instance matching query does not exist:\n"
                f"SQL: {sql}\nParams: {params}")
        return self.rows.build(row)


def _supports_pk_lookup(model: type[peewee.Model]) -> bool:
    meta = model._meta
    pk = meta.primary_key
    return (pk is not False and not meta.composite_key
            and not isinstance(pk, peewee.ForeignKeyField))


def _cached_plan(model: type[peewee.Model], key: str, database: Any, build: Any) -> Any:
    """The plan cached on ``model._meta`` under ``key`` for the database behind
    ``database``, built by ``build(model, db)`` on first use or when the model
    is bound to another database; ``_UNSUPPORTED`` when the fast path is off
    (``build`` may return it too)."""
    meta = model._meta
    plan = meta.__dict__.get(key)
    if plan is not None:
        if plan is _UNSUPPORTED:
            return plan
        # PERF: the common case of _concrete() without its call: a proxy
        # (the project database) already resolved.
        found = database.obj if isinstance(database, peewee.DatabaseProxy) else database
        if found is not None and found is plan.db:
            return plan
    db = _concrete(database)
    if plan is not None and plan.db is db:
        return plan
    plan = build(model, db) if db is not None and _enabled() else _UNSUPPORTED
    setattr(meta, key, plan)
    return plan


def _build_get_plan(model: type[peewee.Model], db: peewee.Database) -> Any:
    return _GetPlan(model, db) if _supports_pk_lookup(model) else _UNSUPPORTED


def get_by_id(model: type[peewee.Model], pk: Any) -> Any:
    """``model.get_by_id(pk)`` through the compiled SQL (peewee for odd shapes)."""
    plan: Any = (_UNSUPPORTED if pk is None or isinstance(pk, _Node) else
                 _cached_plan(model, "_rustforge_get", model._meta.database, _build_get_plan))
    scope: Any = ()
    if plan is not _UNSUPPORTED and plan.scope:
        scope = model.scope_values()  # None: scopes are off (unscoped())
        if scope is None:
            plan = _UNSUPPORTED
    if plan is _UNSUPPORTED:
        return peewee.Model.get.__func__(model, model._meta.primary_key == pk)
    return plan.run(model, pk, scope)


def pk_of_lookup(model: type[peewee.Model], query: tuple, filters: dict) -> Any:
    """The primary-key value when ``get(*query, **filters)`` is a plain pk
    lookup (``Model.id == 3``, ``3`` on an auto-increment key, ``id=3``);
    ``_MARK`` otherwise."""
    meta = model._meta
    if filters:
        if query or len(filters) != 1 or meta.primary_key is False:
            return _MARK
        ((name, value),) = filters.items()
        if name != meta.primary_key.name or value is None or isinstance(value, _Node):
            return _MARK
        return value
    if len(query) != 1:
        return _MARK
    expr = query[0]
    if type(expr) is _Expression:
        if (expr.op == _EQ and expr.lhs is meta.primary_key and expr.rhs is not None
                and not isinstance(expr.rhs, _Node) and meta.primary_key is not False):
            return expr.rhs
        return _MARK
    if type(expr) is int and meta.auto_increment:  # peewee's own shortcut
        return expr
    return _MARK


class _SavePlan:
    """UPDATE table SET ... WHERE pk = ? (AND <scope field> = ?), for one set
    of columns: the keys of ``__data__`` in their order, the key among them."""

    __slots__ = ("pk_at", "saved", "statement")

    def __init__(self, model: type[peewee.Model], db: peewee.Database,
                 names: tuple[str, ...]) -> None:
        meta = model._meta
        pk = meta.primary_key
        self.pk_at = names.index(pk.name)
        # What peewee takes off ``_dirty`` after the UPDATE: every column but the key.
        self.saved = frozenset(names) - {pk.name}
        # values = [*__data__.values(), *scope values]: each value compiles to
        # its own index, so the parameter list of the compiled SQL says in
        # which order peewee placed the columns.
        columns = {i: meta.fields[name] for i, name in enumerate(names)}
        update = {f: peewee.Value(i, converter=False) for i, f in columns.items() if f is not pk}
        where = [pk == peewee.Value(self.pk_at, converter=False)]
        for j, name in enumerate(scope_fields(model)):
            columns[len(names) + j] = field = meta.fields[name]
            where.append(field == peewee.Value(len(names) + j, converter=False))
        with unscoped():  # the scope's condition is the parameters above
            query = model.update(update).where(*where)
        sql, order = _compile(db, query)
        self.statement = compile_statement(db, sql, [field_slot(i, columns[i]) for i in order],
                                           expressions=True)


def _save_plan(model: type[peewee.Model], db: peewee.Database, names: tuple[str, ...]) -> Any:
    meta = model._meta
    if (meta.primary_key.name not in names or len(names) < 2
            or any(name not in meta.fields for name in names)):
        return _UNSUPPORTED  # peewee's save: an INSERT, or its "no data to save!"
    return _SavePlan(model, db, names)


def update_row(instance: peewee.Model) -> Any:
    """What ``instance.save()`` returns, for a row that has its key, through
    the compiled UPDATE; ``FALLBACK`` when peewee must save (an INSERT, an
    expression as a value, ``only_save_dirty``, a shape not compiled).

    PERF: one frame from the instance to the statement: the plan of the
    model's pk lookups holds the UPDATE plans, found by the keys of
    ``__data__`` as they are (peewee copies the dict and takes the key out).
    """
    model = type(instance)
    meta = model._meta
    plan = meta.__dict__.get("_rustforge_get")
    database = meta.database
    if plan.__class__ is not _GetPlan or plan.db is not (
            database.obj if isinstance(database, peewee.DatabaseProxy) else database):
        plan = _cached_plan(model, "_rustforge_get", database, _build_get_plan)
        if plan is _UNSUPPORTED:
            return _MARK
    if meta.only_save_dirty:
        return _MARK
    data = instance.__data__
    if meta.refs:  # peewee's save first takes the ids of related rows saved since
        data = data.copy()
        instance._populate_unsaved_relations(data)
    names = tuple(data)
    save_plan = plan.saves.get(names)
    if save_plan is None:
        save_plan = plan.saves[names] = _save_plan(model, plan.db, names)
    if save_plan is _UNSUPPORTED:
        return _MARK
    values = [*data.values()]
    # A plain model's key is what its accessor would read.
    if (values[save_plan.pk_at] if plan.rows.plain else instance._pk) is None:
        return _MARK
    if plan.scope:
        scope = model.scope_values()
        if scope is None:  # scopes are off: peewee's own UPDATE
            return _MARK
        values.extend(scope)
    statement = save_plan.statement(values)
    if statement is EXPRESSION:  # an expression (F + 1) needs peewee's compiler
        return _MARK
    db = plan.db
    cursor = db.execute_sql(*statement, True) if plan.reuse else db.execute_sql(*statement)
    rows = cursor.rowcount if plan.rowcount else db.rows_affected(cursor)
    instance._dirty -= save_plan.saved
    return rows


class _ListPlan:
    """``SELECT <every field> FROM table`` of one model, for one database
    (``WHERE <scope field> = ?`` for a model with a row scope)."""

    __slots__ = ("db", "params", "rows", "scope", "sql")

    def __init__(self, model: type[peewee.Model], db: peewee.Database) -> None:
        meta = model._meta
        self.db = db
        query = peewee.ModelSelect(model, meta.sorted_fields, is_default=True)
        scoped = bool(scope_fields(model))
        if scoped:
            query = query.where(*_scope_conditions(model))
        self.sql, self.params = _compile(db, query)
        self.scope = _scope_slots(model, self.params) if scoped else ()
        self.rows = RowBuilder(model)


class _RowsCursorWrapper(peewee.CursorWrapper):
    """peewee's result cache, filled in one go with rows built by :class:`RowBuilder`.

    The driver already holds every row after ``execute`` (client-side
    cursors), so one ``fetchall()`` replaces peewee's per-row ``fetchone()``
    loop; ``iterator()`` still streams row by row without caching.
    """

    populated: bool  # peewee's CursorWrapper sets both
    count: int

    def __init__(self, cursor: Any, rows: RowBuilder) -> None:
        super().__init__(cursor)
        self.process_row = rows.build
        self.build_all = rows.build_all

    def __iter__(self):
        if not self.populated:
            self.fill_cache()
        return iter(self.row_cache)

    def __len__(self) -> int:
        # PERF: list(query) asks the query's length, then whether it is
        # empty, then for its rows: three calls here, one fill.
        if not self.populated:
            self.fill_cache()
        return self.count

    def fill_cache(self, n: int | None = 0) -> None:
        n = n or 0  # peewee passes None for an open-ended slice
        if n < 0:
            raise ValueError("Negative values are not supported.")
        if self.populated or (n and n <= self.count):
            return
        self.row_cache.extend(self.build_all(self.cursor.fetchall()))
        self.count = len(self.row_cache)
        self.populated = True
        self.cursor.close()


class Select(peewee.ModelSelect):
    """What ``Model.select()`` returns: a peewee ``ModelSelect`` that runs
    precompiled SQL while it is still the plain "every row" query.

    Every peewee method that refines a query (``where``, ``join``,
    ``order_by``, ``dicts`` ...) works on a clone, and clones lose the
    shortcut; the two methods that change a query in place (``first`` sets a
    limit, ``selected_columns`` replaces the columns) are checked for.
    """

    _rf_plain = False
    _rf_returning: Any = None
    _rf_scope: Any = None  # the row scope's values, set by scope_select()

    def clone(self):
        query = super().clone()
        query._rf_plain = False
        return query

    def _execute(self, database):
        if (self._rf_plain and self._cursor_wrapper is None and self._limit is None
                and self._returning is self._rf_returning and self._row_type is None):
            plan = _list_plan(self.model, database)
            if plan is not None and (not plan.scope or self._rf_scope is not None):
                params = plan.params
                if plan.scope:
                    params = params.copy()
                    for (index, convert), value in zip(plan.scope, self._rf_scope):
                        params[index] = convert(value)
                cursor = plan.db.execute_sql(plan.sql, params)
                self._cursor_wrapper = _RowsCursorWrapper(cursor, plan.rows)
                return self._cursor_wrapper
        return super()._execute(database)

    @peewee.database_required
    def count(self, database, clear_limit=False):
        # PERF: see count_query(); one round trip, no LIMIT added by scalar().
        return database.execute(count_query(self, clear_limit)).fetchone()[0]


def count_query(query: Any, clear_limit: bool = False) -> Any:
    """The statement ``query.count()`` sends: how many rows ``query`` gives.

    PERF: peewee counts every query through a subquery, ``SELECT COUNT(1)
    FROM (SELECT 1 FROM ... WHERE ...) AS "_wrapped"``, which PostgreSQL
    parses and plans about 20 us (server CPU) slower than the plain
    ``SELECT COUNT(*) FROM ... WHERE ...``: a fifth of such a count's server
    time. The plain form counts the same rows whenever the query's rows are
    the rows of its FROM and WHERE: no LIMIT or OFFSET (unless
    ``clear_limit``), no DISTINCT, GROUP BY, HAVING or window, no FOR
    UPDATE (which PostgreSQL refuses beside an aggregate). Anything else
    keeps peewee's subquery.
    """
    limited = not clear_limit and (query._limit is not None or query._offset is not None)
    if query._count_can_project_one() and not limited and not query._for_update:
        clone = query.order_by().select(peewee.fn.COUNT(peewee.SQL("*")))
        clone._limit = clone._offset = None
        return clone
    wrapped = query.order_by().alias("_wrapped")
    if clear_limit:
        wrapped._limit = wrapped._offset = None
    if wrapped._count_can_project_one():
        wrapped = wrapped.select(peewee.SQL("1"))
    return peewee.Select([wrapped], [peewee.fn.COUNT(peewee.SQL("1"))])


def _list_plan(model: type[peewee.Model], database: Any) -> _ListPlan | None:
    plan = _cached_plan(model, "_rustforge_list", database, _ListPlan)
    return None if plan is _UNSUPPORTED else plan


def select_all(model: type[peewee.Model]) -> Select:
    """``model.select()`` with no arguments.

    PERF: building a ModelSelect from scratch normalises the field list and
    sets two dozen attributes (about 8 us); cloning a prototype kept per model
    is peewee's own ``clone()`` (copies of the mutable parts) and costs a
    third of that. The prototype is rebuilt when the model is bound to
    another database, since a query remembers the database it was made for.
    """
    meta = model._meta
    proto = meta.__dict__.get("_rustforge_proto")
    if proto is None or proto._database is not meta.database or proto.model is not model:
        proto = Select(model, meta.sorted_fields, is_default=True)
        proto._rf_returning = proto._returning
        meta._rustforge_proto = proto
    # PERF: peewee's clone() of the prototype, in one frame: its chain of
    # six clone() methods (about 20,000 instructions) copies the attributes,
    # gives the copy new join and source lists (the prototype's are empty
    # and its model's), no cursor (it has none) and a hash of its own.
    query = _new_select(Select)
    state = proto.__dict__.copy()
    state["_joins"] = {}
    state["_from_list"] = [*state["_from_list"]]
    state["_rf_plain"] = True
    query.__dict__ = state
    query._update_hash()
    return query


def scope_select(query: Any, model: type[peewee.Model], values: tuple) -> Any:
    """``query`` limited to the row scope's ``values`` (``tenant_id = 3``).

    A row scope (``rustforge.db.scoping``) calls this from its ``select()``:
    a plain "every row" query stays plain, and runs the list plan compiled
    with the scope's fields as parameters.
    """
    meta = model._meta
    plain = getattr(query, "_rf_plain", False)
    query = query.where(*[meta.fields[name] == value
                          for name, value in zip(scope_fields(model), values)])
    if plain:
        query._rf_plain = True
        query._rf_scope = tuple(values)
    return query


def _enabled() -> bool:
    from rustforge.conf import settings

    return bool(settings.DATABASE_FAST_PATH)


def _on_setting_changed(sender: Any, names: frozenset[str], **kwargs: Any) -> None:
    if "*" in names or "DATABASE_FAST_PATH" in names:
        clear_cache()


_CACHE_KEYS = ("_rustforge_get", "_rustforge_list", "_rustforge_proto", "_rustforge_instances")


def clear_cache(model: type[peewee.Model] | None = None) -> None:
    """Forget compiled SQL (of one model, or of every model loaded so far)."""
    models = [model] if model is not None else _all_models(peewee.Model)
    for cls in models:
        for key in _CACHE_KEYS:
            cls._meta.__dict__.pop(key, None)


def _all_models(root: type) -> list[type[peewee.Model]]:
    found: list[type[peewee.Model]] = []
    stack: list[type] = [root]
    while stack:
        subclasses: list[Any] = stack.pop().__subclasses__()
        found.extend(subclasses)
        stack.extend(subclasses)
    return [m for m in found if hasattr(m, "_meta")]


def _install_hooks() -> None:
    from rustforge.events.signals import setting_changed

    setting_changed.connect(_on_setting_changed, weak=False)


_install_hooks()


class FastPathMixin:
    """Routes pk lookups and updates of :class:`rustforge.db.Model` through
    the compiled-SQL cache above. Semantics are peewee's."""

    @classmethod
    def select(cls, *fields):
        if fields:
            return super().select(*fields)
        return select_all(cls)

    @classmethod
    def get_by_id(cls, pk):
        # PERF: the usual lookup (a non-negative int key, psycopg2, the plan
        # compiled for the database the model is bound to) runs here, from
        # the key to the instance; every other takes get_by_id() above.
        meta = cls._meta
        plan = meta.__dict__.get("_rustforge_get")
        if pk.__class__ is int and pk >= 0 and plan.__class__ is _GetPlan:
            direct = plan.direct
            database = meta.database
            if direct is not None and plan.db is (
                    database.obj if isinstance(database, peewee.DatabaseProxy) else database):
                sql = f"{direct[0]}{pk}{direct[1]}"  # an exact int: as str() writes it
                row = plan.db.execute_sql(sql, [], True).fetchone()
                if row is None:
                    raise cls.DoesNotExist(f"{cls} instance matching query does not exist:\n"
                                           f"SQL: {sql}\nParams: []")
                return plan.rows.build(row)
        return get_by_id(cls, pk)

    @classmethod
    def get(cls, *query, **filters):
        pk = pk_of_lookup(cls, query, filters)
        if pk is _MARK:
            return super().get(*query, **filters)
        return get_by_id(cls, pk)

