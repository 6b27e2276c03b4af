"""Exports of tenant-scoped rows stay inside the tenant, streamed or in the background."""

import csv
import io

import pytest

from rustforge.contrib.export import Exporter, exports
from rustforge.contrib.tenancy import use_tenant


@pytest.fixture
def companies(settings, tenant_a, tenant_b):
    from testproject.crm.models import Company

    settings.MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.tenancy.middleware.TenantMiddleware",
        "rustforge.contrib.auth.middleware.SessionMiddleware",
        "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
        "rustforge.contrib.auth.csrf.CsrfMiddleware",
    ]
    settings.TENANCY_HEADER = "X-Tenant"

    class CompanyExport(Exporter):
        name = "companies"
        model = Company
        columns = ["name", "employees"]
        permission = None

    exports.register(CompanyExport)
    with use_tenant(tenant_a):
        Company.create(name="Acme", employees=10)
        Company.create(name="Apex", employees=4)
    with use_tenant(tenant_b):
        Company.create(name="Bolt", employees=3)
    yield {"a": tenant_a.slug, "b": tenant_b.slug}
    exports.unregister("companies")


def names(response):
    assert response.status_code == 200, response.text
    return sorted(row[0] for row in list(csv.reader(io.StringIO(response.text)))[1:])


def test_streamed_export_keeps_to_the_requests_tenant(companies, admin_client):
    assert names(admin_client.get("/export/companies.csv",
                                  headers={"X-Tenant": companies["a"]})) == ["Acme", "Apex"]
    assert names(admin_client.get("/export/companies.csv",
                                  headers={"X-Tenant": companies["b"]})) == ["Bolt"]


def test_background_export_keeps_to_the_tenant_it_was_asked_in(transactional_db, companies,
                                                                admin_client, jobs, storage):
    from urllib.parse import urlsplit

    queued = admin_client.get("/export/companies.csv?background=1",
                              headers={"X-Tenant": companies["b"]}).json
    jobs.run_all()
    status = admin_client.get(f"/export/jobs/{queued['job']}",
                              headers={"X-Tenant": companies["b"]}).json
    assert status["status"] == "done" and status["rows_total"] == 1
    download = admin_client.get(urlsplit(status["download_url"]).path,
                                headers={"X-Tenant": companies["b"]})
    assert names(download) == ["Bolt"]
