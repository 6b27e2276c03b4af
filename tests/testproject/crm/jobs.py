"""Jobs of the tenancy tests; importable by a real rqworker process."""

from rustforge.contrib.tenancy import current_tenant
from rustforge.queue import job

from .models import Company


@job
def hire(name, count):
    """Adds ``count`` employees to the current tenant's company ``name``;
    returns the tenant it ran in and the companies it could see."""
    company = Company.get(Company.name == name)
    company.employees += count
    company.save()
    return current_tenant().slug, sorted(c.name for c in Company.select())
