"""A streamed export over real HTTP: a server thread, its own connection and transaction."""

import csv
import io

import pytest
import requests


@pytest.mark.slow
def test_csv_streams_over_http(live_server, ledger):
    from testproject.ledger.models import Account, Entry

    account = Account.get(Account.owner_id == ledger["ada"].id)
    Entry.insert_many([{"account": account.id, "description": f"Live {n}", "amount": n,
                        "booked_on": "2026-06-01"} for n in range(5000)]).execute()
    session = requests.Session()
    session.get(f"{live_server.url}/accounts/login", timeout=10)
    logged_in = session.post(f"{live_server.url}/accounts/login", timeout=10,
                             json={"username": "ada", "password": "correct horse battery staple"},
                             headers={"X-CSRFToken": session.cookies.get("csrftoken", ""),
                                      "Origin": live_server.url})
    assert logged_in.status_code == 200, logged_in.text
    with session.get(f"{live_server.url}/export/entries.csv?description__startswith=Live",
                     stream=True, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["X-Export-Rows"] == "5000"
        assert "Content-Length" not in response.headers  # streamed, not buffered
        pieces = list(response.iter_content(chunk_size=65536))
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode())))
    assert sorted(int(row[2].split()[1]) for row in rows[1:]) == list(range(5000))
    # The server thread's transaction ended with the response: the table is not locked.
    Entry.update(memo="after").where(Entry.account == account.id).execute()
