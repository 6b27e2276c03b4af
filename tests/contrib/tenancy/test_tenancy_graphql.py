"""No cross-tenant read or write through GraphQL."""

import pytest
from testproject.crm.models import Company, Contact

from rustforge.contrib.tenancy import use_tenant

pytestmark = pytest.mark.usefixtures("db")

ALPHA = {"X-Tenant": "alpha"}
BETA = {"X-Tenant": "beta"}


@pytest.fixture
def rows(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        acme = Company.create(name="Acme", employees=10)
        Contact.create(company=acme, email="ann@acme.test")
    with use_tenant(tenant_b):
        bolt = Company.create(name="Bolt", employees=3)
        Contact.create(company=bolt, email="bob@bolt.test")
    return {"acme": acme, "bolt": bolt}


def data(response):
    body = response.json
    assert response.status_code == 200, body
    return body


def test_lists_and_relations_hold_only_the_tenants_rows(graphql_query, rows):
    query = "{ companies { nodes { name contacts { nodes { email } } } } }"
    for headers, name, email in ((ALPHA, "Acme", "ann@acme.test"),
                                 (BETA, "Bolt", "bob@bolt.test")):
        nodes = data(graphql_query(query, headers=headers))["data"]["companies"]["nodes"]
        assert nodes == [{"name": name, "contacts": {"nodes": [{"email": email}]}}]


def test_another_tenants_row_by_id_is_null(graphql_query, rows):
    query = "query($id: ID!) { company(id: $id) { name } }"
    acme = str(rows["acme"].id)
    assert data(graphql_query(query, {"id": acme}, headers=BETA))["data"] == {"company": None}
    assert data(graphql_query(query, {"id": acme}, headers=ALPHA))["data"] == {
        "company": {"name": "Acme"}}


def test_mutations_cannot_touch_another_tenants_row(graphql_query, rows):
    acme = str(rows["acme"].id)
    update = 'mutation($id: ID!) { updateCompany(id: $id, input: {name: "Hacked"}) { name } }'
    body = data(graphql_query(update, {"id": acme}, headers=BETA))
    assert body["data"] == {"updateCompany": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    delete = "mutation($id: ID!) { deleteCompany(id: $id) }"
    body = data(graphql_query(delete, {"id": acme}, headers=BETA))
    assert not (body["data"] or {}).get("deleteCompany")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    with use_tenant("alpha"):
        assert Company.get_by_id(rows["acme"].id).name == "Acme"


def test_create_lands_in_the_requests_tenant(graphql_query, tenant_b, rows):
    create = ('mutation($input: CreateCompanyInput!) '
              '{ createCompany(input: $input) { id name } }')
    body = data(graphql_query(create, {"input": {"name": "Acme", "employees": 2}},
                              headers=BETA))
    created = body["data"]["createCompany"]
    assert created, body
    assert created["name"] == "Acme"
    assert Company.all_tenants().where(Company.id == int(created["id"])).get().tenant_id == \
        tenant_b.id
    # "tenant" is no input field: sending it is a validation error, not a move.
    sneaky = graphql_query(create, {"input": {"name": "X", "tenant": "1"}}, headers=BETA)
    assert sneaky.status_code == 400
    assert "tenant" in sneaky.json["errors"][0]["message"]
    assert not Company.all_tenants().where(Company.name == "X").exists()


def test_the_schema_exposes_no_tenant_field(graphql_query, settings, rows):
    settings.GRAPHQL_INTROSPECTION = True
    query = '{ __type(name: "Company") { fields { name } } }'
    body = data(graphql_query(query, headers=ALPHA))
    names = {f["name"] for f in body["data"]["__type"]["fields"]}
    assert "name" in names and "tenant" not in names


def test_without_a_tenant_graphql_reports_an_error_not_rows(graphql_query, rows):
    body = graphql_query("{ companies { nodes { name } } }").json
    assert body.get("data") in (None, {"companies": None})
    assert body["errors"]
    assert "Acme" not in str(body)
