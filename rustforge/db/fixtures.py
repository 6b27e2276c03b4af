"""Fixtures: the rows of any model written to JSON and read back (``dumpdata`` / ``loaddata``).

The format is Django's, so fixtures move between the two: a JSON list of

    {"model": "blog.post", "pk": 7, "fields": {"title": "Hello", "author": 3, ...}}

or the same objects one per line (JSON Lines, ``.jsonl``). Dumping streams
rows, so a dump may be bigger than memory; loading holds one load's objects
in memory to write parents before children. Foreign keys are the related row's
primary key; date-times, dates and times are ISO 8601; decimals and UUIDs are
strings; binary is base64.

    from rustforge.db import fixtures

    models = fixtures.select_models(["blog", "auth.User"])
    with open("blog.json", "w") as out:
        fixtures.write(fixtures.dump(models), out, indent=2)
    fixtures.load(fixtures.read("blog.json"))     # {"blog.author": 2, "blog.post": 30}

Loading is one transaction: parents before children, rows whose primary key
exists are updated, others inserted; any bad object (an unknown model or
field, a value of the wrong type, a broken reference) stops it with a
:class:`FixtureError` naming the object, and nothing is kept. No save signals
are sent (the rows are data, not user actions); ``post_bulk_insert`` is.
Dumps and loads ignore row scopes (every tenant's rows) and include
soft-deleted rows.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import peewee

from rustforge.exceptions import RustForgeError

BATCH = 500


class FixtureError(RustForgeError):
    """A fixture that cannot be dumped or loaded; the message says which object and why."""


# Choosing models ----------------------------------------------------------------------
def model_label(model: Any[peewee.Model]) -> str:
    """``blog.post``: the app label and the model's name, lower case (Django's form)."""
    return f"{model._meta.app_label}.{model.__name__.lower()}"


def select_models(labels: Iterable[str] = (), exclude: Iterable[str] = ()) -> list[Any]:
    """The models named by ``app`` or ``app.Model`` labels (every model when none), minus
    ``exclude``, parents before children."""
    from rustforge.apps import apps

    apps.populate()

    def resolve(label: str) -> list[Any]:
        try:
            if "." in label:
                return [apps.get_model(label)]
            return list(apps.get_app_config(label).models)
        except (LookupError, ValueError) as exc:
            raise FixtureError(f"{label}: {exc}") from None

    chosen = [m for label in labels for m in resolve(label)] if labels else apps.get_models()
    dropped = {m for label in exclude for m in resolve(label)}
    unique = list(dict.fromkeys(m for m in chosen if m not in dropped))
    return peewee.sort_models(unique)


# Dumping ------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not serializable")


def _single_pk(model: Any) -> peewee.Field:
    pk = model._meta.primary_key
    if not isinstance(pk, peewee.Field) or isinstance(pk, peewee.CompositeKey):
        raise FixtureError(f"{model_label(model)}: fixtures need a single-column primary key")
    return pk


def _every_row(model: Any, *fields: Any) -> peewee.ModelSelect:
    """``select()`` with soft-deleted rows too (run it inside ``unscoped()``)."""
    return model.with_deleted(*fields) if hasattr(model, "with_deleted") else model.select(*fields)


def dump(models: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Every row of each model, in primary-key order, as fixture objects (streamed)."""
    from rustforge.db.scoping import unscoped

    for model in models:
        label, pk = model_label(model), _single_pk(model)
        names = [f.name for f in model._meta.sorted_fields if f is not pk]
        with unscoped():
            for row in _every_row(model).order_by(pk).dicts().iterator():
                yield {"model": label, "pk": row[pk.name],
                       "fields": {name: row[name] for name in names}}


