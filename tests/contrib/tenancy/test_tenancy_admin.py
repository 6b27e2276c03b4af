"""No cross-tenant read or write through the admin: each tenant's admin
(its own address) shows and changes its own rows only."""

from urllib.parse import urlencode

import pytest
from testproject.crm.models import Company, Contact

from rustforge.contrib.tenancy import use_tenant

FAST_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}


@pytest.fixture(autouse=True)
def admin_settings(settings, locmem_cache):
    settings.MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.tenancy.middleware.TenantMiddleware",
        "rustforge.contrib.auth.middleware.SessionMiddleware",
        "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
        "rustforge.contrib.auth.csrf.CsrfMiddleware",
    ]
    settings.PASSWORD_ARGON2 = FAST_ARGON2


@pytest.fixture
def rows(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        acme = Company.create(name="Acme", employees=10)
        Contact.create(company=acme, email="ann@acme.test")
    with use_tenant(tenant_b):
        bolt = Company.create(name="Bolt", employees=3)
    return {"acme": acme, "bolt": bolt}


@pytest.fixture
def beta_admin(admin_client):
    admin_client.default_headers["X-Tenant"] = "beta"
    return admin_client


def form_post(client, path, fields):
    return client.post(path, body=urlencode(fields, doseq=True), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"{client.protocol}://{client.host}"})


def test_lists_and_pages_show_only_the_tenants_rows(beta_admin, rows):
    page = beta_admin.get("/admin/crm/company")
    assert page.status_code == 200, page.text
    assert "Bolt" in page.text and "Acme" not in page.text
    assert "ann@acme.test" not in beta_admin.get("/admin/crm/contact").text
    found = beta_admin.get("/admin/crm/company/autocomplete", params={"term": "A"})
    assert "Acme" not in found.text
    acme = rows["acme"].id
    for view in ("change", "delete", "history"):
        assert beta_admin.get(f"/admin/crm/company/{acme}/{view}").status_code == 404


def test_the_tenant_is_no_form_field(beta_admin, rows):
    page = beta_admin.get("/admin/crm/company/add")
    assert page.status_code == 200, page.text
    assert 'name="tenant"' not in page.text
    assert "Alpha" not in page.text  # no list of the other tenants


def test_writes_to_another_tenants_row_are_404(beta_admin, rows):
    acme = rows["acme"].id
    changed = form_post(beta_admin, f"/admin/crm/company/{acme}/change",
                        {"name": "Hacked", "employees": "0"})
    assert changed.status_code == 404
    deleted = form_post(beta_admin, f"/admin/crm/company/{acme}/delete", {"post": "yes"})
    assert deleted.status_code == 404
    # A bulk action with another tenant's key selected changes nothing of it.
    form_post(beta_admin, "/admin/crm/company",
              {"action": "grow", "_selected": [str(acme), str(rows["bolt"].id)]})
    with use_tenant("alpha"):
        assert Company.get_by_id(acme).employees == 10
        assert Company.get_by_id(acme).name == "Acme"
    with use_tenant("beta"):
        assert Company.get_by_id(rows["bolt"].id).employees == 4


def test_add_lands_in_the_tenant_and_links_stay_inside(beta_admin, tenant_b, rows):
    added = form_post(beta_admin, "/admin/crm/company/add", {"name": "Acme", "employees": "5"})
    assert added.status_code in (302, 303), added.text
    created = Company.all_tenants().where(Company.name == "Acme",
                                          Company.tenant == tenant_b.id).get()
    assert created.employees == 5
    linked = form_post(beta_admin, "/admin/crm/contact/add",
                       {"company": str(rows["acme"].id), "email": "x@y.z"})
    assert linked.status_code == 400  # another tenant's company is no valid choice
    assert not Contact.all_tenants().where(Contact.email == "x@y.z").exists()
