"""With the tenancy app, a tenant's staff see and touch only their tenant's jobs on the
dashboard; superusers, and staff on the site's own address, see every job. A real Redis
and a real rqworker: the tenant is what the job carried into Redis."""

import pytest
from testproject.worklog.jobs import add, boom

from rustforge.contrib.tenancy import use_tenant
from rustforge.queue import get_queue, monitor
from rustforge.testing.client import Client

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("transactional_db")]

HTML = {"Accept": "text/html"}


@pytest.fixture(autouse=True)
def tenant_sites(auth_settings):
    auth_settings.MIDDLEWARE = [
        "rustforge.http.middleware.SecurityMiddleware",
        "rustforge.contrib.tenancy.middleware.TenantMiddleware",
        "rustforge.contrib.auth.middleware.SessionMiddleware",
        "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
        "rustforge.contrib.auth.csrf.CsrfMiddleware",
    ]
    auth_settings.ALLOWED_HOSTS = ["testserver", ".tenants.test"]
    auth_settings.TENANCY_BASE_DOMAINS = ["tenants.test"]


@pytest.fixture
def failed(rq, tenant_a, tenant_b):
    """Failed and scheduled jobs of alpha, of beta, and of no tenant."""
    ids = {}
    with use_tenant(tenant_a):
        ids["a"] = {boom.enqueue("a1").id, boom.enqueue("a2").id}
        ids["a_scheduled"] = add.enqueue_in(3600, 1, 2).id
    with use_tenant(tenant_b):
        ids["b"] = {boom.enqueue("b1").id}
        ids["b_scheduled"] = add.enqueue_in(3600, 3, 4).id
    ids["site"] = {boom.enqueue("site").id}
    rq()
    assert len(monitor.failed_jobs()) == 4
    return ids


@pytest.fixture
def staff_on(app, make_user, login):
    def make(host, **flags):
        client = Client(app, host=host)
        login(client, make_user(f"staff{len(host)}{len(flags)}", is_staff=True, **flags))
        return client

    return make


def test_a_tenants_staff_see_only_its_jobs(failed, staff_on, tenant_a):
    alpha = staff_on("alpha.tenants.test")
    data = alpha.get("/_jobs").json
    assert data["owner"] == {"tenant": tenant_a.id}
    assert {j["id"] for j in data["failed"]} == failed["a"]
    assert [j["id"] for j in data["scheduled"]] == [failed["a_scheduled"]]
    default = next(q for q in data["queues"] if q["name"] == "default")
    assert (default["failed"], default["scheduled"], default["queued"]) == (2, 1, 0)
    page = alpha.get("/_jobs", headers=HTML)
    assert page.status_code == 200
    assert "Only the jobs enqueued here (tenant) are shown." in page.text
    assert "boom: a1" in page.text and "boom: b1" not in page.text
    for other in failed["b"] | failed["site"] | {failed["b_scheduled"]}:
        assert other not in page.text


def test_staff_of_no_tenant_and_superusers_see_every_job(failed, staff_on):
    everyone = failed["a"] | failed["b"] | failed["site"]
    site = staff_on("testserver").get("/_jobs").json
    assert site["owner"] == {}
    assert {j["id"] for j in site["failed"]} == everyone
    assert len(site["scheduled"]) == 2
    root = staff_on("alpha.tenants.test", is_superuser=True).get("/_jobs").json
    assert root["owner"] == {} and {j["id"] for j in root["failed"]} == everyone


def test_another_tenants_job_ids_are_404(failed, staff_on):
    alpha = staff_on("alpha.tenants.test")
    for job_id in [*failed["b"], *failed["site"], failed["b_scheduled"]]:
        for action in ("retry", "delete"):
            response = alpha.post(f"/_jobs/failed/{job_id}/{action}")
            assert response.status_code == 404, response.text
            assert response.json["title"] == "No such failed job"
    assert len(monitor.failed_jobs()) == 4 and len(get_queue("default")) == 0


def test_retry_all_retries_only_the_tenants_jobs(failed, staff_on):
    alpha = staff_on("alpha.tenants.test")
    assert alpha.post("/_jobs/failed/retry-all").json == {"requeued": "2 job(s)"}
    assert set(get_queue("default").job_ids) == failed["a"]
    assert {j.id for j in monitor.failed_jobs()} == failed["b"] | failed["site"]
    own = next(iter(failed["b"]))
    beta = staff_on("beta.tenants.test")
    assert beta.post(f"/_jobs/failed/{own}/delete").json == {"deleted": own}


@pytest.mark.parametrize("job_id", ["nope", "x" * 300, "%27%20OR%201=1", "..%2F..%2Fetc", "%00"])
def test_hostile_job_ids_on_a_tenants_dashboard_are_404(failed, staff_on, job_id):
    alpha = staff_on("alpha.tenants.test")
    for action in ("retry", "delete"):
        assert alpha.post(f"/_jobs/failed/{job_id}/{action}").status_code in (404, 400)
    assert len(monitor.failed_jobs()) == 4


def test_a_worker_names_only_the_viewers_current_job(rq, tenant_a, tenant_b):
    from rq import Worker
    from rq.executions import prepare_execution

    from rustforge.queue.connection import get_redis

    with use_tenant(tenant_b):
        running = add.enqueue(1, 1)
    worker = Worker(["default"], connection=get_redis(), name="dashboard-test")
    worker.register_birth()
    try:  # the worker took beta's job (as rq's own worker does, without running it)
        prepare_execution(worker, get_queue("default").fetch_job(running.id))
        assert [w.job_id for w in monitor.workers() if w.name == "dashboard-test"] == [running.id]
        assert [w.job_id for w in monitor.workers({"tenant": tenant_b.id})
                if w.name == "dashboard-test"] == [running.id]
        assert [w.job_id for w in monitor.workers({"tenant": tenant_a.id})
                if w.name == "dashboard-test"] == [None]
    finally:
        worker.register_death()
