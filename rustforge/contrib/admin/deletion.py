"""What a deletion takes along: rows that cascade, rows that lose their link,
rows that protect the target (a foreign key without ``on_delete``).

The database does the cascading (``on_delete="CASCADE"`` / ``"SET NULL"``);
this module only describes it beforehand for the confirmation page, with a
bounded number of queries (one count and one sample per relation and level).
A soft-delete model's rows are marked deleted with their ``soft_cascade``
relations instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import peewee

SAMPLE = 10
MAX_DEPTH = 3


@dataclass
class Related:
    label: str
    count: int
    sample: list[str]


@dataclass
class Plan:
    deleted: list[Related] = field(default_factory=list)
    unlinked: list[Related] = field(default_factory=list)
    protected: list[Related] = field(default_factory=list)


def _all_rows(model: type[peewee.Model]) -> peewee.ModelSelect:
    with_deleted = getattr(model, "with_deleted", None)
    return with_deleted() if with_deleted is not None else model.select()


def _label(fk: peewee.ForeignKeyField) -> str:
    return f"{fk.model.__name__} (by {fk.name})"


def _soft_targets(model: type[peewee.Model]) -> list[peewee.ForeignKeyField]:
    wanted = getattr(model._meta, "soft_cascade", ())
    out = []
    for fk in model._meta.backrefs:
        if getattr(fk.model._meta, "soft_delete_field", None) is None:
            continue
        if wanted is True or (wanted and fk.backref in wanted):
            out.append(fk)
    return out


def plan(model: type[peewee.Model], keys: peewee.ModelSelect, *, soft: bool) -> Plan:
    """Describe deleting the rows whose keys ``keys`` (a one-column select) yields."""
    result = Plan()
    _walk(model, keys, soft, result, 0)
    return result


def _walk(model: type[peewee.Model], keys: Any, soft: bool, result: Plan, depth: int) -> None:
    if depth >= MAX_DEPTH:
        return
    relations = _soft_targets(model) if soft else list(model._meta.backrefs)
    for fk in relations:
        child = fk.model
        rows = (child.select() if soft else _all_rows(child)).where(fk.in_(keys))
        count = rows.count()
        if not count:
            continue
        sample = [str(r) for r in rows.limit(SAMPLE)]
        entry = Related(_label(fk), count, sample)
        action = "CASCADE" if soft else (fk.on_delete or "").upper()
        if action == "CASCADE":
            result.deleted.append(entry)
            pk = child._meta.primary_key
            sub = (child.select(pk) if soft else _all_rows(child).select(pk)).where(fk.in_(keys))
            _walk(child, sub, soft, result, depth + 1)
        elif action == "SET NULL":
            result.unlinked.append(entry)
        else:
            result.protected.append(entry)
