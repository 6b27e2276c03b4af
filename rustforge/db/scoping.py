"""Row scopes: models whose every query is narrowed to a slice of the table.

The core defines no scope itself; an app does (``rustforge.contrib.tenancy``
limits a tenant-scoped model to the current tenant). The core only knows the
two things every layer must respect:

* the fields a scope owns (the model class's ``_scope_fields``): forms, API
  resources, GraphQL types and the admin leave them out, so a client can
  never write them;
* their current values (the classmethod ``scope_values()``: a tuple, or None
  inside ``unscoped()``): the database fast path compiles its pk lookups,
  saves and bare lists with the scope fields as parameters and fills them per
  call, so no scope's value is ever frozen into cached SQL (a scope's
  ``select()`` applies itself with ``rustforge.db.fastpath.scope_select``);
* a switch to run code without any scope (``unscoped()``), for maintenance
  such as emptying the test database:

      from rustforge.db.scoping import unscoped

      with unscoped():
          Note.delete().execute()        # every row of every tenant
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

_disabled = contextvars.ContextVar("rustforge_scopes_disabled", default=False)


@contextlib.contextmanager
def unscoped() -> Iterator[None]:
    """Queries inside the block are not narrowed by any row scope."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def scopes_enabled() -> bool:
    """False inside :func:`unscoped`."""
    return not _disabled.get()


def scope_fields(model: Any) -> tuple[str, ...]:
    """Names of the fields a row scope owns on ``model`` (empty for most models)."""
    return tuple(getattr(model, "_scope_fields", ()) or ())


def internal_fields(model: Any) -> set[str]:
    """Fields no form, resource or GraphQL type exposes: the soft-delete
    marker and the fields a scope owns."""
    names = set(scope_fields(model))
    soft = getattr(model._meta, "soft_delete_field", None)
    if soft:
        names.add(soft)
    return names
