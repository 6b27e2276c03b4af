"""Counting the rows of a list page, exactly or (on big PostgreSQL tables) fast.

With ``ADMIN_COUNT_ESTIMATE_THRESHOLD`` set (a number of rows), an
unfiltered list on PostgreSQL takes the planner's estimate
(``pg_class.reltuples``) when it is above the threshold, and a filtered or
searched list counts at most threshold + 1 rows ("more than N"). Off
(``None``, the default), every count is exact.
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

    def __str__(self) -> str:
        return f"{self.value:,}" if self.exact else f"about {self.value:,}"


def _estimate(model: type[peewee.Model]) -> int | None:
    db = model._meta.database
    if getattr(db, "vendor", "") != "postgresql" and not isinstance(db, peewee.PostgresqlDatabase):
        return None
    row = db.execute_sql("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                         (model._meta.table_name,)).fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


def count_rows(query: peewee.ModelSelect, *, filtered: bool) -> Count:
    threshold = settings.ADMIN_COUNT_ESTIMATE_THRESHOLD
    if not threshold:
        return Count(query.count())
    model = query.model
    if not filtered and not scope_fields(model):
        # (The planner's estimate counts every tenant's rows of a scoped model.)
        estimate = _estimate(model)
        if estimate is not None and estimate > threshold:
            return Count(estimate, exact=False)
        return Count(query.count())
    capped = query.select(model._meta.primary_key).order_by().limit(threshold + 1)
    value = capped.count()
    return Count(value, exact=value <= threshold)
