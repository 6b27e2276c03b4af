"""Counting the rows of a list page: exactly, or fast on big PostgreSQL tables.

Two settings, both off (``None``: exact counts) by default:

* ``ADMIN_COUNT_ESTIMATE_THRESHOLD``: an unfiltered list on PostgreSQL takes the
  planner's estimate (``pg_class.reltuples``, kept by autovacuum) when it is
  above this many rows ("about 2,300,000").
* ``ADMIN_FILTERED_COUNT_LIMIT``: a filtered or searched list counts at most this
  many rows and then says "more than N". A common word stops the scan early
  instead of reading the whole table twice (count, then page).

A list whose ``get_queryset`` narrows the rows, or of a model scoped per tenant,
never uses the whole-table estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from rustforge.conf import settings
from rustforge.db.scoping import scope_fields


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool = True
    capped: bool = False  # "more than value"

    def __str__(self) -> str:
        if self.capped:
            return f"more than {self.value:,}"
        return f"{self.value:,}" if self.exact else f"about {self.value:,}"


def _estimate(model: type[peewee.Model]) -> int | None:
    db = model._meta.database
    if getattr(db, "vendor", "") != "postgresql":
        return None
    row = db.execute_sql("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                         (model._meta.table_name,)).fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


def count_rows(query: peewee.ModelSelect, *, filtered: bool, narrowed: bool = False) -> Count:
    """The count of ``query``; ``filtered``: search or filters apply; ``narrowed``: the
    admin's ``get_queryset`` selects only some rows of the table."""
    model = query.model
    if filtered:
        limit = settings.ADMIN_FILTERED_COUNT_LIMIT
        if not limit:
            return Count(query.count())
        capped = query.select(model._meta.primary_key).order_by().limit(limit + 1).count()
        return Count(limit, exact=False, capped=True) if capped > limit else Count(capped)
    threshold = settings.ADMIN_COUNT_ESTIMATE_THRESHOLD
    # (The planner's estimate counts every tenant's rows of a scoped model.)
    if threshold and not narrowed and not scope_fields(model):
        estimate = _estimate(model)
        if estimate is not None and estimate > threshold:
            return Count(estimate, exact=False)
    return Count(query.count())
