"""Bulk writes on a ``ModelResource``: many rows in one request and one transaction.

Opt in per resource with the actions ``bulk_create``, ``bulk_update`` and
``bulk_destroy``; each item is also authorized as the single-row action
(``create``, ``partial_update``, ``destroy``, with the row):

    POST   /posts/bulk   [{"title": "a"}, {"title": "b"}]          -> 201 {"data": [...]}
    PATCH  /posts/bulk   [{"id": 1, "title": "a2"}, {"id": 2, ...}] -> 200 {"data": [...]}
    DELETE /posts/bulk   {"ids": [1, 2]}                           -> 204

All or nothing: every item is validated (within the transaction, so an item
sees the rows of the items before it), and if any fails nothing is written
and the answer is 422 (409 when every error is a unique conflict) with one
error per item and field, keyed ``[i].field`` (``[i]`` for the item itself):

    {"title": "Validation failed",
     "errors": {"[1].title": ["This field is required."], "[3]": ["Expected an object."]}}

At most ``max_bulk_size`` items (default ``API_MAX_BULK_SIZE``); more is a 413.
"""

from __future__ import annotations

from typing import Any, ClassVar

import falcon
import peewee

from rustforge.forms.errors import NON_FIELD, ValidationError
from rustforge.forms.http import HTTPConflictFailed, HTTPValidationFailed, read_request
from rustforge.resources.conditional import write_transaction

BULK_ACTIONS = ("bulk_create", "bulk_update", "bulk_destroy")


class _Rollback(Exception):
    def __init__(self, errors: dict[str, list[str]], conflicts: bool) -> None:
        self.errors = errors
        self.conflicts = conflicts


def _path(index: int, field: str) -> str:
    return f"[{index}]" if field == NON_FIELD else f"[{index}].{field}"


class BulkMixin:
    """Bulk responders for ``ModelResource`` (see the module docstring)."""

    max_bulk_size: int | None = None
    # Provided by ModelResource (the mixin is not used alone).
    model: ClassVar[Any]
    actions: ClassVar[Any]
    form_class: ClassVar[Any]
    _key: ClassVar[Any]
    authorize: Any
    get_query: Any
    serialize: Any
    _output_params: Any

    def _bulk_items(self, req: falcon.Request, action: str) -> list:
        from rustforge.conf import settings

        if action not in self.actions:
            allowed = [m for a, m in (("bulk_create", "POST"), ("bulk_update", "PATCH"),
                                      ("bulk_destroy", "DELETE")) if a in self.actions]
            raise falcon.HTTPMethodNotAllowed(allowed)
        self._output_params(req, set())
        data, html = read_request(req)
        if action == "bulk_destroy":
            ids = data.get("ids") if isinstance(data, dict) and not html else None
            if not isinstance(ids, list):
                raise HTTPValidationFailed({"ids": ["Expected a list of keys."]})
            items = ids
        else:
            if html or not isinstance(data, list):
                raise HTTPValidationFailed({NON_FIELD: ["Expected a JSON array of objects."]})
            items = data
        limit = self.max_bulk_size or settings.API_MAX_BULK_SIZE
        if len(items) > limit:
            raise falcon.HTTPContentTooLarge(
                title="Too many items", description=f"At most {limit} items per request.")
        if not items:
            raise HTTPValidationFailed({NON_FIELD: ["Send at least one item."]})
        return items

    def _bulk_run(self, items: list, one: Any) -> list:
        """Call ``one(index, item, errors)`` for each item in one transaction;
        roll back and raise 422/409 when any item reported errors."""
        errors: dict[str, list[str]] = {}
        conflicts = True
        done: list = []
        try:
            with write_transaction(self.model):
                for index, item in enumerate(items):
                    found: dict[str, list[str]] = {}
                    result, conflict = one(index, item, found)
                    for field, messages in found.items():
                        errors[_path(index, field)] = list(messages)
                    conflicts = conflicts and (conflict or not found)
                    done.append(result)
                if errors:
                    raise _Rollback(errors, conflicts)
        except _Rollback as failed:
            if failed.conflicts:
                raise HTTPConflictFailed(failed.errors) from None
            raise HTTPValidationFailed(failed.errors) from None
        except peewee.IntegrityError:
            raise HTTPConflictFailed({NON_FIELD: ["An item conflicts with an existing row."]}) \
                from None
        except peewee.DataError:
            raise HTTPValidationFailed(
                {NON_FIELD: ["A value was rejected by the database."]}) from None
        return done

    def _bulk_save(self, req: falcon.Request, item: Any, obj: Any,
                   found: dict) -> tuple[Any, bool]:
        if not isinstance(item, dict):
            found[NON_FIELD] = ["Expected an object."]
            return None, False
        form = self.form_class(item, instance=obj, partial=obj is not None)
        if form.errors:
            found.update(form.errors)
            return None, bool(form.conflicts) and set(form.errors) == set(form.conflicts)
        try:
            with self.model._meta.database.atomic():
                return form.save(), False
        except type(form).failure_class as exc:
            found.update(exc.errors)
            return None, bool(form.conflicts) and set(exc.errors) == set(form.conflicts)

    def on_post_bulk(self, req: falcon.Request, resp: falcon.Response) -> None:
        items = self._bulk_items(req, "bulk_create")
        self.authorize(req, "create")

        def one(index: int, item: Any, found: dict) -> tuple[Any, bool]:
            return self._bulk_save(req, item, None, found)

        rows = self._bulk_run(items, one)
        resp.status = falcon.HTTP_201
        resp.media = {"data": [self.serialize(row, req) for row in rows]}

    def on_patch_bulk(self, req: falcon.Request, resp: falcon.Response) -> None:
        items = self._bulk_items(req, "bulk_update")
        pk_name = self.model._meta.primary_key.name

        def one(index: int, item: Any, found: dict) -> tuple[Any, bool]:
            if not isinstance(item, dict):
                found[NON_FIELD] = ["Expected an object."]
                return None, False
            if pk_name not in item:
                found[pk_name] = ["This field is required."]
                return None, False
            obj = self._bulk_object(req, item[pk_name], found)
            if obj is None:
                return None, False
            self.authorize(req, "partial_update", obj)
            return self._bulk_save(req, {k: v for k, v in item.items() if k != pk_name},
                                   obj, found)

        rows = self._bulk_run(items, one)
        resp.media = {"data": [self.serialize(row, req) for row in rows]}

    def on_delete_bulk(self, req: falcon.Request, resp: falcon.Response) -> None:
        items = self._bulk_items(req, "bulk_destroy")

        def one(index: int, key: Any, found: dict) -> tuple[Any, bool]:
            obj = self._bulk_object(req, key, found, field=NON_FIELD)
            if obj is None:
                return None, False
            self.authorize(req, "destroy", obj)
            obj.delete_instance()
            return None, False

        self._bulk_run(items, one)
        resp.status = falcon.HTTP_204

    def _bulk_object(self, req: falcon.Request, raw: Any, found: dict,
                     field: str | None = None) -> Any:
        pk = self.model._meta.primary_key
        where = field or pk.name
        if isinstance(raw, (dict, list, bool)) or raw is None:
            found[where] = ["Expected a key."]
            return None
        try:
            key = self._key.clean(raw)
        except ValidationError:
            key = None
        obj = None if key is None else self.get_query(req).where(pk == key).first()
        if obj is None:
            found[where] = [f"No {self.model.__name__} with key {str(raw)[:40]!r}."]
        return obj
