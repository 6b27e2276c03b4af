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
