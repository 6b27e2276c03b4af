"""A large export through a real rq worker process, and its link expiring."""

import csv
import io
import types
from urllib.parse import urlsplit

import pytest


@pytest.mark.slow
def test_large_export_runs_in_a_real_worker(transactional_db, ada_client, ledger, rq_worker,
                                            settings, monkeypatch):
    from testproject.ledger.models import Account, Entry

    account = Account.get(Account.owner_id == ledger["ada"].id)
    Entry.insert_many([{"account": account.id, "description": f"Bulk {n}", "amount": n,
                        "booked_on": "2026-04-01"} for n in range(3000)]).execute()
    settings.EXPORT_SYNC_MAX_ROWS = 1000
    queued = ada_client.get("/export/entries.csv?description__startswith=Bulk")
    assert queued.status_code == 202, queued.text
    status_path = urlsplit(queued.json["status_url"]).path
    assert ada_client.get(status_path).json["status"] == "queued"
    finished = rq_worker()
    assert finished.returncode == 0, finished.stdout + finished.stderr
    status = ada_client.get(status_path).json
    assert status["status"] == "done", status
    assert status["rows_total"] == status["rows_done"] == 3000
    download = urlsplit(status["download_url"]).path
    response = ada_client.get(download)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert sorted(int(row[2].split()[1]) for row in rows[1:]) == list(range(3000))

    # A day (EXPORT_LINK_MAX_AGE) later the same link is refused.
    import rustforge.signing

    later = rustforge.signing.time.time() + settings.EXPORT_LINK_MAX_AGE + 60
    monkeypatch.setattr(rustforge.signing, "time", types.SimpleNamespace(time=lambda: later))
    expired = ada_client.get(download)
    assert expired.status_code == 410
    assert "expired" in expired.json["description"]
