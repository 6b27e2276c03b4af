"""The trash of a ``ModelResource`` over a ``SoftDeleteModel``: list, restore, purge.

Opt in per resource by listing the actions (each checked against
``permissions`` like every other action):

    class PostResource(ModelResource):
        model = Post                                   # a SoftDeleteModel
        actions = (*ACTIONS, "trash", "restore", "force_delete")
        permissions = {"trash": "blog.view_deleted_post", "restore": "blog.restore_post",
                       "force_delete": "blog.purge_post"}

* ``GET /posts?with_deleted=1`` / ``?only_deleted=1`` (action ``trash``);
* ``POST /posts/{pk}/restore`` (action ``restore``): 200 with the row, 409 when a
  live row took one of its unique values meanwhile;
* ``DELETE /posts/{pk}?force=1`` (action ``force_delete``): a real ``DELETE`` of
  a live or deleted row.

The queries go through the resource's own ``get_query`` (so its scoping, e.g.
to the owner, applies to the trash too), built inside
:func:`rustforge.db.softdelete.deleted_rows`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import falcon
import peewee

from rustforge.db.softdelete import RestoreConflict, deleted_rows
from rustforge.forms.errors import NON_FIELD
from rustforge.forms.http import HTTPConflictFailed
from rustforge.resources.conditional import check_if_match, stored_etag, write_transaction
from rustforge.resources.query import ITEM_PARAMS, bad_request

TRASH_ACTIONS = ("trash", "restore", "force_delete")
TRASH_PARAMS = {"with_deleted", "only_deleted"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def is_soft(model: type[peewee.Model] | None) -> bool:
    return model is not None and bool(getattr(model._meta, "soft_delete_field", None)) \
        and hasattr(model, "only_deleted")


def flag(params: Mapping[str, Any], name: str) -> bool:
    raw = params.get(name)
    if raw is None:
        return False
    if isinstance(raw, list) or str(raw).lower() not in _TRUE | _FALSE:
        raise bad_request("Invalid query parameter", f"{name} must be 1 or 0.")
    return str(raw).lower() in _TRUE


class TrashMixin:
    """Trash handling for ``ModelResource`` (see the module docstring)."""

    # Provided by ModelResource (the mixin is not used alone).
    model: ClassVar[Any]
    actions: ClassVar[Any]
    require_if_match: ClassVar[bool]
    authorize: Any
    get_query: Any
    get_object: Any
    load_includes: Any
    serialize: Any
    _output_params: Any

    def trash_enabled(self, action: str = "trash") -> bool:
        return is_soft(self.model) and action in self.actions

    def list_params(self) -> set[str]:
        return set(TRASH_PARAMS) if self.trash_enabled() else set()

    def trash_scope(self, req: falcon.Request) -> str | None:
        """``"all"``, ``"deleted"`` or None (live rows) for a list request."""
        if not self.trash_enabled():
            return None
        with_deleted = flag(req.params, "with_deleted")
        only_deleted = flag(req.params, "only_deleted")
        if with_deleted and only_deleted:
            raise bad_request("Invalid query parameter",
                              "Use with_deleted or only_deleted, not both.")
        if not (with_deleted or only_deleted):
            return None
        self.authorize(req, "trash")
        return "deleted" if only_deleted else "all"

    def scoped_query(self, req: falcon.Request, scope: str | None) -> peewee.ModelSelect:
        if scope is None:
            return self.get_query(req)
        with deleted_rows(self.model, scope):
            return self.get_query(req)

    def on_post_restore(self, req: falcon.Request, resp: falcon.Response, pk: str) -> None:
        if not self.trash_enabled("restore"):
            raise falcon.HTTPMethodNotAllowed([])
        only, include = self._output_params(req, set(ITEM_PARAMS))
        with write_transaction(self.model) as lock:
            obj = self.get_object(req, pk, scope="deleted", lock=lock)
            self.authorize(req, "restore", obj)
            check_if_match(req, obj, required=self.require_if_match)
            try:
                obj.restore()
            except RestoreConflict as exc:
                raise HTTPConflictFailed({NON_FIELD: [str(exc)]}) from None
            resp.etag = stored_etag(obj)
        self.load_includes([obj], include)
        resp.media = self.serialize(obj, req, only=only, include=include)

    def force_delete(self, req: falcon.Request, pk: str) -> None:
        with write_transaction(self.model) as lock:
            obj = self.get_object(req, pk, scope="all", lock=lock)
            self.authorize(req, "force_delete", obj)
            check_if_match(req, obj, required=self.require_if_match)
            try:
                obj.force_delete()
            except peewee.IntegrityError:
                raise falcon.HTTPConflict(
                    title="Conflict", description=f"This {self.model.__name__} is still "
                                                  f"referenced by other rows.") from None
