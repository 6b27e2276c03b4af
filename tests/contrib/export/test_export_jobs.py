"""Large exports as background jobs: stored filters, progress, storage, signed expiring links."""

import csv
import io
import time
from urllib.parse import urlsplit

import pytest


@pytest.fixture
def queued(transactional_db, ada_client, settings, jobs):
    """Ada's CSV export of her entries over 0, queued because of the row bound."""
    settings.EXPORT_SYNC_MAX_ROWS = 3
    response = ada_client.get("/export/entries.csv?amount__gte=0&filename=mine")
    assert response.status_code == 202, response.text
    return response.json


def path_of(url):
    return urlsplit(url).path


def test_large_export_is_queued_with_its_filter(queued, jobs):
    from rustforge.contrib.export.models import ExportJob

    assert queued["status"] == "queued"
    assert queued["status_url"].endswith(f"/export/jobs/{queued['job']}")
    (recorded,) = jobs.jobs
    assert recorded.path == "rustforge.contrib.export.jobs.run_export"
    assert recorded.args == (queued["job"],)
    record = ExportJob.get_by_id(queued["job"])
    assert record.selection_data == {"filters": [["amount", "gte", "0"]], "ordering": []}
    assert record.filename == "mine.csv"


def test_job_writes_the_file_and_the_link_downloads_it(queued, jobs, ada_client, ledger,
                                                       mailoutbox, storage):
    from testproject.ledger.models import Account, Entry

    from rustforge.events.signals import export_finished

    # Rows added after queueing are exported: the job stores the filter, not row ids.
    account = Account.get(Account.owner_id == ledger["ada"].id)
    Entry.create(account=account, description="Late", amount=7, booked_on="2026-05-01")
    finished = []

    def receiver(sender, **kwargs):
        finished.append(kwargs["job"].id)

    export_finished.connect(receiver, weak=False)
    try:
        assert jobs.run_all() == ["done"]
    finally:
        export_finished.disconnect(receiver)
    status = ada_client.get(path_of(queued["status_url"])).json
    assert status["status"] == "done" and status["progress"] == 1.0
    assert status["rows_total"] == status["rows_done"] == 6
    assert finished == [queued["job"]]
    assert storage.listdir() == [f"exports/{queued['job']}/mine.csv"]
    response = ada_client.get(path_of(status["download_url"]))
    assert response.status_code == 200
    assert 'filename="mine.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 1 + 6 and "Late" in [row[2] for row in rows]
    (message,) = mailoutbox
    assert message.to == ["ada@example.com"]
    assert path_of(status["download_url"]) in message.body


def test_other_users_never_see_the_job(queued, jobs, client, ledger, login):
    jobs.run_all()
    from rustforge.contrib.export.links import download_path

    login(client, ledger["bob"])
    assert client.get(f"/export/jobs/{queued['job']}").status_code == 404
    assert client.get(download_path(queued["job"])).status_code == 404
    assert client.get("/export/jobs/../../etc/passwd").status_code == 404
    assert client.get("/export/jobs/" + "a" * 5000).status_code == 404


def test_expired_and_forged_links(queued, jobs, ada_client, settings):
    from rustforge.contrib.export.links import download_path, make_token

    jobs.run_all()
    old = time.time() - settings.EXPORT_LINK_MAX_AGE - 5
    assert ada_client.get(download_path(queued["job"], now=old)).status_code == 410
    token = make_token(queued["job"])
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert ada_client.get(f"/export/download/{forged}").status_code == 404
    assert ada_client.get("/export/download/nonsense").status_code == 404
    other = make_token("f" * 32)
    assert ada_client.get(f"/export/download/{other}").status_code == 404


def test_link_of_an_unfinished_job_is_404(queued, ada_client):
    from rustforge.contrib.export.links import download_path

    assert ada_client.get(download_path(queued["job"])).status_code == 404
    status = ada_client.get(f"/export/jobs/{queued['job']}").json
    assert status["status"] == "queued" and "download_url" not in status


def test_withdrawn_permission_fails_the_job(queued, jobs, ada_client, ledger):
    from rustforge.contrib.auth.models import UserPermission

    UserPermission.delete().where(UserPermission.user == ledger["ada"].id).execute()
    ledger["ada"].__dict__.pop("_perm_cache", None)
    assert jobs.run_all() == ["failed"]
    status = ada_client.get(f"/export/jobs/{queued['job']}").json
    assert status["status"] == "failed" and "no longer" in status["error"]


def test_failed_job_reports_why(transactional_db, ada_client, settings, jobs):
    settings.EXPORT_PDF_MAX_ROWS = 1
    settings.EXPORT_JOB_PDF_MAX_PAGES = 1
    from testproject.ledger.models import Account, Entry

    account = Account.get(Account.name == "Ada's cash")
    Entry.insert_many([{"account": account.id, "description": f"R{n}", "amount": 1,
                        "booked_on": "2026-01-01"} for n in range(200)]).execute()
    job_id = ada_client.get("/export/entries.pdf").json["job"]
    assert jobs.run_all() == ["failed"]
    status = ada_client.get(f"/export/jobs/{job_id}").json
    assert "more than 1 pages" in status["error"]


def test_cleanup_removes_expired_jobs_and_files(queued, jobs, storage, settings):
    from rustforge.contrib.export.cleanup import remove_expired
    from rustforge.contrib.export.models import ExportJob

    jobs.run_all()
    assert remove_expired() == 0
    assert remove_expired(older_than=0) == 1
    assert storage.listdir() == [] and ExportJob.select().count() == 0


def test_progress_is_committed_while_the_job_runs(queued, jobs, monkeypatch):
    from rustforge.contrib.export import jobs as export_jobs
    from rustforge.contrib.export.models import ExportJob
    from rustforge.contrib.export.registry import exports
    from rustforge.events.signals import post_bulk_update

    monkeypatch.setattr(export_jobs, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(exports["entries"], "chunk_size", 2)
    seen = []

    def watch(sender, **kwargs):
        if sender is ExportJob:
            seen.append(ExportJob.get_by_id(queued["job"]).rows_done)

    post_bulk_update.connect(watch, weak=False)
    try:
        jobs.run_all()
    finally:
        post_bulk_update.disconnect(watch)
    assert seen[:4] == [0, 2, 4, 5]  # started, two chunks, the last row
    assert seen[-1] == 5


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "jsonl"])
def test_every_format_runs_in_the_background(transactional_db, ada_client, jobs, storage, fmt):
    import json

    import openpyxl
    import pypdf

    queued = ada_client.get(f"/export/entries.{fmt}?background=1").json
    assert jobs.run_all() == ["done"]
    status = ada_client.get(f"/export/jobs/{queued['job']}").json
    body = ada_client.get(path_of(status["download_url"])).content
    if fmt == "pdf":
        text = pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text()
        assert "Page 1 of 1" in text and "Привет, мир" in text
    elif fmt == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
        assert len(rows) == 11
    else:
        assert len([json.loads(line) for line in body.decode().splitlines()]) == 10
