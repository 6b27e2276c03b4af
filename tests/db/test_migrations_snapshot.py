"""The reviewed SQL snapshots in the repository's ``migrations/`` folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from _migration_helpers import write

from rustforge.db.migrations.snapshot import builtin_apps, default_folder, render, snapshot_path

REPO = Path(__file__).resolve().parents[2]


def _postgres_url(test_database_url: str) -> str | None:
    return test_database_url if test_database_url.startswith("postgres") else None


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_committed_snapshot_matches_the_builtin_migrations(vendor, test_database_url):
    url = None
    if vendor == "postgresql":
        url = _postgres_url(test_database_url)
        if url is None:
            pytest.skip("needs PostgreSQL: set RUSTFORGE_TEST_DATABASE_URL")
    assert default_folder() == REPO / "migrations"
    committed = snapshot_path(REPO / "migrations", vendor).read_text(encoding="utf-8")
    current = render(vendor, builtin_apps(), url)
    assert committed == current, (
        f"migrations/{vendor}.sql is out of date with the built-in apps' migrations; "
        "run `rustforge sqlsnapshot` and review the diff")


ITEM = """
    import peewee as pw


    def migrate(migrator, database, *, fake=False):
        @migrator.create_model
        class Item(pw.Model):
            name = pw.CharField(max_length=50, unique=True)

            class Meta:
                table_name = "snapapp_item"
                legacy_table_names = False


    def rollback(migrator, database, *, fake=False):
        migrator.remove_model("snapapp_item")
"""

ADD_PRICE = """
    import peewee as pw

    dependencies = [("snapdep", "001_initial")]


    def migrate(migrator, database, *, fake=False):
        migrator.add_fields("snapapp_item", price=pw.IntegerField(null=True))


    def rollback(migrator, database, *, fake=False):
        migrator.remove_fields("snapapp_item", "price")
"""


def test_snapshot_command_writes_checks_and_detects_drift(tmp_path, test_database_url,
                                                          rustforge_bin):
    """The mechanism, on apps of the test's own (no built-in app ships
    migrations yet): generate, check clean, add a migration, check fails."""
    code = tmp_path / "code"
    write(code / "snapapp" / "__init__.py", "")
    write(code / "snapapp" / "migrations" / "__init__.py", "")
    write(code / "snapapp" / "migrations" / "001_initial.py", ITEM)
    write(code / "snapdep" / "__init__.py", "")
    write(code / "snapdep" / "migrations" / "001_initial.py", """
        def migrate(migrator, database, *, fake=False):
            migrator.sql("CREATE TABLE snapdep_flag (id INTEGER PRIMARY KEY)")
    """)
    out = tmp_path / "snapshots"
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("RUSTFORGE_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    env.pop("RUSTFORGE_SNAPSHOT_POSTGRES_URL", None)
    pg = _postgres_url(test_database_url)
    if pg:
        env["RUSTFORGE_SNAPSHOT_POSTGRES_URL"] = pg
    vendors = ["sqlite", "postgresql"] if pg else ["sqlite"]

    def run(*args):
        return subprocess.run([rustforge_bin, "sqlsnapshot", "--output", str(out),
                               "--app", "snapapp", "--app", "snapdep", *args],
                              env=env, capture_output=True, text=True, timeout=120,
                              check=False)

    assert run("--check").returncode == 1, "a missing snapshot is drift"
    written = run()
    assert written.returncode == 0, written.stderr
    for vendor in vendors:
        text = snapshot_path(out, vendor).read_text()
        assert "-- snapapp.001_initial" in text
        assert 'CREATE TABLE IF NOT EXISTS "snapapp_item"' in text
        assert 'CREATE UNIQUE INDEX IF NOT EXISTS "snapapp_item_name"' in text
    checked = run("--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "up to date" in checked.stdout

    write(code / "snapapp" / "migrations" / "002_price.py", ADD_PRICE)
    drift = run("--check")
    assert drift.returncode == 1
    assert "differ from the migrations" in drift.stderr and "Traceback" not in drift.stderr
    assert '+ALTER TABLE "snapapp_item" ADD COLUMN "price" INTEGER;' in drift.stdout
    assert "+-- snapapp.002_price" in drift.stdout

    assert run().returncode == 0
    text = snapshot_path(out, "sqlite").read_text()
    # snapdep's migration is pulled in before the one that depends on it.
    assert text.index("-- snapdep.001_initial") < text.index("-- snapapp.002_price")
    assert run("--check").returncode == 0
