"""The tenancy tests run the test project with the tenant middleware: tenants
are reached as <slug>.tenants.test, by custom domain (alpha.example.org), or
by the X-Tenant header."""

import pytest

TENANT_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.tenancy.middleware.TenantMiddleware",
]


@pytest.fixture(autouse=True)
def tenancy_settings(settings):
    settings.MIDDLEWARE = TENANT_MIDDLEWARE
    settings.ALLOWED_HOSTS = ["testserver", ".tenants.test", ".example.org"]
    settings.TENANCY_BASE_DOMAINS = ["tenants.test"]
    settings.TENANCY_HEADER = "X-Tenant"
    return settings


@pytest.fixture
def client_for(app):
    """``client_for("alpha.tenants.test")``: a test client sending that Host."""
    from rustforge.testing.client import Client

    return lambda host: Client(app, host=host)


@pytest.fixture
def company_export(tenant_a, tenant_b):
    """An export of the scoped companies, and one company in each tenant."""
    from testproject.crm.models import Company

    from rustforge.contrib.export import Exporter, exports
    from rustforge.contrib.tenancy import use_tenant

    class CompanyExport(Exporter):
        name = "companies"
        model = Company
        columns = ["name"]
        permission = None

    exports.register(CompanyExport)
    with use_tenant(tenant_a):
        Company.create(name="Acme")
    with use_tenant(tenant_b):
        Company.create(name="Bolt")
    yield
    exports.unregister("companies")
