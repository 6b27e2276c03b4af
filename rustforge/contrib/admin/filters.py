"""List filters: booleans, choices, foreign keys and dates, from ``list_filter``.

Every value in the query string is parsed and checked here before it reaches
a query; a value that is not one of the offered ones is a 400, never SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import falcon
import peewee

from rustforge.conf import settings
from rustforge.forms import ValidationError
from rustforge.forms.models import form_field_for


class BadParameter(falcon.HTTPBadRequest):
    def __init__(self, description: str) -> None:
        super().__init__(title="Bad list parameter", description=description)


_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class ListFilter:
    """One filter of the list page, over the model field ``field``."""

    def __init__(self, field: peewee.Field) -> None:
        self.field = field
        self.name = field.name
        self.title = (field.verbose_name or field.name.replace("_", " ")).capitalize()

    def parse(self, raw: str) -> Any:
        raise NotImplementedError

    def apply(self, query: peewee.ModelSelect, value: Any) -> peewee.ModelSelect:
        raise NotImplementedError

    def choices(self) -> list[tuple[str, str]]:
        """``(value, label)`` offered in the sidebar."""
        raise NotImplementedError

    def _null_choices(self) -> list[tuple[str, str]]:
        return [("null", "Empty"), ("notnull", "Not empty")] if self.field.null else []

    def _null(self, query: peewee.ModelSelect, value: str) -> peewee.ModelSelect | None:
        if value == "null":
            return query.where(self.field.is_null(True))
        if value == "notnull":
            return query.where(self.field.is_null(False))
        return None


class BooleanFilter(ListFilter):
    def parse(self, raw: str) -> Any:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value in ("null", "notnull") and self.field.null:
            return value
        raise BadParameter(f"{self.name} must be 1 or 0 (yes or no).")

    def apply(self, query: peewee.ModelSelect, value: Any) -> peewee.ModelSelect:
        nulls = self._null(query, value) if isinstance(value, str) else None
        return nulls if nulls is not None else query.where(self.field == value)

    def choices(self) -> list[tuple[str, str]]:
        return [("1", "Yes"), ("0", "No"), *self._null_choices()]


class ChoicesFilter(ListFilter):
    def parse(self, raw: str) -> Any:
        for value, _label in self.field.choices:
            if str(value) == raw:
                return value
        if raw in ("null", "notnull") and self.field.null:
            return raw
        raise BadParameter(f"{self.name} must be one of: "
                           + ", ".join(str(v) for v, _ in self.field.choices) + ".")

    def apply(self, query: peewee.ModelSelect, value: Any) -> peewee.ModelSelect:
        if value in ("null", "notnull") and self.field.null:
            return self._null(query, value)
        return query.where(self.field == value)

    def choices(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in self.field.choices] + self._null_choices()


class ForeignKeyFilter(ListFilter):
    """Rows pointing at one related row (listed when there are few of them)."""

    def __init__(self, field: peewee.ForeignKeyField) -> None:
        super().__init__(field)
        self.key = form_field_for(field.rel_field, include_pk=True)

    def parse(self, raw: str) -> Any:
        if raw in ("null", "notnull") and self.field.null:
            return raw
        try:
            return self.key.clean(raw)
        except ValidationError:
            raise BadParameter(f"{self.name} must be the key of a "
                               f"{self.field.rel_model.__name__}.") from None

    def apply(self, query: peewee.ModelSelect, value: Any) -> peewee.ModelSelect:
        if value in ("null", "notnull"):
            return self._null(query, value)
        return query.where(self.field == value)

    def choices(self) -> list[tuple[str, str]]:
        limit = settings.ADMIN_FILTER_CHOICES_LIMIT
        rel = self.field.rel_model
        rows = list(rel.select().order_by(self.field.rel_field).limit(limit + 1))
        if len(rows) > limit:
            return self._null_choices()  # too many to list: filter by URL (?author=3)
        return [(str(getattr(r, self.field.rel_field.name)), str(r)) for r in rows] \
            + self._null_choices()


class DateFilter(ListFilter):
    PERIODS = {"today": "Today", "7d": "Past 7 days", "month": "This month",
               "year": "This year"}

    def parse(self, raw: str) -> Any:
        if raw in self.PERIODS or (raw in ("null", "notnull") and self.field.null):
            return raw
        raise BadParameter(f"{self.name} must be one of: {', '.join(self.PERIODS)}.")

    def apply(self, query: peewee.ModelSelect, value: Any) -> peewee.ModelSelect:
        nulls = self._null(query, value)
        if nulls is not None:
            return nulls
        today = _today()
        start = {"today": today, "7d": today - dt.timedelta(days=6),
                 "month": today.replace(day=1), "year": today.replace(month=1, day=1)}[value]
        end = today + dt.timedelta(days=1)
        if isinstance(self.field, peewee.DateTimeField):
            start = dt.datetime.combine(start, dt.time())
            end = dt.datetime.combine(end, dt.time())
        return query.where((self.field >= start) & (self.field < end))

    def choices(self) -> list[tuple[str, str]]:
        return list(self.PERIODS.items()) + self._null_choices()


def filter_for(field: peewee.Field) -> ListFilter:
    if field.choices:
        return ChoicesFilter(field)
    if isinstance(field, peewee.BooleanField):
        return BooleanFilter(field)
    if isinstance(field, peewee.ForeignKeyField):
        return ForeignKeyFilter(field)
    return DateFilter(field)
