"""The tenant of a request, and no cross-tenant read or write through the REST resources."""

import pytest
from testproject.crm.models import Company, Contact

from rustforge.contrib.tenancy import use_tenant

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def rows(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        acme = Company.create(name="Acme", employees=10)
        ann = Contact.create(company=acme, email="ann@acme.test")
    with use_tenant(tenant_b):
        bolt = Company.create(name="Bolt", employees=3)
    return {"acme": acme, "ann": ann, "bolt": bolt}


def names(response):
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json["data"]]


# Resolution --------------------------------------------------------------------------
def test_subdomain_custom_domain_and_header_name_the_tenant(client, client_for, rows):
    assert names(client_for("alpha.tenants.test").get("/crm/companies")) == ["Acme"]
    assert names(client_for("beta.tenants.test:8000").get("/crm/companies")) == ["Bolt"]
    assert names(client_for("alpha.example.org").get("/crm/companies")) == ["Acme"]
    assert names(client.get("/crm/companies", headers={"X-Tenant": "beta"})) == ["Bolt"]
    # The header wins over the host (configured for trusted callers).
    assert names(client_for("alpha.tenants.test").get(
        "/crm/companies", headers={"X-Tenant": "beta"})) == ["Bolt"]


@pytest.mark.parametrize("host, header", [
    ("nobody.tenants.test", None),
    ("testserver", "nobody"),
    ("testserver", "' OR 1=1 --"),
    ("testserver", "x" * 5000),
    ("testserver", "ALPHA"),
    ("testserver", "alpha\u0000"),
    ("testserver", ""),
])
def test_an_unknown_tenant_is_a_clear_404(client_for, rows, host, header):
    headers = {"X-Tenant": header} if header is not None else {}
    response = client_for(host).get("/crm/companies", headers=headers)
    assert response.status_code == 404
    assert response.json["title"] == "Unknown tenant"
    assert "No tenant" in response.json["description"]
    assert len(response.text) < 500  # an oversized slug is not echoed back whole


def test_unknown_tenant_page_for_browsers(client_for, rows):
    response = client_for("nobody.tenants.test").get("/crm/companies",
                                                     headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Unknown tenant" in response.text


def test_an_inactive_tenant_is_unknown(client_for, tenant_a, rows):
    Company  # noqa: B018 - rows exist
    tenant_a.is_active = False
    tenant_a.save()
    assert client_for("alpha.tenants.test").get("/crm/companies").status_code == 404
    assert client_for("alpha.example.org").get("/crm/companies").status_code == 404


def test_no_tenant_reaching_tenant_data_is_a_404_not_a_500(client, rows):
    response = client.get("/crm/companies")
    assert response.status_code == 404
    assert response.json["title"] == "No tenant"
    assert "tenant-scoped" not in response.text  # the developer's message stays in the logs
    assert client.get("/").status_code == 200  # a tenant-less page is served


def test_tenancy_required_and_exempt_paths(settings, client, client_for, rows):
    settings.TENANCY_REQUIRED = True
    settings.TENANCY_EXEMPT_PATHS = ["/echo"]
    assert client.get("/").status_code == 404
    assert client.get("/echo").status_code != 404
    assert client_for("alpha.tenants.test").get("/").status_code == 200
    # "www" and the bare base domain name no tenant
    assert client_for("www.tenants.test").get("/").status_code == 404


# REST resources -----------------------------------------------------------------------
def test_rest_reads_of_another_tenants_row_are_404(client_for, rows):
    beta = client_for("beta.tenants.test")
    acme, ann = rows["acme"], rows["ann"]
    assert beta.get(f"/crm/companies/{acme.id}").status_code == 404
    assert beta.get(f"/crm/contacts/{ann.id}").status_code == 404
    assert beta.get("/crm/contacts").json["data"] == []
    assert beta.get("/crm/companies", params={"name": "Acme"}).json["data"] == []
    alpha = client_for("alpha.tenants.test")
    body = alpha.get(f"/crm/contacts/{ann.id}", params={"include": "company"}).json
    assert body["company"]["name"] == "Acme"
    assert "tenant" not in body and "tenant" not in body["company"]


def test_rest_writes_to_another_tenants_row_are_404(client_for, rows):
    beta = client_for("beta.tenants.test")
    acme = rows["acme"]
    assert beta.put(f"/crm/companies/{acme.id}",
                    json={"name": "Hacked", "employees": 0}).status_code == 404
    assert beta.patch(f"/crm/companies/{acme.id}", json={"name": "Hacked"}).status_code == 404
    assert beta.delete(f"/crm/companies/{acme.id}").status_code == 404
    with use_tenant("alpha"):
        assert Company.get_by_id(acme.id).name == "Acme"


def test_rest_create_lands_in_the_requests_tenant(client_for, tenant_a, tenant_b, rows):
    beta = client_for("beta.tenants.test")
    response = beta.post("/crm/companies",
                         json={"name": "Acme", "employees": 1, "tenant": tenant_a.id})
    assert response.status_code == 201, response.text  # "Acme" is free in beta
    assert "tenant" not in response.json
    created = Company.all_tenants().where(Company.id == response.json["id"]).get()
    assert created.tenant_id == tenant_b.id  # the body's "tenant" is not a field
    # A duplicate within the tenant is a field error, not a 500.
    again = beta.post("/crm/companies", json={"name": "Acme"})
    assert again.status_code in (400, 409, 422)
    assert "already exists" in again.text


def test_rest_cannot_link_to_another_tenants_row(client_for, rows):
    beta = client_for("beta.tenants.test")
    response = beta.post("/crm/contacts", json={"company": rows["acme"].id, "email": "x@y.z"})
    assert response.status_code == 422, response.text
    assert "does not exist" in response.text
    ok = beta.post("/crm/contacts", json={"company": rows["bolt"].id, "email": "x@y.z"})
    assert ok.status_code == 201
    moved = beta.patch(f"/crm/contacts/{ok.json['id']}", json={"company": rows["acme"].id})
    assert moved.status_code == 422


def test_openapi_does_not_offer_the_tenant_field(client):
    schema = client.get("/api/openapi.json")
    if schema.status_code == 404:
        pytest.skip("no API description route in this project")
    text = schema.text
    assert '"tenant"' not in text
