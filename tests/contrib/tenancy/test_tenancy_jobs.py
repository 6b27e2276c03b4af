"""The tenant travels with a job: it runs in the tenant it was enqueued from."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from testproject.crm.jobs import hire
from testproject.crm.models import Company

from rustforge.contrib.tenancy import current_tenant, use_tenant
from rustforge.contrib.tenancy.lifecycle import delete_tenant

TESTS = Path(__file__).resolve().parents[2]
SCRIPT = str(Path(sys.executable).parent / "rustforge")


@pytest.fixture
def twins(tenant_a, tenant_b):
    """A company called "Acme" in each tenant."""
    for tenant, employees in ((tenant_a, 10), (tenant_b, 20)):
        with use_tenant(tenant):
            Company.create(name="Acme", employees=employees)
    return tenant_a, tenant_b


def employees():
    return {c.tenant.slug: c.employees for c in Company.all_tenants()}


@pytest.mark.usefixtures("db")
def test_a_recorded_job_runs_in_its_tenant(jobs, twins):
    alpha, beta = twins
    with use_tenant(alpha):
        hire.enqueue("Acme", 1)
    with use_tenant(beta):
        hire.enqueue("Acme", 2)
    assert current_tenant() is None
    results = jobs.run_all()  # run here, outside any tenant
    assert results == [("alpha", ["Acme"]), ("beta", ["Acme"])]
    assert employees() == {"alpha": 11, "beta": 22}


@pytest.mark.usefixtures("transactional_db")  # on_commit needs real commits
def test_an_inline_job_and_one_enqueued_on_commit(settings, twins):
    settings.REDIS_URL = ""
    settings.JOBS_INLINE_RAISE = True
    alpha, beta = twins
    with use_tenant(beta):
        job = hire.enqueue("Acme", 5)
        assert job.return_value() == ("beta", ["Acme"])
    from rustforge.db import atomic

    with atomic():
        with use_tenant(alpha):
            hire.enqueue_on_commit("Acme", 1)
        assert employees() == {"alpha": 10, "beta": 25}  # not before the commit
        # The commit happens after the tenant was left: the job still runs in alpha.
    assert employees() == {"alpha": 11, "beta": 25}


@pytest.fixture
def worker(redis_url, test_database_url):
    env = {**os.environ, "RUSTFORGE_SETTINGS_MODULE": "testproject.worker_settings",
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "DATABASE_URL": test_database_url, "REDIS_URL": redis_url}

    def run_burst():
        return subprocess.run([SCRIPT, "rqworker", "--burst"], env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    return run_burst


@pytest.mark.slow
@pytest.mark.usefixtures("transactional_db")
def test_a_job_runs_in_its_tenant_in_a_real_rq_worker(settings, redis_url, worker, twins,
                                                     make_tenant):
    settings.REDIS_URL = redis_url
    alpha, beta = twins
    with use_tenant(alpha):
        job_a = hire.enqueue("Acme", 1)
    with use_tenant(beta):
        job_b = hire.enqueue("Acme", 2)
    gone = make_tenant("gamma")
    with use_tenant(gone):
        Company.create(name="Acme")
        job_c = hire.enqueue("Acme", 3)
    delete_tenant(gone)
    result = worker()
    assert result.returncode == 0, result.stdout + result.stderr
    assert job_a.get_status() == "finished", job_a.exc_info
    assert job_a.return_value() == ("alpha", ["Acme"])
    assert job_b.return_value() == ("beta", ["Acme"])
    assert employees() == {"alpha": 11, "beta": 22}
    # The tenant it was enqueued for is gone: it fails, it does not run tenant-less.
    assert job_c.get_status() == "failed"
    assert "UnknownTenant" in (job_c.exc_info or "")