def write(objects: Iterable[dict[str, Any]], out: IO[str], *, indent: int | None = None,
          lines: bool = False) -> int:
    """Write ``objects`` as a JSON list (or JSON Lines); returns how many were written."""
    count = 0
    if lines:
        for obj in objects:
            out.write(json.dumps(obj, default=_encode, ensure_ascii=False) + "\n")
            count += 1
        return count
    out.write("[")
    for obj in objects:
        text = json.dumps(obj, default=_encode, ensure_ascii=False, indent=indent)
        if indent is not None:
            text = "\n" + "\n".join(" " * indent + line for line in text.splitlines())
        out.write(("," if count else "") + text)
        count += 1
    out.write("\n]\n" if indent is not None and count else "]\n")
    return count


# Reading ------------------------------------------------------------------------------
def read(path: str | Path) -> Iterator[dict[str, Any]]:
    """The objects of a ``.json`` (a list) or ``.jsonl`` (one per line) fixture file."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as handle:
            if path.suffix == ".jsonl":
                for number, line in enumerate(handle, 1):
                    if line.strip():
                        yield _object(json.loads(line), f"{path.name} line {number}")
                return
            data = json.load(handle)
    except OSError as exc:
        raise FixtureError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FixtureError(f"{path.name}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, list):
        raise FixtureError(f"{path.name}: a fixture is a JSON list of objects")
    for number, item in enumerate(data, 1):
        yield _object(item, f"{path.name} object {number}")


def _object(item: Any, where: str) -> dict[str, Any]:
    if (not isinstance(item, dict) or not isinstance(item.get("model"), str)
            or not isinstance(item.get("fields", {}), dict)):
        raise FixtureError(f"{where}: expected {{\"model\": \"app.model\", \"pk\": ..., "
                           f"\"fields\": {{...}}}}")
    return {**item, "where": where}


# Loading ------------------------------------------------------------------------------
def _decode(field: peewee.Field, value: Any) -> Any:
    if value is None:
        return None
    target = field.rel_field if isinstance(field, peewee.ForeignKeyField) else field
    if isinstance(target, peewee.DateTimeField):
        moment = dt.datetime.fromisoformat(value)
        # Stored as naive UTC, like every date-time the framework writes.
        return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
    if isinstance(target, peewee.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(target, peewee.TimeField):
        return dt.time.fromisoformat(value)
    if isinstance(target, peewee.DecimalField):
        if isinstance(value, bool):
            raise TypeError("not a number")
        return decimal.Decimal(str(value))
    if isinstance(target, peewee.UUIDField):
        return uuid.UUID(str(value))
    if isinstance(target, peewee.BlobField):
        return base64.b64decode(value, validate=True)
    if isinstance(target, (peewee.CharField, peewee.TextField)) and not isinstance(value, str):
        raise TypeError("not a string")
    if isinstance(target, peewee.BooleanField) and not isinstance(value, bool):
        raise TypeError("not true or false")
    # peewee's own conversion lets "many" through to the database: check here.
    if isinstance(target, peewee.IntegerField) and (type(value) is not int):
        raise TypeError("not a whole number")
    if isinstance(target, peewee.FloatField) and type(value) not in (int, float):
        raise TypeError("not a number")
    max_length = getattr(target, "max_length", None)
    if isinstance(value, str) and max_length and len(value) > max_length:
        raise ValueError(f"longer than {max_length} characters")
    target.db_value(value)   # the field's own conversion: int("abc") fails here
    return value


class _Rows:
    """One model's objects, checked and converted, ready to write."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.label = model_label(model)
        self.pk = _single_pk(model)
        self.rows: list[tuple[str, dict[str, Any]]] = []
        # Nullable references to the model itself are filled in after every row exists.
        self.later = [f for f in model._meta.sorted_fields
                      if isinstance(f, peewee.ForeignKeyField) and f.rel_model is model and f.null]

    def add(self, obj: dict[str, Any]) -> None:
        where = f"{obj['where']} ({self.label})"
        row: dict[str, Any] = {}
        if obj.get("pk") is not None:
            row[self.pk.name] = self._value(self.pk, obj["pk"], where, "pk")
        for name, value in obj.get("fields", {}).items():
            field = self.model._meta.fields.get(name)
            if field is None or field is self.pk:
                raise FixtureError(f"{where}: {self.label} has no field {name!r}")
            row[name] = self._value(field, value, where, name)
        self.rows.append((where, row))

    @staticmethod
    def _value(field: peewee.Field, value: Any, where: str, name: str) -> Any:
        try:
            return _decode(field, value)
        except (ValueError, TypeError, ArithmeticError, binascii.Error) as exc:
            raise FixtureError(f"{where}: field {name!r}: {value!r:.60} is not a valid "
                               f"{type(field).__name__} value ({exc})") from None

    def write(self) -> None:
        later = [f.name for f in self.later]
        first = [(where, {k: (None if k in later else v) for k, v in row.items()})
                 for where, row in self.rows]
        for chunk in _chunks(first):
            self._write_chunk(chunk)
        for where, row in self.rows:
            refs = {k: row[k] for k in later if row.get(k) is not None}
            if refs and self.pk.name in row:
                self._run(where, self.model.update(**refs).where(self.pk == row[self.pk.name]))

    def _write_chunk(self, chunk: list[tuple[str, dict[str, Any]]]) -> None:
        """One statement for the chunk; when the database refuses it, row by row, so the
        error names the object."""
        try:
            self._run(chunk[0][0], self._upsert([row for _, row in chunk]))
        except FixtureError:
            if len(chunk) == 1:
                raise
            for where, row in chunk:
                self._run(where, self._upsert([row]))
            raise

    def _upsert(self, rows: list[dict[str, Any]]) -> peewee.Query:
        query = self.model.insert_many(rows)
        if self.pk.name not in rows[0]:
            return query
        others = [self.model._meta.fields[k] for k in rows[0] if k != self.pk.name]
        if not others:
            return query.on_conflict_ignore()
        return query.on_conflict(conflict_target=[self.pk], preserve=others)

    @staticmethod
    def _run(where: str, query: peewee.Query) -> None:
        try:
            with query.model._meta.database.atomic():
                query.execute()
        except (peewee.IntegrityError, peewee.DataError, peewee.ProgrammingError,
                peewee.OperationalError, ValueError) as exc:
            reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise FixtureError(f"{where}: the database refused it: {reason}") from None


