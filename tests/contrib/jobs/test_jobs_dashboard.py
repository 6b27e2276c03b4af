"""The staff-only jobs dashboard: access, JSON, retry and delete of failed jobs."""

import pytest
from testproject.worklog.jobs import add, boom

from rustforge.queue import get_queue, monitor

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("transactional_db")]

HTML = {"Accept": "text/html"}


@pytest.fixture
def staff(client, make_user, login):
    login(client, make_user("boss", is_staff=True))
    return client


def test_access(client, make_user, login, settings):
    settings.REDIS_URL = ""
    anonymous = client.get("/_jobs", headers=HTML)
    assert anonymous.status_code == 302 and "/accounts/login?next=" in anonymous.headers["location"]
    assert client.get("/_jobs").status_code == 401
    login(client, make_user("plain"))
    assert client.get("/_jobs", headers=HTML).status_code == 403
    assert client.post("/_jobs/failed/x/retry").status_code == 403


def test_inline_mode_says_so(staff, settings):
    settings.REDIS_URL = ""
    page = staff.get("/_jobs", headers=HTML)
    assert page.status_code == 200 and "jobs run inline" in page.text
    assert staff.get("/_jobs").json["inline"] is True
    assert staff.post("/_jobs/failed/x/retry").status_code == 409


def test_failed_jobs_retry_and_delete(staff, rq):
    failed = [boom.enqueue("one"), boom.enqueue("two")]
    add.enqueue_in(3600, 1, 2)
    rq()
    data = staff.get("/_jobs").json
    assert data["inline"] is False and data["error"] is None
    assert {j["id"] for j in data["failed"]} == {h.id for h in failed}
    assert any("ValueError: boom: one" in j["exc_info"] for j in data["failed"])
    assert [q["failed"] for q in data["queues"] if q["name"] == "default"] == [2]
    assert len(data["scheduled"]) == 1 and data["scheduled"][0]["scheduled_for"]
    page = staff.get("/_jobs", headers=HTML)
    assert "boom: two" in page.text and "Traceback" in page.text

    retried = staff.post(f"/_jobs/failed/{failed[0].id}/retry")
    assert retried.status_code == 200 and retried.json == {"requeued": failed[0].id}
    assert len(get_queue("default")) == 1
    assert staff.post(f"/_jobs/failed/{failed[1].id}/delete").json == {"deleted": failed[1].id}
    assert monitor.failed_jobs() == []
    assert failed[1].status == "expired"


@pytest.mark.parametrize("job_id", ["nope", "x" * 300, "%27%20OR%201=1", "..%2F..%2Fetc",
                                    "%00"])
def test_hostile_job_ids_are_404(staff, rq, job_id):
    boom.enqueue("keep")
    rq()
    for action in ("retry", "delete"):
        response = staff.post(f"/_jobs/failed/{job_id}/{action}")
        assert response.status_code in (404, 400), response.text
    assert len(monitor.failed_jobs()) == 1


def test_redis_down_is_503_not_500(staff, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    page = staff.get("/_jobs", headers=HTML)
    assert page.status_code == 503 and "unreachable" in page.text
    assert staff.post("/_jobs/failed/x/retry").status_code == 503


def test_linked_from_the_admin_front_page_for_staff(staff, client, make_user, login):
    front = staff.get("/admin/", headers=HTML)
    assert front.status_code == 200
    assert 'href="/_jobs"' in front.text
    assert "Background jobs" in front.text
