"""Tenant-scoped models: every query is limited to the current tenant.

    from peewee import CharField
    from rustforge.contrib.tenancy import TenantModel

    class Project(TenantModel):           # adds `tenant` (a foreign key to Tenant)
        name = CharField(max_length=100)

        class Meta:                       # unique per tenant, not site-wide
            indexes = ((("tenant", "name"), True),)

    with use_tenant("acme"):
        Project.create(name="Rocket")     # tenant filled in
        Project.select()                  # WHERE tenant_id = <acme>
        Project.get_by_id(7)              # DoesNotExist if 7 is another tenant's
    Project.select()                      # NoCurrentTenant: never every tenant's rows
    Project.all_tenants()                 # explicit: every tenant's rows

Selects, ``get``/``get_by_id``/``get_or_none``, ``update()``, ``delete()``,
``save()``, ``delete_instance()``, ``insert()``/``insert_many()`` and
``bulk_create()`` are all scoped; writing a row of another tenant raises
:class:`CrossTenantWrite`. Not scoped: ``Model.raw()`` SQL, and rows of this
model reached through a JOIN from another model's query (filter those
yourself). With soft deletes, list ``SoftDeleteModel`` first:
``class Note(SoftDeleteModel, TenantModel)``.
"""

from __future__ import annotations

from typing import Any

import peewee

from rustforge.contrib.tenancy.context import require_tenant
from rustforge.contrib.tenancy.errors import CrossTenantWrite, TenancyError
from rustforge.contrib.tenancy.models import Tenant
from rustforge.db import Model
from rustforge.db.fastpath import scope_select
from rustforge.db.scoping import scopes_enabled, unscoped

FIELD = "tenant"


def _tenant_key(value: Any) -> Any:
    return value.id if isinstance(value, Tenant) else value


class TenantModel(Model):
    """Base class of tenant-scoped models (see the module docstring)."""

    tenant = peewee.ForeignKeyField(Tenant, backref="+", on_delete="CASCADE", index=True)

    # rustforge.db.scoping: forms, resources, GraphQL and the admin never
    # expose it; the fast path makes it a parameter of its compiled SQL.
    _scope_fields = (FIELD,)

    # The scope -------------------------------------------------------------------
    @classmethod
    def scope_tenant_id(cls) -> int | None:
        """The id queries are limited to; None inside ``unscoped()``."""
        if not scopes_enabled():
            return None
        return require_tenant(cls.__name__).id

    @classmethod
    def scope_values(cls) -> tuple[int] | None:
        """The scope's values for the fast path's compiled SQL (``rustforge.db.scoping``)."""
        tenant_id = cls.scope_tenant_id()
        return None if tenant_id is None else (tenant_id,)

    @classmethod
    def all_tenants(cls, *fields: Any) -> peewee.ModelSelect:
        """A select over every tenant's rows (the explicit way out of the scope)."""
        with unscoped():
            return cls.select(*fields)

    @classmethod
    def _check_value(cls, value: Any, tenant_id: int) -> None:
        if _tenant_key(value) != tenant_id:
            raise CrossTenantWrite(f"{cls.__name__}: a row of tenant {_tenant_key(value)!r} "
                                   f"cannot be written while tenant {tenant_id} is active")

    @classmethod
    def _fill(cls, row: dict, tenant_id: int) -> dict:
        """``row`` (keys: names or fields) with the tenant set or checked."""
        for key in (FIELD, cls.tenant, cls.tenant.column_name):
            if key in row:
                cls._check_value(row[key], tenant_id)
                return row
        return {**row, FIELD: tenant_id}

    # Reads -----------------------------------------------------------------------
    @classmethod
    def select(cls, *fields: Any) -> peewee.ModelSelect:
        query = super().select(*fields)
        tenant_id = cls.scope_tenant_id()
        # (scope_select: the same WHERE, and a bare select keeps the list fast path.)
        return query if tenant_id is None else scope_select(query, cls, (tenant_id,))

    # Writes ----------------------------------------------------------------------
    @classmethod
    def update(cls, data=None, /, **update):
        query = super().update(data, **update)
        tenant_id = cls.scope_tenant_id()
        if tenant_id is None:
            return query
        for field, value in query._update.items():
            if getattr(field, "name", field) == FIELD:
                cls._check_value(value, tenant_id)
        return query.where(cls.tenant == tenant_id)

    @classmethod
    def delete(cls):
        query = super().delete()
        tenant_id = cls.scope_tenant_id()
        return query if tenant_id is None else query.where(cls.tenant == tenant_id)

    @classmethod
    def insert(cls, __data=None, /, **insert):
        tenant_id = cls.scope_tenant_id()
        if tenant_id is None:
            return super().insert(__data, **insert)
        return super().insert(cls._fill({**(__data or {}), **insert}, tenant_id))

    @classmethod
    def insert_many(cls, rows, fields=None):
        tenant_id = cls.scope_tenant_id()
        if tenant_id is None:
            return super().insert_many(rows, fields)
        rows = list(rows)
        if fields is None:
            if all(isinstance(row, dict) for row in rows):
                return super().insert_many([cls._fill(row, tenant_id) for row in rows])
            fields = cls._meta.sorted_fields  # peewee's reading of bare tuples
        names = [getattr(f, "name", f) for f in fields]
        if FIELD in names:
            at = names.index(FIELD)
            for row in rows:
                cls._check_value(row[at], tenant_id)
            return super().insert_many(rows, fields)
        return super().insert_many([(*row, tenant_id) for row in rows], [*fields, cls.tenant])

    @classmethod
    def insert_from(cls, query, fields):
        if cls.scope_tenant_id() is not None:
            raise TenancyError(f"{cls.__name__}.insert_from() copies rows whose tenant cannot be "
                               "checked; run it inside unscoped() and select the tenant column")
        return super().insert_from(query, fields)

    @classmethod
    def bulk_create(cls, model_list, batch_size=None):
        tenant_id = cls.scope_tenant_id()
        if tenant_id is not None:
            for obj in model_list:
                obj._own(tenant_id)
        return super().bulk_create(model_list, batch_size=batch_size)

    def _own(self, tenant_id: int) -> None:
        current = self.__data__.get(FIELD)
        if current is None:
            self.__data__[FIELD] = tenant_id
            self._dirty.add(FIELD)
        else:
            self._check_value(current, tenant_id)

    def save(self, force_insert: bool = False, only=None):
        tenant_id = self.scope_tenant_id()
        if tenant_id is not None:
            self._own(tenant_id)
        return super().save(force_insert=force_insert, only=only)
