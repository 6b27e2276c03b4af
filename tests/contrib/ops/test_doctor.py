"""manage.py doctor: a readable table, --json, exit 1 when something is wrong."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rustforge.contrib.ops.commands import doctor
from rustforge.contrib.ops.doctor import mask_url


def test_doctor_json_lists_versions_settings_services(db, settings):
    settings.DATABASE_URL = settings.DATABASE_URL  # unchanged: the test database
    result = CliRunner().invoke(doctor, ["--json"])
    data = json.loads(result.output.split("\nError:")[0])
    names = {(row["section"], row["name"]) for row in data["findings"]}
    assert {("environment", "python"), ("packages", "falcon"), ("settings", "SECRET_KEY"),
            ("services", "database"), ("services", "migrations"), ("services", "cache"),
            ("workers", "gunicorn workers"), ("directories", "temporary files")} <= names
    assert data["ok"] is (result.exit_code == 0)
    secret = settings.SECRET_KEY
    assert secret not in result.output


def test_doctor_table_and_exit_code_on_a_broken_service(db, settings):
    settings.CACHE_URL = "memcached://127.0.0.1:1?connect_timeout=0.2&timeout=0.2"
    result = CliRunner().invoke(doctor, [])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if " cache " in line
                and line.startswith("BAD"))
    assert "FAILED" in line and "CacheUnavailable" in line
    assert "services/cache" in result.output


def test_passwords_are_masked():
    assert mask_url("postgresql://app:hunter2@db:5432/site") == \
        "postgresql://app:***@db:5432/site"
    assert mask_url("redis://cache:6379/0") == "redis://cache:6379/0"
    assert mask_url("") == "(empty)"


def test_doctor_deploy_counts_the_deploy_checks(db, settings):
    settings.SECURE_HSTS_SECONDS = 0
    result = CliRunner().invoke(doctor, ["--json", "--deploy"])
    data = json.loads(result.output.split("\nError:")[0])
    warnings = next(row for row in data["findings"]
                    if row["name"] == "check --deploy: warnings")
    assert "security.W008" in warnings["note"]
