"""Row scoping through the ORM: two tenants never see or change each other's rows."""

import peewee
import pytest
from testproject.crm.models import Company, Contact

from rustforge.contrib.tenancy import (
    CrossTenantWrite,
    NoCurrentTenant,
    TenancyError,
    current_tenant,
    unscoped,
    use_tenant,
)
from rustforge.testing.queries import capture_queries

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def rows(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        acme = Company.create(name="Acme", employees=10)
        Contact.create(company=acme, email="ann@acme.test")
    with use_tenant(tenant_b):
        bolt = Company.create(name="Bolt", employees=3)
    return {"a": acme, "b": bolt}


def test_each_tenant_reads_only_its_rows(tenant_a, tenant_b, rows):
    with use_tenant(tenant_a):
        assert [c.name for c in Company.select()] == ["Acme"]
        assert Company.select().count() == 1
        assert Contact.select().count() == 1
    with use_tenant("beta"):  # by slug
        assert [c.name for c in Company.select()] == ["Bolt"]
        assert Contact.select().count() == 0
    assert rows["a"].tenant_id == tenant_a.id


@pytest.mark.parametrize("lookup", [
    lambda pk: Company.get_by_id(pk),
    lambda pk: Company[pk],
    lambda pk: Company.get(Company.id == pk),
    lambda pk: Company.get(id=pk),
])
def test_another_tenants_row_by_id_does_not_exist(tenant_a, tenant_b, rows, lookup):
    with use_tenant(tenant_a):
        assert lookup(rows["a"].id).name == "Acme"  # compiles and caches what it can
    with use_tenant(tenant_b):
        with pytest.raises(Company.DoesNotExist):
            lookup(rows["a"].id)
        assert Company.get_or_none(Company.id == rows["a"].id) is None


def test_bulk_update_and_delete_stay_in_the_tenant(tenant_a, tenant_b, rows):
    with use_tenant(tenant_b):
        assert Company.update(employees=0).execute() == 1
        assert Company.delete().where(Company.name == "Acme").execute() == 0
        assert Company.delete().execute() == 1
    with use_tenant(tenant_a):
        assert Company.get().employees == 10


def test_instance_writes_are_checked(tenant_a, tenant_b, rows):
    with use_tenant(tenant_b):
        acme = rows["a"]
        acme.employees = 99
        with pytest.raises(CrossTenantWrite):
            acme.save()
        with pytest.raises(CrossTenantWrite):
            Company.create(name="Sneaky", tenant=tenant_a)
        with pytest.raises(CrossTenantWrite):
            Company.update(tenant=tenant_a.id).execute()
        with pytest.raises(CrossTenantWrite):
            Company.insert_many([{"name": "X", "tenant": tenant_a.id}]).execute()
        assert acme.delete_instance() == 0  # not this tenant's row: nothing deleted
    with use_tenant(tenant_a):
        assert Company.get().employees == 10


def test_inserts_fill_in_the_tenant(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        Company.insert(name="One").execute()
        Company.insert_many([{"name": "Two"}, {Company.name: "Three"}]).execute()
        Company.insert_many([("Four", 1)], fields=[Company.name, Company.employees]).execute()
        Company.bulk_create([Company(name="Five"), Company(name="Six")])
        company, created = Company.get_or_create(name="Seven")
        assert created and company.tenant_id == tenant_a.id
    with use_tenant(tenant_b):
        assert Company.select().count() == 0
    with unscoped():
        assert {c.tenant_id for c in Company.select()} == {tenant_a.id}
        assert Company.select().count() == 7


def test_the_same_unique_name_in_two_tenants(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        Company.create(name="Same")
        with pytest.raises(peewee.IntegrityError), Company._meta.database.atomic():
            Company.create(name="Same")
    with use_tenant(tenant_b):
        Company.create(name="Same")


def test_no_current_tenant_is_an_error_not_every_row(rows):
    assert current_tenant() is None
    for query in (lambda: Company.select(), lambda: Company.get_by_id(rows["a"].id),
                  lambda: Company.create(name="Orphan"), lambda: Company.delete(),
                  lambda: Company.update(employees=1)):
        with pytest.raises(NoCurrentTenant, match="Company is tenant-scoped"):
            query()


def test_unscoped_access_is_explicit(tenant_a, tenant_b, rows):
    assert sorted(c.name for c in Company.all_tenants()) == ["Acme", "Bolt"]
    with use_tenant(tenant_a):
        assert Company.all_tenants().count() == 2
        assert Company.select().count() == 1
    with unscoped():
        assert Company.select().count() == 2


def test_insert_from_refuses_inside_a_tenant(tenant_a):
    with use_tenant(tenant_a), pytest.raises(TenancyError, match="insert_from"):
        Company.insert_from(Company.select(Company.name), [Company.name])


def test_backrefs_and_joins_from_a_scoped_model(tenant_a, tenant_b, rows):
    with use_tenant(tenant_a):
        acme = Company.get()
        assert [c.email for c in acme.contacts] == ["ann@acme.test"]
        joined = Contact.select(Contact, Company).join(Company)
        assert [(c.email, c.company.name) for c in joined] == [("ann@acme.test", "Acme")]


def test_unknown_tenant_and_nesting(tenant_a, tenant_b):
    from rustforge.contrib.tenancy import UnknownTenant

    with pytest.raises(UnknownTenant), use_tenant("nobody"):
        pass
    with use_tenant(tenant_a):
        with use_tenant(tenant_b):
            assert current_tenant().slug == "beta"
        assert current_tenant().slug == "alpha"
    assert current_tenant() is None


def test_the_fast_path_takes_the_tenant_as_a_parameter(settings, tenant_a, tenant_b, rows):
    settings.DATABASE_FAST_PATH = True
    from rustforge.db.fastpath import clear_cache

    clear_cache(Company)
    with use_tenant(tenant_a):
        acme = Company.get_by_id(rows["a"].id)  # compiles the lookup once, for every tenant
        acme.employees = 11
        assert acme.save() == 1                 # the compiled UPDATE ... AND tenant_id = ?
    plan = Company._meta.__dict__["_rustforge_get"]
    assert plan.scope and "tenant_id" in plan.sql
    # No tenant's id is frozen into the cached SQL: its slot holds a placeholder.
    assert all(not isinstance(plan.params[index], int) for index, _ in plan.scope)
    (save_plan,) = plan.saves.values()  # the UPDATE plans live with the lookup's
    with use_tenant(tenant_b):
        bolt = Company.get_by_id(rows["b"].id)
        bolt.employees = 7
        with capture_queries() as queries:
            # The same compiled UPDATE, with tenant b's id: a frozen id would match no row.
            assert bolt.save() == 1
        assert "tenant_id" in queries.statements
        assert tuple(plan.saves.values()) == (save_plan,)
        assert Company._meta.__dict__["_rustforge_get"] is plan  # the same SQL...
        with pytest.raises(Company.DoesNotExist):
            Company.get_by_id(rows["a"].id)          # ...another tenant's value
        assert Company.get_by_id(rows["b"].id).name == "Bolt"
    with unscoped():
        assert Company.get_by_id(rows["a"].id).employees == 11  # peewee, no scope
    # A bare select runs the list plan, compiled once with the tenant as a parameter.
    with use_tenant(tenant_a):
        assert [c.name for c in Company.select()] == ["Acme"]
    list_plan = Company._meta.__dict__["_rustforge_list"]
    assert list_plan.scope and "tenant_id" in list_plan.sql
    with use_tenant(tenant_b):
        assert [c.name for c in Company.select()] == ["Bolt"]
        assert Company._meta.__dict__["_rustforge_list"] is list_plan
    with unscoped():
        assert sorted(c.name for c in Company.select()) == ["Acme", "Bolt"]


def test_soft_deletes_and_tenants_together(tenant_a, tenant_b, monkeypatch):
    from peewee import CharField

    from rustforge.contrib.tenancy import TenantModel
    from rustforge.contrib.tenancy.checks import check_models
    from rustforge.db import SoftDeleteModel, get_database

    class Memo(SoftDeleteModel, TenantModel):
        text = CharField(max_length=20)

        class Meta:
            table_name = "tenancy_test_memo"

    class WrongMemo(TenantModel, SoftDeleteModel):
        class Meta:
            table_name = "tenancy_test_wrong_memo"

    get_database().create_tables([Memo])
    with use_tenant(tenant_a):
        Memo.create(text="a").delete_instance()
        Memo.create(text="live")
    with use_tenant(tenant_b):
        Memo.create(text="b").delete_instance()
        assert [m.text for m in Memo.with_deleted()] == ["b"]
        assert [m.text for m in Memo.only_deleted()] == ["b"]
        assert Memo.select().count() == 0
    with use_tenant(tenant_a):
        assert [m.text for m in Memo.select()] == ["live"]
    from rustforge.apps import apps

    monkeypatch.setattr(apps, "get_models", lambda: [Memo, WrongMemo])
    assert [m.id for m in check_models()] == ["tenancy.E005"]
