"""Values between peewee's fields and the database driver, as generated code.

The fast path (:mod:`rustforge.db.fastpath`), compiled queries
(:mod:`rustforge.db.compiled`) and resource lists convert every value of
every row and every parameter through a field's ``python_value`` or
``db_value``. Here those conversions become straight-line functions,
generated once per model or set of columns, that call a field's conversion
only for values it could change: None and the exact driver types peewee's own
conversion returns unchanged (``int`` for integer fields, ``str`` for text,
``datetime``, ``date`` and ``bool``) pass as they are. A field class or
instance that overrides the conversion (or ``adapt``) is always called.

:func:`inline_constants` writes the int constants of compiled SQL into the
statement for psycopg2, which binds parameters on the client, and
:func:`compile_statement` does the same per call for int values.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import peewee

_PLAIN_ACCESSORS = (peewee.FieldAccessor, peewee.ForeignKeyAccessor)
_PLAIN_INIT = peewee.Model.__init__
_PLAIN_NEW = peewee.Model.__new__
_PLAIN_SETATTR = peewee.Model.__setattr__
# What a generated parameter function returns for a value that is a query node.
EXPRESSION = object()

_PLACEHOLDER = re.compile(r"%%|%s")


def inline_constants(db: Any, sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """``sql`` with its constant non-negative int parameters written in, for psycopg2.

    PERF: psycopg2 binds parameters on the client: it writes each one into
    the statement text before sending it, and adapting one int costs about
    9,000 instructions per call. A constant of the compiled SQL (the
    ``LIMIT 1 OFFSET 0`` of a primary-key lookup, the ``LIMIT 1`` of a
    ``count()``) is written in once instead, as psycopg2 would write it:
    PostgreSQL receives the very same statement. Values that change per
    call stay parameters; so does everything for other drivers (SQLite and
    psycopg 3 bind on the server). The statement is still run with a
    parameter list (even an empty one), so psycopg2 still reads ``%%`` as
    ``%``.
    """
    if not isinstance(getattr(db, "_adapter", None), peewee.Psycopg2Adapter):
        return sql, params
    values = iter(params)
    kept: list[Any] = []

    def place(match: re.Match) -> str:
        if match.group() == "%%":
            return "%%"
        value = next(values)
        if type(value) is int and value >= 0:  # not bool; psycopg2 writes " -5" for -5
            return str(value)
        kept.append(value)
        return "%s"

    sql = _PLACEHOLDER.sub(place, sql)
    return sql, kept


def split_at_parameters(db: Any, sql: str) -> list[str] | None:
    """The text of ``sql`` between its ``%s`` placeholders (one more piece
    than there are parameters), for psycopg2; None for another driver, which
    binds parameters on the server."""
    if not isinstance(getattr(db, "_adapter", None), peewee.Psycopg2Adapter):
        return None
    pieces, start = [], 0
    for match in _PLACEHOLDER.finditer(sql):
        if match.group() == "%s":
            pieces.append(sql[start:match.start()])
            start = match.end()
    pieces.append(sql[start:])
    return pieces


def around_parameter(db: Any, sql: str, params: list[Any]) -> tuple[str, str] | None:
    """``(before, after)``: the text of ``sql`` on either side of its only
    parameter, for psycopg2; None when there is not exactly one or another
    driver binds the parameters.

    PERF: a primary-key lookup's only per-call value is the key. An exact
    non-negative int written as ``before + str(key) + after`` is the
    statement psycopg2 would build from ``(sql, [key])`` (it writes an int
    as ``str()`` does), without its 9,000 instructions of adapting it; the
    statement is still run with an empty parameter list, so ``%%`` keeps
    meaning ``%``.
    """
    pieces = split_at_parameters(db, sql) if len(params) == 1 else None
    if pieces is None or len(pieces) != 2:
        return None
    return pieces[0], pieces[1]


# peewee's own ``adapt`` -> the exact type it returns unchanged.
_ADAPT_KEEPS: dict[Any, type] = {
    peewee.IntegerField.adapt: int,  # int(x) of an exact int is x
    peewee._StringField.adapt: str,  # an exact str is returned as is
    peewee.DateTimeField.adapt: datetime.datetime,  # only a str is parsed
    peewee.DateField.adapt: datetime.date,  # a str is parsed, a datetime cut to its date
    peewee.BooleanField.adapt: bool,  # bool(True) is True
}


def identity_types(field: peewee.Field, method: str = "python_value") -> tuple[type, ...]:
    """The exact types ``field.python_value`` (or ``field.db_value``, with
    ``method="db_value"``) returns unchanged (itself, or an equal object of
    the same type), besides None; () when not known.

    Only peewee's own conversions are trusted: a field class (or instance)
    that overrides the method or ``adapt`` is always called.
    """
    if method in field.__dict__ or "adapt" in field.__dict__:
        return ()
    cls = type(field)
    if isinstance(field, peewee.ForeignKeyField):
        # A raw column value is never a model instance: the referenced
        # field's conversion decides.
        if getattr(cls, method) is not getattr(peewee.ForeignKeyField, method):
            return ()
        return identity_types(field.rel_field, method)
    if getattr(cls, method) is not getattr(peewee.Field, method):
        return ()
    kept = _ADAPT_KEEPS.get(cls.adapt)
    return (kept,) if kept is not None else ()


class RowBuilder:
    """Turns result rows of ``SELECT <every field>`` into model instances.

    PERF: peewee builds each instance with ``Model(__no_default__=1, **row)``,
    i.e. one descriptor ``__set__`` (and a ``_dirty.add``) per field, then
    clears ``_dirty`` again, after calling every field's ``python_value``.
    For a model whose construction runs nothing custom, ``build`` is a
    function generated once per model that creates the instance with
    ``__new__`` and fills ``__data__``, ``_dirty`` and ``__rel__`` as
    peewee's ``__init__`` leaves them; ``python_value`` is skipped only for
    None and for the exact driver types peewee's own conversion returns
    unchanged (``int`` for integer fields, ``str`` for text fields, ``datetime``,
    ``date`` and ``bool`` for those fields). ``build_all(rows)`` is the list of
    ``build(row)`` of every row, in one frame (a Python call per row costs
    about as much as filling the instance).
    """

    __slots__ = ("build", "build_all", "converters", "model", "names", "plain")

    def __init__(self, model: type[peewee.Model]) -> None:
        fields = model._meta.sorted_fields
        self.model = model
        self.names = tuple(f.name for f in fields)
        self.converters = tuple(f.python_value for f in fields)
        # Building the instance by hand is only equivalent to peewee's
        # ``Model(__no_default__=1, **row)`` when nothing custom runs there.
        self.plain = (model.__init__ is _PLAIN_INIT
                      and model.__new__ is _PLAIN_NEW
                      and model.__setattr__ is _PLAIN_SETATTR
                      and all(type(model.__dict__.get(name)) in _PLAIN_ACCESSORS
                              for name in self.names))
        if self.plain:
            self.build, self.build_all = _compile_builders(model, fields)
        else:
            self.build = self._build_peewee
            self.build_all = self._build_all_peewee

    def _build_peewee(self, row: tuple) -> peewee.Model:
        data = {name: convert(raw)
                for name, convert, raw in zip(self.names, self.converters, row)}
        obj = self.model(__no_default__=1, **data)
        obj._dirty.clear()
        return obj

    def _build_all_peewee(self, rows: Any) -> list[peewee.Model]:
        return list(map(self._build_peewee, rows))


def compile_converter(columns: Any) -> Any:
    """``convert(row)``: the tuple of ``python_value(v)`` of each column
    (a column that is not a field is left as the driver gave it), as
    straight-line code that skips None and the exact driver types peewee's
    own conversion returns unchanged (see :func:`identity_types`)."""
    namespace: dict[str, Any] = {}
    items = []
    for i, column in enumerate(columns):
        if not isinstance(column, peewee.Field):
            items.append(f"v{i}")
            continue
        namespace[f"c{i}"] = column.python_value
        types = identity_types(column)
        if len(types) == 1:
            namespace[f"t{i}"] = types[0]
            items.append(f"v{i} if v{i}.__class__ is t{i} or v{i} is None else c{i}(v{i})")
        else:
            items.append(f"v{i} if v{i} is None else c{i}(v{i})")
    if not items:
        return tuple
    unpack = "".join(f"v{i}, " for i in range(len(items)))
    source = (f"def convert(row):\n    {unpack}= row\n"
              f"    return ({''.join(item + ', ' for item in items)})\n")
    exec(compile(source, "<rustforge row converter>", "exec"), namespace)  # noqa: S102
    return namespace["convert"]


def instance_builder(model: type[peewee.Model]) -> Any:
    """``build(values)``: ``model(__no_default__=1, **dict(zip(fields, values)))``
    with ``_dirty`` cleared, for values already converted (``python_value``)
    and in ``_meta.sorted_fields`` order; built by hand when the model's
    construction runs nothing custom (see :class:`RowBuilder`)."""
    meta = model._meta
    found = meta.__dict__.get("_rustforge_instances")
    if found is None or found[0] is not model:
        rows = RowBuilder(model)
        names = rows.names
        if rows.plain:
            new: Any = model.__new__

            def build(values: Any) -> Any:
                obj = new(model)
                obj.__data__ = dict(zip(names, values))
                obj._dirty = set()
                obj.__rel__ = {}
                return obj
        else:
            def build(values: Any) -> Any:
                obj = model(__no_default__=1, **dict(zip(names, values)))
                obj._dirty.clear()
                return obj
        found = meta._rustforge_instances = (model, build)
    return found[1]


def _compile_builders(model: type[peewee.Model], fields: list[peewee.Field]) -> tuple[Any, Any]:
    """``build(row)`` and ``build_all(rows)`` for one model, as straight-line code.

    Names in the generated source are positional (``v0``, ``c0``, ``t0``);
    field names only appear as ``repr()`` string literals.
    """
    namespace: dict[str, Any] = {"_new": model.__new__, "_model": model, "_set": set}
    items = []
    for i, field in enumerate(fields):
        namespace[f"c{i}"] = field.python_value
        types = identity_types(field)
        if len(types) == 1:
            namespace[f"t{i}"] = types[0]
            value = f"v{i} if v{i}.__class__ is t{i} or v{i} is None else c{i}(v{i})"
        else:
            value = f"c{i}(v{i})"
        items.append(f"{field.name!r}: {value}")
    unpack = "".join(f"v{i}, " for i in range(len(fields)))
    fill = (
        "obj = _new(_model)\n"
        f"obj.__data__ = {{{', '.join(items)}}}\n"
        "obj._dirty = _set()\n"
        "obj.__rel__ = {}\n")
    source = (
        "def build(row):\n"
        f"    {unpack}= row\n"
        + "".join(f"    {line}\n" for line in fill.splitlines())
        + "    return obj\n"
        "def build_all(rows):\n"
        "    built = []\n"
        "    add = built.append\n"
        "    for row in rows:\n"
        f"        {unpack}= row\n"
        + "".join(f"        {line}\n" for line in fill.splitlines())
        + "        add(obj)\n"
        "    return built\n")
    exec(compile(source, f"<rustforge row builder {model.__name__}>", "exec"), namespace)  # noqa: S102
    return namespace["build"], namespace["build_all"]


class Slot(NamedTuple):
    """Where one placeholder of a statement takes its value from: ``values[source]``
    through ``convert``, which is not called for an exact ``kept`` type."""

    source: int
    convert: Callable[[Any], Any]
    kept: type | None = None


def field_slot(index: int, field: peewee.Field) -> Slot:
    """``values[index]`` through ``field.db_value`` (skipped for the exact
    type it keeps, see :func:`identity_types`)."""
    types = identity_types(field, "db_value")
    return Slot(index, field.db_value, types[0] if len(types) == 1 else None)


def converter_slot(index: int, convert: Callable[[Any], Any]) -> Slot | TextSlot:
    """``values[index]`` through ``convert``; a field's own ``db_value`` (a
    bound method) is skipped like :func:`field_slot` skips it. A converter
    marked by :func:`literal_text` makes a :class:`TextSlot`."""
    if isinstance(convert, _LiteralText):
        inner = converter_slot(index, convert.convert)
        return TextSlot(index, inner.convert, inner.kept, convert.length, convert.alphabet)
    field = getattr(convert, "__self__", None)
    if (isinstance(field, peewee.Field) and "db_value" not in field.__dict__
            and getattr(convert, "__func__", None) is getattr(type(field), "db_value", None)):
        return field_slot(index, field)
    return Slot(index, convert)


HEX_DIGITS = "0123456789abcdef"
# What an opted-in text value may be made of: nothing psycopg2 would escape
# (quotes, backslashes, NUL), nothing it reads in the statement (``%``), and
# nothing an encoding could change (ASCII letters and digits only).
_LITERAL_SAFE = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class TextSlot(NamedTuple):
    """A :class:`Slot` whose value, for psycopg2, is written into the
    statement as a quoted literal when it is an exact ``str`` of ``length``
    characters, each in ``alphabet``; any other value stays a parameter."""

    source: int
    convert: Callable[[Any], Any]
    kept: type | None
    length: int
    alphabet: str


class _LiteralText:
    """A converter marked by :func:`literal_text`; calls the one it wraps."""

    __slots__ = ("alphabet", "convert", "length")

    def __init__(self, convert: Callable[[Any], Any], length: int, alphabet: str) -> None:
        self.convert, self.length, self.alphabet = convert, length, alphabet

    def __call__(self, value: Any) -> Any:
        return self.convert(value)


def literal_text(convert: Callable[[Any], Any], length: int,
                 alphabet: str = HEX_DIGITS) -> Callable[[Any], Any]:
    """``convert``, marked so that :func:`converter_slot` makes a
    :class:`TextSlot` of it: its values are written into psycopg2 statements
    when they are ``length`` characters of ``alphabet`` (ASCII letters and
    digits only), e.g. a hex digest. Opt-in, for values known to have that
    shape: checking the shape costs little, adapting a string parameter costs
    psycopg2 about 8,000 instructions.
    """
    if length < 1 or not alphabet or not set(alphabet) <= _LITERAL_SAFE:
        raise ValueError("literal_text() takes a positive length and ASCII letters and digits")
    return _LiteralText(convert, length, alphabet)


def compile_statement(db: Any, sql: str, slots: Sequence[Any],
                      expressions: bool = False) -> Callable[[Sequence[Any]], Any]:
    """``statement(values) -> (sql, params)``: ``sql`` with one entry of
    ``slots`` per placeholder, a :class:`Slot` (a converted value) or a
    constant parameter. With ``expressions``, a value that is a query node
    (F + 1), before or after its conversion, makes it return ``EXPRESSION``:
    such a value needs peewee's compiler. Straight-line code, generated once
    per statement.

    For psycopg2 an exact non-negative int value is written into the
    statement, as psycopg2 writes it (``str()``), and the other values stay
    parameters: the server receives the same statement, without the 9,000
    instructions psycopg2 spends adapting each int (see
    :func:`inline_constants`, which does the same for constants once). The
    value of a :class:`TextSlot` is written in quoted (``'...'``, as psycopg2
    quotes it) when it has the slot's length and alphabet; no other string
    ever is.
    """
    pieces = split_at_parameters(db, sql)
    if pieces is not None and len(pieces) != len(slots) + 1:
        pieces = None
    namespace: dict[str, Any] = {"_node": peewee.Node, "_mark": EXPRESSION, "_int": int,
                                 "_str": str, "_sql": sql}
    lines = ["def statement(values):"]
    written = []  # the placeholders that may take an int written in
    for i, slot in enumerate(slots):
        if not isinstance(slot, (Slot, TextSlot)):
            namespace[f"v{i}"] = slot  # a constant: a global of the generated function
            continue
        written.append(i)
        namespace[f"c{i}"] = slot.convert
        lines.append(f"    v{i} = values[{slot.source}]")
        indent = "    "
        if slot.kept is not None:
            namespace[f"t{i}"] = slot.kept
            lines.append(f"    if v{i}.__class__ is not t{i}:")
            indent += "    "
        if expressions:
            lines += [f"{indent}if isinstance(v{i}, _node):", f"{indent}    return _mark"]
        lines.append(f"{indent}v{i} = c{i}(v{i})")
        if expressions:
            lines += [f"{indent}if isinstance(v{i}, _node):", f"{indent}    return _mark"]
    if pieces is None:
        lines.append(f"    return _sql, [{', '.join(f'v{i}' for i in range(len(slots)))}]")
    else:
        # PERF: the text is one f-string of the pieces and the values: an int
        # written in is formatted as str() writes it, any other value leaves
        # "%s" in its place and becomes a parameter.
        lines.append("    params = []")
        parts = ["{p0}"]
        namespace["p0"] = pieces[0]
        for i in range(len(slots)):
            namespace[f"p{i + 1}"] = pieces[i + 1]
            slot = slots[i]
            if isinstance(slot, TextSlot):
                # PERF: text of a known safe shape (a hex digest) quoted here,
                # as psycopg2 quotes it, when nothing is left once every allowed
                # character is taken out.
                # (str.strip with a set of characters costs one comparison per
                # pair; deleting the allowed bytes is one table lookup per byte,
                # and an ASCII str encodes to the same characters.)
                namespace[f"a{i}"] = slot.alphabet.encode()
                test = (f"v{i}.__class__ is _str and len(v{i}) == {slot.length:d}"
                        f" and v{i}.isascii() and not v{i}.encode().translate(None, a{i})")
                lines += [f"    if {test}:",
                          f"        v{i} = \"'\" + v{i} + \"'\"",
                          "    else:",
                          f"        params.append(v{i})",
                          f"        v{i} = '%s'"]
                parts.append(f"{{v{i}}}")
            elif i in written:
                lines += [f"    if v{i}.__class__ is not _int or v{i} < 0:",  # psycopg2: " -5"
                          f"        params.append(v{i})",
                          f"        v{i} = '%s'"]
                parts.append(f"{{v{i}}}")
            else:
                lines.append(f"    params.append(v{i})")
                parts.append("%s")
            parts.append(f"{{p{i + 1}}}")
        lines.append(f"    return f\"{''.join(parts)}\", params")
    exec(compile("\n".join(lines) + "\n", "<rustforge statement>", "exec"),  # noqa: S102
         namespace)
    return namespace["statement"]
