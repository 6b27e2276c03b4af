"""``sendtestemail`` run as a real command line against a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[2]
PY = sys.executable


def sendtestemail(*args: str, email_url: str, admins: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ,
           "RUSTFORGE_SETTINGS_MODULE": "mailtest_settings",
           "MAILTEST_EMAIL_URL": email_url, "MAILTEST_ADMINS": admins,
           "PYTHONPATH": os.pathsep.join([str(TESTS / "mail"), str(TESTS)])}
    code = "import sys; from rustforge.management import main; main(prog_name='manage.py')"
    return subprocess.run([PY, "-c", code, "sendtestemail", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.slow
def test_sends_to_addresses_and_admins(smtp_server):
    result = sendtestemail("ada@example.com", "bob@example.com", "--admins",
                           email_url=smtp_server.url(), admins="Root <root@example.com>")
    assert result.returncode == 0, result.stderr
    assert "Sent a test message to ada@example.com, bob@example.com." in result.stdout
    first, second = smtp_server.recorder.messages()
    assert first["Subject"].startswith("Test email from ")
    assert sorted(a.addr_spec for a in first["To"].addresses) == \
        ["ada@example.com", "bob@example.com"]
    assert second["To"].addresses[0].addr_spec == "root@example.com"
    assert second["Subject"].startswith("[RustForge] Test email")


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.slow
def test_server_down_is_one_clear_line(refused_port):
    line = one_line_error(sendtestemail("ada@example.com",
                                        email_url=f"smtp://127.0.0.1:{refused_port}?timeout=2"))
    assert line.startswith("manage.py: error: sending failed: ")
    assert "refused the connection" in line


@pytest.mark.slow
def test_rejected_recipient_is_one_clear_line(smtp_server):
    smtp_server.recorder.replies.append("550 5.1.1 no such mailbox")
    line = one_line_error(sendtestemail("ghost@example.com", email_url=smtp_server.url()))
    assert "550 5.1.1 no such mailbox" in line


@pytest.mark.slow
@pytest.mark.parametrize("args, needle", [
    (("not-an-address",), "invalid address 'not-an-address'"),
    ((), "give at least one ADDRESS"),
    (("--admins",), "ADMINS setting is empty"),
])
def test_bad_input_is_one_clear_line(smtp_server, args, needle):
    result = sendtestemail(*args, email_url=smtp_server.url())
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert needle in result.stderr
    assert smtp_server.recorder.received == []
