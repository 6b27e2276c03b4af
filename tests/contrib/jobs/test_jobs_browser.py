"""The dashboard in a real headless Chromium: a staff member retries and deletes failed jobs."""

import pytest
from testproject.worklog.jobs import boom

from rustforge.queue import get_queue, monitor

pytestmark = pytest.mark.slow


def test_staff_retries_and_deletes_in_the_browser(browser, live_server, make_user, rq):
    make_user("boss", is_staff=True)
    retry_me, delete_me = boom.enqueue("retry me"), boom.enqueue("delete me")
    rq()
    page = browser.new_page()
    page.goto(f"{live_server.url}/_jobs")
    assert "/accounts/login?next=" in page.url
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/_jobs")
    assert page.title() == "Background jobs"
    assert page.text_content('#queues tr[data-queue="default"] .failed-count') == "2"
    row = page.locator(f'#failed tr[data-job="{retry_me.id}"]')
    assert "ValueError: boom: retry me" in row.text_content()
    row.locator("summary").click()                       # the traceback unfolds
    assert "Traceback (most recent call last)" in row.locator("pre").inner_text()

    row.locator("button.retry").click()                  # a POST with the page's CSRF token
    page.wait_for_url(f"{live_server.url}/_jobs?done=requeued")
    assert page.text_content("#message") == "Done: requeued."
    assert page.locator(f'#failed tr[data-job="{retry_me.id}"]').count() == 0
    assert retry_me.id in get_queue("default").job_ids

    page.locator(f'#failed tr[data-job="{delete_me.id}"] button.delete').click()
    page.wait_for_url(f"{live_server.url}/_jobs?done=deleted")
    assert "No failed jobs." in page.text_content("main")
    assert monitor.failed_jobs() == []


def test_a_cross_site_post_is_refused(browser, live_server, make_user, rq):
    make_user("boss", is_staff=True)
    failed = boom.enqueue("stays")
    rq()
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    evil = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{evil}/accounts/login")
    page.set_content(f'<form id=f method=post action="{live_server.url}/_jobs/failed/'
                     f'{failed.id}/delete"></form>')
    with page.expect_response(lambda r: r.url.endswith("/delete")) as info:
        page.evaluate("document.getElementById('f').submit()")
    assert info.value.status == 403
    assert [j.id for j in monitor.failed_jobs()] == [failed.id]