def _chunks(rows: list[tuple[str, dict[str, Any]]]) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Runs of at most BATCH rows that name the same fields (one INSERT each)."""
    chunk: list[tuple[str, dict[str, Any]]] = []
    for item in rows:
        if chunk and (len(chunk) >= BATCH or item[1].keys() != chunk[0][1].keys()):
            yield chunk
            chunk = []
        chunk.append(item)
    if chunk:
        yield chunk


def _reset_sequences(models: Iterable[Any]) -> None:
    """After rows were written with explicit ids, PostgreSQL's next id follows the largest."""
    from rustforge.db.connection import get_database

    if not isinstance(get_database(), peewee.PostgresqlDatabase):
        return
    for model in models:
        pk = model._meta.primary_key
        if not isinstance(pk, peewee.AutoField):
            continue
        sequence = peewee.fn.pg_get_serial_sequence(model._meta.table_name, pk.column_name)
        largest = peewee.fn.MAX(pk)
        _every_row(model, peewee.fn.setval(sequence, peewee.fn.COALESCE(largest, 1),
                                      largest.is_null(False))).scalar()


def load(objects: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Write fixture objects in one transaction; returns the rows written per model label."""
    from rustforge.apps import apps
    from rustforge.db.connection import database
    from rustforge.db.scoping import unscoped

    apps.populate()
    by_model: dict[Any, _Rows] = {}
    for obj in objects:
        where = obj.get("where", "object")
        try:
            model = apps.get_model(obj["model"])
        except (LookupError, ValueError):
            raise FixtureError(f"{where}: no installed model {obj['model']!r}") from None
        if model not in by_model:
            by_model[model] = _Rows(model)
        by_model[model].add(obj)
    order = peewee.sort_models(list(by_model))
    with unscoped(), database.atomic():
        for model in order:
            by_model[model].write()
        _reset_sequences(order)
    return {by_model[m].label: len(by_model[m].rows) for m in order}
